"""The typer edge. Each module in ``codey_git.commands`` registers itself with ``register(app)``.

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

app = typer.Typer(
    name="git codey",
    help="A local, test-gated coding agent for git. Runs models on your own CPU.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_commands() -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"codey_git.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_commands()


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
