"""The typer app: assembled from the command modules, run in-process, with git-style help.

Here, in the commands layer, so that a command that runs another (`route` running `fix`) does not
import the edge (``codey_git.cli``, which only maps errors to exit codes).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from typing import Any

import typer

from codey_git import commands

HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}
APP_SETTINGS: dict[str, Any] = dict(
    name="git codey",
    help="A local, test-gated coding agent for git. Runs models on your own CPU.\n\n"
    'A request in words is routed to the right command: git codey "fix the bug in calc.py line 3".',
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help, as git prints it; also what the man page is made from
    context_settings=HELP_OPTIONS,
)


def _show_version(value: bool) -> None:
    if value:
        from codey_git.versions import version_text

        sys.stdout.write(version_text())
        raise typer.Exit(0)


def _root(
    version: bool = typer.Option(
        False,
        "--version",
        is_eager=True,
        callback=_show_version,
        help="Show the versions of codey, llama-cpp-python, pygit2, libgit2 and Python.",
    ),
) -> None:
    """A local, test-gated coding agent for git. Runs models on your own CPU."""


def command_modules() -> list[str]:
    """Names of the modules in ``codey_git.commands`` that may register commands."""
    return sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_"))


def build_app(only: str | None = None) -> typer.Typer:
    """The typer app with every command module registered, or just ``only`` (a module name).

    Start-up cost is mostly imports (each command module pulls in its engine) and typer turning
    every registered parameter into a click parameter, so a run of one command registers one.
    """
    app = typer.Typer(**APP_SETTINGS)
    for name in [only] if only else command_modules():
        register = getattr(importlib.import_module(f"codey_git.commands.{name}"), "register", None)
        if register is not None:
            register(app)
    # the top-level options; also keeps typer from running a single command without its name
    app.callback(help=APP_SETTINGS["help"])(_root)
    return app


def _usage_name(param) -> str:
    name = param.metavar
    if not param.required:
        name = f"[{name}]"
    return name + ("..." if param.nargs != 1 else "")


def param_choices(param) -> list[str]:
    """The values a parameter accepts, when it is a choice (an Enum or click.Choice)."""
    for holder in (getattr(param, "type", None), getattr(param, "type_descriptor", None)):
        choices = getattr(holder, "choices", None)
        if choices:
            return [str(getattr(c, "value", c)) for c in choices]
    return []


def normalize_help(command) -> None:
    """Give every value a git-style placeholder: arguments as NAME ("[NAME]" when optional), options
    as NAME or [a|b|c] for choices. (typer 0.26+ writes {name}, <str>, <list[str]> otherwise.)"""
    for param in command.params:
        kind = getattr(param, "param_type_name", "")
        if kind == "argument":
            if param.metavar is None:
                param.metavar = param.name.strip("_").upper()
            if hasattr(param, "_usage_display_name"):
                param._usage_display_name = lambda p=param: _usage_name(p)
            if hasattr(param, "display_type_rich"):
                param.display_type_rich = lambda ctx: None
        elif kind == "option" and not getattr(param, "is_flag", False) and param.metavar is None:
            choices = param_choices(param)
            longest = max(param.opts, key=len).lstrip("-")
            param.metavar = "[" + "|".join(choices) + "]" if choices else longest.replace("-", "_").upper()
    for sub in getattr(command, "commands", {}).values():
        normalize_help(sub)


def click_command(app: typer.Typer):
    """The click command a typer app becomes, with git-style help placeholders."""
    import typer.main

    command = typer.main.get_command(app)
    normalize_help(command)
    return command


def run_app(app: typer.Typer, args: list[str]):
    """Run ``app`` on ``args`` in this process; raises what the command raises (no exit)."""
    return click_command(app).main(args=args, prog_name="git codey", standalone_mode=False)


_full_app: typer.Typer | None = None


def full_app() -> typer.Typer:
    """The app with every command, built on first use."""
    global _full_app
    if _full_app is None:
        _full_app = build_app()
    return _full_app


def app_for(argv: list[str]) -> typer.Typer:
    """The app a command line needs: the module of the command argv names, ``route`` for free text
    (``_freetext`` turns it into `route TEXT`), every module for top-level options and help."""
    first = argv[0] if argv else ""
    names = command_modules()
    if first and not first.startswith("-") and (first in names or "route" in names):
        only = first if first in names else "route"
        app = build_app(only=only)
        registered = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
        if only in registered:
            return app
    return full_app()
