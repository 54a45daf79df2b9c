"""git codey run RECIPE: work through a recipe's tasks unattended, journaled and resumable."""

from __future__ import annotations

from typing import Any, Optional

import typer

from codey_git.commands._common import JSON, YES
from codey_git.config import load_config
from codey_git.errors import TaskFailed, UsageError
from codey_git.gitrepo import open_repo
from codey_git.models.backends import make_provider
from codey_git.recipes.catalog import load_recipe, resolve_recipe
from codey_git.recipes.journal import RunDir, find_run
from codey_git.recipes.planned import PlannedTask
from codey_git.recipes.report import run_summary
from codey_git.recipes.runner import RecipeRunner
from codey_git.recipes.schema import Recipe
from codey_git.recipes.session import expand_tasks, run_limits, seconds_until, start_run
from codey_git.ui import Progress, out_console, print_json

SHARED_BACKENDS = ("openai", "scripted")


def _check_jobs(jobs: int, backend: str) -> None:
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if jobs > 1 and backend not in SHARED_BACKENDS:
        raise UsageError(
            f"--jobs {jobs} needs a shared model server, but the backend is {backend!r}: "
            "one local model answers one task at a time",
            "Serve the model with an OpenAI-compatible server (`backend: openai`), or drop --jobs.",
        )


def _print_tasks(tasks: list[PlannedTask], as_json: bool) -> None:
    if as_json:
        print_json({"tasks": [t.to_dict() for t in tasks]})
        return
    for number, task in enumerate(tasks, 1):
        files = f"  [{', '.join(task.files)}]" if task.files else ""
        out_console.print(f"{number:3}. [{task.priority}] {task.kind}: {task.text}{files}", markup=False)
    out_console.print(f"{len(tasks)} task(s); nothing was run (--dry-run).")


def run_command(
    recipe_ref: str | None,
    *,
    until: str | None,
    max_tasks: int | None,
    dry_run: bool,
    resume: bool,
    jobs: int,
    model: str | None,
    as_json: bool,
    yes: bool,
) -> None:
    if until:
        seconds_until(until)  # a bad time is refused before anything starts
    repo = open_repo()
    progress = Progress(quiet=False)
    run: RunDir | None = None
    recipe: Recipe | None = None
    if resume:
        run = find_run(repo.codey_dir, recipe_ref, unfinished=recipe_ref is None)
        if run.finished:
            raise UsageError(f"run {run.id} has already finished", f"See its report: git codey report {run.id}")
        overrides = run.meta().get("overrides", {})
    else:
        if not recipe_ref:
            raise UsageError("say which recipe to run", "See `git codey recipes list`, or use --resume.")
        recipe = load_recipe(resolve_recipe(recipe_ref, repo.root))
        overrides = recipe.config_overrides()
    config = load_config(repo.root, {**overrides, "coder": model})
    for warning in config.warnings:
        progress.warn(warning)
    _check_jobs(jobs, config.backend)
    if run is None:  # a new run: the recipe was loaded above
        assert recipe is not None
        tasks = expand_tasks(repo, recipe, config, progress, max_tasks)
        if dry_run:
            _print_tasks(tasks, as_json)
            return
        if not tasks:
            out_console.print("The recipe expanded to no tasks; nothing to do.")
            return
        run = start_run(repo, recipe, tasks)
        progress.stage(f"run {run.id}: {len(tasks)} task(s) from {recipe.name}")
    provider = make_provider(config, progress)
    if hasattr(provider, "assume_yes"):
        provider.assume_yes = yes
    try:
        RecipeRunner(repo, run, config, provider, progress, run_limits(run.meta(), until, jobs)).execute()
    finally:
        provider.close()
    summary = run_summary(run)
    if as_json:
        print_json({**summary, "report": str(run.report_path)})
    else:
        counts = ", ".join(f"{n} {status}" for status, n in summary["counts"].items())
        out_console.print(f"run {run.id}: {counts}", markup=False)
        if summary["stopped"]:
            out_console.print(f"stopped early; continue with: git codey run --resume {run.id}", markup=False)
    progress.stage(f"report: {run.report_path}")
    if summary["not_achieved"]:
        missed = [r for r in summary["tasks"] if r["task"] in summary["not_achieved"]]
        raise TaskFailed(
            f"{len(missed)} task(s) did not reach their goal ("
            + ", ".join(f"{n} {s}" for s, n in _by_status(missed).items())
            + ")",
            f"The report says what is left of each: git codey report {run.id}",
        )


def _by_status(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return counts


def register(app: typer.Typer) -> None:
    @app.command("run", help="Run a recipe's tasks unattended; find tested commits and a report after.")
    def run_cmd(
        recipe: Optional[str] = typer.Argument(None, help="Recipe name or path (with --resume: a run id)."),
        until: Optional[str] = typer.Option(None, "--until", help="Start no task after this time (HH:MM)."),
        max_tasks: Optional[int] = typer.Option(None, "--max-tasks", help="Run at most N of the expanded tasks."),
        dry_run: bool = typer.Option(False, "--dry-run", help="List the expanded tasks; run nothing."),
        resume: bool = typer.Option(
            False, "--resume", help="Continue a run that was stopped or killed (the given id, else the latest unfinished run)."
        ),
        jobs: int = typer.Option(1, "--jobs", "-j", help="Tasks at once (needs backend openai or scripted)."),
        model: Optional[str] = typer.Option(None, "--model", "-m", help="Coder model for every task."),
        as_json: bool = JSON,
        yes: bool = YES,
    ) -> None:
        run_command(
            recipe,
            until=until,
            max_tasks=max_tasks,
            dry_run=dry_run,
            resume=resume,
            jobs=jobs,
            model=model,
            as_json=as_json,
            yes=yes,
        )
