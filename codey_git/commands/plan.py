"""git codey plan "...": print the steps a request becomes, run nothing."""

from __future__ import annotations

from typing import Any

import typer

from codey_git.commands._common import ASKS_NOTHING, JSON
from codey_git.engine.context import parse_request
from codey_git.engine.planner import plan
from codey_git.engine.task import Task
from codey_git.gitrepo import open_repo
from codey_git.ui import out_console, print_json, styled


def register(app: typer.Typer) -> None:
    @app.command("plan", help="Show the steps a request becomes; runs nothing.")
    def plan_command(
        request: str = typer.Argument(..., help="The request."),
        kind: str = typer.Option("fix", "--kind", help="fix or edit."),
        as_json: bool = JSON,
        yes: bool = ASKS_NOTHING,
    ) -> None:
        repo = open_repo(need_branch=False)
        steps = plan(Task(text=request, kind=kind))
        rows: list[dict[str, Any]] = []
        for step in steps:
            focus = parse_request(step.text, repo.root, step.files)
            rows.append(
                {
                    "step": step.number,
                    "text": step.text,
                    "files": focus.files,
                    "lines": focus.lines,
                    "new_files": [f for f in step.files if not (repo.root / f).exists()],
                }
            )
        if as_json:
            print_json({"steps": rows})
            return
        for row in rows:
            where = (
                ", ".join(f + (":" + ",".join(map(str, row["lines"][f])) if f in row["lines"] else "") for f in row["files"])
                or "located from failing tests"
            )
            new = f" (creates {', '.join(row['new_files'])})" if row["new_files"] else ""
            out_console.print(styled(f"{row['step']}. {row['text']}  ", (f"→ {where}{new}", "dim")))
