"""Spectrum-based fault localization: the lines the failing tests run and the passing tests do not.

When a request names no line, codey runs the failing tests' files once more with each test's line
coverage recorded (codey's pytest plugin, in the project's own interpreter: a small
``sys.settrace`` tracer, no coverage.py), and ranks the project's lines by Ochiai:

    failed(s) / sqrt(total_failed * (failed(s) + passed(s)))

where failed(s) and passed(s) count the failing and passing tests that ran line s. Ties, common
since every line of a block has the same spectrum, go to a line on the failing tests' tracebacks
(the deepest frame first), then to the line fewer passing tests run, then to a line sharing words
with the failure text, then to file and line order. The run is bounded (``LIMIT_S``, at most
``MAX_FILES`` test files) and cached per baseline run; when it cannot be made (not pytest, a
shell command, a time-out) the ranking is empty and nothing changes.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import AbstractSet, Callable, Sequence

from codey_git.testrun import TestRun, run_tests

LIMIT_S = 60.0  # the coverage run's time limit (or the test timeout, when lower)
MAX_FILES = 5  # test files run with coverage
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")


@dataclass(frozen=True)
class Suspect:
    path: str
    line: int
    score: float  # Ochiai, 0..1
    failed: int  # failing tests that ran the line
    passed: int  # passing tests that ran the line
    on_trace: bool = False  # a frame of a failing test's traceback

    @property
    def evidence(self) -> tuple[float, bool, int]:
        """What tells lines apart; lines with the same evidence are ordered by weaker hints."""
        return (self.score, self.on_trace, self.passed)


def ochiai(failed: int, passed: int, total_failed: int) -> float:
    if not failed or not total_failed:
        return 0.0
    return failed / math.sqrt(total_failed * (failed + passed))


def rank(
    lines: dict[str, dict[str, list[int]]],
    failing: set[str],
    passing: set[str],
    *,
    frames: Sequence[tuple[str, int]] = (),
    words: AbstractSet[str] = frozenset(),
    read: Callable[[str], str | None] | None = None,
    keep: Callable[[str], bool] = lambda p: True,
) -> list[Suspect]:
    """Lines run by at least one failing test, most suspicious first. ``lines``: node id -> file ->
    lines run; ``frames``: traceback lines (file, line), deepest first; ``words``: the failure
    text's words; ``read``: a file's text (for the words); ``keep``: which files may be suspects."""
    failing = {t for t in failing if t in lines}
    passing = {t for t in passing if t in lines} - failing
    if not failing:
        return []
    fail_count: dict[tuple[str, int], int] = {}
    order: dict[str, int] = {}
    for test in sorted(failing):
        for path, nums in lines[test].items():
            if keep(path):
                order.setdefault(path, len(order))
                for n in nums:
                    fail_count[(path, n)] = fail_count.get((path, n), 0) + 1
    pass_count: dict[tuple[str, int], int] = {}
    for test in passing:
        for path, nums in lines[test].items():
            if path in order:
                for n in nums:
                    if (path, n) in fail_count:
                        pass_count[(path, n)] = pass_count.get((path, n), 0) + 1
    depth = {frame: i for i, frame in reversed(list(enumerate(frames)))}
    texts: dict[str, list[str]] = {}

    def shared_words(path: str, line: int) -> int:
        if read is None or not words:
            return 0
        if path not in texts:
            texts[path] = (read(path) or "").splitlines()
        src = texts[path]
        return len(set(_WORD.findall(src[line - 1])) & words) if 0 < line <= len(src) else 0

    scored = []
    for (path, line), failed in fail_count.items():
        passed = pass_count.get((path, line), 0)
        score = ochiai(failed, passed, len(failing))
        key = (-round(score, 9), depth.get((path, line), len(frames)), passed, -shared_words(path, line), order[path], line)
        scored.append((key, Suspect(path, line, round(score, 4), failed, passed, (path, line) in depth)))
    return [s for _, s in sorted(scored, key=lambda item: item[0])]


@dataclass
class Picked:
    """What a prompt takes from a ranking."""

    focus: list[Suspect]  # the best line of each of the most suspicious functions, in rank order
    shown: list[Suspect]  # those and the top lines, in rank order
    tied: int  # lines with the top line's evidence
    noted: int  # the first lines of ``shown`` that the evidence tells apart from the rest


def pick(ranked: list[Suspect], function_of: Callable[[Suspect], object], *, functions: int = 3, lines: int = 3) -> Picked:
    """The best line of each of the first ``functions`` functions (``function_of``: a line's
    function, any key) and the top ``lines`` lines; of these, the ones whose evidence sets them
    apart: whole groups of equal evidence, as long as they fit in ``lines``."""
    picked = Picked([], [], 0, 0)
    if not ranked:
        return picked
    picked.tied = sum(1 for s in ranked if s.evidence == ranked[0].evidence)
    for _key, group in itertools.groupby(ranked, key=lambda s: s.evidence):
        size = sum(1 for _ in group)
        if picked.noted + size > lines:
            break
        picked.noted += size
    seen: set[object] = set()
    for i, s in enumerate(ranked):
        if len(seen) >= functions and i >= lines:
            break
        key = function_of(s)
        if key not in seen and len(seen) < functions:
            seen.add(key)
            picked.focus.append(s)
            picked.shown.append(s)
        elif i < lines:
            picked.shown.append(s)
    return picked


# the coverage run per baseline run (a few kept: a recipe runs many tasks in one process)
_RUNS: list[tuple[TestRun, tuple[str, ...], TestRun | None]] = []


def traced_lines(run: TestRun) -> dict[str, dict[str, list[int]]]:
    """Each test's lines at baseline, from the coverage runs already made for ``run`` (none is
    started: the worktree may hold a candidate by now)."""
    out: dict[str, dict[str, list[int]]] = {}
    for base, _key, cached in _RUNS:
        if base is run and cached is not None:
            out.update(cached.lines)
    return out


def traced_seconds(run: TestRun, files: list[str]) -> float | None:
    """How long the coverage run already made of exactly these test ``files`` took (an upper
    bound on a plain run of them), or None (none is started)."""
    return next((c.seconds for base, key, c in _RUNS if base is run and c is not None and list(key) == files), None)


def coverage_run(run: TestRun, root: Path, failing: set[str]) -> TestRun | None:
    """The failing tests' files run again with line coverage; None when that cannot be done."""
    files = tuple(sorted({t.split("::")[0] for t in failing if "::" in t}))[:MAX_FILES]
    if not files or run.how is None or not run.is_pytest or run.collected is None:
        return None
    for base, key, cached in _RUNS:
        if base is run and key == files:
            return cached
    command, timeout, sandbox = run.how
    traced: TestRun | None = run_tests(
        command, root, min(float(timeout), LIMIT_S), sandbox=sandbox, select=list(files), lines=True
    )
    if traced is not None and (not traced.selected or not traced.lines):
        traced = None
    _RUNS.append((run, files, traced))
    del _RUNS[:-4]
    return traced


def suspects(
    run: TestRun,
    root: Path,
    failing: set[str],
    *,
    frames: Sequence[tuple[str, int]] = (),
    clues: str = "",
    read: Callable[[str], str | None] | None = None,
    keep: Callable[[str], bool] = lambda p: True,
) -> list[Suspect]:
    """The ranking for the baseline ``run``'s ``failing`` tests (empty when no coverage run)."""
    traced = coverage_run(run, root, failing)
    if traced is None:
        return []
    failed = {t for t in failing if traced.outcomes.get(t) in ("failed", "error")}
    passed = {t for t, o in traced.outcomes.items() if o == "passed"}
    return rank(traced.lines, failed, passed, frames=frames, words=set(_WORD.findall(clues)), read=read, keep=keep)
