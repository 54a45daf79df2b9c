"""Start-up time of `git codey`: wall time of `python -m codey_git review` answered from the review
cache (scripted model, one staged hunk, the second run), and of `review --help` and `--help`.

    .venv/bin/python benchmarks/speed/startup.py --runs 7
    .venv/bin/python benchmarks/speed/startup.py --checkout /path/to/other/checkout   # compare

Runs a fresh temporary repository and CODEY_HOME; prints JSON with the median of each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.machine import cpu_name, load_average  # noqa: E402

FINDING = ('{"findings": [{"file": "calc.py", "line": 6, "severity": "high", "category": "bug", '
           '"message": "off by one", "suggestion": "return sum(xs) / len(xs)"}]}')


def staged_repo(base: Path) -> Path:
    repo = base / "repo"
    repo.mkdir()

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    (repo / "calc.py").write_text("def div(a, b):\n    return a / b\n")
    git("add", "-A")
    git("-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qm", "initial")
    (repo / "calc.py").write_text("def div(a, b):\n    return a / b\n\n\ndef avg(xs):\n    return sum(xs) / len(xs) + 1\n")
    git("add", "calc.py")
    return repo


def timed(argv: list[str], cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "codey_git", *argv], cwd=cwd, env=env, capture_output=True,
                   stdin=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the codey_git checkout to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        script = base / "script.yml"
        script.write_text(json.dumps({"responses": {"review": [FINDING]}}))
        env = dict(os.environ, CODEY_HOME=str(base / "home"), CODEY_BACKEND="scripted", CODEY_SCRIPT=str(script),
                   PYTHONPATH=str(args.checkout.resolve()), XDG_CONFIG_HOME=str(base / "config"))
        repo = staged_repo(base)
        load = load_average()
        timed(["review"], repo, env)  # fills the cache; later runs are cache hits
        cases = {"review (cache hit)": ["review"], "review --help": ["review", "--help"], "--help": ["--help"]}
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, argv in cases.items():
                times[name].append(timed(argv, repo, env))
    print(json.dumps({"cpu": cpu_name(), "load_1min_at_start": load, "date": time.strftime("%Y-%m-%d %H:%M"),
                      "checkout": str(args.checkout), "runs": args.runs,
                      "median_s": {name: round(statistics.median(t), 3) for name, t in times.items()},
                      "min_s": {name: round(min(t), 3) for name, t in times.items()}}, indent=2))


if __name__ == "__main__":
    main()
