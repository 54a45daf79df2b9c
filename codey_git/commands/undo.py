"""git codey undo: take the last codey commit off the current branch, safely."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pygit2
import typer

from codey_git import proc
from codey_git.commands._common import ASKS_NOTHING, JSON
from codey_git.engine.commit import TRAILER_TASK, trailers
from codey_git.engine.landing import dirty_paths
from codey_git.errors import RepoStateError, UsageError
from codey_git.gitrepo import open_repo
from codey_git.ui import out_console, print_json


def _pushed(root: Path, oid: str) -> str | None:
    """A remote-tracking branch that holds ``oid`` (any remote, not only the upstream), or None."""
    holders = proc.run(
        ["git", "for-each-ref", "--contains", oid, "--format=%(refname:short)", "refs/remotes/"], cwd=root, timeout=60
    )
    names = [n for n in holders.stdout.split() if not n.endswith("/HEAD")]
    return names[0] if names else None


def register(app: typer.Typer) -> None:
    @app.command("undo", help="Remove the last codey commit from the current branch.")
    def undo_command(as_json: bool = JSON, yes: bool = ASKS_NOTHING) -> None:
        repo = open_repo()
        commit = cast(pygit2.Commit, repo.repo.head.peel())  # HEAD always peels to a commit
        if TRAILER_TASK not in trailers(commit.message):
            raise RepoStateError(
                f"the last commit ({str(commit.id)[:10]} {commit.message.splitlines()[0]}) is not a codey commit",
                "Nothing was changed. Use `git codey log` to see codey's commits.",
            )
        if len(commit.parents) != 1:
            raise RepoStateError("the last commit is a merge or a root commit; undo only takes back a single codey commit")
        pushed = _pushed(repo.root, str(commit.id))
        if pushed:
            raise RepoStateError(
                f"the last codey commit is already pushed to {pushed}",
                f"Use `git revert {str(commit.id)[:10]}` to undo a pushed commit.",
            )
        parent = commit.parents[0]
        deltas = list(repo.repo.diff(parent, commit).deltas)
        touched = [d.new_file.path for d in deltas] + [d.old_file.path for d in deltas]
        touched = sorted(set(touched))
        dirty = dirty_paths(repo, touched)
        if dirty:
            raise RepoStateError(
                "uncommitted changes in files the commit touched: " + ", ".join(dirty),
                "Commit or stash them first; nothing was changed.",
            )
        result = proc.run(["git", "reset", "--keep", "--quiet", str(parent.id)], cwd=repo.root, timeout=120)
        if not result.ok:
            raise UsageError(f"git refused to undo: {result.stderr.strip()}")
        if as_json:
            print_json({"undone": str(commit.id), "head": str(parent.id), "files": touched})
            return
        out_console.print(f"undid {str(commit.id)[:10]} {commit.message.splitlines()[0]}", markup=False)
        out_console.print(f"your branch is back at {str(parent.id)[:10]}; files restored: {', '.join(touched)}")
