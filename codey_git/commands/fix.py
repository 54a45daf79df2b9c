"""git codey fix "bug in main.py line 42": test-gated fix, one commit per step."""

from __future__ import annotations

from typing import Callable, List, Optional

import typer

from codey_git.commands._common import JSON, YES
from codey_git.commands._taskcmd import run_task_command


def task_options(kind: str) -> Callable[..., None]:
    def command(
        request: str = typer.Argument(..., help=f"What to {kind}, e.g. \"bug in calc.py line 3\"."),
        file: Optional[List[str]] = typer.Option(None, "--file", "-f", help="File(s) to focus on."),
        no_land: bool = typer.Option(False, "--no-land", help="Leave the commits on the codey/... branch."),
        keep: bool = typer.Option(False, "--keep", help="Keep the attempt branch on failure, for inspection."),
        model: Optional[str] = typer.Option(None, "--model", "-m", help="Coder model (catalog name)."),
        attempts: Optional[int] = typer.Option(None, "--attempts", help="Edit attempts per step."),
        candidates: Optional[int] = typer.Option(None, "--candidates", help="Edits sampled per attempt."),
        edit_format: Optional[str] = typer.Option(
            None, "--edit-format", help="auto, diff, search_replace, function, lines, whole_file."
        ),
        test_command: Optional[str] = typer.Option(None, "--test-command", help="Command that runs the tests."),
        max_seconds: Optional[float] = typer.Option(None, "--max-seconds", help="Time budget for the task."),
        write_test: bool = typer.Option(
            False,
            "--write-test",
            hidden=kind != "fix",
            help="For a symptom no test catches: first write a test that fails on it, then fix the code "
            "until it passes; the test is committed with the fix.",
        ),
        as_json: bool = JSON,
        yes: bool = YES,
    ) -> None:
        overrides = {
            "coder": model,
            "attempts": attempts,
            "candidates": candidates,
            "edit_format": edit_format,
            "test_command": test_command,
            "max_seconds": max_seconds,
        }
        run_task_command(
            kind,
            request,
            files=file,
            no_land=no_land,
            keep=keep,
            as_json=as_json,
            yes=yes,
            overrides=overrides,
            write_test=write_test,
        )

    return command


def register(app: typer.Typer) -> None:
    app.command("fix", help="Fix a bug: edit, test in a scratch worktree, commit only if tests pass.")(task_options("fix"))
