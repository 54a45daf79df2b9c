"""git codey gc: remove scratch worktrees of dead runs and attempt branches with no result."""

from __future__ import annotations

import typer

from codey_git.commands._common import ASKS_NOTHING, JSON
from codey_git.engine.worktrees import gc_worktrees
from codey_git.gitrepo import open_repo
from codey_git.ui import out_console, print_json


def register(app: typer.Typer) -> None:
    @app.command("gc", help="Prune leftover scratch worktrees and attempt branches.")
    def gc_command(as_json: bool = JSON, yes: bool = ASKS_NOTHING) -> None:
        removed = gc_worktrees(open_repo(need_branch=False))
        if as_json:
            print_json(removed)
            return
        out_console.print(f"removed {len(removed['worktrees'])} worktree(s), {len(removed['branches'])} branch(es)")
        for b in removed["branches"]:
            out_console.print(f"  deleted branch {b}")
