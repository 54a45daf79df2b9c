"""The pytest gate: does a test run after an edit count as success for the step?"""

from __future__ import annotations

import difflib

from codey_git.testrun import TestRun

HANG_FACTOR, HANG_MIN_S, QUICK_MIN_S = 5, 30.0, 10.0  # a candidate's tests that run this much past the baseline's hang


def candidate_timeout(
    test_timeout: float, baseline_seconds: float, left: float | None, quick_seconds: float | None = None
) -> float:
    """Seconds a candidate's test run may take: ``test_timeout``, but no more than five times the
    baseline's whole suite (30 s at least: a changed loop that never ends is a rejected candidate,
    not five minutes lost), for a run of the target tests' files alone no more than five times
    their first run (``quick_seconds``, 10 s at least), and never past the task's budget (``left``,
    one second at least)."""
    limit = test_timeout
    if baseline_seconds > 0:
        limit = min(limit, max(HANG_MIN_S, HANG_FACTOR * baseline_seconds))
    if quick_seconds:
        limit = min(limit, max(QUICK_MIN_S, HANG_FACTOR * quick_seconds))
    if left is not None:
        limit = min(limit, max(1.0, left))
    return limit


def timed_out(run: TestRun) -> str:
    """Why a run that timed out failed, with the limit it ran past."""
    return f"the tests timed out (past {run.how[1]:.0f} s)" if run.how else "the tests timed out"


def step_passed(baseline: TestRun, run: TestRun, targets: set[str], *, same_tests: bool = True) -> tuple[bool, str]:
    """A step passes when its target tests pass and no test that passed at baseline fails.

    When pytest reported its node ids (codey's plugin), the target tests must still be collected
    and pass; with ``same_tests`` (a task that may not change tests), every test collected at
    baseline must still be collected: a change that makes a test go away is not a fix."""
    if run.timed_out:
        return False, timed_out(run)
    if not run.is_pytest:
        return run.ok, "tests pass" if run.ok else f"the test command failed (exit {run.returncode})"
    if run.returncode not in (0, 1):
        return False, f"pytest could not run the tests (exit {run.returncode}: collection or import error)"
    if run.collected is not None and baseline.collected is not None:
        # a target without "::" is a module that failed to collect: fixed when it collects
        # ids compared without their parameters: some suites build them from the clock or a seed
        now = {_base(t) for t in run.collected}
        gone = sorted(
            t for t in (baseline.collected if same_tests else targets) - run.collected if "::" in t and _base(t) not in now
        )
        if gone:
            return False, "tests that ran before no longer run: " + ", ".join(gone[:5])
        unfinished = sorted(t for t in targets if (run.outcomes.get(t) != "passed" if "::" in t else t in run.failed))
        if unfinished:
            return False, "still failing: " + ", ".join(unfinished[:5])
    regressions = sorted(run.failed - baseline.failed)
    if regressions:
        return False, "tests that passed before now fail: " + ", ".join(regressions[:5])
    still = sorted(targets & run.failed)
    if still:
        return False, "still failing: " + ", ".join(still[:5])
    if run.counts.get("passed", 0) < baseline.counts.get("passed", 0):
        return False, "fewer tests pass than before"
    if not targets and not baseline.failed and run.returncode != 0:
        return False, "the tests fail"
    if targets and not run.counts.get("passed"):
        return False, "no test passed"
    return True, run.summary


def _base(nodeid: str) -> str:
    """A node id without its parametrization: tests/test_a.py::test_f[1-2] -> tests/test_a.py::test_f."""
    return nodeid.split("[", 1)[0]


def left_behind(
    baseline: TestRun, run: TestRun, targets: set[str], changed: dict[str, set[int]], traced: dict[str, dict[str, list[int]]]
) -> list[str]:
    """Baseline failures outside ``targets`` that ran a line the edit changed (``changed``: file
    -> its old line numbers; ``traced``: node id -> file -> lines run at baseline) and still fail.
    One bug usually fails several tests: an edit that turns the named one green and leaves red
    the others that run the same lines has worked around the named test or fixed it in part.
    (Two bugs on one path, the other test failing on a second bug, are refused too: the message
    names the test, and a request naming both, or all failing tests, fixes them together.)"""
    out = []
    for nid in sorted(baseline.failed - targets):
        if "::" not in nid or run.outcomes.get(nid) == "passed" or nid not in traced:
            continue
        if any(set(traced[nid].get(path, ())) & lines for path, lines in changed.items()):
            out.append(nid)
    return out


def changed_lines(old: str | None, new: str | None) -> set[int]:
    """Line numbers of ``old`` that an edit to ``new`` replaced or deleted, and the lines around
    a pure insertion."""
    # numbered as Python and the tracer number them: at "\n" only (a form feed is no line break)
    a, b = (old or "").split("\n"), (new or "").split("\n")
    out: set[int] = set()
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            out.update(range(i1 + 1, i2 + 1))
        elif tag == "insert":
            out.update(n for n in (i1, i1 + 1) if 1 <= n <= len(a))
    return out
