"""fixbench: how often `git codey fix` repairs a seeded bug, through the real CLI.

    python -m benchmarks.fixbench --model qwen2.5-coder-1.5b [--tasks a,b] [--jobs N]
        [--max-seconds S] [--edit-format F] [--backend B] [--write-docs]
    python -m benchmarks.fixbench --list
    python -m benchmarks.fixbench --model smoke --backend scripted     # runner check, no model
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
from pathlib import Path
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed

from benchmarks.fixbench.report import build_result, load_results, results_path, run_markdown, write_docs
from benchmarks.fixbench.runner import DEFAULT_TIMEOUT_S, RunOptions, run_task
from benchmarks.fixbench.taskset import TaskError, load_tasks


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.fixbench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", help="coder model name (sets CODEY_CODER)")
    p.add_argument("--tasks", help="comma-separated task names (default: all)")
    p.add_argument("--jobs", type=int, default=1, help="tasks run in parallel (default 1)")
    p.add_argument("--max-seconds", type=float, help="engine time budget per task (CODEY_MAX_SECONDS)")
    p.add_argument("--candidates", type=int, help="edits sampled per attempt (CODEY_CANDIDATES)")
    p.add_argument("--attempts", type=int, help="attempts per step (CODEY_ATTEMPTS)")
    p.add_argument("--lock", help="hold a shared flock on this file during each task (lets a timing run elsewhere wait)")
    p.add_argument("--edit-format", help="CODEY_EDIT_FORMAT (auto, diff, search_replace, function, lines, whole_file)")
    p.add_argument("--backend", help="CODEY_BACKEND; `scripted` replays each task's scripted.yml")
    p.add_argument("--timeout", type=float, help=f"hard limit per task in seconds (default "
                   f"{DEFAULT_TIMEOUT_S}, or max-seconds + 300)")
    p.add_argument("--python", default=sys.executable, help="interpreter that runs codey and the tests")
    p.add_argument("--models-dir", help="model cache (default: the machine's, as codey finds it)")
    p.add_argument("--out", help="results file (default: benchmarks/fixbench/results/<model>.json)")
    p.add_argument("--write-docs", action="store_true", help="rewrite the fixbench section of docs/benchmarks.md")
    p.add_argument("--keep", action="store_true", help="keep each task's temporary directory")
    p.add_argument("--pad-modules", action="store_true",
                   help="append padding.py's unrelated helpers to each buggy module (real-size files)")
    p.add_argument("--long-files", choices=("windows", "whole"),
                   help="CODEY_LONG_FILES: how a long focus file is shown (default: codey's, windows)")
    p.add_argument("--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                   help="a codey setting for every task, as CODEY_NAME (e.g. token_fixes_first=false); repeatable")
    p.add_argument("--list", action="store_true", help="list the tasks and exit")
    args = p.parse_args(argv)
    for item in args.settings:
        if not re.fullmatch(r"[a-z_]+=.*", item):
            p.error(f"--set wants NAME=VALUE (a setting of .codey.yml), not {item!r}")
    if not args.list and not args.model:
        p.error("--model is required (or --list)")
    if args.jobs < 1:
        p.error("--jobs must be at least 1")
    return args


def list_tasks(tasks) -> None:
    print("| task | category | request style | request |\n|---|---|---|---|")
    for t in tasks:
        print(f"| {t.name} | {t.category} | {t.request_style} | {t.request} |")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    try:
        tasks = load_tasks([n.strip() for n in args.tasks.split(",") if n.strip()] if args.tasks else None)
    except TaskError as exc:
        print(f"fixbench: {exc}", file=sys.stderr)
        return 2
    if args.list:
        list_tasks(tasks)
        return 0
    if args.backend == "scripted":
        skipped = [t.name for t in tasks if t.scripted_path is None]
        tasks = [t for t in tasks if t.scripted_path is not None]
        if skipped:
            print(f"fixbench: no scripted.yml, skipped: {', '.join(skipped)}", file=sys.stderr)
    if not tasks:
        print("fixbench: no tasks to run", file=sys.stderr)
        return 2
    timeout = args.timeout or (args.max_seconds + 300 if args.max_seconds else DEFAULT_TIMEOUT_S)
    opts = RunOptions(model=args.model, python=args.python, backend=args.backend, edit_format=args.edit_format,
                      max_seconds=args.max_seconds, candidates=args.candidates, attempts=args.attempts, lock=args.lock, timeout_s=timeout, long_files=args.long_files, models_dir=args.models_dir, keep=args.keep,
                      pad_modules=args.pad_modules, settings=tuple(args.settings))
    rows = []
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(run_task, t, opts): t for t in tasks}
        for done, future in enumerate(as_completed(futures), 1):
            row = future.result()
            rows.append(row)
            outcome = "fixed" if row["fixed"] else row.get("error") or f"not fixed ({row.get('tests_after')})"
            print(f"[{done}/{len(tasks)}] {row['task']}: {outcome} in {row.get('wall_s', '?')}s", file=sys.stderr)
    options = {k: v for k, v in vars(args).items() if k in ("jobs", "max_seconds", "edit_format", "backend", "timeout", "attempts", "candidates",
                                                             "pad_modules", "long_files", "settings")}
    options["timeout"] = timeout
    command = "python -m benchmarks.fixbench " + shlex.join(argv)
    result = build_result(args.model, args.backend, rows, command, options)
    out = results_path(args.model, args.backend) if not args.out else Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(run_markdown(result))
    print(f"\nresults: {out}", file=sys.stderr)
    if args.write_docs:
        write_docs(load_results(out.parent))
        print("docs/benchmarks.md: fixbench section updated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
