"""git codey log: codey commits on the current branch, with task, model, tests and time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pygit2
import typer

from codey_git.commands._common import ASKS_NOTHING, JSON
from codey_git.engine.commit import TRAILER_EDIT, TRAILER_MODEL, TRAILER_TASK, TRAILER_TESTS, trailers
from codey_git.gitrepo import open_repo
from codey_git.ui import out_console, print_json, styled


def codey_commits(repo: pygit2.Repository, limit: int) -> list[dict[str, Any]]:
    rows = []
    for commit in repo.walk(repo.head.target, pygit2.enums.SortMode.TOPOLOGICAL):
        t = trailers(commit.message)
        if TRAILER_TASK in t:
            when = dt.datetime.fromtimestamp(commit.commit_time, dt.timezone(dt.timedelta(minutes=commit.commit_time_offset)))
            rows.append(
                {
                    "oid": str(commit.id),
                    "subject": commit.message.splitlines()[0],
                    "task": t[TRAILER_TASK],
                    "model": t.get(TRAILER_MODEL),
                    "tests": t.get(TRAILER_TESTS),
                    "edit": t.get(TRAILER_EDIT),  # how a change no model wrote was found
                    "time": when.isoformat(),
                }
            )
            if len(rows) >= limit:
                break
    return rows


def register(app: typer.Typer) -> None:
    @app.command("log", help="List codey's commits on the current branch.")
    def log_command(
        limit: int = typer.Option(20, "-n", "--limit", help="How many."), as_json: bool = JSON, yes: bool = ASKS_NOTHING
    ) -> None:
        repo = open_repo(need_branch=False)
        rows = codey_commits(repo.repo, limit)
        if as_json:
            print_json(rows)
            return
        if not rows:
            out_console.print("no codey commits on this branch")
        for r in rows:
            out_console.print(styled((r["oid"][:10], "yellow"), f" {r['time'][:16]}  {r['subject']}"))
            out_console.print(f"    task: {r['task']}  model: {r['model']}  tests: {r['tests']}")
            if r["edit"]:
                out_console.print(f"    edit: {r['edit']}")
