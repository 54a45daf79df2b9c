"""The typer edge. Each module in ``codey_git.commands`` registers itself with ``register(app)``;
a run imports and registers only the module of the command it names (see ``app_for``).

All errors pass through ``handle_errors``: a ``CodeyError`` prints its message and hint and exits
with its code; Ctrl-C exits 130; anything else is an internal error (exit 3) with a short report.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback

import typer

from codey_git import commands
from codey_git.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, CodeyError
from codey_git.ui import err_console

APP_SETTINGS = dict(
    name="git codey",
    help="A local, test-gated coding agent for git. Runs models on your own CPU.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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
    if only:
        # with a single command and no callback typer would run that command without its name
        app.callback()(lambda: None)
    return app


_full_app: typer.Typer | None = None


def __getattr__(name: str):
    """``from codey_git.cli import app``: the app with every command, built on first use."""
    global _full_app
    if name == "app":
        if _full_app is None:
            _full_app = build_app()
        return _full_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    return __getattr__("app")


def report_error(exc: BaseException) -> int:
    if isinstance(exc, CodeyError):
        err_console.print(f"[bold red]codey:[/] {exc.message}", highlight=False)
        if exc.hint:
            err_console.print(f"  [dim]hint:[/] {exc.hint}", highlight=False)
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        err_console.print("codey: interrupted; nothing was changed in your working tree.")
        return EXIT_INTERRUPTED
    err_console.print(f"[bold red]codey: internal error:[/] {type(exc).__name__}: {exc}", highlight=False)
    err_console.print("[dim]" + "".join(traceback.format_exception(exc)[-6:]) + "[/]", highlight=False)
    err_console.print("Please report this with the output above.")
    return EXIT_INTERNAL


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    from codey_git.commands._freetext import rewrite_free_text

    app = app_for(argv)
    argv = rewrite_free_text(argv, app)
    try:
        result = app(args=argv, prog_name="git codey", standalone_mode=False)
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - this is the one handler
        code = _click_exit(exc)
        if code is None:
            code = report_error(exc)
        sys.exit(code)
    # standalone_mode=False returns a command's `typer.Exit(code)` instead of raising it
    sys.exit(result if isinstance(result, int) else 0)


def _click_exit(exc: BaseException) -> int | None:
    try:
        from click import Abort, ClickException
        from click.exceptions import Exit
    except ImportError:  # typer >= 0.26 vendors click as typer._click
        from typer import Abort, Exit
        from typer._click.exceptions import ClickException

    if isinstance(exc, Exit):
        return exc.exit_code
    if isinstance(exc, Abort):
        err_console.print("codey: aborted.")
        return EXIT_INTERRUPTED
    if isinstance(exc, ClickException):
        exc.show()
        return 2
    return None
