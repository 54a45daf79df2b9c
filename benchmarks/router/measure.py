"""Measuring the router: per-request routing in process, and `git codey "git status"` from a shell."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.machine import cpu_name, load_average

ROOT = Path(__file__).resolve().parents[2]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def route_all(router, requests: list[dict], *, set_name: str = "requests") -> list[dict]:
    rows = []
    for req in requests:
        start = time.perf_counter()
        intent = router.route(req["text"])
        ms = (time.perf_counter() - start) * 1000
        ok = intent.label == req["label"]
        for key in ("files", "lines"):
            if req.get(key):
                ok = ok and intent.params.get(key) == req[key]
        rows.append({"set": set_name, "text": req["text"], "want": req["label"], "got": intent.label, "source": intent.source,
                     "tricky": bool(req.get("tricky")), "ok": ok, "ms": ms})
    return rows


def _timed(argv: list[str], cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    ms = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{argv} failed: {done.stderr}")
    return ms


def end_to_end(runs: int) -> dict:
    """Wall time of `python -m codey_git "git status" --yes` in a small repo, next to its parts."""
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@x",
               "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@x"}
        for argv in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"], ["git", "commit", "-qm", "init"]):
            (repo / "calc.py").write_text("def add(a, b):\n    return a + b\n")
            subprocess.run(argv, cwd=repo, env=env, check=True, capture_output=True)
        commands = {
            "codey": [sys.executable, "-m", "codey_git", "git status", "--yes"],
            "python": [sys.executable, "-c", "pass"],
            "git": ["git", "status"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, argv in commands.items():
                times[name].append(_timed(argv, repo, env))
    return {name: {"p50": percentile(v, 50), "p95": percentile(v, 95), "runs": len(v)} for name, v in times.items()}


def machine() -> dict:
    cpu, load = cpu_name(), load_average()
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d"), "load": load}
