"""git codey report [RUN]: what a recipe run produced, best results first."""

from __future__ import annotations

from typing import Optional

import typer

from codey_git.commands._common import ASKS_NOTHING, JSON
from codey_git.errors import UsageError
from codey_git.gitrepo import open_repo
from codey_git.recipes.journal import list_runs
from codey_git.recipes.report import run_summary, select_runs, to_markdown
from codey_git.ui import Progress, print_json


def register(app: typer.Typer) -> None:
    @app.command("report", help="Show what a recipe run produced (default: the latest run).")
    def report_cmd(
        run: Optional[str] = typer.Argument(None, help="Run id (or a unique prefix)."),
        since: Optional[str] = typer.Option(None, "--since", help="Every run started in this window, e.g. 12h."),
        as_json: bool = JSON,
        fmt: Optional[str] = typer.Option(None, "--format", hidden=True,
                                          help="Deprecated: md or json; use --json for json."),
        yes: bool = ASKS_NOTHING,
    ) -> None:
        if fmt is not None:
            if fmt not in ("md", "json"):
                raise UsageError(f"--format must be md or json, got {fmt!r}", "Use --json for json; md is the default.")
            Progress().warn("--format is deprecated; use --json (markdown is the default)")
            as_json = as_json or fmt == "json"
        repo = open_repo(need_branch=False)
        runs = select_runs(list_runs(repo.codey_dir), run, since)
        if not runs and since and not run:
            if as_json:
                print_json({"runs": []})
            else:
                typer.echo(f"No runs started in the last {since}.")
            return
        if not runs:
            raise UsageError("no matching run" if run or since else "no runs yet",
                             "Start one with `git codey run RECIPE`.")
        summaries = [run_summary(r) for r in runs]
        if as_json:
            print_json({"runs": summaries})
        else:
            typer.echo(to_markdown(summaries), nl=False)
