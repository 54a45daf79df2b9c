"""`git codey help [COMMAND [SUBCOMMAND]]`: a command's help, the same text as `git codey COMMAND -h`.

`git codey --help` goes through git, which opens `man git-codey` (the page in ``man/``, made from
these same help texts by ``codey_git.commands._manpage``).
"""

from __future__ import annotations

from typing import List, Optional

import typer

from codey_git.errors import UsageError


def show_help(command: list[str]) -> int:
    from codey_git.commands._app import build_app, command_modules, run_app
    from codey_git.router.typos import unknown_command

    names = command_modules()
    if command and command[0] not in names:
        raise unknown_command(command[0], names)
    app = build_app(only=command[0]) if command else build_app()
    try:
        result = run_app(app, [*command, "--help"])
    except Exception as exc:  # click's "No such command" for a subcommand  # noqa: BLE001
        if type(exc).__name__ == "NoSuchCommand" or "No such command" in str(exc):
            raise UsageError(
                f"`git codey {command[0]}` has no subcommand {command[-1]!r}", f"See `git codey help {command[0]}`."
            ) from None
        raise
    return result if isinstance(result, int) else 0


def register(app: typer.Typer) -> None:
    @app.command("help", help="Show the help of a command: git codey help [COMMAND [SUBCOMMAND]].")
    def help_command(
        command: Optional[List[str]] = typer.Argument(
            None, metavar="COMMAND", help="A command, and a subcommand of a group (models pull)."
        ),
    ) -> None:
        code = show_help(list(command or []))
        if code:
            raise typer.Exit(code)
