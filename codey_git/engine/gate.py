"""The pytest gate: does a test run after an edit count as success for the step?"""

from __future__ import annotations

from codey_git.testrun import TestRun


def step_passed(baseline: TestRun, run: TestRun, targets: set[str], *, same_tests: bool = True) -> tuple[bool, str]:
    """A step passes when its target tests pass and no test that passed at baseline fails.

    When pytest reported its node ids (codey's plugin), the target tests must still be collected
    and pass; with ``same_tests`` (a task that may not change tests), every test collected at
    baseline must still be collected: a change that makes a test go away is not a fix."""
    if run.timed_out:
        return False, "the tests timed out"
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
