"""What the journal records when a task ends: one `result` line per task, built from the
engine's TaskResult (or a shell/review/improve outcome) plus what the report needs."""

from __future__ import annotations

from typing import Any, cast

import psutil
import pygit2

from codey_git.engine.task import TaskResult
from codey_git.recipes.planned import PlannedTask


def one_line(text: str | None, limit: int = 240) -> str | None:
    if not text:
        return None
    first = " ".join(text.split())
    return first if len(first) <= limit else first[: limit - 1] + "…"


def change_size(repo: pygit2.Repository, base: str, tip: str | None) -> dict[str, Any]:
    if not tip:
        return {"files": 0, "insertions": 0, "deletions": 0}
    try:
        old = cast(pygit2.Commit, repo.revparse_single(base))  # base and tip are commit ids
        new = cast(pygit2.Commit, repo.revparse_single(tip))
        stats = repo.diff(old, new).stats
    except (KeyError, ValueError, pygit2.GitError):
        return {"files": 0, "insertions": 0, "deletions": 0}
    return {"files": stats.files_changed, "insertions": stats.insertions, "deletions": stats.deletions}


def result_event(
    planned: PlannedTask, result: TaskResult, extra: dict[str, Any], base: str, repo: pygit2.Repository
) -> dict[str, Any]:
    tip = result.commits[-1].oid if result.commits else None
    return {
        "task": planned.id,
        "kind": planned.kind,
        "text": planned.text,
        "source": planned.source,
        "priority": extra.get("priority") or planned.priority,
        "status": result.status,
        "branch": result.branch if result.commits else None,  # `git codey gc` keeps this branch
        "base": base,
        "commits": [{"oid": c.oid, "subject": c.message.splitlines()[0] if c.message else ""} for c in result.commits],
        "tests": result.tests,
        "reason": one_line(result.reason),
        "seconds": result.timings.get("total_s"),
        "tokens": result.tokens,
        "model": result.model,
        "attempts": len(result.attempts),
        "change": change_size(repo, base, tip),
        "rss_mb": round(psutil.Process().memory_info().rss / 2**20, 1),
        **{k: v for k, v in extra.items() if k != "priority"},
    }


def failed(planned: PlannedTask, reason: str) -> TaskResult:
    return TaskResult(status="failed", task=planned.engine_task(), reason=reason)
