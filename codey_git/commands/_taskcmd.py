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
    write_test: bool = False,
) -> None:
    """``write_test`` (fix only): write a test that fails on the symptom first (``engine.symptomtest``)."""
    # the engine is imported here, not at start-up, so that `git codey --help` and routed tool
    # commands stay fast
    from codey_git.engine.requestnames import unknown_names
    from codey_git.engine.runner import run_task
    from codey_git.engine.task import Task
    from codey_git.engine.worktrees import gc_worktrees
    from codey_git.models.backends import make_provider

    if not request.strip():
        raise UsageError(f"say what to {kind}, e.g. git codey {kind} \"bug in calc.py line 3\"")
    if write_test and kind != "fix":
        raise UsageError(f"--write-test is an option of fix; {kind} already writes a test for code that no test covers")
    repo, config, progress = open_session(overrides)
    gc_worktrees(repo)
    task = Task(text=request, kind=kind, files=resolve_files(files, repo.root))
    if kind == "fix":  # an edit may name what it creates
        unknown = unknown_names(repo.repo, request, task.files)
        if unknown:
            raise UsageError(
                "the request names what the repository does not have: " + "; ".join(u.describe() for u in unknown),
                "Check the spelling (codey works on the committed HEAD). Nothing was changed.",
            )
    provider = make_provider(config, progress)
    if hasattr(provider, "yes"):
        provider.yes = yes  # a missing model is pulled on first use without asking
    try:
        result = run_task(
            repo,
            task,
            config,
            provider,
            progress=progress,
            land=not no_land,
            keep=keep,
            write_tests=kind == "edit",
            require_failing=kind == "fix",
            symptom_test=write_test,
        )
    finally:
        provider.close()
    print_task_result(result, as_json)
    if not result.ok:
        raise TaskFailed(
            result.reason or "the task was not achieved", "See the attempts above; `--keep` keeps the last attempt on a branch."
        )
