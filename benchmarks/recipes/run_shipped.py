"""Run every shipped recipe on a fresh copy of the sample project, bounded, and sum up.

    .venv/bin/python -m benchmarks.recipes.run_shipped              # real default model
    .venv/bin/python -m benchmarks.recipes.run_shipped --max-tasks 1 --recipes improve

Each recipe runs as a user would run it (`git codey run NAME --max-tasks N --json`) in its own
copy of the sample repo under a temp dir; the reports are printed and the numbers saved under
benchmarks/recipes/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.recipes.sample_repo import BUGGY, FILES

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ["fix-failing-tests", "add-docstrings", "add-type-hints", "remove-unused-code", "improve"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def make_sample(where: Path, files: dict[str, str] = FILES) -> Path:
    where.mkdir(parents=True)
    git(where, "init", "-q", "-b", "main")
    for rel, text in files.items():
        (where / rel).parent.mkdir(parents=True, exist_ok=True)
        (where / rel).write_text(text)
    git(where, "add", "-A")
    git(where, "-c", "user.name=Sample", "-c", "user.email=sample@example.com", "commit", "-qm", "sample")
    return where


def run_recipe(name: str, workdir: Path, max_tasks: int) -> dict:
    repo = make_sample(workdir / name, BUGGY if name == "fix-failing-tests" else FILES)
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "GIT_AUTHOR_NAME": "codey-bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "codey-bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "codey_git", "run", name, "--max-tasks", str(max_tasks),
                          "--json", "--yes"], cwd=repo, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - start
    if out.returncode != 0:
        print(out.stderr[-3000:], flush=True)
        return {"recipe": name, "error": out.stderr.strip()[-800:], "seconds": round(seconds, 1)}
    summary = json.loads(out.stdout)
    report = Path(summary["report"]).read_text()
    print(report, flush=True)
    return {"recipe": name, "counts": summary["counts"], "tokens": summary["tokens"],
            "seconds": round(seconds, 1), "tasks": [{k: r.get(k) for k in ("text", "status", "reason", "tests",
                                                                          "change", "seconds", "idea")}
                                                   for r in summary["tasks"]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", nargs="*", default=SHIPPED)
    parser.add_argument("--max-tasks", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="codey-recipes-") as tmp:
        for name in args.recipes:
            print(f"=== {name}", flush=True)
            rows.append(run_recipe(name, Path(tmp), args.max_tasks))
    print("\n| recipe | tasks | outcome | wall s | tokens |\n|---|---|---|---|---|")
    for row in rows:
        counts = row.get("counts") or {}
        outcome = ", ".join(f"{n} {s}" for s, n in counts.items()) or f"error: {row.get('error', '')[:60]}"
        print(f"| {row['recipe']} | {sum(counts.values())} | {outcome} | {row['seconds']} | {row.get('tokens', 0)} |")
    results = ROOT / "benchmarks" / "recipes" / "results"
    results.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    meta = {"date": stamp, "machine": platform.platform(), "cpus": os.cpu_count(),
            "backend": os.environ.get("CODEY_BACKEND", "default"), "max_tasks": args.max_tasks}
    (results / f"{stamp}.json").write_text(json.dumps({"meta": meta, "recipes": rows}, indent=1))


if __name__ == "__main__":
    main()
