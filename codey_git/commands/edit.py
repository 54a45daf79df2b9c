"""git codey edit "add a --verbose flag": the fix loop for a requested change."""

from __future__ import annotations

import typer

from codey_git.commands.fix import task_options


def register(app: typer.Typer) -> None:
    app.command("edit", help="Make a requested change, test-gated like fix.")(task_options("edit"))
