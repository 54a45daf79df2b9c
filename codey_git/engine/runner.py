"""run_task: plan the task, run each step in a scratch worktree, commit, and land when safe.

The user's branch, index and working tree are touched only by the final fast-forward, and only
when it is safe. The worktree is removed on every path out, Ctrl-C included.
"""

from __future__ import annotations

import time
from dataclasses import replace

from codey_git.config import Config
from codey_git.engine import landing
from codey_git.engine.landreview import review_landing
from codey_git.engine.newtest import cover_step
from codey_git.engine.commit import commit_worktree, full_message, subject_line
from codey_git.engine.planner import plan
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
from codey_git import faults, proc
from codey_git.gitrepo import Repo
from codey_git.models.base import Model, ModelProvider
from codey_git.testrun import check_baseline, run_tests, use_sandbox
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
) -> TaskResult:
    """``write_tests``: the code each step changes must be named by a test; codey writes one from
    the request when none is (``newtest``), and what stays untested is kept on the branch."""
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
    wt = create_worktree(repo, base, branch)
    try:
        progress.stage("baseline tests")
        baseline = run_tests(config.test_command, wt.path, float(config.test_timeout), sandbox=use_sandbox(config))
        check_baseline(baseline, config.test_command, float(config.test_timeout))
        _report_discarded(progress, wt.reset(), "the baseline test run")
        timings["baseline_s"] = round(baseline.seconds, 2)
        progress.info(f"baseline: {baseline.summary} ({baseline.seconds:.1f} s; ran: {baseline.command[:200]})")
        coder = provider.get("coder")
        result.model = coder.name
        for step in plan(task):
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
                )
            )
            outcome = runner.run()
            timings["tests_s"] = round(timings.get("tests_s", timings["baseline_s"]) + runner.tests_seconds, 2)
            result.attempts.extend(outcome.attempts)
            if not outcome.passed:
                result.reason = f"step {step.number} ({step.text[:60]}): {outcome.reason}"
                if keep and outcome.changes:
                    commit_worktree(
                        wt, repo.root, outcome.changes, f"wip(codey): failed attempt at step {step.number}, tests not passing\n"
                    )
                break
            if write_tests:
                outcome = _cover(wt, task, step, coder, config, outcome, progress, result, deadline)
            tested = outcome.test_run
            assert tested is not None  # a step that passed has the test run that passed it
            progress.stage("committing")
            subject = subject_line(None if config.commit_messages == "template" else coder, task.kind, step.text, outcome.diff)
            message = full_message(
                subject, step.text if len(task.text) > len(step.text) else task.text, coder.name, tested.summary
            )
            discarded = _side_effects(wt, outcome.changes)
            oid = commit_worktree(wt, repo.root, outcome.changes, message)
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
            success = True
    finally:
        remove_worktree(repo, wt.name)
        if not success and not keep:
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
        if keep:
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


def _side_effects(wt: Worktree, changes: dict[str, str | None]) -> list[str]:
    """Paths the tests changed in the worktree beyond the accepted edit (not committed)."""
    status = proc.run(["git", "status", "--porcelain=v1", "-z", "--untracked-files=all"], cwd=wt.path, timeout=120)
    out = []
    for entry in status.stdout.split("\0"):
        path = entry[3:]
        if len(entry) <= 3:
            continue
        if path in changes and wt.fs.read_bytes(path) == (None if (text := changes[path]) is None else text.encode()):
            continue
        out.append(path)
    return sorted(set(out))


def _report_discarded(progress: Progress, paths: list[str], who: str) -> None:
    if paths:
        shown = ", ".join(paths[:8]) + (f" and {len(paths) - 8} more" if len(paths) > 8 else "")
        progress.warn(f"{who} changed files in the scratch worktree; not committed, discarded: {shown}")


__all__ = ["run_task", "gc_worktrees"]
