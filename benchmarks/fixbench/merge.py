"""Combine fixbench results of one configuration run in parts (a run cut short, then the rest).

    python -m benchmarks.fixbench.merge OUT.json FIRST.json [MORE.json ...]

Rows of later files replace the same task's row of earlier ones (a task rerun after its first run
was disturbed); the summary is recomputed from the merged rows. The files must agree on model,
backend and options, or the merge is refused.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks.fixbench.report import build_result

SAME = ("model", "backend")


def merge(parts: list[dict]) -> dict:
    first = parts[0]
    rows: dict[str, dict] = {}
    for part in parts:
        for key in SAME:
            if part.get(key) != first.get(key):
                raise ValueError(f"{key} differs: {first.get(key)!r} vs {part.get(key)!r}")
        opts = {k: v for k, v in (part.get("options") or {}).items() if k != "timeout"}
        if opts != {k: v for k, v in (first.get("options") or {}).items() if k != "timeout"}:
            raise ValueError(f"options differ: {first.get('options')} vs {part.get('options')}")
        rows.update({row["task"]: row for row in part["rows"]})
    commands = list(dict.fromkeys(p["command"] for p in parts))
    merged = build_result(first["model"], first.get("backend"), list(rows.values()), " ; then ".join(commands),
                          first.get("options") or {})
    merged["date"] = " / ".join(dict.fromkeys(p["date"] for p in parts))
    return merged


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out, sources = Path(argv[0]), [Path(a) for a in argv[1:]]
    try:
        merged = merge([json.loads(p.read_text()) for p in sources])
    except (OSError, ValueError, KeyError) as exc:
        print(f"fixbench merge: {exc}", file=sys.stderr)
        return 2
    out.write_text(json.dumps(merged, indent=2) + "\n")
    print(f"{out}: {merged['tasks']} tasks, {merged['fixed']} fixed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
