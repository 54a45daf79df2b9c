"""realbench prompt size: what shortened docstrings save, without a model (issue 21).

    python -m benchmarks.realbench.prompt_size [--tasks ID,...] [--projects a,b]

For each task of tasks.yml: the task's repository (the mutated line committed on top, the
project's .venv), codey's baseline run, the focus `fix` computes for the task's request (with the
coverage run), then the first attempt's prompt in the default `function` format, built for the real
model's room (8192 tokens, 768 kept for the answer) twice: with every docstring shown whole
(``before``) and with long ones shortened (``after``, `edits/docstrings.py`). Tokens are counted
with qwen2.5-coder-1.5b's own tokenizer (the GGUF's vocabulary, loaded alone) and the prompt is
chosen with it too.

The perfect answer is the corrected definition around the mutated line (the innermost function,
method or class codey can replace), as the model would write it: before, re-typed in full; after,
with its long docstrings as the prompt shows them. Both are applied to the mutated file with
codey's own `parse_and_apply`; each must give back the project's original file exactly.
Results: results/prompt_size.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import textwrap
import time
from datetime import datetime, timezone
from pathlib import Path

from codey_git.edits import parse_and_apply
from codey_git.edits.docstrings import span_lines
from codey_git.edits.regions import definitions, parse
from codey_git.edits.treefs import TreeFS
from codey_git.engine import context as ctx
from codey_git.engine import docview
from codey_git.engine.codeview import build_messages
from codey_git.errors import UsageError
from codey_git.testrun import run_tests

from benchmarks.fixbench.report import machine_info
from benchmarks.realbench.common import RESULTS_DIR, load_projects, load_tasks
from benchmarks.realbench.localize import ANSWER, COMMAND, CONTEXT, TIMEOUT, _Tree
from benchmarks.realbench.mutate import request_of
from benchmarks.realbench.run import prepare_repo

OUT = RESULTS_DIR / "prompt_size.json"
GGUF = Path.home() / ".cache/codey/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"


class _Model:
    """The real model's room and tokenizer (vocabulary only: no weights are loaded)."""

    name = "qwen2.5-coder-1.5b (tokenizer)"
    context_size = CONTEXT

    def __init__(self) -> None:
        import llama_cpp

        self._llama = llama_cpp.Llama(model_path=str(GGUF), vocab_only=True, verbose=False)

    def count_tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode(), add_bos=False, special=False))


def _prompt(model: _Model, root: Path, request: str, focus: ctx.Focus, sections: dict, shorten: bool):
    saved = docview.FORMATS
    docview.FORMATS = docview.FORMATS if shorten else ()
    try:
        return build_messages(model, request, "fix", focus, sections, "function", _Tree(root), new_files=[],
                              allow_test_edits=False, feedback=None, max_tokens=ANSWER)
    finally:
        docview.FORMATS = saved


def _answer(fixed: str, line: int, short: dict) -> tuple[str, str, str] | None:
    """(qualname, full answer, shortened answer) for the definition around ``line``."""
    tree = parse(fixed)
    found = [d for d in definitions(tree) if d.start < line <= d.end] if tree else []
    if not found:
        return None
    target = max(found, key=lambda d: d.start)
    src = fixed.splitlines()
    full = textwrap.dedent("\n".join(src[target.start:target.end]))
    shown = textwrap.dedent("\n".join(span_lines(src, target.start + 1, target.end, 0, False, short)))
    wrap = "Bug: the changed line.\n\n```python\n{}\n```\n".format
    return target.qualname, wrap(full), wrap(shown)


def one_task(task: dict, project, tmp: Path, model: _Model) -> dict:
    repo = tmp / task["id"]
    prepare_repo(project, task, repo)
    row: dict = {"task": task["id"], "project": task["project"], "style": task["style"]}
    baseline = run_tests(COMMAND, repo, TIMEOUT)
    request = request_of(task)
    focus = ctx.parse_request(request, repo)
    only = ctx.requested_failures(request, baseline, focus)
    focus = ctx.localize(baseline, repo, focus, only=only)
    sections = ctx.failing_sections(baseline, focus, repo, only=only)
    for way in ("before", "after"):
        try:
            messages, symbol, shown = _prompt(model, repo, request, focus, sections, way == "after")
        except UsageError:
            row[way] = {"prompt_tokens": None}
            continue
        prompt = "\n".join(m["content"] for m in messages)
        row[way] = {"prompt_tokens": model.count_tokens(prompt) + 8 * len(messages), "prompt_chars": len(prompt),
                    "mutated_line_shown": task["mutated"].strip() in prompt, "files": shown,
                    "shortened": prompt.count("more lines not shown; keep it as is")}
    mutated = TreeFS(repo).read(task["file"]) or ""
    fixed = mutated.splitlines(keepends=True)
    fixed[task["line"] - 1] = task["original"] + "\n"
    fixed_text = "".join(fixed)
    short = docview.short_docstrings("function", {task["file"]: fixed_text}, focus, sections, repo)[task["file"]]
    answers = _answer(fixed_text, task["line"], short)
    if answers:
        qualname, full, shortened = answers
        row["definition"] = qualname
        for way, text in (("before", full), ("after", shortened)):
            row[way]["answer_tokens"] = model.count_tokens(text)
            try:
                result = parse_and_apply(text, {task["file"]: mutated}.get, focus_file=task["file"], focus_symbol=qualname)
                row[way]["answer_applies_exactly"] = result.changes.get(task["file"]) == fixed_text
            except Exception as exc:  # noqa: BLE001 - recorded: the check is whether it applies
                row[way]["answer_applies_exactly"] = False
                row[way]["answer_error"] = str(exc)[:300]
    shutil.rmtree(repo, ignore_errors=True)
    return row


def _stats(values: list[int]) -> dict:
    return {"median": statistics.median(values), "mean": round(statistics.mean(values), 1), "max": max(values),
            "total": sum(values)} if values else {}


def summarize(rows: list[dict]) -> dict:
    ok = [r for r in rows if "error" not in r]
    out: dict = {"tasks": len(ok), "errors": [r["task"] for r in rows if "error" in r]}
    for key in ("prompt_tokens", "answer_tokens"):
        pairs = [(r["before"][key], r["after"][key]) for r in ok
                 if isinstance(r["before"].get(key), int) and isinstance(r["after"].get(key), int)]
        out[key] = {"before": _stats([b for b, _ in pairs]), "after": _stats([a for _, a in pairs]),
                    "saved": _stats([b - a for b, a in pairs]), "tasks": len(pairs),
                    "tasks_smaller": sum(1 for b, a in pairs if a < b)}
        if key == "answer_tokens":  # the coder's answer budget
            out[key]["over_budget"] = {w: sum(1 for p in pairs if p[i] > ANSWER) for i, w in enumerate(("before", "after"))}
    for way in ("before", "after"):
        out[f"{way}_applies_exactly"] = sum(1 for r in ok if r.get(way, {}).get("answer_applies_exactly"))
        out[f"{way}_mutated_line_shown"] = sum(1 for r in ok if r.get(way, {}).get("mutated_line_shown"))
        out[f"{way}_prompt_too_long"] = sum(1 for r in ok if r.get(way, {}).get("prompt_tokens", 0) is None)
    out["prompts_with_shortened_docstrings"] = sum(1 for r in ok if r.get("after", {}).get("shortened"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.realbench.prompt_size")
    parser.add_argument("--tasks", default="")
    parser.add_argument("--projects", default="")
    parser.add_argument("--out", default=str(OUT))
    opts = parser.parse_args(argv)
    tasks = load_tasks()
    if opts.tasks:
        tasks = [t for t in tasks if t["id"] in opts.tasks.split(",")]
    if opts.projects:
        tasks = [t for t in tasks if t["project"] in opts.projects.split(",")]
    projects = {p.name: p for p in load_projects()}
    model = _Model()
    uptime = [subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()]
    started = time.monotonic()
    rows = []
    with tempfile.TemporaryDirectory(prefix="realbench-prompt-size-") as tmp:
        for task in tasks:
            try:
                row = one_task(task, projects[task["project"]], Path(tmp), model)
            except Exception as exc:  # one broken task does not lose the others
                row = {"task": task["id"], "project": task["project"], "error": repr(exc)[:500]}
            rows.append(row)
            b, a = row.get("before", {}), row.get("after", {})
            print(f"{task['id']}: prompt {b.get('prompt_tokens')} -> {a.get('prompt_tokens')}, answer "
                  f"{b.get('answer_tokens')} -> {a.get('answer_tokens')}, applies {b.get('answer_applies_exactly')}/"
                  f"{a.get('answer_applies_exactly')} {row.get('error', '')}", flush=True)
    uptime.append(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    result = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine_info(),
              "uptime": uptime, "seconds": round(time.monotonic() - started, 1), "summary": summarize(rows),
              "tasks": rows}
    Path(opts.out).write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result["summary"], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
