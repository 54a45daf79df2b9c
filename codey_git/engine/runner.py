"""run_task: plan the task, run each step in a scratch worktree, commit, and land when safe.

The user's branch, index and working tree are touched only by the final fast-forward, and only
when it is safe. The worktree is removed on every path out, Ctrl-C included.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pygit2

from codey_git.config import Config
from codey_git.engine import landing
from codey_git.engine.landreview import review_landing
from codey_git.engine.newtest import cover_step
from codey_git.engine.commit import commit_worktree, edit_trailer, full_message, model_trailer, subject_line
from codey_git.engine.line_candidates import NO_MODEL
from codey_git.engine.planner import plan
from codey_git.engine.requesttests import check_named_tests
from codey_git.engine.symptomtest import SymptomTest, untested_code, write_symptom_test
from codey_git.engine.steps import EventSink, StepContext, StepOutcome, StepRunner
from codey_git.engine.task import CommitInfo, Step, Task, TaskResult
from codey_git.engine.worktrees import (
    Worktree,
    create_worktree,
    delete_branch,
    gc_worktrees,
    record_result_branch,
    remove_worktree,
)
from codey_git import faults
from codey_git.errors import NothingToFix, UsageError
from codey_git.gitrepo import Repo
from codey_git.models.base import Model, ModelProvider
from codey_git.testrun import TestRun, check_baseline, collected_nothing, run_tests, use_sandbox
from codey_git.progress import Progress


def run_task(
    repo: Repo,
    task: Task,
    config: Config,
    provider: ModelProvider,
    *,
    progress: Progress,
    land: bool = True,
    keep: bool = False,
    base: str | None = None,
    branch: str | None = None,
    on_event: EventSink | None = None,
    deadline: float | None = None,
    write_tests: bool = False,
    require_failing: bool = False,
    symptom_test: bool = False,
    last_change_at: str | None = None,
) -> TaskResult:
    """``write_tests``: the code each step changes must be named by a test; codey writes one from
    the request when none is (``newtest``), and what stays untested is kept on the branch.

    ``require_failing`` (`fix`): a fix needs a failing test; on a suite that passes the task stops
    (a UsageError) before any model call. ``symptom_test`` (`fix --write-test`): the suite must
    pass; the coder first writes a test that fails on the symptom (``symptomtest``), the fix must
    make it pass, and the first commit holds the test and the fix together, so that every commit
    that lands passes the whole suite. ``last_change_at``: the commit whose change a request's "the
    last change" means (a stacked recipe's later task starts from the task before's commit, but
    the user's last change is where the recipe started); ``base`` when not given."""
    started = time.monotonic()
    if deadline is None and float(config.max_seconds or 0) > 0:
        deadline = started + float(config.max_seconds)
    calls_before = len(provider.stats())
    head_ref = repo.head_ref
    base = base or repo.head_oid()
    branch = branch or f"codey/{task.slug}-{task.id}"
    result = TaskResult(status="failed", task=task, branch=branch, base=base)
    timings: dict[str, float] = {}
    touched: list[str] = []
    success = False
    refused = False  # stopped before any change: nothing is kept, --keep or not
    symptom: SymptomTest | None = None  # the test written for the symptom, until it is committed
    wt = create_worktree(repo, base, branch)
    try:
        progress.stage("baseline tests")
        baseline = run_tests(config.test_command, wt.path, float(config.test_timeout), sandbox=use_sandbox(config))
        if not (symptom_test and collected_nothing(baseline)):  # --write-test may write the first test
            check_baseline(
                baseline,
                config.test_command,
                float(config.test_timeout),
                no_tests_hint=NO_TESTS_HINT if require_failing else None,
            )
        _report_discarded(progress, wt.reset(), "the baseline test run")
        timings["baseline_s"] = round(baseline.seconds, 2)
        progress.info(f"baseline: {baseline.summary} ({baseline.seconds:.1f} s; ran: {baseline.command[:200]})")
        if require_failing or symptom_test:
            refused = True
            _check_failing(wt, task, baseline, symptom_test)
            refused = False
        coder = provider.get("coder")
        result.model = coder.name
        steps = plan(task)
        if symptom_test:
            symptom = write_symptom_test(wt, task.text, coder, config, baseline, progress, task.id, deadline)
            result.symptom_test = symptom.path
            if symptom.path is None or symptom.source is None or symptom.run is None:
                refused, steps = True, []
                result.test_note = symptom.failure()
                result.reason = f"no test that shows the symptom could be written ({result.test_note}); nothing was fixed"
            else:
                # the test is committed on the branch for the fix loop (whose resets keep it), and
                # folded into the fix's commit; the fix may not change it (allow_test_edits off)
                commit_worktree(wt, repo.root, {symptom.path: symptom.source}, f"test(codey): {symptom.path} (provisional)\n")
                baseline = symptom.run
                config = config.with_overrides({"allow_test_edits": False})
        for step in steps:
            runner = StepRunner(
                StepContext(
                    worktree=wt,
                    task=task,
                    step=step,
                    coder=coder,
                    settings=config,
                    baseline=baseline,
                    progress=progress,
                    deadline=deadline,
                    events=on_event,
                    keep_failed=keep,
                    base=last_change_at or base,
                )
            )
            outcome = runner.run()
            timings["tests_s"] = round(timings.get("tests_s", timings["baseline_s"]) + runner.judge.tests_seconds, 2)
            result.attempts.extend(outcome.attempts)
            if not outcome.passed:
                result.reason = f"step {step.number} ({step.text[:60]}): {outcome.reason}"
                if keep and outcome.changes:
                    commit_worktree(
                        wt, repo.root, outcome.changes, f"wip(codey): failed attempt at step {step.number}, tests not passing\n"
                    )
                break
            edited = len(outcome.changed)
            if write_tests:
                outcome = _cover(wt, task, step, coder, config, outcome, progress, result, deadline)
            tested = outcome.test_run
            assert tested is not None  # a step that passed has the test run that passed it
            progress.stage("committing")
            subject, model_subject = subject_line(
                None if config.commit_messages == "template" else coder, task.kind, step.text, outcome.diff
            )
            last = outcome.attempts[-1] if outcome.attempts else None
            chosen = last is not None and last.format in NO_MODEL
            # a test the model wrote (--write-test) goes into this commit too
            wrote_test = len(outcome.changed) > edited or (symptom is not None and symptom.source is not None)
            message = full_message(
                subject,
                step.text if len(task.text) > len(step.text) else task.text,
                model_trailer(coder.name, not chosen or wrote_test, model_subject),
                tested.summary,
                edit_trailer(last) if last is not None and last.format in NO_MODEL else None,
            )
            # what the tests changed beyond the edit: the passing run's own (judging other changes after
            # it put the worktree back), or, after --write-test's runs, what the worktree holds now
            known = outcome.side_effects if outcome.side_effects is not None and not write_tests else None
            discarded = known if known is not None else wt.changed_beyond(outcome.changes)
            changes = outcome.changes
            if symptom is not None and symptom.path is not None and symptom.source is not None:
                changes = {symptom.path: symptom.source, **outcome.changes}
                message = _with_test_note(message, symptom.path)
                _drop_head_commit(wt)  # the provisional test commit: its file goes into this one
                touched.append(symptom.path)
                symptom = None
            oid = commit_worktree(wt, repo.root, changes, message)
            _report_discarded(progress, discarded, "the tests")
            result.discarded.extend(p for p in discarded if p not in result.discarded)
            result.commits.append(CommitInfo(oid=oid, message=message))
            touched.extend(p for p in outcome.changed if p not in touched)
            if on_event:
                on_event("commit", {"task": task.id, "oid": oid, "branch": branch, "step": step.number})
            progress.info(f"committed {oid[:8]} {subject}")
            baseline = tested
            result.tests = baseline.summary
        else:
            success = not refused
    finally:
        remove_worktree(repo, wt.name)
        if not success and (not keep or refused):
            delete_branch(repo, branch)
        timings["total_s"] = round(time.monotonic() - started, 2)
        result.timings = timings
        calls = provider.stats()[calls_before:]
        result.calls = [c.to_dict() for c in calls]
        result.tokens = {
            "prompt_tokens": sum(c.prompt_tokens for c in calls),
            "prompt_tokens_evaluated": sum(c.prompt_tokens_evaluated for c in calls),
            "generated_tokens": sum(c.generated_tokens for c in calls),
            "peak_rss_mb": round(max((c.peak_rss_mb for c in calls), default=0.0), 1),
        }
    if not success:
        if symptom is not None and symptom.path is not None and result.reason:
            result.reason += f"; the test written for the symptom ({symptom.path}) was not committed either"
        if keep and not refused:
            record_result_branch(repo, branch, "kept")  # the user asked for it: gc never deletes it
            result.take_command = f"git log -p {base[:10]}..{branch}   # inspect the kept attempt"
        return result
    result.status = "committed"
    record_result_branch(repo, branch, "committed")
    if result.untested:
        take = landing.take_command(branch)
        result.reason = (
            f"untested: no test covers this change ({'; '.join(result.untested_code)}); kept on "
            f"{branch} — review it, then {take.split('   #')[0]}" + (f" ({result.test_note})" if result.test_note else "")
        )
    elif land and config.landing == "auto":
        reason = landing.why_not_land(repo, base, head_ref, touched)
        if reason is None:
            reason = _review(repo, base, branch, config, progress, result)
        if reason is None:
            try:
                faults.point("landing")
                merged = landing.land(repo, branch)
            except KeyboardInterrupt:
                progress.warn(
                    f"stopped before landing: the tested commits stay on {branch}; take them with: {landing.take_command(branch)}"
                )
                raise
            if merged.ok:
                result.status = "landed"
                delete_branch(repo, branch)
                return result
            reason = merged.stderr.strip().splitlines()[0] if merged.stderr.strip() else "git merge failed"
        result.reason = f"not landed: {reason}"
    result.take_command = landing.take_command(branch, dirty="uncommitted changes" in (result.reason or ""))
    return result


def _cover(
    wt: Worktree,
    task: Task,
    step: Step,
    coder: Model,
    config: Config,
    outcome: StepOutcome,
    progress: Progress,
    result: TaskResult,
    deadline: float | None,
) -> StepOutcome:
    """A test for the step's code, or the step's code reported untested (``newtest.cover_step``):
    the outcome to commit, with the test it wrote and the run that passed it."""
    run = outcome.test_run
    assert run is not None  # a step that passed has the test run that passed it
    cover = cover_step(wt, step.text, coder, config, outcome.changes, outcome.diff, run, progress, task.id, deadline)
    result.tested_by.extend(t for t in cover.tested_by if t not in result.tested_by)
    if cover.written:
        outcome = replace(outcome, changed=[*outcome.changed, cover.written], test_run=cover.run)
        progress.info(f"wrote {cover.written}: it fails before the change and passes after")
    if cover.why:
        progress.info(f"no test written: {cover.why}")
    if cover.untested:
        result.untested = True
        result.untested_code.extend(cover.untested)
        result.test_note = cover.why
    return outcome


NO_TESTS_HINT = (
    "Rerun with --write-test: codey first writes a test that shows the symptom, then fixes the code until it "
    "passes, and commits both together. Or add pytest tests (tests/test_*.py), or set `test_command` in .codey.yml."
)


def _check_failing(wt: Worktree, task: Task, baseline: TestRun, symptom_test: bool) -> None:
    """A fix needs a failing test; --write-test needs a suite that passes (raises UsageError)."""
    if symptom_test and not baseline.ok and not collected_nothing(baseline):
        failing = sorted(baseline.failed)
        named = f": {', '.join(failing[:3])}" + (f" and {len(failing) - 3} more" if len(failing) > 3 else "") if failing else ""
        raise UsageError(
            f"the test suite already fails ({baseline.summary}{named}); --write-test writes a test for a symptom "
            "the suite does not catch, so no test was written",
            "If those failures are the bug, run the same command without --write-test: codey fixes the failing "
            "tests. Otherwise fix them first. Nothing was changed.",
        )
    if not symptom_test and not baseline.ok:
        check_named_tests(task.text, baseline)
    if not symptom_test and baseline.ok:
        untested = untested_code(wt, task.text, baseline)
        also = f", and no test exercises {'; '.join(untested)}" if untested else ""
        raise NothingToFix(
            f"the test suite passes ({baseline.summary}){also}: no test fails, so there is nothing failing for "
            "the fix to make pass",
            "Rerun with --write-test: codey first writes a test that shows the symptom, then fixes the code until "
            "it passes, and commits both together. Or commit a failing test yourself. Nothing was changed.",
        )


def _with_test_note(message: str, path: str) -> str:
    subject, _, rest = message.partition("\n\n")
    return f"{subject}\n\nAdds {path}, a test that shows the bug: it failed before this fix.\n\n{rest}"


def _drop_head_commit(wt: Worktree) -> None:
    """Move the worktree's branch back to HEAD's parent, the files untouched (``git reset --soft HEAD~``)."""
    head = wt.repo.head.peel(pygit2.Commit)
    wt.repo.lookup_reference(f"refs/heads/{wt.branch}").set_target(head.parent_ids[0])


def _review(repo: Repo, base: str, branch: str, config: Config, progress: Progress, result: TaskResult) -> str | None:
    """The checks-only review of what would land: why it may not land, or None."""
    progress.stage("reviewing the commits to land (checks)")
    review = review_landing(repo, base, result.commits[-1].oid, config)
    result.land_review = review.to_dict()
    if review.blocked:
        progress.warn(f"{review.reason}: the commits stay on {branch}; " + "; ".join(review.lines()[:3]))
        return review.reason
    if review.state != "passed":
        progress.warn(f"not reviewed: the commits to land were not reviewed ({review.reason})")
    return None


def _report_discarded(progress: Progress, paths: list[str], who: str) -> None:
    if paths:
        shown = ", ".join(paths[:8]) + (f" and {len(paths) - 8} more" if len(paths) > 8 else "")
        progress.warn(f"{who} changed files in the scratch worktree; not committed, discarded: {shown}")


__all__ = ["run_task", "gc_worktrees"]
