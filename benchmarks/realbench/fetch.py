"""Fetch the realbench projects and check that each suite passes as published.

    python -m benchmarks.realbench.fetch [--projects a,b] [--force] [--runs 2]

For each project of projects.yml: ``pip download --no-deps --no-binary :all: NAME==VERSION`` into
``<cache>/sdists`` (``$CODEY_BENCH_CACHE``, default ``~/.cache/codey-bench``), the sha256 checked;
the sdist unpacked into a fresh git repository ``<cache>/repos/<name>`` (one commit, fixed author
and date, so its id is the same everywhere); ``.venv/`` made there from this Python with pytest and
the project's test dependencies (never the project itself) and listed in ``.git/info/exclude``;
then the whole suite run ``--runs`` times at baseline: it must pass every time with the same
tests. Writes ``results/baseline.json`` (versions, sha256, commit, suite seconds, counts, the
venv's packages). No ``.codey.yml`` is written: plain ``python -m pytest`` runs every suite.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import shutil
import statistics
import sys
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from codey_git.proc import run

from benchmarks.machine import cpu_name, load_average
from benchmarks.realbench.common import (RESULTS_DIR, Project, cache_dir, clean_env, init_repo,
                                         interpreter_for_venvs, load_projects, python_version, run_suite)

BASELINE_FILE = RESULTS_DIR / "baseline.json"


class FetchError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(project: Project, sdists: Path) -> Path:
    target = sdists / project.sdist
    if not target.is_file() or sha256(target) != project.sha256:
        sdists.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="realbench-dl-") as tmp:
            argv = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                    f"{project.name}=={project.version}", "-d", tmp, "--disable-pip-version-check"]
            result = run(argv, env=clean_env(), timeout=900)
            got = sorted(Path(tmp).iterdir())
            if not result.ok or not got:
                raise FetchError(f"pip download {project.name}=={project.version} failed:\n{result.output[-2000:]}")
            if got[0].name != project.sdist:
                raise FetchError(f"pip downloaded {got[0].name}, projects.yml says {project.sdist}")
            shutil.move(str(got[0]), target)
    digest = sha256(target)
    if digest != project.sha256:
        raise FetchError(f"{target.name}: sha256 {digest}, projects.yml says {project.sha256}")
    return target


def unpack(sdist: Path, dest: Path) -> None:
    """The sdist's top folder becomes dest (which is replaced)."""
    if dest.exists():
        shutil.rmtree(dest)
    with tempfile.TemporaryDirectory(prefix="realbench-unpack-", dir=dest.parent) as tmp:
        with tarfile.open(sdist) as tar:
            tar.extractall(tmp, filter="data")
        tops = list(Path(tmp).iterdir())
        if len(tops) != 1 or not tops[0].is_dir():
            raise FetchError(f"{sdist.name}: expected one top-level folder, found {[t.name for t in tops]}")
        shutil.move(str(tops[0]), dest)


def make_venv(project: Project, base_python: str) -> list[str]:
    """project.venv with pytest and the test deps, no pip inside (pip runs from here with --python)."""
    result = run([base_python, "-m", "venv", "--without-pip", str(project.venv)], env=clean_env(), timeout=300)
    if not result.ok:
        raise FetchError(f"venv for {project.name} failed: {result.output[-1500:]}")
    argv = [sys.executable, "-m", "pip", "--python", project.interpreter, "install", "-q",
            "--disable-pip-version-check", *project.test_deps]
    result = run(argv, env=clean_env(), timeout=1200)
    if not result.ok:
        raise FetchError(f"installing {project.test_deps} for {project.name} failed: {result.output[-2000:]}")
    frozen = run([sys.executable, "-m", "pip", "--python", project.interpreter, "freeze", "--all"],
                 env=clean_env(), timeout=300)
    return [line for line in frozen.stdout.splitlines() if line.strip()]


def check_not_installed(project: Project) -> None:
    """The tests must import the tree they run in, never a copy in the venv."""
    module = Path(project.library[0]).stem if project.library else project.name
    probe = run([project.interpreter, "-c", f"import importlib.util as u; print(u.find_spec({module!r}) is None)"],
                cwd=tempfile.gettempdir(), env=clean_env(), timeout=60)
    if probe.stdout.strip() != "True":
        raise FetchError(f"{project.name}: `{module}` is importable from the venv outside the repository")


def fetch(project: Project, *, runs: int, force: bool, base_python: str) -> dict:
    root = cache_dir()
    sdist = download(project, root / "sdists")
    repo = project.repo
    repo.parent.mkdir(parents=True, exist_ok=True)
    marker = repo / ".git" / "realbench-fetched"
    if force or not marker.is_file() or marker.read_text().strip() != project.sha256:
        unpack(sdist, repo)
        commit = init_repo(repo, f"{project.name} {project.version} (PyPI sdist {project.sdist})")
        packages = make_venv(project, base_python)
        marker.write_text(project.sha256 + "\n")
        (repo / ".git" / "realbench-packages.txt").write_text("\n".join(packages) + "\n")
    else:
        from benchmarks.realbench.common import git
        commit = git(repo, "rev-parse", "HEAD")
        packages = (repo / ".git" / "realbench-packages.txt").read_text().split()
    check_not_installed(project)
    suites = [run_suite(project, repo, timeout=600) for _ in range(runs)]
    problems = []
    for i, suite in enumerate(suites, 1):
        if not suite.passed or suite.failed or suite.collect_errors:
            problems.append(f"run {i}: {suite.summary}\n{suite.output_tail[-1500:]}")
    # ids can hold the time of day (marshmallow parametrizes with datetime.now()): compare what
    # failed and how many tests ran, not the ids themselves
    if len({(tuple(s.failed), len(s.outcomes)) for s in suites}) > 1:
        problems.append("outcomes differ between runs (flaky)")
    counts: dict[str, int] = {}
    for outcome in suites[-1].outcomes.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    return {
        "project": project.name, "version": project.version, "sdist": project.sdist, "sha256": project.sha256,
        "commit": commit, "src_layout": project.src_layout, "test_command": project.test_command,
        "library_files": len(project.library_files()),
        "library_lines": sum(len((repo / f).read_text(encoding="utf-8").splitlines()) for f in project.library_files()),
        "suite_seconds": [round(s.seconds, 2) for s in suites],
        "suite_seconds_median": round(statistics.median(s.seconds for s in suites), 2),
        "tests": len(suites[-1].outcomes), "counts": counts, "packages": packages,
        "ok": not problems, "problems": problems,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.realbench.fetch", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--projects", help="comma-separated project names (default: all)")
    p.add_argument("--force", action="store_true", help="unpack and make the venv again even if present")
    p.add_argument("--runs", type=int, default=2, help="baseline suite runs per project (default 2)")
    p.add_argument("--out", default=str(BASELINE_FILE), help="where to write the baseline record")
    args = p.parse_args(argv)
    names = [n.strip() for n in args.projects.split(",") if n.strip()] if args.projects else None
    projects = load_projects(names=names)
    base_python = interpreter_for_venvs()
    rows, failed = [], False
    load_before = load_average()
    for project in projects:
        print(f"realbench fetch: {project.name} {project.version} ...", file=sys.stderr, flush=True)
        try:
            row = fetch(project, runs=args.runs, force=args.force, base_python=base_python)
        except FetchError as exc:
            row = {"project": project.name, "version": project.version, "ok": False, "problems": [str(exc)]}
        rows.append(row)
        failed |= not row["ok"]
        status = (f"{row['tests']} tests, {row['suite_seconds_median']} s" if row["ok"]
                  else "FAILED: " + "; ".join(row["problems"])[:3000])
        print(f"  {project.name}: {status}", file=sys.stderr, flush=True)
    record = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"cpu": cpu_name(), "cores": len(__import__("os").sched_getaffinity(0)),
                    "load_before": round(load_before, 2), "load_after": round(load_average(), 2),
                    "python": python_version(base_python), "os": f"{platform.system()} {platform.release()}"},
        "cache": str(cache_dir()), "projects": rows,
    }
    out = Path(args.out)
    if names and out.is_file():  # a partial fetch keeps the other projects' rows
        old = json.loads(out.read_text())
        keep = [r for r in old.get("projects", []) if r.get("project") not in set(names)]
        record["projects"] = sorted(keep + rows, key=lambda r: r["project"])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2) + "\n")
    print("| project | version | tests | suite s (median) | library files / lines |", file=sys.stderr)
    for r in record["projects"]:
        if r.get("ok"):
            print(f"| {r['project']} | {r['version']} | {r['tests']} | {r['suite_seconds_median']} "
                  f"| {r['library_files']} / {r['library_lines']} |", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
