"""python -m benchmarks.review.tested [--speed-runs 5] [--model NAME] [--json out.json]

Test-backed review without a model (review.model false: ruff, codey's checks and the tests), or
with ``--model`` as the default hook runs it (the model reviews too and explains blocking findings).

Quality: each case in benchmarks/review/tested/ becomes a repository whose last commit holds the
file before the change and the tests that cover it, with the change staged; `git codey review` runs
as the hook would. A bug is caught when the commit is blocked (exit 1), and counted "on the line"
when a blocking finding is on one of its bug lines; a harmless case blocked is a false alarm. Each
catch is credited to the first source that blocks: tests, ruff, or codey's checks.

Speed: a generated project of 30 modules and 300 tests; a one-module change reviewed as the hook
does, cold (no cache), warm (the import graph cached, as on every commit after the first) and a
rerun of the same staged snapshot (everything cached); and the checks alone (tests off) on a
100-line diff.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks.review.cases import _bug_lines

ROOT = Path(__file__).resolve().parents[2]
CASES_DIR = Path(__file__).parent / "tested"
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "bench@example.com", "GIT_CONFIG_NOSYSTEM": "1"}
SEVERE = ("critical", "high")


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def repo(base: Path, committed: dict[str, str], staged: dict[str, str]) -> Path:
    root = Path(tempfile.mkdtemp(dir=base))
    git(root, "init", "-q")
    for files in (committed, staged):
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        git(root, "add", "-A")
        if files is committed:
            git(root, "commit", "-qm", "base")
    return root


MODEL_ENV: dict[str, str] = {"CODEY_REVIEW_MODEL": "false"}  # --model replaces it


def review(root: Path, home: Path, **env: str) -> tuple[int, dict, float]:
    full = {**os.environ, **GIT_ENV, "CODEY_HOME": str(home), **MODEL_ENV, "PYTHONPATH": str(ROOT), **env}
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "codey_git", "review", "--json"], cwd=root, capture_output=True,
                         text=True, env=full, timeout=600)
    seconds = time.monotonic() - start
    try:
        report = json.loads(out.stdout)
    except ValueError:
        report = {"findings": [], "error": out.stderr[-500:]}
    return out.returncode, report, seconds


def _source(check: str | None) -> str:
    return "tests" if check == "tests" else "ruff" if (check or "").startswith("ruff:") else \
        "checks" if check else "model"


def quality(base: Path, home: Path, pattern: str = "*.yml") -> dict:
    rows = []
    for path in sorted(CASES_DIR.glob(pattern)):
        case = yaml.safe_load(path.read_text())
        root = repo(base, {case["file"]: case["before"], **case["tests"]}, {case["file"]: case["after"]})
        code, report, seconds = review(root, home)
        blocking = [f for f in report["findings"] if f["severity"] in SEVERE]
        lines = _bug_lines(case["after"], [case["bug_line_contains"]] if isinstance(case.get("bug_line_contains"), str)
                           else case.get("bug_line_contains") or [], path.stem) if case["kind"] == "bug" else set()
        rows.append({"case": path.stem, "kind": case["kind"], "exit": code, "seconds": round(seconds, 2),
                     "found": [(f["file"], f["line"], f["severity"], f.get("check")) for f in report["findings"]],
                     "first_source": _source(blocking[0].get("check")) if blocking else None,
                     "on_line": any(f["file"] == case["file"] and f["line"] in lines for f in blocking),
                     "explanations": [f["explanation"] for f in report["findings"] if f.get("explanation")],
                     "model_findings": sum(1 for f in report["findings"] if not f.get("check")),
                     "tests": (report.get("tests") or {}).get("state")})
        print(f"{path.stem:28} exit {code} {seconds:5.1f}s {rows[-1]['first_source'] or '-':7} "
              f"{'on line' if rows[-1]['on_line'] else ''}", flush=True)
    bugs = [r for r in rows if r["kind"] == "bug"]
    harmless = [r for r in rows if r["kind"] != "bug"]
    sources: dict[str, int] = {}
    for r in bugs:
        if r["exit"] == 1:
            sources[r["first_source"]] = sources.get(r["first_source"], 0) + 1
    return {"rows": rows, "bugs": len(bugs), "caught": sum(r["exit"] == 1 for r in bugs),
            "on_line": sum(r["on_line"] for r in bugs), "harmless": len(harmless),
            "false_alarms": sum(r["exit"] == 1 for r in harmless), "first_source": sources,
            "explained": sum(bool(r["explanations"]) for r in bugs),
            "model_findings_on_harmless": sum(r["model_findings"] for r in harmless)}


def _project(modules: int = 30, tests_each: int = 10) -> dict[str, str]:
    files = {}
    for m in range(modules):
        files[f"app/mod{m:02}.py"] = "".join(f"def f{i}(x):\n    return x * {i} + {m}\n\n\n" for i in range(tests_each))
        files[f"tests/test_mod{m:02}.py"] = f"from app.mod{m:02} import " + ", ".join(
            f"f{i}" for i in range(tests_each)) + "\n\n\n" + "".join(
            f"def test_f{i}():\n    assert f{i}(2) == {2 * i + m}\n\n\n" for i in range(tests_each))
    files["app/__init__.py"] = ""
    return files


def _hundred_lines() -> tuple[str, str]:
    before = "".join(f"def old{i}(x):\n    return x + {i}\n\n\n" for i in range(10))
    after = before + "".join(f"def new{i}(items, key):\n    out = []\n    for item in items:\n"
                             f"        if item.get(key) is not None:\n            out.append(item[key] * {i})\n"
                             f"    return out\n\n\n" for i in range(12))
    return before, after


def speed(base: Path, home: Path, runs: int) -> dict:
    project = _project()
    changed = {"app/mod07.py": project["app/mod07.py"] + "def extra(x):\n    return x - 1\n"}
    root = repo(base, project, changed)
    codey = root / ".git" / "codey"

    def timed(clear: tuple[str, ...]) -> list[float]:
        out = []
        for _ in range(runs):
            for name in clear:
                (codey / name).unlink(missing_ok=True)
            code, report, seconds = review(root, home)
            assert code == 0, report
            out.append(seconds)
        return out

    cold = timed(("review-tests.json", "review-imports.json"))
    warm = timed(("review-tests.json",))
    cached = timed(())
    before, after = _hundred_lines()
    checks_root = repo(base, {"feature.py": before}, {"feature.py": after})
    checks = [review(checks_root, home, CODEY_REVIEW_TESTS="false")[2] for _ in range(runs)]
    _, report, _ = review(root, home)

    def stats(xs: list[float]) -> dict:
        return {"p50": round(statistics.median(xs), 2), "max": round(max(xs), 2), "runs": [round(x, 2) for x in xs]}

    return {"project": "30 modules, 300 tests; one module changed", "selected": (report.get("tests") or {}).get("selected"),
            "cold": stats(cold), "warm": stats(warm), "cached_rerun": stats(cached),
            "checks_only_100_lines": stats(checks)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speed-runs", type=int, default=5, help="runs of each timing (0: skip)")
    parser.add_argument("--no-quality", action="store_true")
    parser.add_argument("--cases", default="*.yml", help="glob of case files in benchmarks/review/tested")
    parser.add_argument("--model", help="review with this reviewer model too (as the default hook does)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.model:
        from codey_git.paths import models_dir

        MODEL_ENV.update({"CODEY_REVIEW_MODEL": "true", "CODEY_REVIEWER": args.model,
                          "CODEY_MODELS_DIR": str(models_dir())})
    result: dict = {"model": args.model, "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
                    "load_before": os.getloadavg()[0], "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    with tempfile.TemporaryDirectory(prefix="codey-review-tested-") as tmp:
        base, home = Path(tmp), Path(tmp) / "home"
        if not args.no_quality:
            result["quality"] = quality(base, home, args.cases)
            q = result["quality"]
            print(f"bugs caught {q['caught']}/{q['bugs']} (on the line {q['on_line']}), false alarms "
                  f"{q['false_alarms']}/{q['harmless']}, first source {q['first_source']}"
                  + (f"; explained {q['explained']}, model findings on harmless diffs "
                     f"{q['model_findings_on_harmless']} (advisory)" if args.model else ""))
        if args.speed_runs:
            result["speed"] = s = speed(base, home, args.speed_runs)
            print(f"300-test project, one module: cold p50 {s['cold']['p50']}s, warm p50 {s['warm']['p50']}s, "
                  f"cached rerun p50 {s['cached_rerun']['p50']}s; checks alone, 100 lines: "
                  f"p50 {s['checks_only_100_lines']['p50']}s (selected {s['selected']})")
    result["load_after"] = os.getloadavg()[0]
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
