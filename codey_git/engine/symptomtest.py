"""A failing test for a symptom the suite does not catch (`git codey fix --write-test`, #21).

Before any fix, the coder writes one new test file from the request, beside the project's tests
(``newtest.new_test_path``). It is kept only when, on the code as it is, pytest collects it and it
fails on the symptom: an assert (or ``pytest.fail``), or an exception raised inside the project's
code. A test that fails on its own mistake (a NameError, a wrong call, an import that does not
resolve: raised in the test file itself, or not collected at all) shows nothing, and neither does
one that passes; either is rejected, and the next try gets pytest's words as feedback, within the
task's attempts. With the test, the whole suite must fail only on it. The run of that suite is
what the fix is then judged against: the test is its failing target.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from codey_git.config import Config
from codey_git.engine import context as ctx
from codey_git.engine import coverage
from codey_git.engine.newtest import ASK, REPLY, SYSTEM, code_block, existing_test_files, new_test_path, test_source
from codey_git.engine.requestnames import defining_files
from codey_git.engine.steps import RETRY_TEMPERATURE
from codey_git.engine.worktrees import Worktree
from codey_git.models.base import Message, Model, NoResponse
from codey_git.progress import Progress
from codey_git.testpaths import is_test_file
from codey_git.testrun import TestRun, run_tests, trim_output, use_sandbox

MAX_MODULES = 3  # modules shown to the test writer
_CALLED = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\(")
_BACKQUOTED = re.compile(r"`([A-Za-z_][\w.]*)")
_RAISED = re.compile(r"^E\s+([A-Z]\w*(?:\.\w+)*):", re.M)
_FRAME = re.compile(r"^((?:[\w.-]+/)*[\w.-]+\.py):\d+: ", re.M)
_ASSERTED = ("AssertionError", "Failed")  # an assert, or pytest.fail()


@dataclass
class SymptomTest:
    path: str | None = None  # the test file written, when one was kept
    source: str | None = None
    run: TestRun | None = None  # the whole suite with the test: it fails only on the test
    why: str | None = None  # why no failing test could be written
    rejected: list[str] = field(default_factory=list)  # why each rejected test was rejected, in order

    def failure(self) -> str:
        """Why no test was kept: each rejected test, then what stopped the tries."""
        parts = [f"test {i} rejected: {why}" for i, why in enumerate(self.rejected, 1)]
        if self.why and (not self.rejected or self.why != self.rejected[-1]):
            parts.append(self.why)
        return "; ".join(parts) or "no test was written"


def write_symptom_test(
    wt: Worktree,
    request: str,
    coder: Model,
    config: Config,
    baseline: TestRun,
    progress: Progress,
    task_id: str,
    deadline: float | None = None,
) -> SymptomTest:
    """See the module docstring. ``baseline``: the whole suite, green, on the worktree's HEAD.
    The worktree is at HEAD again when this returns; the test is in ``path``/``source``."""
    result = SymptomTest()
    code = code_under_test(wt, request)
    path = new_test_path(_stem(code), existing_test_files(wt, baseline), {}, wt, task_id)
    messages = symptom_messages(request, code, path, wt, baseline)
    for attempt in range(1, int(config.attempts) + 1):
        if deadline is not None and time.monotonic() > deadline:
            result.why = "the task's time budget ran out"
            break
        progress.stage(f"writing a test that shows the symptom, attempt {attempt}: {path} ({coder.name})")
        try:
            answer = coder.chat(
                messages,
                purpose="edit",
                max_tokens=int(config.max_tokens),
                temperature=0.0 if attempt == 1 else RETRY_TEMPERATURE,
                seed=attempt * 100 + 7,
            ).text
        except NoResponse as exc:
            result.why = f"the model wrote no test ({exc})"
            break
        source = test_source(answer)
        if source is None:
            why, shown = "the answer held no pytest test (a ```python block defining a test_ function)", ""
        else:
            why, shown, run = judge(wt, path, source, config, baseline)
            if not why and run is not None:
                result.path, result.source, result.run = path, source, run
                progress.info(f"wrote {path}: it fails on the code as it is ({run.summary})")
                return result
        result.rejected.append(why)
        result.why = why
        progress.info(f"test rejected: {why}")
        messages = [*messages, {"role": "assistant", "content": answer}, {"role": "user", "content": feedback(why, shown, path)}]
    return result


def judge(wt: Worktree, path: str, source: str, config: Config, baseline: TestRun) -> tuple[str, str, TestRun | None]:
    """("", "", the whole suite with the test) when ``source`` at ``path`` shows the symptom, else
    (why it is rejected, what pytest said, None). The worktree is at HEAD again after."""
    timeout, sandbox = float(config.test_timeout), use_sandbox(config)
    try:
        wt.reset()
        wt.fs.write_all({path: source})
        alone = run_tests(config.test_command, wt.path, timeout, sandbox=sandbox, select=[path])
        why = _rejection(alone, path)
        if why:
            return why, trim_output(alone.output, 1500), None
        suite = run_tests(config.test_command, wt.path, timeout, sandbox=sandbox)
        if suite.timed_out:
            return "the suite timed out with it", "", None
        broken = sorted(n for n in suite.failed - baseline.failed if n.split("::")[0] != path)
        if broken:
            return "with it, tests that passed before fail: " + ", ".join(broken[:5]), trim_output(suite.output, 1500), None
        if suite.collected is not None and not any(n.split("::")[0] == path for n in suite.failed):
            return "it passes when the whole suite runs, so it does not show the symptom", "", None
        return "", "", suite
    finally:
        wt.reset()


def _rejection(run: TestRun, path: str) -> str:
    """Why the test file ``path``, run alone on the current code, does not show a symptom ("" if it does)."""
    if run.timed_out:
        return "it timed out"
    if run.collected is None:  # not pytest's own report: the exit status is all there is
        return "" if not run.ok else "it passes on the current code, so it does not show the symptom"
    ours = sorted(n for n in run.collected if n.split("::")[0] == path)
    if not ours:
        error = _raised(run.failures.get(path, "") or run.output)
        return "pytest collected no test from it" + (f" ({error} while importing it)" if error else "")
    failed = [n for n in ours if n in run.failed]
    if not failed:
        return "it passes on the current code, so it does not show the symptom"
    for node in failed:
        text = run.failures.get(node, "")
        if run.outcomes.get(node) == "error":
            return f"{node} errors before it runs ({_raised(text) or 'in setup'}), so it does not show the symptom"
        raised = _raised(text)
        asserted = raised in _ASSERTED or (not raised and re.search(r"^E\s+assert\b", text, re.M) is not None)
        frames = _FRAME.findall(text)
        if not asserted and (not frames or frames[-1] == path):
            return (
                f"{node} fails with {raised or 'an error'} raised in the test itself, not with an assert on the symptom "
                "or an error from the code under test"
            )
    return ""


def _raised(text: str) -> str:
    names = _RAISED.findall(text)
    return str(names[-1]).split(".")[-1] if names else ""


def feedback(why: str, shown: str, path: str) -> str:
    said = f"\n\npytest said:\n```\n{shown.strip()}\n```" if shown.strip() else ""
    return (
        f"That test was rejected: {why}.{said}\n\n{ASK}, {path}, again: it must run on the code as it is, and "
        f"fail there on an assert of what the request expects. {REPLY}"
    )


def code_under_test(wt: Worktree, request: str) -> dict[str, list[str]]:
    """The modules the request is about (module path -> the names it mentions there): files it
    names, then the files that define the functions it calls or quotes."""
    focus = ctx.parse_request(request, wt.path)
    out: dict[str, list[str]] = {f: [] for f in focus.files if coverage.is_code(f) and not is_test_file(f)}
    names = list(dict.fromkeys([*_BACKQUOTED.findall(request), *_CALLED.findall(request)]))
    for name in names:
        for path in defining_files(wt.repo, name):
            if not is_test_file(path):
                out.setdefault(path, [])
                if name.split(".")[-1] not in out[path]:
                    out[path].append(name.split(".")[-1])
    return dict(list(out.items())[:MAX_MODULES])


def _stem(code: dict[str, list[str]]) -> str:
    for path, names in code.items():
        module = coverage.module_name(path).split(".")[-1] or "module"
        return "_".join(filter(None, [module, (names[0].lower().strip("_") if names else "")]))
    return "symptom"


def symptom_messages(request: str, code: dict[str, list[str]], path: str, wt: Worktree, baseline: TestRun) -> list[Message]:
    examples = existing_test_files(wt, baseline)[:1]
    body = [
        f"The bug report: {request}",
        *(code_block(module, names, wt.read(module) or "", "as it is now, with the bug") for module, names in code.items()),
        *(
            f"An existing test file, {t}, for the project's style and imports:\n```python\n{(wt.read(t) or '')[:1500]}\n```"
            for t in examples
        ),
        f"{ASK}, {path}, that shows this bug: it must fail on the code as it is now, on an assert of what the "
        f"report expects, and pass once the bug is fixed. Do not fix the code. {REPLY}",
    ]
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n\n".join(body)}]


def untested_code(wt: Worktree, request: str, run: TestRun) -> list[str]:
    """What the request is about that no test file imports and names: "format_version in fmt.py"."""
    tests = {t: wt.read(t) or "" for t in existing_test_files(wt, run)}
    out = []
    for path, names in code_under_test(wt, request).items():
        for name in names or [coverage.MODULE]:
            if not any(coverage.covers(source, test, path, name) for test, source in tests.items()):
                out.append(path if name == coverage.MODULE else f"{name} in {path}")
    return out
