"""Check every fixbench task: task.yml agrees with the repository and fix.patch, the tests fail
on the seeded bug, and they pass once fix.patch is applied.

    python -m benchmarks.fixbench.check_tasks [TASK ...] [--jobs N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a file path: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.fixbench.repo_ops import apply_patch, run_tests  # noqa: E402
from benchmarks.fixbench.taskset import Task, TaskError, consistency_problems, copy_repo, load_tasks  # noqa: E402


@dataclass
class CheckResult:
    task: str
    problems: list[str] = field(default_factory=list)
    before: str = ""
    after: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def check_task(task: Task, python: str = sys.executable) -> CheckResult:
    result = CheckResult(task.name, consistency_problems(task))
    if not task.patch_path.is_file():
        return result
    with tempfile.TemporaryDirectory(prefix=f"fixbench-check-{task.name}-") as tmp:
        repo = copy_repo(task, Path(tmp) / "repo")
        before = run_tests(repo, python)
        result.before = before.summary
        if not before.failed_tests:
            result.problems.append(f"tests should fail on the seeded bug (exit 1), got exit "
                                   f"{before.returncode}: {before.summary}")
        try:
            apply_patch(repo, task.patch_path)
        except RuntimeError as exc:
            result.problems.append(f"fix.patch does not apply: {exc}")
            return result
        after = run_tests(repo, python)
        result.after = after.summary
        if not after.passed:
            result.problems.append(f"tests should pass after fix.patch, got exit {after.returncode}: {after.summary}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fixbench.check_tasks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tasks", nargs="*", help="task names (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="tasks checked in parallel")
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs the tests")
    args = parser.parse_args(argv)
    try:
        tasks = load_tasks(args.tasks or None)
    except TaskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda t: check_task(t, args.python), tasks))
    for task, res in zip(tasks, results):
        mark = "ok  " if res.ok else "FAIL"
        print(f"{mark} {task.name:<18} {task.category:<18} {task.request_style:<9} "
              f"before: {res.before:<28} after: {res.after}")
        for problem in res.problems:
            print(f"       - {problem}")
    bad = sum(not r.ok for r in results)
    print(f"\n{len(results) - bad}/{len(results)} tasks ok")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
