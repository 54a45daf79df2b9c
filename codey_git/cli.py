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

import importlib
import pkgutil
import sys
import traceback

import typer

from codey_git import commands
from codey_git import signals
from codey_git.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, CodeyError
from codey_git.router.fast import quiet_stdout
from codey_git.ui import err_console, styled

HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}
APP_SETTINGS = dict(
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


def _root(version: bool = typer.Option(False, "--version", is_eager=True, callback=_show_version,
                                      help="Show the versions of codey, llama-cpp-python, pygit2, libgit2 and Python.")
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
                param._usage_display_name = (lambda p=param: _usage_name(p))
            if hasattr(param, "display_type_rich"):
                param.display_type_rich = (lambda ctx: None)
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
        if signals.received() is not None:  # typer returned its 130 for our Stopped
            code = report_stop(signals.received())
        sys.stdout.flush()  # a closed pipe is found here, not in the interpreter's last flush
    except SystemExit:
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":  # click's own answer to a closed pipe
            sys.exit(quiet_stdout())
        raise
    except BaseException as exc:  # noqa: BLE001 - this is the one handler
        stopped = signals.stopped_by(exc)
        code = report_stop(stopped) if stopped is not None else _click_exit(exc)
        if code is None:
            code = report_error(exc)
    sys.exit(code)


def report_stop(stopped: signals.Stopped) -> int:
    """Ctrl-C, SIGTERM and SIGHUP: one message, exit 128 + the signal number."""
    try:
        sys.stderr.write(f"codey: stopped by {stopped}. Nothing it started is left running and its scratch "
                         "worktree is removed; `git codey log` shows anything it landed before the stop.\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # the terminal is gone (SIGHUP)
        pass
    return stopped.exit_code


def _click_exit(exc: BaseException) -> int | None:
    try:
        from click import Abort, ClickException
        from click.exceptions import Exit, NoArgsIsHelpError, UsageError
    except ImportError:  # typer >= 0.26 vendors click as typer._click
        from typer import Abort, Exit
        from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

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


def show_usage_error(exc) -> None:
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
