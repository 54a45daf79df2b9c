"""The outcomes of test files on one tree: run with pytest in the scratch worktree, or read back
from ``.git/codey/review-tests.json``, where a file's results are kept by tree oid (and test
command) once the whole file has run. A second review on the same base runs no test there again;
a review of a snapshot already reviewed runs nothing at all.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from codey_git.review.cache import load_versioned, save_json
from codey_git.testrun import TestRun, run_tests

CACHE_NAME = "review-tests.json"
CACHE_VERSION = 1
MAX_TREES = 40  # trees kept in the cache, most recently used first
FAILED = ("failed", "error")
MIN_RUN_SECONDS = 1.0  # less than this left of the budget: the rest is not started


@dataclass
class FileResult:
    outcomes: dict[str, str] = field(default_factory=dict)  # node id -> passed/failed/error/skipped/...
    failures: dict[str, str] = field(default_factory=dict)  # node id -> pytest's text for it


@dataclass
class TreeResults:
    files: dict[str, FileResult] = field(default_factory=dict)  # complete files only
    not_run: dict[str, str] = field(default_factory=dict)  # test file or node id -> why
    ran: list[str] = field(default_factory=list)  # files run now (not from the cache)
    cached: int = 0  # files read from the cache

    def outcome(self, nodeid: str) -> str | None:
        file = self.files.get(nodeid.split("::")[0])
        return None if file is None else file.outcomes.get(nodeid)

    def failing(self) -> list[str]:
        return sorted(n for f in self.files.values() for n, o in f.outcomes.items() if o in FAILED)


class ResultCache:
    def __init__(self, cache_dir: Path | None, command: str) -> None:
        self.path = cache_dir / CACHE_NAME if cache_dir else None
        self.command = command
        self.data = load_versioned(self.path, CACHE_VERSION, "trees")

    def _key(self, tree: str) -> str:
        return hashlib.sha256(json.dumps([tree, self.command]).encode()).hexdigest()[:32]

    def get(self, tree: str, file: str) -> FileResult | None:
        entry = self.data.get(self._key(tree), {}).get("files", {}).get(file)
        if not isinstance(entry, dict):
            return None
        return FileResult(dict(entry.get("outcomes", {})), dict(entry.get("failures", {})))

    def put(self, tree: str, results: dict[str, FileResult]) -> None:
        if self.path is None or not results:
            return
        entry = self.data.setdefault(self._key(tree), {"files": {}})
        entry["files"].update({f: asdict(r) for f, r in results.items()})
        entry["used"] = time.time()
        keep = sorted(self.data.items(), key=lambda kv: kv[1].get("used", 0), reverse=True)[:MAX_TREES]
        self.data = dict(keep)
        save_json(self.path, {"version": CACHE_VERSION, "trees": self.data})


def section_for(run: TestRun, nodeid: str) -> str:
    """pytest's failure text for ``nodeid`` (its section under FAILURES or ERRORS)."""
    file, _, rest = nodeid.partition("::")
    if rest:
        name = rest.split("::")[-1]
        titles = [rest.replace("::", "."), f"ERROR at setup of {name}", f"ERROR at teardown of {name}", name]
    else:
        collecting = [t for t in run.sections if t.startswith("ERROR collecting ") and file.endswith("/" + t[17:])]
        titles = [f"ERROR collecting {file}", *collecting]
    return next((run.sections[t] for t in titles if t in run.sections), "")


def _run(command: str, tree_dir: Path, files: list[str], timeout: float) -> TestRun:
    return _rooted(run_tests(" ".join([command, *(shlex.quote(f) for f in files)]), tree_dir, timeout), files)


def _outcomes(run: TestRun) -> dict[str, str]:
    """Each node id's outcome; a file that could not be collected is an error."""
    return dict(run.outcomes) | {n: "error" for n in run.failed - set(run.outcomes)}


def run_files(command: str, tree_dir: Path, files: list[str], timeout: float) -> tuple[dict[str, FileResult], dict[str, str]]:
    """Run ``files`` once; the complete files' results, and what did not run, with why."""
    run = _run(command, tree_dir, files, timeout)
    done: dict[str, FileResult] = {f: FileResult() for f in files}
    for nodeid, outcome in _outcomes(run).items():
        result = done.setdefault(nodeid.split("::")[0], FileResult())
        result.outcomes[nodeid] = outcome
        if outcome in FAILED:
            result.failures[nodeid] = section_for(run, nodeid)
    not_run: dict[str, str] = {}
    if run.collected is None:  # pytest said nothing by node id: it could not start
        output = [l for l in run.output.strip().splitlines() if l.strip()]
        last = output[-1][:200] if output else "no output"
        reason = (
            "timed out before pytest started" if run.timed_out else f"pytest could not run them (exit {run.returncode}): {last}"
        )
        return {}, {f: reason for f in files}
    if run.timed_out:
        reason = f"the time budget ({timeout:.0f}s left) ran out, or a test hung; killed with its process group"
        for nodeid in sorted(run.collected - set(run.outcomes)):
            not_run[nodeid] = reason
            done.pop(nodeid.split("::")[0], None)
        for file in files:
            if not done.get(file, FileResult()).outcomes and file not in {n.split("::")[0] for n in not_run}:
                not_run[file] = reason
                done.pop(file, None)
    return done, not_run


def _rooted(run: TestRun, files: list[str]) -> TestRun:
    """Node ids from the repository's root: pytest names them from its rootdir, the folder of the
    project's pytest.ini, which may be below the root (``backend/``)."""

    def fix(nodeid: str) -> str:
        path, sep, rest = nodeid.partition("::")
        if path in files:
            return nodeid
        matches = [f for f in files if f.endswith("/" + path)]
        return f"{matches[0]}{sep}{rest}" if len(matches) == 1 else nodeid

    run.outcomes = {fix(n): o for n, o in run.outcomes.items()}
    run.failed = {fix(n) for n in run.failed}
    if run.collected is not None:
        run.collected = {fix(n) for n in run.collected}
    return run


def results_for(
    tree: str,
    files: list[str],
    cache: ResultCache,
    show: Callable[[str], Path],
    command: str,
    deadline: float,
    clock: Callable[[], float] = time.monotonic,
) -> TreeResults:
    """The results of ``files`` on ``tree``: cached ones read, the rest run within ``deadline``
    in the directory ``show(tree)`` returns (the worktree is only made when something must run)."""
    out = TreeResults()
    missing = []
    for file in files:
        cached = cache.get(tree, file)
        if cached is None:
            missing.append(file)
        else:
            out.files[file] = cached
            out.cached += 1
    if not missing:
        return out
    if deadline - clock() < MIN_RUN_SECONDS:
        out.not_run.update({f: "the time budget was used up before they started" for f in missing})
        return out
    done, not_run = run_files(command, show(tree), missing, deadline - clock())
    out.files.update(done)
    out.not_run.update(not_run)
    out.ran = missing
    cache.put(tree, {f: r for f, r in done.items() if f in missing})
    return out


def rerun(command: str, tree_dir: Path, files: list[str], timeout: float) -> dict[str, str]:
    """Outcomes of the test ``files`` run once more, as a whole: a test that fails only after
    another one changed some state fails again."""
    return _outcomes(_run(command, tree_dir, files, timeout))
