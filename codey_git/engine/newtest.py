"""An edit's code must be exercised by a test before it lands (#17 item 4).

After a step's edit passed the suite, ``cover_step`` finds the code it changed that no test names
(``coverage``). For that code the coder is asked for a new test file, written from the request.
It is kept only when it fails on the tree before the edit and passes after it with the whole
suite green; it is then committed with the change. It never changes an existing test file. What
stays uncovered is reported, and the runner keeps the commit on its codey/... branch.
"""

from __future__ import annotations

import ast
import re
import time
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import pygit2

from codey_git.config import Config
from codey_git.engine import coverage
from codey_git.engine.gate import step_passed
from codey_git.engine.worktrees import Worktree
from codey_git.models.base import Message, Model, NoResponse
from codey_git.progress import Progress
from codey_git.testpaths import is_test_file
from codey_git.testrun import TestRun, run_tests, use_sandbox

ASK = "Write one pytest test file"  # scripted test answers match on this (`when:`)
_FENCE = re.compile(r"```(?:python|py)?[ \t]*\n(.*?)```", re.S)
_SOURCE_CHARS = 6000


@dataclass
class Coverage:
    tested_by: list[str] = field(default_factory=list)  # test files (or written test node ids) naming the code
    untested: list[str] = field(default_factory=list)  # "stats.py: stdev", what no test exercises
    written: str | None = None  # the test file codey wrote and committed with the change
    run: TestRun | None = None  # the whole suite with that test, when one was written
    why: str | None = None  # why no test could be written


def head_text(wt: Worktree, path: str) -> str | None:
    """``path`` as the worktree's HEAD has it (before the step's edit), None when absent."""
    try:
        blob = wt.repo.head.peel(pygit2.Commit).tree[path]
    except (KeyError, pygit2.GitError, ValueError):
        return None
    return blob.data.decode("utf-8", "replace") if isinstance(blob, pygit2.Blob) else None


def existing_test_files(wt: Worktree, run: TestRun | None) -> list[str]:
    """The project's test files: those the run collected, else those named like tests."""
    if run is not None and run.collected is not None:
        files = {nid.split("::")[0] for nid in run.collected if nid not in run.doctests}
        return sorted(f for f in files if f.endswith(".py"))
    found = []
    for path in sorted(wt.path.rglob("*.py")):
        rel = path.relative_to(wt.path).as_posix()
        if is_test_file(rel) and not any(p.startswith(".") for p in PurePosixPath(rel).parts):
            found.append(rel)
    return found[:500]


def _needed(wt: Worktree, changes: dict[str, str | None]) -> dict[str, list[str]]:
    out = {}
    for path, text in changes.items():
        if coverage.is_code(path):
            names = coverage.changed_names(head_text(wt, path), text)
            if names:
                out[path] = names
    return out


def _uncovered(needed: dict[str, list[str]], tests: dict[str, str], found: list[str]) -> dict[str, list[str]]:
    """What of ``needed`` none of ``tests`` (path -> source) covers; the covering files go to ``found``."""
    left: dict[str, list[str]] = {}
    for path, names in needed.items():
        for name in names:
            hits = [t for t, src in tests.items() if coverage.covers(src, t, path, name)]
            found.extend(h for h in hits if h not in found)
            if not hits:
                left.setdefault(path, []).append(name)
    return left


def cover_step(
    wt: Worktree,
    request: str,
    coder: Model,
    config: Config,
    changes: dict[str, str | None],
    diff: str,
    run: TestRun,
    progress: Progress,
    task_id: str,
    deadline: float | None = None,
) -> Coverage:
    """See the module docstring. ``changes`` is the step's accepted edit (written in the worktree),
    ``run`` the whole suite on it. The worktree holds the edit again when this returns."""
    result = Coverage()
    needed = _needed(wt, changes)
    if not needed:
        return result
    files = existing_test_files(wt, run)
    theirs = {t: wt.read(t) or "" for t in files if t not in changes}
    left = _uncovered(needed, theirs, result.tested_by)
    own = {t: changes[t] or "" for t in files if t in changes and changes[t] is not None}
    if left and own:  # tests the edit wrote itself count only when they fail without it
        found: list[str] = []
        rest = _uncovered(left, own, found)
        if found and verify(wt, changes, {t: own[t] for t in found}, config, run)[0]:
            left = rest
            result.tested_by.extend(t for t in found if t not in result.tested_by)
    if not left:
        return result
    if deadline is not None and time.monotonic() > deadline:
        result.why = "the task's time budget ran out before a test could be written"
    else:
        progress.stage("writing a test: no test names " + _describe(left))
        result.why = _write_test(wt, request, coder, config, changes, diff, run, left, files, task_id, result)
    if result.written:
        left = _uncovered(left, {result.written: changes[result.written] or ""}, [])
    result.untested = [f"{path}: {', '.join(names)}" for path, names in left.items()]
    return result


def _describe(left: dict[str, list[str]]) -> str:
    return "; ".join(
        f"{', '.join('module code' if n == coverage.MODULE else n for n in names)} in {path}" for path, names in left.items()
    )


def _write_test(
    wt: Worktree,
    request: str,
    coder: Model,
    config: Config,
    changes: dict[str, str | None],
    diff: str,
    run: TestRun,
    left: dict[str, list[str]],
    files: list[str],
    task_id: str,
    result: Coverage,
) -> str | None:
    path = test_path(left, files, changes, wt, task_id)
    try:
        answer = coder.chat(
            test_messages(request, diff, left, path, changes),
            purpose="edit",
            max_tokens=int(config.max_tokens),
            temperature=0.0,
            seed=7,
        ).text
    except NoResponse as exc:
        return f"the model wrote no test ({exc})"
    source = test_source(answer)
    if source is None:
        return "the model's answer held no pytest test"
    ok, why, after = verify(wt, changes, {path: source}, config, run)
    if not ok or after is None:  # a test that is kept always comes with the run that kept it
        return f"the written test was not kept: {why}"
    changes[path] = source
    wt.fs.write_all({path: source})
    result.written, result.run = path, after
    result.tested_by.extend(sorted(n for n in (after.collected or {path}) if n.split("::")[0] == path))
    return None


def test_path(left: dict[str, list[str]], files: list[str], changes: dict[str, str | None], wt: Worktree, task_id: str) -> str:
    """A new test file beside the existing tests: tests/test_<module>_<name>.py, never one there is."""
    code = next(iter(left))
    name = next((n.split(".")[-1] for n in left[code] if n != coverage.MODULE), "")
    module = coverage.module_name(code).split(".")[-1] or "module"
    return new_test_path("_".join(filter(None, [module, name.lower().strip("_")])), files, changes, wt, task_id)


def new_test_path(stem: str, files: list[str], changes: dict[str, str | None], wt: Worktree, task_id: str) -> str:
    """tests/test_<stem>.py in the folder most of ``files`` (the existing tests) are in, or
    test_<stem>_<task id>.py when that is taken: never a file there is."""
    folders = [str(PurePosixPath(f).parent) for f in files if "/" in f]
    folder = max(set(folders), key=folders.count) if folders else "tests"
    taken = {PurePosixPath(f).name for f in files} | {PurePosixPath(p).name for p in changes}
    for candidate in (f"test_{stem}.py", f"test_{stem}_{task_id}.py"):
        rel = f"{folder}/{candidate}"
        if candidate not in taken and head_text(wt, rel) is None and not wt.fs.is_file(rel):
            return rel
    return f"{folder}/test_codey_{task_id}.py"


SYSTEM = "You write small, exact pytest tests for Python code."
REPLY = "Use plain asserts with exact expected values you are sure of. Reply with the file's content in one ```python block, nothing else."


def code_block(module: str, names: list[str], source: str, state: str) -> str:
    """One module's source for a test prompt, saying how to import it and what to test."""
    shown = [n for n in names if n != coverage.MODULE]
    return (
        f"{module} {state} (import it as `{coverage.module_name(module)}`"
        + (f"; test {', '.join(shown)}" if shown else "")
        + "):\n```python\n"
        + source[:_SOURCE_CHARS].rstrip()
        + "\n```"
    )


def test_messages(
    request: str, diff: str, left: dict[str, list[str]], path: str, changes: dict[str, str | None]
) -> list[Message]:
    body = [
        f"The request: {request}",
        f"The change made for it:\n```diff\n{diff.strip()[:3000]}\n```",
        *(code_block(module, names, changes.get(module) or "", "after the change") for module, names in left.items()),
        f"{ASK}, {path}, that checks what the request asks for. It must fail on the code before the "
        f"change and pass after it. {REPLY}",
    ]
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n\n".join(body)}]


def test_source(answer: str) -> str | None:
    """The test file in the answer: its first fenced block (or the answer itself) when it parses
    and defines a test."""
    blocks: list[str] = _FENCE.findall(answer)  # one group: each block's text
    for text in [*blocks, answer]:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        if any(
            isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            and n.name.startswith("test")
            or isinstance(n, ast.ClassDef)
            and n.name.startswith("Test")
            for n in tree.body
        ):
            return text.rstrip() + "\n"
    return None


def verify(
    wt: Worktree, changes: dict[str, str | None], tests: dict[str, str], config: Config, run: TestRun
) -> tuple[bool, str, TestRun | None]:
    """Whether ``tests`` fail on the tree before the edit and pass after it, with the whole suite
    as green as ``run`` (the suite on the edit alone). The worktree holds the edit again after."""
    timeout, sandbox = float(config.test_timeout), use_sandbox(config)
    try:
        wt.reset()
        wt.fs.write_all(tests)
        before = run_tests(config.test_command, wt.path, timeout, sandbox=sandbox, select=sorted(tests))
        if before.timed_out:
            return False, "it timed out before the change", None
        failed = any(f.split("::")[0] in tests for f in before.failed) if before.collected is not None else not before.ok
        if not failed:
            return False, "it passes without the change, so it does not test it", None
        wt.reset()
        wt.fs.write_all({**changes, **tests})
        after = run_tests(config.test_command, wt.path, timeout, sandbox=sandbox)
        ours = {n for n in (after.collected or ()) if n.split("::")[0] in tests}
        if after.collected is not None and not ours:
            return False, "pytest collected no test from it", after
        ok, why = step_passed(run, after, ours, same_tests=True) if after.collected is not None else (after.ok, "the tests fail")
        return ok, ("" if ok else f"with the change: {why}"), after
    finally:
        wt.reset()
        wt.fs.write_all(changes)
