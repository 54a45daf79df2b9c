"""`git codey hook install | uninstall`: the pre-commit review hook (and, optionally, a
prepare-commit-msg hook that drafts the message). `draft-message` is what that hook runs."""

from __future__ import annotations

from pathlib import Path

import typer

from codey_git.config import load_config
from codey_git.errors import ConfigError
from codey_git.review import hookfiles
from codey_git.review.diffsource import open_repository
from codey_git.ui import err_console, styled

hook_app = typer.Typer(help="Install or remove codey's git hooks (review before each commit).", no_args_is_help=True)


def _root() -> Path:
    return Path(open_repository(Path.cwd()).workdir).resolve()


@hook_app.command("install")
def install(
    commit_message: bool = typer.Option(
        False, "--commit-message", help="Also install prepare-commit-msg, which drafts the message from the staged diff."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", hidden=True, help="Accepted and ignored: installing never asks."),
) -> None:
    """Install the pre-commit review hook; an existing hook is kept and still runs first."""
    names = ("pre-commit", "prepare-commit-msg") if commit_message else ("pre-commit",)
    for line in hookfiles.install(_root(), names):
        err_console.print(line, highlight=False)
    err_console.print("Skip the review once with `git commit --no-verify`.")


@hook_app.command("uninstall")
def uninstall(
    yes: bool = typer.Option(False, "--yes", "-y", hidden=True, help="Accepted and ignored: uninstalling never asks."),
) -> None:
    """Remove codey's hooks and restore the hooks they chained to."""
    lines = hookfiles.uninstall(_root())
    for line in lines or ["no codey hooks installed"]:
        err_console.print(line, highlight=False)


@hook_app.command("draft-message", hidden=True)
def draft_message(
    message_file: Path = typer.Argument(..., help="The file git passes to prepare-commit-msg."),
    yes: bool = typer.Option(False, "--yes", "-y", hidden=True),
) -> None:
    """Write a drafted commit message into MESSAGE_FILE when it holds none. Never fails the commit."""
    from codey_git.review.draft_hook import draft_into

    root = _root()
    try:
        config = load_config(root)
    except ConfigError as exc:  # the pre-commit hook has said it in full already: one line here
        err_console.print(
            f"codey: no message drafted (the configuration is invalid: {exc.file or exc.field})", markup=False, highlight=False
        )
        return
    note = draft_into(root, message_file if message_file.is_absolute() else Path.cwd() / message_file, config)
    if note:
        err_console.print(styled((f"codey: {note}", "dim")))


def register(app: typer.Typer) -> None:
    app.add_typer(hook_app, name="hook")
