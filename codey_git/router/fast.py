"""The fast path of `git codey "<free text>"`: when the rules route the request to a git, shell or
file tool, run it without importing typer, rich, the configuration or any model code.

Anything else (a subcommand, --help, a coding request, a request the rules are unsure about)
returns None and goes through the full command line, where `route` handles it the same way.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

_FLAGS = {"--yes": "yes", "-y": "yes", "--json": "json_out"}


def request_text(words: list[str]) -> str:
    """The request as one string. Words the shell kept together (they contain spaces) are quoted so
    that a tool intent splits them back the same way: `git codey read "my file.txt"`."""
    if len(words) == 1:
        return words[0]
    return " ".join("'" + w.replace("'", "'\"'\"'") + "'" if re.search(r"\s", w) else w for w in words)


def command_names() -> set[str]:
    """Subcommand names, from the module names in ``codey_git.commands`` (no import needed).
    ``tests/test_router_cli.py`` checks that every registered command is named after its module."""
    folder = Path(__file__).resolve().parent.parent / "commands"  # read, not imported
    return {p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")}


def split_argv(argv: list[str]) -> tuple[list[str], dict[str, bool]] | None:
    """(words, flags) for a free-text request, or None when argv is not one this path handles."""
    if not argv or argv[0].startswith("-") or argv[0] in command_names():
        return None
    words: list[str] = []
    flags = {"yes": False, "json_out": False}
    for arg in argv:
        if arg in _FLAGS:
            flags[_FLAGS[arg]] = True
        elif arg in ("--help", "-h", "--dry-run", "--"):
            return None  # the full command line knows these
        else:
            words.append(arg)
    return words, flags


def try_tool_route(argv: list[str]) -> int | None:
    """Run a rule-routed tool request and return its exit code; None when it is not one."""
    parsed = split_argv(argv)
    if parsed is None:
        return None
    from codey_git.router.rules import route_by_rules
    from codey_git.router.tools import command_for

    from codey_git.errors import EXIT_INTERRUPTED, CodeyError
    from codey_git.router.typos import check_command_word

    words, flags = parsed
    intent = route_by_rules(request_text(words))
    try:
        check_command_word(words, intent, command_names())  # `git codey hlep`: an error, here as in `route`
        if intent is None or not intent.is_tool or command_for(intent) is None:
            return None
        from codey_git.router.toolrun import run_tool

        return run_tool(intent, Path(os.getcwd()), yes=flags["yes"], json_out=flags["json_out"])
    except CodeyError as exc:
        sys.stderr.write(f"codey: {exc.message}\n" + (f"  hint: {exc.hint}\n" if exc.hint else ""))
        return exc.exit_code
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP (codey_git.signals): 128 + signal
        sys.stderr.write(f"codey: stopped by {str(exc) or 'Ctrl-C (SIGINT)'}.\n")
        return getattr(exc, "exit_code", EXIT_INTERRUPTED)


def quiet_stdout() -> int:
    """The reader of stdout went away (`git codey models list | head -1`): stop writing there, say
    nothing, and give exit 141 as git does (128 + SIGPIPE)."""
    from codey_git.errors import EXIT_BROKEN_PIPE

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_BROKEN_PIPE


def fast_path(argv: list[str]) -> int | None:
    if argv == ["--version"]:
        from codey_git.versions import version_text

        sys.stdout.write(version_text())
        return 0
    return try_tool_route(argv)
