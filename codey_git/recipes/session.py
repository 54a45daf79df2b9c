"""Starting a run: expand the recipe once on the base commit, store the task list, and work out
when the run must stop starting tasks (--until HH:MM, budget.total_minutes)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from typing import Any, cast

import pygit2

from codey_git.config import Config
from codey_git.errors import UsageError
from codey_git.gitrepo import Repo
from codey_git.progress import Progress
from codey_git.recipes.generators import GenContext, expand
from codey_git.recipes.journal import RunDir
from codey_git.recipes.planned import PlannedTask
from codey_git.recipes.runner import RunLimits
from codey_git.recipes.scratch import prune_under
from codey_git.recipes.schema import Recipe


def expand_tasks(
    repo: Repo, recipe: Recipe, config: Config, progress: Progress, max_tasks: int | None = None
) -> list[PlannedTask]:
    scratch = repo.codey_dir / "expand"
    prune_under(repo.root, scratch)  # a worktree left by an expansion that was killed
    ctx = GenContext(root=repo.root, config=config, base=repo.head_oid(), scratch_dir=scratch, warn=progress.warn)
    try:
        tasks = expand(recipe, ctx)
    finally:
        prune_under(repo.root, scratch)
    return tasks[:max_tasks] if max_tasks else tasks


def start_run(repo: Repo, recipe: Recipe, tasks: list[PlannedTask]) -> RunDir:
    base = repo.head_oid()
    slug = "-".join(re.findall(r"[a-z0-9]+", recipe.name.lower()))[:30] or "recipe"
    meta: dict[str, Any] = {
        "recipe": recipe.name,
        "recipe_path": recipe.source,
        "description": recipe.description,
        "landing": recipe.landing,
        "base": base,
        "branch": repo.branch,
        "overrides": recipe.config_overrides(),
        "budget": recipe.budget,
    }
    if recipe.landing == "stacked":
        meta["stack_branch"] = f"codey/{slug}-{secrets.token_hex(3)}"
        repo.repo.branches.local.create(meta["stack_branch"], cast(pygit2.Commit, repo.repo.get(base)))  # HEAD's commit
    return RunDir.create(repo.codey_dir, meta, tasks)


def seconds_until(hhmm: str, now: dt.datetime | None = None) -> float:
    """Seconds from now to the next HH:MM (tomorrow if it has passed today)."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", hhmm.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise UsageError(f"--until expects a time of day like 07:30, got {hhmm!r}")
    now = now or dt.datetime.now()
    target = now.replace(hour=int(match.group(1)), minute=int(match.group(2)), second=0, microsecond=0)
    if target <= now:
        target += dt.timedelta(days=1)
    return (target - now).total_seconds()


def run_limits(meta: dict[str, Any], until: str | None, jobs: int) -> RunLimits:
    budget = meta.get("budget") or {}
    now = time.monotonic()
    stops = []
    if until:
        stops.append(now + seconds_until(until))
    if budget.get("total_minutes"):
        stops.append(now + budget["total_minutes"] * 60)
    task_seconds = budget["task_minutes"] * 60 if budget.get("task_minutes") else None
    return RunLimits(stop_at=min(stops) if stops else None, task_seconds=task_seconds, jobs=jobs)
