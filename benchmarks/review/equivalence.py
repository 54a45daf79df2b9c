"""Can the reviewer model tell a rewritten line that keeps its behaviour from one that does not?

An experiment, not a shipped feature: every block of lines a case replaces (old lines -> new lines,
up to 4 each) is shown to the model with the question "same or different behaviour?", and the
log-odds of "different" are read from one forward pass (no answer is generated). If the blocks
that carry a bug score above every block of the harmless cases, a cheap "this line now behaves
differently" finding could catch logic bugs the checks cannot see.

    python -m benchmarks.review.equivalence --model qwen2.5-coder-1.5b [--cases 'm*.yml'] [--json out.json]
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import time
from pathlib import Path

from benchmarks.review.__main__ import _case_set
from benchmarks.review.cases import Case, load_cases
from codey_git.config import load_config
from codey_git.models.backends import make_provider
from codey_git.review.triage import chatml

SYSTEM = ("You compare an old and a new version of a few lines of Python. Answer `same` when the new lines "
          "give the same results and have the same effects as the old ones for every input (a rename, a "
          "rewrite, a helper), and `different` when some input now gives another result or effect.")
CANDIDATES = ("same", "different")
MAX_LINES = 4


def replaced_blocks(case: Case) -> list[dict]:
    """(old lines, new lines, first and last new line number) of each replaced block."""
    old, new = case.before.splitlines(), case.after.splitlines()
    blocks = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "replace" or i2 - i1 > MAX_LINES or j2 - j1 > MAX_LINES:
            continue
        before, after = old[i1:i2], new[j1:j2]
        if [s.strip() for s in before] == [s.strip() for s in after]:
            continue
        context = new[max(0, j1 - 3):j1]
        blocks.append({"old": before, "new": after, "context": context, "first": j1 + 1, "last": j2,
                       "bug": bool(case.bug_lines & set(range(j1 + 1, j2 + 1)))})
    return blocks


def prompt(block: dict) -> str:
    shown = "\n".join(block["context"])
    user = (f"Code before the change:\n```python\n{shown}\n" + "\n".join(block["old"]) + "\n```\n"
            f"Code after the change:\n```python\n{shown}\n" + "\n".join(block["new"]) + "\n```\n"
            "Same or different behaviour? Answer with one word.")
    return chatml([{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}])


def auc(positives: list[float], negatives: list[float]) -> float | None:
    if not positives or not negatives:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--cases", action="append")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    cases = [c for pattern in args.cases or ["*.yml"] for c in load_cases(pattern)]
    provider = make_provider(load_config(None, {"reviewer": args.model}))
    model = provider.get("reviewer")
    rows, start = [], time.perf_counter()
    for case in cases:
        for block in replaced_blocks(case):
            scores = model.next_token_logprobs(prompt(block), CANDIDATES, purpose="review")
            score = scores["different"] - scores["same"]
            rows.append({"case": case.name, "set": _case_set(case.name), "kind": case.kind, "bug": block["bug"],
                         "first": block["first"], "score": round(score, 3), "old": block["old"], "new": block["new"]})
            print(f"{score:7.2f} {'BUG ' if block['bug'] else case.kind[:4]} {case.name}:{block['first']} "
                  f"{block['new'][0].strip()[:70]}", file=sys.stderr, flush=True)
    provider.close()
    bug = [r["score"] for r in rows if r["bug"]]
    harmless = [r["score"] for r in rows if r["kind"] == "harmless"]
    bug_cases = {c.name for c in cases if c.is_bug}
    with_block = {r["case"] for r in rows if r["bug"]}
    summary = {"model": args.model, "seconds": round(time.perf_counter() - start, 1), "blocks": len(rows),
               "bug_cases": len(bug_cases), "bug_cases_with_a_replaced_bug_block": len(with_block),
               "auc_bug_vs_harmless_blocks": auc(bug, harmless), "curve": []}
    for threshold in sorted({r["score"] for r in rows if r["bug"]}, reverse=True):
        caught = len({r["case"] for r in rows if r["bug"] and r["score"] >= threshold})
        alarmed = len({r["case"] for r in rows if r["kind"] == "harmless" and r["score"] >= threshold})
        summary["curve"].append({"threshold": threshold, "bug_cases_caught": caught, "harmless_cases_flagged": alarmed})
    print(json.dumps({k: v for k, v in summary.items() if k != "curve"}, indent=2))
    for point in summary["curve"]:
        print(f"  >= {point['threshold']:6.2f}: bugs {point['bug_cases_caught']}/{len(bug_cases)}, harmless flagged "
              f"{point['harmless_cases_flagged']}/{len(cases) - len(bug_cases)}")
    if args.json:
        args.json.write_text(json.dumps({**summary, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
