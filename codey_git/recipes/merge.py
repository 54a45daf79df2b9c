"""`git codey report --merge DIR...`: the runs of several runners (the shards of `git codey ci
run`) as one morning report. Each shard's journal says which shard it was (a ``ci_shard`` line)
and a fingerprint of the whole task list, so the merge can warn when shards do not add up."""

from __future__ import annotations

from typing import Any

from codey_git.recipes.journal import RunDir
from codey_git.recipes.report import _counts, _tokens, best_first, not_achieved, run_summary


def merged_summary(runs: list[RunDir]) -> dict[str, Any]:
    """One summary of several runs (the shards of `git codey ci run`), shaped like ``run_summary``'s:
    every task once, best first, with a line per shard and a warning when the shards expanded the
    recipe differently, a shard is missing or one came twice."""
    parts = [(run, run_summary(run), next((e for e in run.events() if e.get("event") == "ci_shard"), None)) for run in runs]
    rows = sorted((row for _, s, _ in parts for row in s["tasks"]), key=best_first)
    recipes = sorted({s["recipe"] or "?" for _, s, _ in parts})
    bases = {s["base"] for _, s, _ in parts}
    lines, shards = [], []
    for run, s, shard in parts:
        name = f"{shard['index']}/{shard['count']}" if shard else "whole run"
        shards.append(
            {
                "id": run.id,
                "shard": name,
                "tasks": len(s["tasks"]),
                "finished": s["finished"],
                "fingerprint": (shard or {}).get("fingerprint"),
            }
        )
        lines.append(
            f"- shard {name}: run `{run.id}`, {len(s['tasks'])} task(s)"
            + ("" if s["finished"] else f", stopped early: {s['stopped']}")
        )
    warnings = _shard_warnings(parts, bases)
    return {
        "id": " + ".join(run.id for run in runs),
        "recipe": ", ".join(recipes),
        "base": next(iter(bases)) if len(bases) == 1 else None,
        "branch": parts[0][1]["branch"] if parts else None,
        "stack_branch": None,
        "started": min((s["started"] or 0 for _, s, _ in parts), default=None),
        "finished": all(s["finished"] for _, s, _ in parts),
        "stopped": "; ".join(s["stopped"] for _, s, _ in parts if s["stopped"]) or None,
        "tasks": rows,
        "counts": _counts(rows),
        "tokens": _tokens(rows),
        "seconds": round(sum(r.get("seconds") or 0 for r in rows), 1),
        "shards": shards,
        "warnings": warnings,
        "not_achieved": [row["task"] for row in not_achieved(rows)],
        "merged": [f"Merged from {len(parts)} run(s):", *lines, *(f"**Warning:** {w}" for w in warnings)],
    }


def _shard_warnings(parts: list[tuple[RunDir, dict[str, Any], dict[str, Any] | None]], bases: set[str]) -> list[str]:
    warnings = []
    if len(bases) > 1:
        warnings.append("the runs started from different commits")
    shards = [shard for _, _, shard in parts if shard]
    if len({s.get("fingerprint") for s in shards}) > 1:
        warnings.append("the shards expanded the recipe differently; some tasks may be missing or doubled")
    counts = {s["count"] for s in shards}
    seen = [s["index"] for s in shards]
    if len(counts) == 1 and sorted(seen) != list(range(1, next(iter(counts)) + 1)):
        missing = sorted(set(range(1, next(iter(counts)) + 1)) - set(seen))
        doubled = sorted({i for i in seen if seen.count(i) > 1})
        warnings.append(
            "shard(s) "
            + ", ".join(f"{i}/{next(iter(counts))}" for i in missing or doubled)
            + (" missing" if missing else " merged twice")
        )
    return warnings
