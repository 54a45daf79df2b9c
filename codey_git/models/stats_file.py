"""One JSON line per model call in ``$CODEY_HOME/stats.jsonl``, and its summary for `git codey stats`."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from codey_git import paths
from codey_git.models.base import CallStats

MAX_BYTES = 4 * 2**20  # past this the oldest half is dropped
KEEP_LINES = 5000


def stats_path() -> Path:
    return paths.codey_home() / "stats.jsonl"


def append_call(stats: CallStats, backend: str) -> None:
    """Record one call. Never fails the call: an unwritable cache only loses the record."""
    path = stats_path()
    line = json.dumps({"ts": round(time.time(), 3), "backend": backend, **stats.to_dict()})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a") as fh:
            fh.write(line + "\n")
        if path.stat().st_size > MAX_BYTES:
            _trim(path)
    except OSError:
        pass


def _trim(path: Path) -> None:
    lines = path.read_text().splitlines()[-KEEP_LINES:]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(path)


def read_recent(limit: int = 1000) -> list[dict[str, Any]]:
    try:
        lines = stats_path().read_text().splitlines()[-limit:]
    except OSError:
        return []
    records = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a line cut by a crash
        if isinstance(record, dict) and "model" in record:
            records.append(record)
    return records


def _median(values: list[float]) -> float:
    values = [v for v in values if v]
    return round(statistics.median(values), 1) if values else 0.0


def summarize(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per model: calls, median prefill/generation speed, token totals."""
    by_model: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_model.setdefault(str(record["model"]), []).append(record)
    rows = []
    for model, calls in sorted(by_model.items()):
        rows.append(
            {
                "model": model,
                "backend": calls[-1].get("backend", ""),
                "calls": len(calls),
                "median_prefill_tok_s": _median([c.get("prefill_tok_s", 0) for c in calls]),
                "median_gen_tok_s": _median([c.get("gen_tok_s", 0) for c in calls]),
                "prompt_tokens": sum(c.get("prompt_tokens", 0) for c in calls),
                "prompt_tokens_evaluated": sum(c.get("prompt_tokens_evaluated", 0) for c in calls),
                "generated_tokens": sum(c.get("generated_tokens", 0) for c in calls),
                "median_load_ms": _median([c.get("load_ms", 0) for c in calls]),
                "max_peak_rss_mb": round(max((c.get("peak_rss_mb", 0) for c in calls), default=0), 1),
                "last": time.strftime("%Y-%m-%d %H:%M", time.localtime(calls[-1].get("ts", 0))),
            }
        )
    return rows
