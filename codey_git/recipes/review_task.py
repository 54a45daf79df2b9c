"""review tasks: review what this run has committed so far (each result branch against its
base, limited to `files` if given) with the review engine, configured as `git codey review` is
(built-in checks, the model's severity cap); findings go into the report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from codey_git.config import Config
from codey_git.engine.task import Task, TaskResult
from codey_git.models.base import ModelProvider
from codey_git.recipes.planned import PlannedTask
from codey_git.review.diffsource import range_diff
from codey_git.review.engine import review_diff
from codey_git.review.session import model_max_severity


def run_review_task(
    root: Path,
    planned: PlannedTask,
    config: Config,
    provider: ModelProvider,
    *,
    branches: list[tuple[str, str]],
    deadline: float | None,
) -> tuple[TaskResult, dict[str, Any]]:
    task = Task(text=planned.text, kind="review", files=list(planned.files), id=planned.id)
    result = TaskResult(status="reviewed", task=task)
    started = time.monotonic()
    model = provider.get("reviewer")
    result.model = model.name
    findings, unreviewed = [], 0
    for base, branch in branches:
        budget = float(config.get("review.max_seconds") or 0)
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                unreviewed += 1
                continue
            budget = min(budget, remaining) if budget else remaining
        outcome = review_diff(
            range_diff(root, f"{base}..{branch}", planned.files),
            model,
            max_seconds=budget,
            checks=config.get("review.checks"),
            model_max_severity=model_max_severity(config),
        )
        findings += [{**f.to_dict(), "branch": branch} for f in outcome.findings]
        unreviewed += len(outcome.unreviewed)
    if not branches:
        result.reason = "nothing committed yet in this run"
    elif unreviewed:
        result.reason = f"{unreviewed} part(s) left unreviewed (time budget or model errors)"
    result.timings = {"total_s": round(time.monotonic() - started, 2)}
    return result, {"findings": findings}
