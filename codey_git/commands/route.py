"""`git codey route TEXT`: what `git codey "<free text>"` runs (see ``_freetext.py``).

A request the rules send to a git/shell/file tool usually never gets here: the entry point runs it
through ``codey_git.router.fast`` before typer is imported. Configuration and the router model are
loaded only when a request needs them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from codey_git.router.dispatch import RouteContext, repo_root, run_intent
from codey_git.router.fast import command_names, request_text
from codey_git.router.router import Router
from codey_git.router.rules import route_by_rules
from codey_git.router.typos import check_command_word
from codey_git.ui import Progress, print_json

if TYPE_CHECKING:
    from codey_git.config import Config
    from codey_git.models.base import Model, ModelProvider


def run_subcommand(argv: list[str]) -> int:
    """Run another `git codey` subcommand in this process: ["fix", text, "--yes"] -> exit code."""
    from codey_git.commands._app import full_app, run_app
    from codey_git.errors import UsageError

    app = full_app()

    names = {c.name for c in app.registered_commands}
    if argv[0] not in names:
        raise UsageError(
            f"this request needs `git codey {argv[0]}`, which this installation does not have",
            "Run `git codey help` to see the commands available.",
        )
    result = run_app(app, argv)
    return result if isinstance(result, int) else 0


class _Session:
    """Configuration and the router model, loaded only when an intent needs them."""

    def __init__(self, cwd: Path, progress: Progress):
        self.cwd, self.progress = cwd, progress
        self._config: Config | None = None
        self._provider: ModelProvider | None = None

    def config(self) -> Config:
        if self._config is None:
            from codey_git.config import load_config

            self._config = load_config(repo_root(self.cwd))
        return self._config

    def router_model(self) -> Model:
        from codey_git.models.backends import make_provider

        self._provider = make_provider(self.config(), self.progress)
        return self._provider.get("router")

    def close(self) -> None:
        if self._provider is not None:
            self._provider.close()


def route_request(words: list[str], *, yes: bool, json_out: bool, dry_run: bool) -> int:
    text = request_text(words)
    # a mistyped or unknown command is refused before any model is loaded (as on the fast path)
    check_command_word(words, route_by_rules(text), command_names())
    cwd = Path(os.getcwd())
    progress = Progress(quiet=json_out)
    session = _Session(cwd, progress)
    try:
        intent = Router(session.router_model, warn=progress.warn).route(text)
        if dry_run:
            from codey_git.router.tools import command_for

            command = command_for(intent)
            shown = command.shown if command else None
            if json_out:
                print_json({"intent": intent.to_json(), "command": shown})
            else:
                print(f"{intent.label}\t{intent.source}\t{shown or ''}".rstrip())
            return 0
    finally:
        session.close()
    ctx = RouteContext(text, cwd, yes, json_out, progress, session.config, run_subcommand)
    return run_intent(intent, ctx)


def register(app: typer.Typer) -> None:
    @app.command(
        "route",
        context_settings={"ignore_unknown_options": True},
        help='Route free text to a command; `git codey "<text>"` runs this.',
    )
    def route(
        words: list[str] = typer.Argument(..., help='The request: "git status", "list files", "fix the bug in x.py line 4".'),
        yes: bool = typer.Option(False, "--yes", "-y", help="Run the routed command without asking."),
        json_out: bool = typer.Option(False, "--json", help="Print one JSON result on stdout."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Show the route and the command; run nothing."),
    ) -> None:
        code = route_request(words, yes=yes, json_out=json_out, dry_run=dry_run)
        if code:
            raise typer.Exit(code)
