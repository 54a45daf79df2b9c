"""The typer edge. Each module in ``codey_git.commands`` registers itself with ``register(app)``;
a run imports and registers only the module of the command it names (see ``app_for``).

All errors pass through ``main``'s one handler: a ``CodeyError`` prints its message and hint and
exits with its code; a usage mistake exits 2 and names `git codey help COMMAND`; Ctrl-C exits 130;
a closed output pipe (`| head`) exits 141 quietly, as git does; anything else is an internal error
(exit 3) with a short report.

Help follows git's conventions (``click_command``): `-h` and `--help` everywhere, plain text,
`REQUEST` rather than typer's `{request}` and `<str>` placeholders.
"""

from __future__ import annotations

import sys
import traceback
from typing import Any

from codey_git import signals
from codey_git.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, CodeyError
from codey_git.router.fast import quiet_stdout
from codey_git.ui import err_console, styled

from codey_git.commands._app import (  # noqa: F401 - re-exported
    APP_SETTINGS,
    HELP_OPTIONS,
    app_for,
    build_app,
    click_command,
    command_modules,
    full_app,
    normalize_help,
    param_choices,
    run_app,
)


def __getattr__(name: str) -> Any:
    """``from codey_git.cli import app``: the app with every command, built on first use."""
    if name == "app":
        return full_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _say(prefix: str, text: str, style: str = "bold red") -> None:
    """One line on stderr: a styled prefix, then text exactly as given (never read as markup)."""
    err_console.print(styled((prefix, style), " ", text))


def report_error(exc: BaseException) -> int:
    if isinstance(exc, BrokenPipeError):
        return quiet_stdout()
    if isinstance(exc, CodeyError):
        _say("codey:", exc.message)
        if exc.hint:
            _say("  hint:", exc.hint, "dim")
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        err_console.print("codey: interrupted; nothing was changed in your working tree.")
        return EXIT_INTERRUPTED
    _say("codey: internal error:", f"{type(exc).__name__}: {exc}")
    err_console.print("".join(traceback.format_exception(exc)[-6:]), style="dim")
    err_console.print("Please report this with the output above.")
    return EXIT_INTERNAL


def main(argv: list[str] | None = None) -> None:
    signals.install()
    argv = list(sys.argv[1:] if argv is None else argv)
    from codey_git.commands._freetext import rewrite_free_text

    try:
        app = app_for(argv)
        argv = rewrite_free_text(argv, app)
        result = run_app(app, argv)
        # standalone_mode=False returns a command's `typer.Exit(code)` instead of raising it
        code = result if isinstance(result, int) else 0
        received = signals.received()
        if received is not None:  # typer returned its 130 for our Stopped
            code = report_stop(received)
        sys.stdout.flush()  # a closed pipe is found here, not in the interpreter's last flush
    except SystemExit:
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":  # click's own answer to a closed pipe
            sys.exit(quiet_stdout())
        raise
    except BaseException as exc:  # noqa: BLE001 - this is the one handler
        stopped = signals.stopped_by(exc)
        clicked = report_stop(stopped) if stopped is not None else _click_exit(exc)
        code = report_error(exc) if clicked is None else clicked
    sys.exit(code)


def report_stop(stopped: signals.Stopped) -> int:
    """Ctrl-C, SIGTERM and SIGHUP: one message, exit 128 + the signal number."""
    try:
        sys.stderr.write(
            f"codey: stopped by {stopped}. Nothing it started is left running and its scratch "
            "worktree is removed; `git codey log` shows anything it landed before the stop.\n"
        )
        sys.stderr.flush()
    except (OSError, ValueError):  # the terminal is gone (SIGHUP)
        pass
    return stopped.exit_code


def _click_exit(exc: BaseException) -> int | None:
    # the click that typer really uses: its own vendored copy (typer >= 0.26), even when a separate
    # click is installed beside it (import-linter, black... bring one), else the click package
    try:
        from typer import Abort, Exit
        from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
    except ImportError:
        from click import Abort, ClickException  # type: ignore[assignment]  # the same classes, unvendored
        from click.exceptions import Exit, NoArgsIsHelpError, UsageError  # type: ignore[assignment]

    if isinstance(exc, Exit):
        return exc.exit_code
    if isinstance(exc, Abort):
        err_console.print("codey: aborted.")
        return EXIT_INTERRUPTED
    if isinstance(exc, NoArgsIsHelpError):  # `git codey` or `git codey models` alone: the help
        sys.stderr.write(exc.ctx.get_help() + "\n")
        return EXIT_USAGE
    if isinstance(exc, UsageError):
        show_usage_error(exc)
        return EXIT_USAGE
    if isinstance(exc, ClickException):
        _say("codey:", exc.format_message())
        return EXIT_USAGE
    return None


def show_usage_error(exc: Any) -> None:  # click's UsageError: typer's own copy or click's
    """click's usage error, pointing at `git codey help COMMAND` and `-h` rather than at
    `git codey --help` (which git turns into `man git-codey`)."""
    ctx = exc.ctx
    words = ctx.command_path.split()[2:] if ctx is not None else []  # after "git codey"
    if ctx is not None:
        sys.stderr.write(ctx.get_usage() + "\n")
    _say("codey:", exc.format_message())
    where = " ".join(words)
    if where:
        _say("  hint:", f"see `git codey help {where}` (or `git codey {where} -h`).", "dim")
    else:
        _say("  hint:", "see `git codey help` (or `git codey -h`) for the commands.", "dim")
