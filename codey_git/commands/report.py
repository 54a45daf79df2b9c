"""git codey report [RUN]: what a recipe run produced, best results first; `--merge DIR...`: the
runs in those folders (the shards of `git codey ci run`) as one report."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from codey_git.commands._common import ASKS_NOTHING, JSON
from codey_git.errors import UsageError
from codey_git.gitrepo import open_repo
from codey_git.recipes.journal import list_runs
from codey_git.recipes.report import run_summary, select_runs, to_markdown
from codey_git.ui import Progress, print_json


def register(app: typer.Typer) -> None:
    @app.command(
        "report",
        help="Show what a recipe run produced (default: the latest run); with --merge, "
        "one report from the runs in the folders given (the shards of `git codey ci run`).",
    )
    def report_cmd(
        runs: Optional[List[str]] = typer.Argument(
            None, metavar="[RUN | DIR...]", help="Run id (or a unique prefix); with --merge, run folders."
        ),
        merge: bool = typer.Option(False, "--merge", help="Merge the runs in the folders given into one report."),
        since: Optional[str] = typer.Option(None, "--since", help="Every run started in this window, e.g. 12h."),
        as_json: bool = JSON,
        fmt: Optional[str] = typer.Option(None, "--format", hidden=True, help="Deprecated: md or json; use --json for json."),
        yes: bool = ASKS_NOTHING,
    ) -> None:
        if fmt is not None:
            if fmt not in ("md", "json"):
                raise UsageError(f"--format must be md or json, got {fmt!r}", "Use --json for json; md is the default.")
            Progress().warn("--format is deprecated; use --json (markdown is the default)")
            as_json = as_json or fmt == "json"
        if merge:
            return _merge(runs or [], as_json)
        if runs and len(runs) > 1:
            raise UsageError("give one run id (or --merge with the folders of several runs)")
        run = runs[0] if runs else None
        repo = open_repo(need_branch=False)
        found = select_runs(list_runs(repo.codey_dir), run, since)
        if not found and since and not run:
            if as_json:
                print_json({"runs": []})
            else:
                typer.echo(f"No runs started in the last {since}.")
            return
        if not found:
            raise UsageError("no matching run" if run or since else "no runs yet", "Start one with `git codey run RECIPE`.")
        summaries = [run_summary(r) for r in found]
        if as_json:
            print_json({"runs": summaries})
        else:
            typer.echo(to_markdown(summaries), nl=False)


def _merge(folders: list[str], as_json: bool) -> None:
    from codey_git.recipes.journal import runs_under
    from codey_git.recipes.merge import merged_summary

    if not folders:
        raise UsageError(
            "--merge needs the folders of the runs to merge",
            "e.g. git codey report --merge shard-1 shard-2 (what `git codey ci run --out` wrote).",
        )
    summary = merged_summary(runs_under([Path(f) for f in folders]))
    if as_json:
        print_json({"runs": [summary]})
    else:
        typer.echo(to_markdown([summary]), nl=False)
