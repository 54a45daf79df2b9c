"""Asking before running a command: a question on a terminal, a refusal without one."""

from __future__ import annotations

import sys

from codey_git.errors import UsageError


def confirm(question: str, *, yes: bool, default: bool = True, refusal: str | None = None, hint: str | None = None) -> bool:
    """True to go ahead. ``--yes`` answers for the user; with no terminal to ask on, refuse with
    ``refusal`` and ``hint`` (a usage error, exit 2)."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError(
            refusal or "not running it: this needs a confirmation and stdin is not a terminal",
            hint or "Pass --yes to run it without being asked.",
        )
    choices = "[Y/n]" if default else "[y/N]"
    sys.stderr.write(f"{question} {choices} ")
    sys.stderr.flush()
    try:
        answer = input().strip().lower()
    except EOFError:
        return False
    if not answer:
        return default
    return answer in ("y", "yes")
