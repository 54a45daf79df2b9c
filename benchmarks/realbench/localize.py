"""realbench localization: where the prompt points, without a model.

    python -m benchmarks.realbench.localize [--tasks ID,...] [--projects a,b] [--write-docs]

For each task of tasks.yml: the task's repository (pristine sdist, the mutated line committed on
top, the project's .venv), codey's baseline run of the whole suite, then the focus that `fix`
computes for the task's request, two ways:

- ``before``: localization without the coverage run (``localize(..., spectrum=False)``): the
  traceback's project frames, deepest first, else the modules the failing tests import;
- ``after``: with it: the failing tests' files run again with per-test line coverage and the lines
  ranked by Ochiai (``engine/suspects.py``).

Recorded per task: the rank of the mutated line and of its function (innermost enclosing
definition) in each ordering (None: not in it), whether the prompt for the real model's context
(8192 tokens, 768 kept for the answer, about 3.5 characters a token, the `function` format) shows
the mutated line and marks it in the suspect note, and the seconds of the coverage run, of the same
files run without the tracer, and of the baseline; and the symbol index alone (``index``): the rank
of the mutated line's function among the index's hits for the request, the failure messages and the
failing tests' calls, with the seconds of its first build and of a second run. Results:
results/localize.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from codey_git.edits.treefs import TreeFS
from codey_git.engine import context as ctx
from codey_git.engine import definitions
from codey_git.engine import suspects as sfl
from codey_git.engine.codeview import build_messages
from codey_git.errors import UsageError
from codey_git.symbols import index as symbol_index
from codey_git.testrun import run_tests

from benchmarks.fixbench.report import machine_info
from benchmarks.realbench.common import RESULTS_DIR, TASKS_FILE, load_projects, load_tasks
from benchmarks.realbench.mutate import request_of
from benchmarks.realbench.run import prepare_repo

COMMAND = "python -m pytest -q"  # codey's default test_command
TIMEOUT = 600
CONTEXT, ANSWER = 8192, 768
OUT = RESULTS_DIR / "localize.json"


class _Model:
    """The real model's room, with its tokenizer approximated (about 3.5 characters a token)."""
    name = "qwen2.5-coder-1.5b (approximated)"
    context_size = CONTEXT

    def count_tokens(self, text: str) -> int:
        return (len(text) * 2 + 6) // 7


class _Tree:
    def __init__(self, path: Path):
        self.path = path
        self.fs = TreeFS(path)

    def read(self, rel: str) -> str | None:
        return self.fs.read(rel)


def _function(root: Path, rel: str, line: int) -> tuple[str, int] | None:
    found = definitions.enclosing(TreeFS(root).read(rel) or "", line)
    return (rel, found[1]) if found else None


def ranks(root: Path, ordered: list[tuple[str, int]], target: tuple[str, int]) -> dict:
    """1-based rank of the target line, and of its function, in an ordering of lines."""
    line = ordered.index(target) + 1 if target in ordered else None
    functions: list[tuple[str, int] | None] = []
    sources: dict[str, str] = {}
    for rel, n in ordered:
        found = definitions.enclosing(sources.setdefault(rel, TreeFS(root).read(rel) or ""), n)
        key = (rel, found[1]) if found else None
        if key not in functions:
            functions.append(key)
    want = _function(root, *target)
    return {"line": line, "function": functions.index(want) + 1 if want in functions else None}


def prompt_check(root: Path, request: str, focus: ctx.Focus, sections: dict, task: dict) -> dict:
    try:
        messages, _symbol, shown = build_messages(_Model(), request, "fix", focus, sections, "function", _Tree(root),
                                                  new_files=[], allow_test_edits=False, feedback=None,
                                                  max_tokens=ANSWER)
    except UsageError:
        return {"in_prompt": False, "function_in_prompt": False, "noted": False, "prompt_chars": 0}
    prompt = "\n".join(m["content"] for m in messages)
    code = prompt.split("The failing test:")[0]
    name = (task.get("function") or "").split(".")[-1]
    mutated = task["mutated"].strip()
    note = next((line for line in prompt.splitlines() if line.startswith(("Lines most run by", "Code most run by"))), "")
    return {"in_prompt": task["file"] in shown and mutated in code,
            "function_in_prompt": bool(name) and f"def {name}(" in code,
            "noted": f"line {task['line']}: `{mutated}`" in note,
            "function_noted": bool(name) and f"`{name}` ({task['file']} " in note,
            "note": note[:400], "prompt_chars": len(prompt)}


def index_check(repo: Path, request: str, baseline, only: set[str], target: tuple[str, int]) -> dict:
    """The symbol index alone: where the mutated line's function ranks among its hits for the
    request, the failure messages and the failing tests' calls, and what the index cost."""
    started = time.monotonic()
    built = symbol_index.build(repo)  # a second run: one_task made the first
    again_s = time.monotonic() - started
    started = time.monotonic()
    hits = ctx.symbol_hits(baseline, repo, ctx.parse_request(request, repo), only)
    hits_s = time.monotonic() - started
    order = [(h.path, h.definition.start) for h in hits]
    want = _function(repo, *target)
    return {"function": order.index(want) + 1 if want in order else None, "hits": len(hits),
            "top": [f"{h.path}::{h.definition.qualname}" for h in hits[:3]],
            "again_parsed": built.parsed, "again_s": round(again_s, 3), "hits_s": round(hits_s, 3)}


def one_task(task: dict, project, tmp: Path) -> dict:
    repo = tmp / task["id"]
    prepare_repo(project, task, repo)
    row: dict = {"task": task["id"], "project": task["project"], "style": task["style"], "kind": task["kind"]}
    baseline = run_tests(COMMAND, repo, TIMEOUT)
    row["baseline_s"] = round(baseline.seconds, 2)
    request = request_of(task)
    target = (task["file"], task["line"])
    started = time.monotonic()
    files = len(symbol_index.build(repo).files)
    row["index_build"] = {"s": round(time.monotonic() - started, 2), "files": files}
    for way in ("before", "after"):
        focus = ctx.parse_request(request, repo)
        only = ctx.requested_failures(request, baseline, focus)
        started = time.monotonic()
        focus = ctx.localize(baseline, repo, focus, only=only, spectrum=way == "after")
        seconds = time.monotonic() - started
        ordered = [(rel, n) for rel in focus.files for n in focus.lines.get(rel, [])]
        result = {"focus": ranks(repo, ordered, target), "focus_files": focus.files[:4]}
        if way == "after":
            ranked = ctx.suspect_ranking(baseline, repo, only, clues=request)  # the cached coverage run
            result["ranking"] = ranks(repo, [(s.path, s.line) for s in ranked], target)
            result["ranked_lines"] = len(ranked)
            hit = next((s for s in ranked if (s.path, s.line) == target), None)
            result["score"] = hit.score if hit else None
            if hit:  # where ties put it at best and at worst
                result["ranking"]["line_best"] = 1 + sum(1 for s in ranked if s.score > hit.score)
                result["ranking"]["line_worst"] = sum(1 for s in ranked if s.score >= hit.score)
            result["ties_at_top"] = sum(1 for s in ranked if ranked and s.score == ranked[0].score)
            traced = sfl.coverage_run(baseline, repo, set(only or baseline.failed))
            files = sorted({t.split("::")[0] for t in (only or baseline.failed) if "::" in t})[:sfl.MAX_FILES]
            plain = run_tests(COMMAND, repo, TIMEOUT, select=files)
            row["files_run"] = files
            row["coverage_s"] = round(traced.seconds, 2) if traced else None
            row["same_files_s"] = round(plain.seconds, 2)
            row["localize_s"] = round(seconds, 2)
            row["coverage_ok"] = traced is not None
        if way == "after":
            row["index"] = index_check(repo, request, baseline, only, target)
        sections = ctx.failing_sections(baseline, focus, repo, only=only)
        result.update(prompt_check(repo, request, focus, sections, task))
        row[way] = result
    shutil.rmtree(repo, ignore_errors=True)
    return row


def _top(rows: list[dict], way: str, key: str, what: str, k: int) -> int:
    return sum(1 for r in rows if isinstance(r.get(way, {}).get(key, {}).get(what), int) and r[way][key][what] <= k)


def summarize(rows: list[dict]) -> dict:
    out: dict = {"tasks": len(rows)}
    for way, key in (("before", "focus"), ("after", "focus"), ("after", "ranking")):
        for what in ("line", "function"):
            out[f"{way}_{key}_{what}"] = {f"top{k}": _top(rows, way, key, what, k) for k in (1, 3, 5)}
    for way in ("before", "after"):
        out[f"{way}_in_prompt"] = sum(1 for r in rows if r.get(way, {}).get("in_prompt"))
        out[f"{way}_function_in_prompt"] = sum(1 for r in rows if r.get(way, {}).get("function_in_prompt"))
    out["after_noted"] = sum(1 for r in rows if r.get("after", {}).get("noted"))
    out["after_function_noted"] = sum(1 for r in rows if r.get("after", {}).get("function_noted"))
    out["after_line_notes"] = sum(1 for r in rows if r.get("after", {}).get("note", "").startswith("Lines"))
    for key in ("coverage_s", "same_files_s", "baseline_s", "localize_s"):
        values = [r[key] for r in rows if isinstance(r.get(key), (int, float))]
        out[key] = {"median": round(statistics.median(values), 2) if values else None,
                    "max": max(values) if values else None, "total": round(sum(values), 1)}
    out["index_function"] = {f"top{k}": sum(1 for r in rows if isinstance(r.get("index", {}).get("function"), int)
                                             and r["index"]["function"] <= k) for k in (1, 3, 5)}
    for key in ("build_s", "again_s", "hits_s"):
        values = [r["index_build"]["s"] if key == "build_s" else r.get("index", {}).get(key) for r in rows
                  if "index_build" in r]
        values = [v for v in values if isinstance(v, (int, float))]
        out[f"index_{key}"] = {"median": round(statistics.median(values), 3) if values else None,
                               "max": max(values) if values else None}
    out["coverage_failed"] = [r["task"] for r in rows if not r.get("coverage_ok")]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.realbench.localize")
    parser.add_argument("--tasks", default="")
    parser.add_argument("--tasks-file", default=str(TASKS_FILE), help="the task set (default tasks.yml)")
    parser.add_argument("--projects", default="")
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--resume", action="store_true", help="keep the tasks OUT.partial already holds")
    opts = parser.parse_args(argv)
    tasks = load_tasks(Path(opts.tasks_file))
    if opts.tasks:
        tasks = [t for t in tasks if t["id"] in opts.tasks.split(",")]
    if opts.projects:
        tasks = [t for t in tasks if t["project"] in opts.projects.split(",")]
    projects = {p.name: p for p in load_projects()}
    load_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    started = time.monotonic()
    partial = Path(opts.out + ".partial")
    done = json.loads(partial.read_text()) if opts.resume and partial.is_file() else []
    rows = [r for r in done if "error" not in r]
    tasks = [t for t in tasks if t["id"] not in {r["task"] for r in rows}]
    with tempfile.TemporaryDirectory(prefix="realbench-localize-") as tmp:
        for task in tasks:
            try:
                row = one_task(task, projects[task["project"]], Path(tmp))
            except Exception as exc:  # one broken task does not lose the others
                row = {"task": task["id"], "project": task["project"], "error": repr(exc)[:500]}
            rows.append(row)
            partial.write_text(json.dumps(rows))
            b, a = row.get("before", {}), row.get("after", {})
            print(f"{task['id']}: before line {b.get('focus', {}).get('line')} fn {b.get('focus', {}).get('function')} "
                  f"prompt {b.get('in_prompt')} | after rank line {a.get('ranking', {}).get('line')} "
                  f"fn {a.get('ranking', {}).get('function')} noted {a.get('noted')} prompt {a.get('in_prompt')} "
                  f"| cov {row.get('coverage_s')} s plain {row.get('same_files_s')} s {row.get('error', '')}", flush=True)
    result = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine_info(),
              "uptime_before": load_before,
              "uptime_after": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
              "seconds": round(time.monotonic() - started, 1), "summary": summarize(rows), "tasks": rows}
    rows.sort(key=lambda r: [t["id"] for t in load_tasks(Path(opts.tasks_file))].index(r["task"]))
    Path(opts.out).write_text(json.dumps(result, indent=1) + "\n")
    partial.unlink(missing_ok=True)
    print(json.dumps(result["summary"], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
