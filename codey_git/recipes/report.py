"""The morning report: per task its status, branch, commits, tests, time, tokens and, for a
failure, the reason in one line. Best first: results ready to review, by priority, smallest
change first (quickest to review); then reviews, tasks whose goal was not reached (tested commits,
but the generator's check still finds work: partly done / not done), failures, skips and tasks
that did not run."""

from __future__ import annotations

import re
import time
from typing import Any

from codey_git.errors import UsageError
from codey_git.recipes.journal import RunDir
from codey_git.recipes.planned import PRIORITY_RANK

STATUS_ORDER = {
    "committed": 0,
    "landed": 0,
    "reviewed": 1,
    "partly done": 2,
    "not done": 2,
    "failed": 3,
    "skipped": 4,
    "not run": 5,
}
HEADINGS = {
    0: "Ready to review",
    1: "Reviews",
    2: "Goal not reached (partly done or not done)",
    3: "Failed",
    4: "Skipped",
    5: "Not run yet",
}
NOT_ACHIEVED = ("partly done", "not done", "failed")  # a task that ran and did not reach its goal


def not_achieved(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tasks that ran and did not reach their goal (the run then exits 1, never "done")."""
    return [row for row in rows if row.get("status") in NOT_ACHIEVED]


def parse_since(text: str) -> float:
    """'12h', '30m', '2d', '90s' -> seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", text or "")
    if not match:
        raise UsageError(f"--since expects a duration like 12h, 30m or 2d, got {text!r}")
    return float(match.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]


def run_summary(run: RunDir) -> dict[str, Any]:
    meta, results, events = run.meta(), run.results(), run.events()
    started = {e["task"] for e in events if e.get("event") == "task_started"}
    rows = []
    for task in run.tasks():
        row = results.get(task.id)
        if row is None:
            row = {
                "task": task.id,
                "kind": task.kind,
                "text": task.text,
                "priority": task.priority,
                "status": "not run",
                "reason": "interrupted; will restart on resume" if task.id in started else None,
            }
        rows.append(row)
    rows.sort(key=best_first)
    stops = [e for e in events if e.get("event") in ("run_stopped", "run_finished")]
    return {
        "id": run.id,
        "recipe": meta.get("recipe"),
        "base": meta.get("base"),
        "branch": meta.get("branch"),
        "stack_branch": meta.get("stack_branch"),
        "started": meta.get("started"),
        "finished": run.finished,
        "stopped": stops[-1].get("reason") if stops and not run.finished else None,
        "tasks": rows,
        "counts": _counts(rows),
        "tokens": _tokens(rows),
        "seconds": round(sum(r.get("seconds") or 0 for r in rows), 1),
        "not_achieved": [row["task"] for row in not_achieved(rows)],
    }


def best_first(row: dict[str, Any]) -> tuple[int, int, int]:
    return STATUS_ORDER.get(row["status"], 6), PRIORITY_RANK.get(row.get("priority") or "", 9), _size(row)


def _size(row: dict[str, Any]) -> int:
    change: dict[str, int] = row.get("change") or {}
    return change.get("insertions", 0) + change.get("deletions", 0)


def _counts(rows: list[dict[str, Any]]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return counts


def _tokens(rows: list[dict[str, Any]]) -> int:
    return sum(
        (r.get("tokens") or {}).get("prompt_tokens_evaluated", 0) + (r.get("tokens") or {}).get("generated_tokens", 0)
        for r in rows
    )


def select_runs(runs: list[RunDir], ref: str | None, since: str | None) -> list[RunDir]:
    if ref:
        return [r for r in runs if r.id == ref] or [r for r in runs if r.id.startswith(ref)][:1]
    if since:
        cutoff = time.time() - parse_since(since)
        return [r for r in runs if (r.meta().get("started") or 0) >= cutoff]
    return runs[-1:]


def _when(stamp: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp)) if stamp else "?"


def _row_markdown(row: dict[str, Any]) -> list[str]:
    priority = row.get("priority") or "medium"
    title = row.get("idea") or row.get("text", "")
    lines = [f"- **[{priority}] {title}**" + (f" ({row.get('kind')})" if row.get("kind") else "")]
    facts = []
    if row.get("branch"):
        facts.append(f"branch `{row['branch']}`")
    for commit in row.get("commits") or []:
        facts.append(f"`{commit['oid'][:10]}` {commit['subject']}")
    if row.get("tests"):
        facts.append(f"tests: {row['tests']}")
    if row.get("commits"):
        change = row.get("change") or {}
        facts.append(f"+{change.get('insertions', 0)}/-{change.get('deletions', 0)} lines")
    if row.get("seconds") is not None:
        facts.append(f"{row['seconds']:.0f} s")
    tokens = _tokens([row])
    if tokens:
        facts.append(f"{tokens:,} tokens")
    goal = row.get("goal") or {}
    if goal.get("reached") and (goal.get("rounds") or 1) > 1:
        facts.append(f"goal checked: reached in {goal['rounds']} tries")
    elif goal.get("reached"):
        facts.append("goal checked: reached")
    if facts:
        lines.append("  " + " · ".join(facts))
    for finding in row.get("findings") or []:
        lines.append(f"  - {finding['severity']}: `{finding['file']}:{finding['line']}` {finding['message']}")
    if row.get("reason"):
        lines.append(f"  reason: {row['reason']}")
    if goal and not goal.get("reached") and row.get("commits"):
        lines.append("  the commits so far passed the tests; they stay on the branch, the rest is still to do")
    return lines


def to_markdown(summaries: list[dict[str, Any]]) -> str:
    out: list[str] = []
    for s in summaries:
        counts = ", ".join(f"{n} {status}" for status, n in s["counts"].items())
        out.append(f"## codey run `{s['id']}`: {s['recipe']}")
        out.append(
            f"Started {_when(s['started'])} from `{(s['base'] or '')[:10]}` on `{s['branch']}`. "
            f"{len(s['tasks'])} tasks: {counts}. {s['seconds']:.0f} s of work, {s['tokens']:,} tokens."
        )
        for line in s.get("merged") or []:
            out.append(line)
        if s.get("stack_branch"):
            out.append(f"All commits are stacked on `{s['stack_branch']}`.")
        if s.get("stopped"):
            out.append(f"Stopped early: {s['stopped']}")
        group = None
        for row in s["tasks"]:
            rank = STATUS_ORDER.get(row["status"], 6)
            if rank != group:
                group = rank
                out += ["", f"### {HEADINGS.get(rank, row['status'])}"]
            out += _row_markdown(row)
        ready = [r["branch"] for r in s["tasks"] if r.get("branch") and STATUS_ORDER.get(r["status"]) == 0]
        if ready:
            out += ["", f"To take one: `git merge --ff-only {ready[0]}` (or `git cherry-pick` its commits)."]
        out.append("")
    return "\n".join(out).rstrip() + "\n" if out else "No runs found.\n"


def write_report(run: RunDir) -> str:
    text = to_markdown([run_summary(run)])
    run.report_path.write_text(text, encoding="utf-8")
    return text
