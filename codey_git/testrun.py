"""Running the user's tests in a worktree and reading what pytest said.

The default command ``python -m pytest -q`` runs with the ``python`` on PATH (the user's
environment), or with codey's own interpreter when that one lacks pytest. The worktree's source
roots go first on the import path, so an editable install of the user's package from the main
tree does not shadow the code under test, and nothing is written into the user's tree.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from codey_git import proc
from codey_git import sandbox as sandboxing
from codey_git.errors import TestCommandError
from codey_git.testpaths import is_test_file

if TYPE_CHECKING:
    from codey_git.config.settings import SettingsBase

_S = TypeVar("_S", bound="SettingsBase")

_SUMMARY = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?)")
_FAILED_LINE = re.compile(r"^(FAILED|ERROR) (\S+?)(?: - .*)?$", re.M)
_SECTION = re.compile(r"^_{3,} (.+?) _{3,}$", re.M)
PYTEST_EXTRA = ["--tb=short", "-rfE", "-p", "no:cacheprovider", "--color=no"]
SHELL_CHARS = set("|&;<>()$`*?[]{}~")


@dataclass
class TestRun:
    __test__ = False
    returncode: int
    output: str
    counts: dict[str, int] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)  # node ids of failed/errored tests
    sections: dict[str, str] = field(default_factory=dict)  # test name -> its failure text
    timed_out: bool = False
    seconds: float = 0.0
    is_pytest: bool = True
    # from codey's pytest plugin (None when it did not report: not pytest, or a shell command)
    collected: set[str] | None = None  # node ids pytest collected to run
    outcomes: dict[str, str] = field(default_factory=dict)  # node id -> passed/failed/error/skipped/...
    failures: dict[str, str] = field(default_factory=dict)  # node id -> pytest's failure text (its --tb)
    doctests: set[str] = field(default_factory=set)  # collected node ids that are doctests in library code
    command: str = ""  # what really ran (the interpreter chosen, codey's pytest options)
    tree: Path | None = None  # where it ran
    selected: bool = False  # only some node ids ran (run_tests' ``select``)
    # with run_tests' ``lines``: node id -> repo-relative file -> the project lines the test ran
    lines: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    # how to run these tests again: (test command, timeout, sandbox); None for a run made by hand
    how: tuple[str, float, bool] | None = None

    @property
    def summary(self) -> str:
        if self.timed_out:
            return "timed out"
        order = ["passed", "failed", "error", "skipped", "xfailed", "xpassed"]
        parts = [f"{self.counts[k]} {k}" for k in order if self.counts.get(k)]
        return ", ".join(parts) or ("passed" if self.returncode == 0 else f"exit {self.returncode}")

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


@functools.lru_cache(maxsize=16)
def _has_pytest(python: str) -> bool:
    return proc.run([python, "-c", "import pytest"], timeout=60).ok


def _python_with_pytest(path_env: str, project: str | None = None) -> str:
    """The interpreter the tests run with: the project's own virtualenv (``.venv/`` or ``venv/``
    in the repository, as uv, Poetry's in-project setting, Hatch and plain venv make it) when it
    has pytest; else ``python`` on PATH (an active virtualenv comes first there); else codey's own."""
    candidates = [os.path.join(project, env, "bin", "python") for env in (".venv", "venv")] if project else []
    found = shutil.which("python", path=path_env) or shutil.which("python3", path=path_env)
    for python in [*candidates, found]:
        if python and os.path.isfile(python) and _has_pytest(python):
            return python
    return sys.executable


def project_root(tree: Path) -> Path:
    """The user's repository for a scratch worktree under ``<repo>/.git/codey/worktrees/``."""
    parts = Path(tree).parts
    return Path(*parts[: parts.index(".git")]) if ".git" in parts else Path(tree)


def resolve_command(command: str, env: dict[str, str], project: Path | None = None) -> tuple[list[str] | str, bool, bool]:
    """(argv or shell string, use_shell, is_pytest)."""
    if any(c in SHELL_CHARS for c in command):
        return command, True, "pytest" in command
    argv = shlex.split(command)
    if not argv:
        raise TestCommandError("the test command is empty", "Set `test_command` in .codey.yml.")
    if argv[0] in ("python", "python3"):
        argv[0] = _python_with_pytest(env.get("PATH", ""), str(project) if project else None)
    is_pytest = "pytest" in " ".join(argv[:3])
    if is_pytest:
        argv += [a for a in PYTEST_EXTRA if a not in argv]
    return argv, False, is_pytest


def source_roots(tree: Path) -> list[str]:
    roots = [str(tree)]
    if (tree / "src").is_dir():
        roots.insert(0, str(tree / "src"))
    return roots


def test_env(tree: Path) -> dict[str, str]:
    env = dict(os.environ)
    old = env.get("PYTHONPATH")
    env["PYTHONPATH"] = os.pathsep.join(source_roots(tree) + ([old] if old else []))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTEST_ADDOPTS", None)
    return env


def parse_pytest(output: str) -> tuple[dict[str, int], set[str], dict[str, str]]:
    counts: dict[str, int] = {}
    tail = output.strip().splitlines()[-1:] if output.strip() else []
    for line in reversed(output.strip().splitlines()):
        if re.search(r"\bin [\d.]+s\b", line) and _SUMMARY.search(line):
            tail = [line]
            break
    for num, word in _SUMMARY.findall(tail[0] if tail else ""):
        key = {"errors": "error", "warnings": "warning"}.get(word, word)
        counts[key] = int(num)
    failed = {m.group(2) for m in _FAILED_LINE.finditer(output)}
    sections: dict[str, str] = {}
    headers = list(_SECTION.finditer(output))
    for i, h in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(output)
        body = output[h.end() : end]
        body = re.split(r"^=+ .*=+$", body, maxsplit=1, flags=re.M)[0]
        sections[h.group(1).strip()] = body.strip("\n")
    return counts, failed, sections


PLUGIN_DIR = str(Path(__file__).with_name("pytest_plugin"))
PLUGIN = "codey_pytest_report"


def _needed_paths(argv: str | list[str], env: dict[str, str]) -> list[str]:
    """What a sandboxed run reads besides the worktree: the interpreter's environment (a venv
    is found from the path it was started by, not the one it resolves to), the import path
    (codey's plugin included) and codey's own interpreter."""
    first = shlex.split(argv)[0] if isinstance(argv, str) and argv.strip() else (argv[0] if argv else "")
    paths = [str(Path(first).parent.parent)] if os.path.isabs(first) else []
    paths += [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    return [*paths, sys.prefix, sys.base_prefix]


def run_tests(
    command: str, tree: Path, timeout: float, *, sandbox: bool = False, select: list[str] | None = None, lines: bool = False
) -> TestRun:
    """Run the test command in ``tree``; ``sandbox``: inside bwrap (see codey_git.sandbox);
    ``select``: only these pytest node ids (when the command is a plain pytest command line;
    ``TestRun.selected`` says whether the selection applied); ``lines``: record each test's line
    coverage of the project's own code (``TestRun.lines``)."""
    env = test_env(tree)
    argv, shell, is_pytest = resolve_command(command, env, project_root(tree))
    selected = bool(select) and is_pytest and not shell
    if selected:
        argv = [*argv, *(select or [])]
    with tempfile.TemporaryDirectory(prefix="codey-pytest-") as tmp:
        # in the sandbox only its home is shared with us (it gets a fresh /tmp): the report goes there
        home = Path(tmp) / "home"
        home.mkdir()
        report = (home if sandbox else Path(tmp)) / "codey-pytest-report.jsonl"
        if is_pytest and not shell:
            # pytest's own report, by node id; the plugin's folder goes last on the import path
            argv = [*argv, "-p", PLUGIN]
            env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], PLUGIN_DIR])
            env["CODEY_PYTEST_REPORT"] = str(report)
            if lines:
                env["CODEY_PYTEST_LINES"] = os.path.realpath(tree)
        env.pop("CODEY_PYTEST_REPORT_TAKEN", None)
        if not lines:
            env.pop("CODEY_PYTEST_LINES", None)
        if sandbox:
            argv = sandboxing.wrap(
                ["/bin/sh", "-c", argv] if isinstance(argv, str) else list(argv), tree, home, needed=_needed_paths(argv, env)
            )
            shell = False
        try:
            result = proc.run(argv, cwd=tree, env=env, timeout=timeout, shell=shell, watchdog=True)
        except Exception as exc:  # missing program
            raise TestCommandError(
                f"cannot run the test command {command!r}: {exc}", "Check `test_command` in .codey.yml or CODEY_TEST_COMMAND."
            ) from None
        records = _read_report(report)
    out = result.output
    run = TestRun(
        result.returncode,
        out,
        timed_out=result.timed_out,
        seconds=result.seconds,
        is_pytest=is_pytest,
        command=argv if isinstance(argv, str) else shlex.join(argv),
        tree=Path(tree),
        selected=selected,
        how=(command, timeout, sandbox),
    )
    if is_pytest:
        run.counts, run.failed, run.sections = parse_pytest(out)
        if records is not None:
            _apply_report(run, records)
    return run


def _read_report(path: Path) -> list[dict[str, Any]] | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    records = []
    for line in text.splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut by a kill
    return records or None


# one test can report several times (subtests): any failure wins; a pass beats a skipped subtest
_RANK = {"failed": 5, "error": 4, "xpassed": 3, "xfailed": 2, "passed": 1, "skipped": 0}


def _apply_report(run: TestRun, records: list[dict[str, Any]]) -> None:
    """Node ids and outcomes from pytest itself, instead of what the terminal text suggests."""
    collected: set[str] = set()
    outcomes: dict[str, str] = {}
    errors: set[str] = set()
    failures: dict[str, str] = {}
    for rec in records:
        event = rec.get("event")
        if event == "collected":
            collected.update(rec.get("nodeids") or [])
            run.doctests.update(rec.get("doctests") or [])
        elif event == "collect_error":
            nodeid = str(rec.get("nodeid") or "<collection>")
            errors.add(nodeid)
            failures[nodeid] = str(rec.get("text") or "")
        elif event == "test":
            nodeid, outcome = str(rec.get("nodeid")), str(rec.get("outcome"))
            if nodeid not in outcomes or _RANK.get(outcome, 0) >= _RANK.get(outcomes[nodeid], 0):
                outcomes[nodeid] = outcome
            if rec.get("text") and outcome in ("failed", "error"):
                failures[nodeid] = (failures.get(nodeid, "") + "\n" + str(rec["text"])).strip("\n")
        elif event == "lines" and isinstance(rec.get("lines"), dict):
            run.lines[str(rec.get("nodeid"))] = rec["lines"]
    run.collected = collected
    run.outcomes = outcomes
    run.failures = failures
    run.failed = {n for n, o in outcomes.items() if o in ("failed", "error")} | errors


def sandbox_mode(config: SettingsBase) -> str:
    """auto, on or off (YAML reads a bare on/off as true/false)."""
    value = config.get("sandbox", "auto")
    if value is None:
        return "auto"
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def use_sandbox(config: SettingsBase, *, unattended: bool = False) -> bool:
    """Whether test runs go through the sandbox: ``sandbox: on`` always (a usage error when it
    cannot), ``auto`` for unattended runs (recipes, CI) when it works here, ``off`` never."""
    mode = sandbox_mode(config)
    if mode == "off" or (mode == "auto" and not unattended):
        return False
    info = sandboxing.detect()
    if mode == "on" and not info.available:
        raise TestCommandError(
            f"sandbox: on, but no sandbox can be used here: {info.detail}",
            "Install bubblewrap, or set `sandbox: auto` or `off` in .codey.yml.",
        )
    return info.available


def unattended(config: _S) -> _S:
    """``config`` for a run nobody watches (recipes, CI): ``sandbox: auto`` becomes ``on`` when a
    sandbox works here."""
    if sandbox_mode(config) == "auto" and sandboxing.detect().available:
        return config.with_overrides({"sandbox": "on"})
    return config


def collected_nothing(run: TestRun) -> bool:
    """pytest ran and found no test (its exit 5)."""
    return run.is_pytest and run.returncode == 5


def check_baseline(run: TestRun, command: str, timeout: float, *, no_tests_hint: str | None = None) -> None:
    """Refuse to start when the tests cannot tell success from failure. ``no_tests_hint``: what to
    do when pytest found no test, where the caller has a better answer than adding tests."""
    if run.timed_out:
        raise TestCommandError(
            f"the tests did not finish within {timeout:g} s", "Raise `test_timeout` in .codey.yml, or narrow `test_command`."
        )
    if run.returncode == 127 or "No module named pytest" in run.output:
        raise TestCommandError(
            f"the test command was not found: {command!r}", "Install pytest in your environment or set `test_command`."
        )
    if collected_nothing(run):
        raise TestCommandError(
            "no tests found: pytest collected nothing",
            no_tests_hint or "Add pytest tests (tests/test_*.py) or set `test_command` in .codey.yml.",
        )
    missing = _missing_module(run)
    if missing:
        raise TestCommandError(
            f"the tests cannot run here: no module named {missing!r} (pytest could not collect them); they ran as: {run.command}",
            f"Install {missing!r} in the environment the tests run with (a .venv/ or venv/ in the repository "
            "is used when it has pytest), or set `test_command`. Nothing was asked of the model.",
        )
    if run.is_pytest and run.returncode in (3, 4):
        raise TestCommandError(
            f"pytest could not run (exit {run.returncode}): {trim_output(run.output, 400)}",
            "Run the test command yourself to see what is wrong.",
        )


_NO_MODULE = re.compile(r"No module named '([\w.]+)'")


def _missing_module(run: TestRun) -> str | None:
    """A module the tests import that is neither installed nor part of the repository: the
    environment is missing something, which no edit of the code can fix."""
    if not run.is_pytest or run.returncode not in (1, 2):
        return None
    texts = [t for n, t in run.failures.items() if "::" not in n] if run.failures else [run.output]
    root = project_root(run.tree) if run.tree else None
    declared = _declared_dependencies(root) if root else ""
    for text in texts:
        for match in _NO_MODULE.finditer(text):
            name, top = match.group(1), match.group(1).split(".")[0]
            if root is not None and any((root / p).exists() for p in (top, f"{top}.py", f"src/{top}")):
                continue  # the project's own module: a bug codey may fix
            frames = _FRAME_LINE.findall(text[: match.start()])
            importer = frames[-1] if frames else ""
            if is_test_file(importer) or re.search(rf"(?<![\w-]){re.escape(top)}(?![\w-])", declared, re.I):
                return name  # a test's or a declared dependency: the environment lacks it
    return None


_FRAME_LINE = re.compile(r"^([^\s:][^:\n]*\.py):\d+: in ", re.M)


def _declared_dependencies(root: Path) -> str:
    """The text of the files where a project declares what it needs."""
    out = []
    for name in (
        "pyproject.toml",
        "setup.cfg",
        "setup.py",
        "requirements.txt",
        "requirements-dev.txt",
        "requirements-test.txt",
        "tox.ini",
    ):
        try:
            out.append((root / name).read_text(encoding="utf-8", errors="replace")[:200_000])
        except OSError:
            continue
    return "\n".join(out)


def trim_output(text: str, limit: int = 2000) -> str:
    """Failures first, bounded: the part of pytest output worth a model's tokens."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    start = text.find("= FAILURES =")
    if start < 0:
        start = text.find("= ERRORS =")
    if start >= 0:
        text = text[start:]
    if len(text) <= limit:
        return text.strip()
    return (text[: limit - 200] + "\n[...]\n" + text[-180:]).strip()
