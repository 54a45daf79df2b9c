"""shell tasks: run a command (a formatter, a codemod) in a scratch worktree on the task's
branch, and commit what it changed only if the tests pass afterwards."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

from codey_git import proc
from codey_git.config import Config
from codey_git.engine.task import CommitInfo, Task, TaskResult
from codey_git.recipes.planned import PlannedTask
from codey_git.recipes.scratch import add_worktree, remove_worktree
from codey_git.testrun import run_tests, test_env, use_sandbox


def _last_line(text: str) -> str:
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[-1][:200] if lines else "(no output)"


def run_shell_task(
    root: Path,
    planned: PlannedTask,
    config: Config,
    *,
    base: str,
    scratch_dir: Path,
    deadline: float | None,
    on_event: Callable[[str, dict[str, Any]], None] | None = None,
) -> TaskResult:
    task = Task(text=planned.text, kind="shell", files=list(planned.files), id=planned.id)
    result = TaskResult(status="failed", task=task, branch=planned.branch, base=base)
    started = time.monotonic()
    timeout = float(planned.options.get("timeout") or config.test_timeout)
    if deadline is not None:
        timeout = max(1.0, min(timeout, deadline - started))
    tree = scratch_dir / planned.id
    add_worktree(root, tree, base, planned.branch)
    keep_branch = False
    try:
        ran = proc.run(planned.text, cwd=tree, shell=True, timeout=timeout, env=test_env(tree))
        if not ran.ok:
            result.reason = "timed out" if ran.timed_out else f"exit {ran.returncode}: {_last_line(ran.output)}"
            return result
        proc.run(["git", "add", "-A"], cwd=tree)
        if proc.run(["git", "diff", "--cached", "--quiet"], cwd=tree).ok:
            result.status, result.reason = "skipped", "the command changed nothing"
            return result
        tests = run_tests(config.test_command, tree, float(config.test_timeout), sandbox=use_sandbox(config))
        result.tests = tests.summary
        if not tests.ok:
            result.reason = f"tests fail after the command: {tests.summary}"
            return result
        message = planned.options.get("message") or f"chore: {planned.text[:60]}"
        committed = proc.run(["git", "commit", "-q", "--no-verify", "-m", message], cwd=tree)
        if not committed.ok:
            result.reason = f"git commit failed: {_last_line(committed.output)}"
            return result
        oid = proc.run(["git", "rev-parse", "HEAD"], cwd=tree).stdout.strip()
        result.commits.append(CommitInfo(oid=oid, message=message))
        if on_event:
            on_event("commit", {"task": planned.id, "oid": oid, "branch": planned.branch})
        result.status, keep_branch = "committed", True
        return result
    finally:
        remove_worktree(root, tree)
        if not keep_branch:
            proc.run(["git", "branch", "-D", planned.branch], cwd=root)
        result.timings = {"total_s": round(time.monotonic() - started, 2)}
