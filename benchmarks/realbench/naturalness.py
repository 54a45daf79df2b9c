"""Would the model's sense of what code looks like pick the right one-line change? (no tests run)

For each task whose broken line is known, the no-model changes codey would try on that line
(``token_fixes`` then ``substitution_fixes``, in codey's order) are listed; when the original line
is among them, each variant and the broken line itself are scored by the coder model as plain
text: the log-probability of the line and the ``--after`` lines that follow it, given the
``--before`` lines above it. The report compares the original's rank by that score with its rank
in codey's order of trial, as a ratio of top-1 rates in the same run.

This asks whether ranking the changes that the tests accept by the model's score (instead of
taking the first that passes) could turn wrong fixes the suites accept into right ones. It runs
no test: a change the tests would reject is ranked here too, so it is a harder question than the
one codey would ask (which of the passing ones).

    python -m benchmarks.realbench.naturalness --tasks-file benchmarks/realbench/blind4.yml [...]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from benchmarks.realbench.common import cache_dir
from codey_git.engine.line_candidates import NO_MODEL_PASSES

MODEL_FILE = Path.home() / ".cache" / "codey" / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"


def variants(path: str, line: int, text: str) -> list[tuple[str, str]]:
    """(new line, what changed) in codey's order of trial; the broken line itself first."""
    broken = text.split("\n")[line - 1]
    out, seen = [(broken, "unchanged")], {broken}
    for _kind, _what, make in NO_MODEL_PASSES:
        for fix in make(path, line, text):
            new = fix.new.rstrip("\r\n")
            if new not in seen:
                seen.add(new)
                out.append((new, fix.change))
    return out


class Scorer:
    """Log-probability of text after a shared prefix, the prefix evaluated once per task."""

    def __init__(self, model: Path, threads: int):
        import numpy as np

        from codey_git.models.llama_runtime import new_llama

        self.np = np
        self.llm = new_llama(model, n_ctx=4096, n_threads=threads)
        self.evaluated = 0

    def tokens(self, text: str) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)

    def _logprobs(self, j: int):
        import llama_cpp

        np = self.np
        ptr = llama_cpp.llama_get_logits_ith(self.llm._ctx.ctx, j)
        logits = np.ctypeslib.as_array(ptr, shape=(self.llm.n_vocab(),)).astype(np.float64)
        top = logits.max()
        return logits - (top + math.log(np.exp(logits - top).sum()))

    def _decode(self, tokens: list[int], n_past: int, every: bool) -> list:
        """Evaluate ``tokens`` from ``n_past``; the log-probabilities after each token (``every``)
        or after the last one only."""
        llm = self.llm
        llm._ctx.kv_cache_seq_rm(-1, n_past, -1)
        rows = []
        for i in range(0, len(tokens), llm.n_batch):
            batch = tokens[i : i + llm.n_batch]
            llm._batch.set_batch(batch=batch, n_past=n_past + i, logits_all=every)
            llm._ctx.decode(llm._batch)
            rows += [self._logprobs(j) for j in range(len(batch))] if every else [self._logprobs(len(batch) - 1)]
        self.evaluated += len(tokens)
        return rows if every else rows[-1:]

    def scores(self, before: str, continuations: list[str]) -> list[float]:
        """Sum of log-probabilities of each continuation's tokens after ``before``; the tokens all
        the full texts share (up to where the line begins) are evaluated once."""
        full = [self.tokens(before + c) for c in continuations]
        start = len(self.tokens(before))
        for t in full:
            k = 0
            while k < min(start, len(t)) and t[k] == full[0][k]:
                k += 1
            start = k
        start = max(start, 1)
        (last,) = self._decode(full[0][:start], 0, every=False)
        out = []
        for t in full:
            rest = t[start:]
            rows = [last, *self._decode(rest[:-1], start, every=True)] if len(rest) > 1 else [last]
            out.append(float(sum(row[tok] for row, tok in zip(rows, rest))))
        return out


def realbench_tasks(tasks_file: str) -> Iterator[dict[str, Any]]:
    for task in yaml.safe_load(Path(tasks_file).read_text())["tasks"]:
        source = (cache_dir() / "repos" / task["project"] / task["file"]).read_text(encoding="utf-8")
        yield {**task, "source": source}


def fixbench_tasks(root: Path) -> Iterator[dict[str, Any]]:
    """fixbench's tasks whose fix changes one line: code written for this project, so the model
    cannot have seen it (the published projects above it may have)."""
    import unidiff

    for folder in sorted(p for p in root.iterdir() if (p / "fix.patch").is_file()):
        patch = unidiff.PatchSet((folder / "fix.patch").read_text(encoding="utf-8"))
        removed = [(f.path, line) for f in patch for h in f for line in h if line.is_removed]
        added = [line for f in patch for h in f for line in h if line.is_added]
        if len(removed) != 1 or len(added) != 1:
            continue
        path, line = removed[0]
        yield {
            "id": f"fixbench-{folder.name}",
            "file": path,
            "line": line.source_line_no,
            "mutated": line.value.rstrip("\n"),
            "original": added[0].value.rstrip("\n"),
            # the fixed file: the runner below puts the mutated line back
            "source": _with_line((folder / path).read_text(encoding="utf-8"), line.source_line_no, added[0].value),
        }


def _with_line(text: str, number: int, line: str) -> str:
    lines = text.split("\n")
    lines[number - 1] = line.rstrip("\n")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tasks-file", action="append", default=[], help="a realbench tasks file (repeatable)")
    p.add_argument("--fixbench", action="store_true", help="also fixbench's one-line fixes (code the model has not seen)")
    p.add_argument("--before", type=int, default=40, help="lines above the broken line given as context")
    p.add_argument("--after", type=int, default=2, help="lines after it scored with it")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--model", default=str(MODEL_FILE))
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    scorer = Scorer(Path(args.model), args.threads)
    rows = []
    sources = [realbench_tasks(f) for f in args.tasks_file]
    if args.fixbench:
        sources.append(fixbench_tasks(Path(__file__).resolve().parent.parent / "fixbench" / "tasks"))
    for group in sources:
        for task in group:
            lines = task["source"].split("\n")
            if lines[task["line"] - 1] != task["original"]:
                print(f"{task['id']}: original line not found, skipped", file=sys.stderr)
                continue
            lines[task["line"] - 1] = task["mutated"]
            text = "\n".join(lines)
            found = variants(task["file"], task["line"], text)
            news = [new for new, _ in found]
            row = {"task": task["id"], "variants": len(found) - 1, "reach": task["original"] in news}
            if row["reach"]:
                at = task["line"] - 1
                before = "\n".join(lines[max(0, at - args.before) : at]) + "\n"
                after = "\n".join(lines[at + 1 : at + 1 + args.after])
                started = time.perf_counter()
                scores = scorer.scores(before, [new + "\n" + after for new in news])
                order = sorted(range(len(news)), key=lambda i: -scores[i])
                right = news.index(task["original"])
                row.update(
                    {
                        "codey_rank": right,  # among the changes (the broken line, index 0, is not a change)
                        "model_rank": [i for i in order if i != 0].index(right) + 1,
                        "beats_broken_line": scores[right] > scores[0],
                        "top": found[order[0]][1],
                        "seconds": round(time.perf_counter() - started, 1),
                    }
                )
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    reached = [r for r in rows if r["reach"]]
    summary = {
        "tasks": len(rows),
        "original_among_changes": len(reached),
        "top1_codey_order": sum(r["codey_rank"] == 1 for r in reached),
        "top1_model_score": sum(r["model_rank"] == 1 for r in reached),
        "top3_codey_order": sum(r["codey_rank"] <= 3 for r in reached),
        "top3_model_score": sum(r["model_rank"] <= 3 for r in reached),
        "original_scores_above_broken_line": sum(r["beats_broken_line"] for r in reached),
        "tokens_evaluated": scorer.evaluated,
        "settings": {"before": args.before, "after": args.after, "model": Path(args.model).name},
    }
    Path(args.out).write_text(json.dumps({"summary": summary, "rows": rows}, indent=1) + "\n")
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
