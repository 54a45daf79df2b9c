"""A candidate's test verdict for a step, paying as little as possible for a rejection: the
target tests' files alone first, then the whole suite, which alone can pass a step; a test that
fails and then passes on the same tree is reported as flaky and counted neither way."""

from __future__ import annotations

import time
from pathlib import Path

from codey_git.config import Config
from codey_git.engine.gate import candidate_timeout, left_behind, step_passed, timed_out
from codey_git.engine.suspects import traced_lines
from codey_git.progress import Progress
from codey_git.testrun import TestRun, run_tests, use_sandbox


class CandidateJudge:
    """Runs a step's candidates' tests; keeps their seconds for the task's timings."""

    def __init__(self, tree: Path, baseline: TestRun, settings: Config, progress: Progress, deadline: float | None) -> None:
        self.tree, self.baseline, self.settings = tree, baseline, settings
        self.progress, self.deadline = progress, deadline
        self.tests_seconds = 0.0  # every test run of this step, for the task's timings
        # the target tests' files alone: a run of them is cut at five times this (their coverage
        # run's seconds, else their first plain run)
        self.quick_seconds: float | None = None

    def tests(self, select: list[str] | None = None) -> TestRun:
        run = self._run(select)
        self.tests_seconds += run.seconds
        return run

    def _run(self, select: list[str] | None) -> TestRun:
        left = None if self.deadline is None else self.deadline - time.monotonic()
        return run_tests(
            self.settings.test_command,
            self.tree,
            candidate_timeout(
                float(self.settings.test_timeout), self.baseline.seconds, left, self.quick_seconds if select else None
            ),
            sandbox=use_sandbox(self.settings),
            select=select,
        )

    def judge(self, targets: set[str], same_tests: bool, changed: dict[str, set[int]] | None = None) -> tuple[TestRun, bool, str]:
        """The candidate's test verdict, paying as little as possible for a rejection: the target
        tests alone first (a rejected candidate costs their seconds, not the suite's), then the
        whole suite, which alone can pass a step. A test that fails and then passes on the same
        tree is flaky: reported, and counted neither as fixed nor as a regression."""
        baseline = self.baseline
        collected = baseline.collected
        # the target tests' files, whole: a test may need the ones before it in its file or class
        files = sorted({t.split("::")[0] for t in targets})
        if targets and collected is not None and sum(1 for c in collected if c.split("::")[0] in files) < len(collected):
            quick = self.tests(select=files)
            if not quick.selected:
                return (quick, *step_passed(baseline, quick, targets, same_tests=same_tests))
            if quick.timed_out:
                return quick, False, timed_out(quick)
            self.quick_seconds = self.quick_seconds or quick.seconds
            gone = sorted(t for t in targets if "::" in t and quick.collected is not None and t not in quick.collected)
            if gone:
                return quick, False, "tests that ran before no longer run: " + ", ".join(gone[:5])
            bad = sorted(t for t in targets if (quick.outcomes.get(t) != "passed" if "::" in t else t in quick.failed))
            if bad or quick.collected is None:
                return quick, False, "still failing: " + ", ".join(bad[:5] or sorted(targets)[:5])
        run = self.tests()
        ok, why = step_passed(baseline, run, targets, same_tests=same_tests)
        regressions = sorted(t for t in run.failed - baseline.failed if "::" in t)
        if not ok and why.startswith("tests that passed before now fail") and run.collected is not None:
            again = self.tests(select=regressions)
            flaky = {t for t in regressions if again.selected and again.outcomes.get(t) == "passed"}
            if flaky:
                self.progress.warn("flaky (failed, then passed on the same tree; not counted): " + ", ".join(sorted(flaky)[:5]))
                run.failed -= flaky
                run.outcomes.update({t: "passed" for t in flaky})
                run.counts["failed"] = max(0, run.counts.get("failed", 0) - len(flaky))
                run.counts["passed"] = run.counts.get("passed", 0) + len(flaky)
                ok, why = step_passed(baseline, run, targets, same_tests=same_tests)
        behind = left_behind(baseline, run, targets, changed, traced_lines(baseline)) if ok and changed else []
        if behind:
            # the named test green, the others of the same bug still red: a workaround, not the fix
            return (
                run,
                False,
                "still failing: " + ", ".join(behind[:5]) + " (they failed before too and run the lines this edit changes)",
            )
        return run, ok, why
