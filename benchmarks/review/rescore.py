"""Rescore a recorded review run with the current built-in checks, keeping the model's findings.

    python -m benchmarks.review.rescore RESULT.json [--json OUT]

The checks are deterministic and take milliseconds, so when only they change, the model's answers
recorded in RESULT.json (same prompt, same model) need not be asked again. Each case's check
findings are replaced by what `checks_only` finds in the same staged diff today; the per-set
summary is printed as `python -m benchmarks.review` prints it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from benchmarks.review.__main__ import by_set_and_source, set_lines, staged_repo
from benchmarks.review.cases import load_cases
from codey_git.review.diffsource import staged_diff
from codey_git.review.engine import checks_only


def rescore_rows(rows: list[dict], base: Path) -> list[dict]:
    """``rows`` with each case's check findings recomputed (cases no longer on disk are dropped)."""
    cases = {c.name: c for c in load_cases()}
    out = []
    for row in rows:
        case = cases.get(row["case"])
        if case is None:
            continue
        diff = staged_diff(staged_repo(base, [case], prefix_dirs=False))
        model = [tuple(f) for f in row["found"] if f[2] is None]
        checks = [(f.line, f.severity, f.check) for f in checks_only(diff, fail_on="high")]
        out.append({**row, "found": model + checks})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("result", type=Path)
    parser.add_argument("--json", type=Path, help="write the rescored result here")
    args = parser.parse_args(argv)
    result = json.loads(args.result.read_text())
    quality = result["quality"]
    with tempfile.TemporaryDirectory(prefix="codey-review-rescore-") as tmp:
        rows = rescore_rows(quality["rows"], Path(tmp))
    summary = by_set_and_source(rows, quality.get("model_max_severity"))
    for line in set_lines(summary):
        print(line)
    if args.json:
        quality.update(rows=rows, by_set=summary, rescored_from=str(args.result))
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
