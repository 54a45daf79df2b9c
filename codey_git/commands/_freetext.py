"""`git codey "<free text>"`: anything that is not a subcommand or option is routed.

The rewrite turns ``git codey fix the bug`` into nothing special (a known command), and
``git codey "git status"`` into ``git codey route "git status"``.
"""

from __future__ import annotations

import typer


def rewrite_free_text(argv: list[str], app: typer.Typer) -> list[str]:
    if not argv or argv[0].startswith("-"):
        return argv
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    names |= {g.name for g in app.registered_groups if g.name}
    if argv[0] in names or "route" not in names:
        return argv
    return ["route", *argv]
