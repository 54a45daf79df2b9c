"""Working through a run's tasks unattended: one provider for the whole run, a deadline per task,
one failing task never stopping the others, and a journal line for every start, attempt, commit
and result so that a run killed at any moment resumes without redoing or duplicating work."""

from __future__ import annotations

import gc
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterable, cast

import pygit2

from codey_git.config import Config
from codey_git.engine.task import Task, TaskResult
from codey_git.engine.worktrees import gc_worktrees
from codey_git.errors import CodeyError, NothingToFix, UsageError
from codey_git.gitrepo import Repo, open_repo
from codey_git.models.base import ModelProvider
from codey_git.progress import Progress
from codey_git.recipes import ideas
from codey_git.recipes.goal_task import MISSED, run_to_goal
from codey_git.recipes.goals import goal_of
from codey_git.recipes.journal import RunDir
from codey_git.recipes.outcome import failed, result_event
from codey_git.recipes.planned import PlannedTask
from codey_git.recipes.report import write_report
from codey_git.recipes.review_task import run_review_task
from codey_git.recipes.scratch import prune_under
from codey_git.recipes.shell_task import run_shell_task
from codey_git.testrun import unattended

WRITE_TEST_HINT = "Add `write_test: true` to the task to write a test that shows the bug first"


@dataclass
class RunLimits:
    stop_at: float | None = None  # time.monotonic(): no task starts after this (--until, total budget)
    task_seconds: float | None = None  # budget of one task
    jobs: int = 1


class RecipeRunner:
    def __init__(
        self,
        repo: Repo,
        run: RunDir,
        config: Config,
        provider: ModelProvider,
        progress: Progress,
        limits: RunLimits,
        run_task_fn: Callable[..., TaskResult] | None = None,
    ):
        if run_task_fn is None:
            from codey_git.engine.runner import run_task

            run_task_fn = run_task
        config = unattended(config)  # nobody watches a recipe run: sandbox its tests when possible
        self.repo, self.run, self.config, self.provider, self.progress = repo, run, config, provider, progress
        self.task_progress = progress if limits.jobs <= 1 else progress.without_tokens()
        self.limits, self.run_task_fn = limits, run_task_fn
        self.meta, self.tasks = run.meta(), run.tasks()
        self.stacked = self.meta.get("landing") == "stacked"
        if self.stacked and limits.jobs > 1:
            raise UsageError("a stacked recipe runs one task at a time; --jobs needs `landing: branches`")
        self.scratch_dir = run.path / "worktrees"
        self.stack_tip = self.meta["base"]
        self.seen_ideas: list[dict[str, Any]] = []
        self.stopped: str | None = None
        self._lock = threading.Lock()
        self._local = threading.local()

    # -- before running: undo whatever a killed process left half-done ---------------------------
    def clean_half_done(self) -> None:
        gc_worktrees(self.repo)
        prune_under(self.repo.root, self.scratch_dir)
        results = self.run.results()
        branches = self.repo.repo.branches.local
        for task in self.tasks:
            if task.id not in results and task.branch in branches:
                branches.delete(task.branch)
                self.progress.info(f"removed half-done branch {task.branch}")
            for name in [b for b in branches if b.startswith(f"{task.branch}-goal")]:
                branches.delete(name)  # a later try at a task's goal, cut off by a kill
        for task in self.tasks:  # stacked: the stack ends at the last recorded success
            done = results.get(task.id)
            if done and done.get("commits"):
                self.stack_tip = done["commits"][-1]["oid"]
        if self.stacked:
            self._move_stack(self.stack_tip)
        self.seen_ideas = [
            {"task": e["task"], "path": e["path"], "idea": e["idea"]}
            for e in self.run.events()
            if e.get("event") == "idea" and e["task"] in results
        ]

    def _move_stack(self, oid: str) -> None:
        name = self.meta["stack_branch"]
        commit = cast(pygit2.Commit, self.repo.repo.get(oid))  # a recorded commit of this run
        if name in self.repo.repo.branches.local:
            self.repo.repo.branches.local[name].set_target(commit.id)
        else:
            self.repo.repo.branches.local.create(name, commit)

    # -- running -----------------------------------------------------------------------------------
    def execute(self) -> dict[str, Any]:
        self.run.claim()
        try:
            self.clean_half_done()
            done = self.run.results()
            pending = [t for t in self.tasks if t.id not in done]
            if len(done):
                self.progress.stage(f"resuming run {self.run.id}: {_tally(done.values())}, {len(pending)} to go")
            if self.limits.jobs > 1:
                with ThreadPoolExecutor(max_workers=self.limits.jobs) as pool:
                    list(pool.map(self.run_one, pending))
            else:
                for task in pending:
                    if not self.run_one(task):
                        break
            finished = len(self.run.results()) == len(self.tasks)
            if finished:
                self.run.append("run_finished")
            else:
                self.run.append("run_stopped", reason=self.stopped or "not every task ran")
            write_report(self.run)
            return {"finished": finished, "stopped": self.stopped}
        finally:
            self.run.release()

    def _out_of_time(self) -> bool:
        if self.limits.stop_at is not None and time.monotonic() >= self.limits.stop_at:
            self.stopped = "time is up (--until or budget.total_minutes); resume with `git codey run --resume`"
            return True
        return False

    def run_one(self, planned: PlannedTask) -> bool:
        """Run one task and record its result. False when time is up and no task should start."""
        if self._out_of_time():
            return False
        number = self.tasks.index(planned) + 1
        self.progress.stage(f"task {number}/{len(self.tasks)} [{planned.kind}] {planned.text[:70]}")
        base = self.stack_tip if self.stacked else self.meta["base"]
        self.run.append("task_started", task=planned.id, kind=planned.kind, branch=planned.branch, base=base)
        deadline = self.limits.stop_at
        if self.limits.task_seconds:
            own = time.monotonic() + self.limits.task_seconds
            deadline = own if deadline is None else min(own, deadline)
        try:
            result, extra = self._dispatch(planned, base, deadline)
        except NothingToFix as exc:
            hint = WRITE_TEST_HINT if planned.source == "recipe" else "An earlier task of this run may have made them pass"
            result, extra = failed(planned, f"{exc.message}. {hint}"), {}
            result.status = "skipped"
        except CodeyError as exc:
            result, extra = failed(planned, exc.message), {}
        except Exception as exc:  # noqa: BLE001 - one broken task must not end the night's run
            result, extra = failed(planned, f"internal error: {type(exc).__name__}: {exc}"), {}
        self._record(planned, result, extra, base)
        gc.collect()
        return True

    def _record(self, planned: PlannedTask, result: TaskResult, extra: dict[str, Any], base: str) -> None:
        event = result_event(planned, result, extra, base, self._thread_repo().repo)
        with self._lock:
            self.run.append("result", **event)
            if self.stacked and result.commits:
                self.stack_tip = result.commits[-1].oid
                self._move_stack(self.stack_tip)
        mark = (
            "◐"
            if result.status in MISSED
            else "✔"
            if result.commits or result.status == "reviewed"
            else "✘"
            if result.status == "failed"
            else "–"
        )
        self.progress.info(f"{mark} {result.status}" + (f": {event['reason']}" if event["reason"] else ""))

    def _thread_repo(self) -> Repo:
        """pygit2 objects are not shared between threads: each worker opens its own."""
        if threading.current_thread() is threading.main_thread():
            return self.repo
        if not hasattr(self._local, "repo"):
            self._local.repo = open_repo(self.repo.root)
        repo: Repo = self._local.repo
        return repo

    def _on_event(self, name: str, payload: dict[str, Any]) -> None:
        self.run.append(name, **{k: v for k, v in payload.items() if k != "diff"})

    def _dispatch(self, planned: PlannedTask, base: str, deadline: float | None) -> tuple[TaskResult, dict[str, Any]]:
        if planned.kind in ("fix", "edit") and goal_of(planned) is not None:
            return self._to_goal(planned, base, deadline)
        if planned.kind in ("fix", "edit"):
            return self._engine(planned, planned.engine_task(), base, deadline), {}
        if planned.kind == "improve":
            return self._improve(planned, base, deadline)
        if planned.kind == "shell":
            return run_shell_task(
                self.repo.root,
                planned,
                self.config,
                base=base,
                scratch_dir=self.scratch_dir,
                deadline=deadline,
                on_event=self._on_event,
            ), {}
        if planned.kind == "review":
            done = self.run.results().values()
            branches = [(r["base"], r["branch"]) for r in done if r.get("branch") and r.get("commits")]
            return run_review_task(self.repo.root, planned, self.config, self.provider, branches=branches, deadline=deadline)
        raise UsageError(f"unknown task kind {planned.kind!r}")

    def _engine(
        self,
        planned: PlannedTask,
        task: Task,
        base: str,
        deadline: float | None,
        *,
        branch: str | None = None,
        config: Config | None = None,
    ) -> TaskResult:
        # a fix needs a failing test, as `git codey fix` does; `write_test: true` writes it first
        fix = task.kind == "fix"
        write_test = fix and bool(planned.options.get("write_test"))
        return self.run_task_fn(
            self._thread_repo(),
            task,
            config or self.config,
            self.provider,
            progress=self.task_progress,
            land=False,
            base=base,
            branch=branch or planned.branch,
            on_event=self._on_event,
            deadline=deadline,
            require_failing=fix and not write_test,
            symptom_test=write_test,
            last_change_at=self.meta["base"],  # the user's, not the stack's previous task
        )

    def _to_goal(self, planned: PlannedTask, base: str, deadline: float | None) -> tuple[TaskResult, dict[str, Any]]:
        """A generated task: done only when its generator's check, run again on what it committed,
        finds nothing left (goal_task.py); later tries share the task's `attempts`."""
        attempts = int(self.config.attempts)

        def engine(task: Task, start: str, branch: str, left: int) -> TaskResult:
            config = self.config if left >= attempts else self.config.with_overrides({"attempts": left})
            return self._engine(planned, task, start, deadline, branch=branch, config=config)

        return run_to_goal(
            planned,
            base,
            deadline,
            engine=engine,
            repo=self._thread_repo(),
            config=self.config,
            attempts=attempts,
            scratch_dir=self.scratch_dir,
            on_event=self._on_event,
            progress=self.task_progress,
        )

    def _improve(self, planned: PlannedTask, base: str, deadline: float | None) -> tuple[TaskResult, dict[str, Any]]:
        chunk = planned.options["chunk"]
        code = chunk_text(self._thread_repo().repo, base, chunk)
        answer = ideas.ask_idea(self.provider.get("coder"), chunk["path"], chunk["name"], code)
        if answer is None:
            result = failed(planned, "the model offered no improvement for this chunk")
            result.status = "skipped"
            return result, {}
        idea, priority = answer
        with self._lock:
            earlier = ideas.duplicate_of(chunk["path"], idea, self.seen_ideas)
            if earlier is None:
                self.seen_ideas.append({"task": planned.id, "path": chunk["path"], "idea": idea})
        self.run.append("idea", task=planned.id, path=chunk["path"], idea=idea, priority=priority)
        extra = {"idea": idea, "priority": priority}
        if earlier is not None:
            result = failed(planned, f"near-duplicate of task {earlier['task']}: {earlier['idea']}")
            result.status = "skipped"
            return result, extra
        text = f"In {chunk['path']}, improve {chunk['name']} (lines {chunk['start']}-{chunk['end']}): {idea}"
        return self._engine(planned, planned.engine_task(text=text, kind="edit"), base, deadline), extra


def _tally(results: Iterable[dict[str, Any]]) -> str:
    """'3 done, 1 partly done, 1 failed': a partly-done task is not counted as done."""
    counts: dict[str, int] = {}
    for row in results:
        status = "done" if row.get("status") in ("committed", "landed") else row.get("status", "?")
        counts[status] = counts.get(status, 0) + 1
    return ", ".join(f"{n} {status}" for status, n in counts.items())


def chunk_text(repo: pygit2.Repository, base: str, chunk: dict[str, Any]) -> str:
    try:
        blob = cast(pygit2.Blob, repo.revparse_single(f"{base}:{chunk['path']}"))  # the chunk's file
        lines = blob.data.decode("utf-8", "replace").splitlines()
    except (KeyError, ValueError, pygit2.GitError):
        return ""
    return "\n".join(lines[chunk["start"] - 1 : chunk["end"]])
