"""Test-backed review: the repository's own tests as evidence.

The tests that the change can affect (``importgraph``) run on the staged snapshot, in a scratch
worktree of the index's tree (``snapshot``): what is about to be committed, without the unstaged
or untracked files of the working tree. A test that fails there is run once more (a flaky test
is noted, never a finding) and then on the base (HEAD for staged changes); one that passes at the
base and fails with the change is a high finding, at the staged lines of the frames in its
traceback, with pytest's text as evidence. A new test that fails is a medium finding. Results are
cached by tree oid (``testresults``); what the time budget did not reach is reported as not run.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, cast

import pygit2

from codey_git.errors import CodeyError
from codey_git.review.diffsource import DiffSet, open_repository
from codey_git.review.findings import Finding
from codey_git.review.importgraph import ImportGraph, is_test_module, select_tests
from codey_git.review.snapshot import Snapshot, SnapshotError, without_hook_variables
from codey_git.review.testresults import FAILED, ResultCache, TreeResults, rerun, results_for

SNAPSHOT_NOTE = "the staged snapshot (unstaged and untracked files are not in it)"
EVIDENCE_CHARS = 2000
_FRAME = re.compile(r"^(\S[^\n:]*?\.py):(\d+): ", re.M)
_ERROR_LINE = re.compile(r"^E\s+(.+)$", re.M)


@dataclass
class TestEvidence:
    __test__ = False
    state: str  # "ran", "none selected", "no tests", "off" or "not run"
    note: str = ""
    selected: list[str] = field(default_factory=list)  # test files
    passed: int = 0
    failing: int = 0  # failing on the snapshot
    new_failures: list[str] = field(default_factory=list)  # pass at the base, fail with the change
    new_tests_failing: list[str] = field(default_factory=list)  # not at the base, fail with the change
    already_failing: list[str] = field(default_factory=list)  # fail at the base too
    flaky: list[str] = field(default_factory=list)  # failed once, passed when run again
    not_run: list[tuple[str, str]] = field(default_factory=list)  # (test file or node id, why)
    cached: int = 0  # test files whose results came from the cache
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    ran_on: str = SNAPSHOT_NOTE  # what the tests ran on

    def summary(self) -> str:
        if self.state != "ran":
            return f"tests: {self.state}" + (f" ({self.note})" if self.note else "")
        counts = [
            (len(self.new_failures), "pass at the base and fail with the change"),
            (len(self.new_tests_failing), "new test(s) fail"),
            (len(self.already_failing), "failed at the base already"),
            (len(self.flaky), "flaky (failed, then passed)"),
            (len(self.not_run), "not run"),
            (self.cached, "file(s) from the cache"),
        ]
        parts = [f"{self.passed} passed"] + [f"{n} {what}" for n, what in counts if n]
        return f"tests: {len(self.selected)} test file(s) run on {self.ran_on}: " + ", ".join(parts) + f"; {self.seconds:.1f}s"

    def to_dict(self) -> dict[str, Any]:
        fields = "state note selected passed failing new_failures new_tests_failing already_failing flaky".split()
        return {
            **{name: getattr(self, name) for name in fields},
            "not_run": [{"test": t, "reason": r} for t, r in self.not_run],
            "cached": self.cached,
            "seconds": round(self.seconds, 3),
        }


def _changed(diff: DiffSet) -> set[str]:
    """The paths that differ between the trees: reviewed ones (not named whole) and deleted ones."""
    return {f.path for f in diff.files if f.status != "whole file"} | {
        path for path, reason in diff.skipped if reason == "deleted"
    }


def _frames(text: str, tree_dir: Path) -> list[tuple[str, int]]:
    """(path, line) of each frame in pytest's short traceback, outermost first, relative to the tree."""
    out = []
    prefix = str(tree_dir).rstrip("/") + "/"
    for match in _FRAME.finditer(text):
        path = match.group(1).removeprefix(prefix)
        if not path.startswith("/"):
            out.append((path, int(match.group(2))))
    return out


_DEF = re.compile(r"^\s*(?:async\s+)?def\s+(\w+)|^\s*class\s+(\w+)")


def _enclosing(lines: list[str], line: int) -> str | None:
    """The name of the function or class that holds ``line`` (1-based)."""
    for text in reversed(lines[:line]):
        match = _DEF.match(text)
        if match:
            return match.group(1) or match.group(2)
    return None


def _called_line(text: str, diff: DiffSet, sources: list[str]) -> tuple[str, int] | None:
    """When the traceback passes no changed file (a wrong value returned, then asserted): the first
    touched line of a changed module the test imports, in a function the failure text names if any."""
    best: tuple[int, str, int] | None = None
    words = set(re.findall(r"\w+", text))
    files = {f.path: f for f in diff.files}
    for path in sources:
        file = files.get(path)
        if file is None:
            continue
        lines = file.new_text.splitlines()
        for line in sorted(set().union(*(h.touched_lines() for h in file.hunks))):
            score = 0 if _enclosing(lines, line) in words else 1
            if best is None or (score, path, line) < best:
                best = (score, path, line)
    return (best[1], best[2]) if best else None


def _location(nodeid: str, text: str, tree_dir: Path, diff: DiffSet, sources: list[str]) -> tuple[str, int]:
    """The staged line the failure passes through, innermost first; else the innermost frame in a
    changed file; else a touched line of a changed module the test imports (``_called_line``); else
    the test's own line."""
    frames = _frames(text, tree_dir)
    touched = diff.touched()
    for path, line in reversed(frames):
        if line in touched.get(path, ()):
            return path, line
    for path, line in reversed(frames):
        if path in touched:
            return path, line
    called = _called_line(text, diff, sources)
    if called is not None:
        return called
    test_file = nodeid.split("::")[0]
    return next(((p, n) for p, n in reversed(frames) if p == test_file), (test_file, 1))


def _findings(groups: dict[tuple[str, int], list[str]], texts: dict[str, str], severity: str, what: str) -> list[Finding]:
    out = []
    for (path, line), ids in sorted(groups.items()):
        named = ", ".join(f"`{n}`" for n in ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
        text = texts.get(ids[0], "")
        error = _ERROR_LINE.search(text)  # pytest's first E line, else its last line
        first = error.group(1).strip() if error else (text.strip().splitlines() or ["failed"])[-1].strip()
        message, evidence = f"{named} {what}: {first[:160]}", text[-EVIDENCE_CHARS:] or None
        out.append(Finding(path, line, severity, "bug", message, check="tests", evidence=evidence))
    return out


class _Run:
    """One test-backed review: the snapshot worktree made on first need, removed at the end."""

    def __init__(self, root: Path, diff: DiffSet, command: str, deadline: float, clock: Callable[[], float]):
        self.diff, self.command, self.deadline, self.clock = diff, command, deadline, clock
        self.repo = repo = open_repository(root)
        common = Path(repo.path).resolve()
        self.cache_dir = common / "codey"
        self.snapshot = Snapshot(Path(repo.workdir), common, diff.base_commit or "HEAD")
        self.showing: str | None = None
        self.sources: dict[str, set[str]] = {}  # changed module -> the files that import it
        self.made = False
        self.cache = ResultCache(self.cache_dir, command)

    def show(self, tree: str) -> Path:
        if not self.made:
            self.snapshot.__enter__()
            self.made = True
        if self.showing != tree:
            self.snapshot.show(tree)
            self.showing = tree
        return self.snapshot.path

    def close(self) -> None:
        if self.made:
            self.snapshot.remove()

    def left(self) -> float:
        return self.deadline - self.clock()


def collect(root: Path, diff: DiffSet, command: str, budget: float, clock: Callable[[], float] = time.monotonic) -> TestEvidence:
    """The test evidence for ``diff`` within ``budget`` seconds. Never raises for a failing or
    hanging test run: what could not run is reported as not run."""
    start = clock()
    if diff.new_tree is None or diff.base_tree is None:
        return TestEvidence("not run", "no base to compare with (a repository with no commits, or a conflicted index)")
    if "pytest" not in command:
        return TestEvidence("not run", f"test_command {command!r} is not pytest, so tests cannot be chosen")
    changed = _changed(diff)
    if not changed:
        return TestEvidence("none selected", "nothing changed between the trees")
    run = _Run(root, diff, command, start + budget, clock)
    try:
        graph = ImportGraph(run.repo, diff.new_tree, run.cache_dir)
        if not any(is_test_module(p) for p in graph.files):
            return TestEvidence("no tests", "no test_*.py or *_test.py in the repository")
        selected = select_tests(graph, changed)
        if not selected:
            return TestEvidence("none selected", "no test imports the changed modules")
        modules = sorted(p for p in changed if p.endswith(".py") and not is_test_module(p))
        run.sources = {path: graph.affected({path}, changed) for path in modules}
        with without_hook_variables():
            evidence = _compare(run, selected)
    except (SnapshotError, CodeyError, OSError) as exc:
        evidence = TestEvidence("not run", f"{type(exc).__name__}: {exc}")
    finally:
        run.close()
    evidence.seconds = clock() - start
    return evidence


def _compare(run: _Run, selected: list[str]) -> TestEvidence:
    diff = run.diff
    new_id, base_id = cast(str, diff.new_tree), cast(str, diff.base_tree)  # both set: checked before the run
    evidence = TestEvidence("ran", selected=selected)
    if not diff.description.startswith("staged changes"):
        evidence.ran_on = f"the new side of {diff.description}"
    new = results_for(new_id, selected, run.cache, run.show, run.command, run.deadline, run.clock)
    evidence.cached = new.cached
    evidence.not_run += list(new.not_run.items())
    outcomes = {n: o for f in new.files.values() for n, o in f.outcomes.items()}
    texts = {n: t for f in new.files.values() for n, t in f.failures.items()}
    evidence.passed = sum(o == "passed" for o in outcomes.values())
    failing = new.failing()
    evidence.failing = len(failing)
    if not failing:
        return evidence
    if new.ran and run.left() > 1:  # fresh failures are run once more: a flaky test is no finding
        again = rerun(run.command, run.show(new_id), new.ran, run.left())
        evidence.flaky = [n for n in failing if again.get(n) == "passed"]
        failing = [n for n in failing if n not in evidence.flaky]
        if evidence.flaky:  # cached as flaky, not as failures
            marked = {f: r for f, r in new.files.items() if any(n.startswith(f + "::") for n in evidence.flaky)}
            for result in marked.values():
                for nodeid in (n for n in evidence.flaky if n in result.outcomes):
                    result.outcomes[nodeid] = "flaky"
                    result.failures.pop(nodeid, None)
            run.cache.put(new_id, marked)
    base_tree = cast(pygit2.Tree, run.repo[base_id])  # a path not in it (a new test file) is not run there
    base_files = sorted({f for f in (n.split("::")[0] for n in failing) if f in base_tree})
    tree_dir = run.snapshot.path
    base = results_for(base_id, base_files, run.cache, run.show, run.command, run.deadline, run.clock)
    groups_new: dict[tuple[str, int], list[str]] = {}
    groups_added: dict[tuple[str, int], list[str]] = {}

    def where(nodeid: str) -> tuple[str, int]:
        test_file = nodeid.split("::")[0]
        sources = [m for m, importers in run.sources.items() if test_file in importers]
        return _location(nodeid, texts.get(nodeid, ""), tree_dir, diff, sources)

    for nodeid in failing:
        before = _before(base, nodeid)
        if before is None and nodeid.split("::")[0] in base.not_run:
            evidence.not_run.append((nodeid, "its run at the base did not finish: " + base.not_run[nodeid.split("::")[0]]))
            continue
        if before == "passed":
            evidence.new_failures.append(nodeid)
            groups_new.setdefault(where(nodeid), []).append(nodeid)
        elif before is None:
            evidence.new_tests_failing.append(nodeid)
            groups_added.setdefault(where(nodeid), []).append(nodeid)
        else:
            evidence.already_failing.append(nodeid)
    evidence.findings = _findings(groups_new, texts, "high", "pass at the base and fail with this change") + _findings(
        groups_added, texts, "medium", "(new) fail on the staged snapshot"
    )
    return evidence


def _before(base: TreeResults, nodeid: str) -> str | None:
    """The outcome of ``nodeid`` at the base; for a file that failed to collect, "passed" when the
    file collected and ran there without a failure."""
    outcome = base.outcome(nodeid)
    if outcome is not None or "::" in nodeid:
        return "passed" if outcome in ("passed", "flaky") else outcome
    file = base.files.get(nodeid)
    if file is None or not file.outcomes:
        return None
    return "passed" if not any(o in FAILED for o in file.outcomes.values()) else "failed"
