"""A generated task with a goal (see goals.py), run until the goal is reached or its attempts run out.

The first try is the engine's, as for any task. Once it commits (its tests passed), the goal's
check runs on the committed tree. What is left goes back to the model as feedback, for another
try on top of that commit, on a branch of its own (a failed try deletes its branch; the task's
branch keeps the commits so far). Every try counts against the task's `attempts`. The task is
`committed` only when the check finds nothing left; otherwise it is `partly done` (some of the
goal reached: its commits are kept, they passed the tests) or `not done`, with what is left.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

import pygit2

from codey_git.config import Config
from codey_git.engine.task import Task, TaskResult
from codey_git.gitrepo import Repo
from codey_git.progress import Progress
from codey_git.recipes.generators import GenContext
from codey_git.recipes.goals import GoalCheck, check_goal, goal_of, retry_text
from codey_git.recipes.planned import PlannedTask

Engine = Callable[[Task, str, str, int], TaskResult]  # (task, base, branch, attempts) -> result
OnEvent = Callable[[str, dict[str, Any]], None]  # (journal event, its fields)
MISSED = ("partly done", "not done")  # statuses of a task that committed but did not reach its goal


def retry_branch(planned: PlannedTask, round_: int) -> str:
    return f"{planned.branch}-goal{round_}"


def run_to_goal(
    planned: PlannedTask,
    base: str,
    deadline: float | None,
    *,
    engine: Engine,
    repo: Repo,
    config: Config,
    attempts: int,
    scratch_dir: Path,
    on_event: OnEvent | None,
    progress: Progress,
) -> tuple[TaskResult, dict[str, Any]]:
    goal = goal_of(planned)
    assert goal is not None
    result = engine(planned.engine_task(), base, planned.branch, attempts)
    if not result.commits:
        return result, {}
    used, round_, why_not = _tries(result), 1, None
    check = _check(repo, config, scratch_dir, goal, result.commits[-1].oid, planned, round_, on_event)
    while not check.reached and used < attempts and not _late(deadline):
        round_ += 1
        progress.info(f"goal not reached: {check.describe()}; trying again ({attempts - used} attempt(s) left)")
        branch = retry_branch(planned, round_)
        try:
            more = engine(
                planned.engine_task(text=retry_text(planned.text, check)), result.commits[-1].oid, branch, attempts - used
            )
        except Exception as exc:  # noqa: BLE001 - the commits so far stay; the report says why it stopped
            why_not = f"{type(exc).__name__}: {exc}"
            _delete(repo, branch)
            break
        used += _tries(more)
        _add(result, more)
        if not more.commits:
            why_not = more.reason
            continue
        tip = more.commits[-1].oid
        repo.repo.branches.local[planned.branch].set_target(pygit2.Oid(hex=tip))
        _delete(repo, branch)
        result.commits.extend(more.commits)
        result.tests = more.tests or result.tests
        check = _check(repo, config, scratch_dir, goal, tip, planned, round_, on_event)
    if not check.reached:
        result.status = "partly done" if check.progress else "not done"
        result.reason = f"goal not reached: {check.describe()}" + (f" (last try: {why_not})" if why_not else "")
    return result, {"goal": {**check.to_dict(), "rounds": round_}}


def _check(
    repo: Repo,
    config: Config,
    scratch_dir: Path,
    goal: dict[str, Any],
    tip: str,
    planned: PlannedTask,
    round_: int,
    on_event: OnEvent | None,
) -> GoalCheck:
    ctx = GenContext(root=repo.root, config=config, base=tip, scratch_dir=scratch_dir / "goal")
    try:
        check = check_goal(ctx, goal)
    except Exception as exc:  # noqa: BLE001 - an unchecked goal is never reported as reached
        check = GoalCheck(goal, [], error=f"{type(exc).__name__}: {exc}")
    if on_event:
        on_event("goal", {"task": planned.id, "round": round_, "tip": tip, **check.to_dict()})
    return check


def _tries(result: TaskResult) -> int:
    """Attempts a try used, as the engine counts them (per step; candidates of one attempt are one)."""
    return max([1] + [a.attempt for a in result.attempts])


def _late(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _delete(repo: Repo, branch: str) -> None:
    try:
        repo.repo.branches.local.delete(branch)
    except (KeyError, pygit2.GitError):
        pass


def _add(result: TaskResult, more: TaskResult) -> None:
    """One task's record across its tries: attempts, calls, tokens and time add up."""
    result.attempts.extend(more.attempts)
    result.calls.extend(more.calls)
    result.discarded.extend(p for p in more.discarded if p not in result.discarded)
    for key, value in more.tokens.items():
        if isinstance(value, (int, float)):
            result.tokens[key] = (
                max(result.tokens.get(key, 0), value) if key == "peak_rss_mb" else result.tokens.get(key, 0) + value
            )
    for key, value in more.timings.items():
        if isinstance(value, (int, float)):
            result.timings[key] = round(result.timings.get(key, 0) + value, 2)
