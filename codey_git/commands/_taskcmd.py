"""fix and edit share one implementation: a task through the engine."""

from __future__ import annotations

from typing import Any

from codey_git.commands._common import open_session, print_task_result, resolve_files
from codey_git.errors import TaskFailed, UsageError


def run_task_command(
    kind: str,
    request: str,
    *,
    files: list[str] | None,
    no_land: bool,
    keep: bool,
    as_json: bool,
    yes: bool,
    overrides: dict[str, Any],
) -> None:
    # the engine is imported here, not at start-up, so that `git codey --help` and routed tool
    # commands stay fast
    from codey_git.engine.runner import run_task
    from codey_git.engine.task import Task
    from codey_git.engine.worktrees import gc_worktrees
    from codey_git.models.backends import make_provider

    if not request.strip():
        raise UsageError(f"say what to {kind}, e.g. git codey {kind} \"bug in calc.py line 3\"")
    repo, config, progress = open_session(overrides)
    gc_worktrees(repo)
    task = Task(text=request, kind=kind, files=resolve_files(files, repo.root))
    provider = make_provider(config, progress)
    if hasattr(provider, "yes"):
        provider.yes = yes  # a missing model is pulled on first use without asking
    try:
        result = run_task(
            repo, task, config, provider, progress=progress, land=not no_land, keep=keep, write_tests=kind == "edit"
        )
    finally:
        provider.close()
    print_task_result(result, as_json)
    if not result.ok:
        raise TaskFailed(
            result.reason or "the task was not achieved", "See the attempts above; `--keep` keeps the last attempt on a branch."
        )
