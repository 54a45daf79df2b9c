"""Summaries of fixbench rows: the results file, markdown tables, and the docs section."""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
from datetime import datetime, timezone
from pathlib import Path

import psutil

from benchmarks.fixbench.taskset import CATEGORIES, REQUEST_STYLES
from benchmarks.machine import cpu_name

RESULTS_DIR = Path(__file__).resolve().parent / "results"
FORMATS_DIR = RESULTS_DIR / "formats"  # one-try runs per edit format (--attempts 1 --candidates 1)
DOCS_FILE = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
DOCS_HEADING = "## Fix rate (fixbench)"


def machine_info() -> dict:
    cpu = cpu_name()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu": cpu, "cores": usable, "logical_cpus": os.cpu_count(),
            "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version()}


def _median(values) -> float | None:
    values = [v for v in values if isinstance(v, (int, float))]
    return round(statistics.median(values), 2) if values else None


def _share(rows: list[dict], key: str) -> float | None:
    """Share of tasks whose greedy first candidate was well-formed / passed."""
    firsts = [r["first_try"] for r in rows if isinstance(r.get("first_try"), dict)]
    return round(sum(bool(f.get(key)) for f in firsts) / len(firsts), 3) if firsts else None


def summarize(rows: list[dict]) -> dict:
    n = len(rows)
    fixed = sum(bool(r.get("fixed")) for r in rows)
    well_formed = sum(r.get("well_formed") or 0 for r in rows)
    malformed = sum(r.get("malformed") or 0 for r in rows)
    rss = [r["peak_rss_mb"] for r in rows if isinstance(r.get("peak_rss_mb"), (int, float))]

    def breakdown(key: str, order: tuple) -> dict:
        groups = {}
        for name in order:
            members = [r for r in rows if r.get(key) == name]
            if members:
                groups[name] = {"fixed": sum(bool(r.get("fixed")) for r in members), "tasks": len(members)}
        return groups

    return {
        "tasks": n, "fixed": fixed, "fix_rate": round(fixed / n, 3) if n else 0.0,
        "median_wall_s": _median(r.get("wall_s") for r in rows),
        "well_formed_rate": round(well_formed / (well_formed + malformed), 3) if well_formed + malformed else None,
        "edits_well_formed": well_formed, "edits_malformed": malformed,
        "median_attempts": _median(r.get("attempts") for r in rows),
        "median_prompt_tokens": _median(r.get("prompt_tokens") for r in rows),
        "median_generated_tokens": _median(r.get("generated_tokens") for r in rows),
        "max_peak_rss_mb": max(rss) if rss else None,
        "first_try_well_formed_rate": _share(rows, "well_formed"),
        "first_try_fix_rate": _share(rows, "passed"),
        "median_accepted_edit_tokens": _median(r.get("accepted_generated_tokens") for r in rows),
        "median_whole_file_tokens": _median(r.get("whole_file_tokens") for r in rows),
        "median_edit_to_whole_file": _median(r["accepted_generated_tokens"] / r["whole_file_tokens"] for r in rows
                                             if r.get("accepted_generated_tokens") and r.get("whole_file_tokens")),
        "errors": sum(1 for r in rows if r.get("error")),
        "by_category": breakdown("category", CATEGORIES),
        "by_request_style": breakdown("request_style", REQUEST_STYLES),
    }


def build_result(model: str, backend: str | None, rows: list[dict], command: str, options: dict) -> dict:
    rows = sorted(rows, key=lambda r: r["task"])
    return {"model": model, "backend": backend or "default", **summarize(rows),
            "machine": machine_info(), "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "command": command, "options": options, "rows": rows}


def results_path(model: str, backend: str | None) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", model)
    prefix = "" if backend in (None, "llama_cpp") else f"{backend}-"
    return RESULTS_DIR / f"{prefix}{safe}.json"


def _fmt(value, pct: bool = False) -> str:
    if value is None:
        return "–"
    if pct:
        return f"{value * 100:.0f}%"
    return f"{value:g}" if isinstance(value, float) else str(value)


def summary_table(results: list[dict]) -> str:
    lines = ["| model | tasks | fixed | fix rate | median wall s | well-formed edits | median attempts "
             "| median prompt tok | median gen tok | peak RSS MB |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['model']} | {r['tasks']} | {r['fixed']} | {_fmt(r['fix_rate'], True)} "
                     f"| {_fmt(r['median_wall_s'])} | {_fmt(r['well_formed_rate'], True)} "
                     f"| {_fmt(r.get('median_attempts'))} | {_fmt(r.get('median_prompt_tokens'))} "
                     f"| {_fmt(r.get('median_generated_tokens'))} | {_fmt(r.get('max_peak_rss_mb'))} |")
    return "\n".join(lines)


def breakdown_table(results: list[dict], key: str, title: str) -> str:
    names = [n for n in (CATEGORIES if key == "by_category" else REQUEST_STYLES)
             if any(n in r.get(key, {}) for r in results)]
    lines = [f"| {title} | " + " | ".join(r["model"] for r in results) + " |",
             "|---|" + "---|" * len(results)]
    for name in names:
        cells = []
        for r in results:
            group = r.get(key, {}).get(name)
            cells.append(f"{group['fixed']}/{group['tasks']}" if group else "–")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_table(results: list[dict]) -> str:
    lines = ["| model | edit format | run | tasks | well-formed, first try | fixed, first try "
             "| median gen tok, accepted edit | median whole-file tok, same fix | median ratio |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        opts = r.get("options") or {}
        run = "one try" if opts.get("attempts") == 1 and opts.get("candidates") == 1 else "default"
        if opts.get("pad_modules"):
            run += ", padded modules"
        if opts.get("long_files"):
            run += f", long files: {opts['long_files']}"
        lines.append(f"| {r['model']} | {opts.get('edit_format') or 'auto'} | {run} | {r['tasks']} "
                     f"| {_fmt(r.get('first_try_well_formed_rate'), True)} | {_fmt(r.get('first_try_fix_rate'), True)} "
                     f"| {_fmt(r.get('median_accepted_edit_tokens'))} | {_fmt(r.get('median_whole_file_tokens'))} "
                     f"| {_fmt(r.get('median_edit_to_whole_file'))} |")
    return "\n".join(lines)


def task_table(result: dict) -> str:
    lines = ["| task | category | request | fixed | attempts | well-formed/malformed | wall s | tests after |",
             "|---|---|---|---|---|---|---|---|"]
    for r in result["rows"]:
        outcome = "yes" if r.get("fixed") else ("error" if r.get("error") else "no")
        lines.append(f"| {r['task']} | {r['category']} | {r['request_style']} | {outcome} "
                     f"| {_fmt(r.get('attempts'))} | {_fmt(r.get('well_formed'))}/{_fmt(r.get('malformed'))} "
                     f"| {_fmt(r.get('wall_s'))} | {r.get('tests_after') or r.get('error', '')} |")
    return "\n".join(lines)


def run_markdown(result: dict) -> str:
    """What one run prints: summary, breakdowns and a row per task."""
    m = result["machine"]
    return "\n\n".join([
        f"fixbench: {result['model']} ({result['backend']} backend), {result['date']}, "
        f"{m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM",
        summary_table([result]), breakdown_table([result], "by_category", "category"),
        breakdown_table([result], "by_request_style", "request"), task_table(result)])


def load_results(directory: Path = RESULTS_DIR, include_scripted: bool = False) -> list[dict]:
    results = []
    for path in sorted(Path(directory).glob("*.json")):
        try:
            data = json.loads(path.read_text())
        except ValueError:
            continue
        if isinstance(data, dict) and "rows" in data and (include_scripted or data.get("backend") != "scripted"):
            results.append(data)
    return results


def docs_section(results: list[dict]) -> str:
    """The body of the docs section: every recorded model side by side, with how each was measured."""
    if not results:
        return "No results recorded yet. Run `python -m benchmarks.fixbench --model NAME --write-docs`.\n"
    parts = [
        "Each task is a small repository with a seeded bug and pytest tests that fail because of it "
        "(`benchmarks/fixbench/tasks/`, checked by `python -m benchmarks.fixbench.check_tasks`). "
        "A task counts as fixed when the task's tests pass on the resulting HEAD in a clean "
        "checkout and no test file changed. Well-formed edits: share of edits the engine could parse.",
        summary_table(results),
        breakdown_table(results, "by_category", "category"),
        breakdown_table(results, "by_request_style", "request style"),
        "Edit formats, one greedy try per task (the default run's first candidate is the same try); "
        "tokens: generated by the edit that passed, against a whole-file answer writing the same fixed "
        "file(s), counted with the model's tokenizer:",
        format_table(results + load_results(FORMATS_DIR)),
        "How each row was measured:\n\n" + "\n".join(
            f"- {r['model']}: `{r['command']}` on {r['machine']['cpu']} ({r['machine']['cores']} cores, "
            f"{r['machine']['ram_gb']} GB RAM), {r['date']}" for r in results + load_results(FORMATS_DIR)),
    ]
    return "\n\n".join(parts) + "\n"


def replace_section(document: str, body: str, heading: str = DOCS_HEADING) -> str:
    """Replace what follows `heading` up to the next `## ` heading with body; other sections stay."""
    lines = document.splitlines(keepends=True)
    try:
        start = next(i for i, line in enumerate(lines) if line.rstrip() == heading)
    except StopIteration:
        return document.rstrip("\n") + f"\n\n{heading}\n\n{body}"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    tail = lines[end:]
    return "".join(lines[:start + 1]) + "\n" + body + ("\n" if tail else "") + "".join(tail)


def write_docs(results: list[dict], path: Path = DOCS_FILE) -> None:
    path.write_text(replace_section(path.read_text(), docs_section(results)))
