"""Draft-model speculative decoding: the 1.5B coder alone against the 1.5B verifying tokens that
qwen2.5-coder-0.5b (same tokenizer) proposes, k tokens a step. Greedy, same prompt, one process.

Answers a coder writes: one function rewritten with a fix (~150 tokens), a whole file rewritten
(~400+ tokens), and a search/replace edit block (~30 tokens) after a ~1000-token prompt, where the
draft's own prompt evaluation weighs most. Every run starts from an empty KV cache (both models), so wall time
includes each model's prompt evaluation; decode tok/s counts tokens after the first over the time
after the first. Configs run in rounds, forward then backward, and the median-wall run is shown. Checks the speculative output is token-for-token the plain output.

    flock -x /tmp/codey-cpu.lock .venv/bin/python benchmarks/speed/speculative.py --ks 2 4 6

Prints JSON. `--stock K` adds llama-cpp-python's own path (``logits_all`` on the target).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.machine import cpu_name, load_average  # noqa: E402
from codey_git.models.catalog import CHATML_TEMPLATE  # noqa: E402
from codey_git.models.llama_runtime import new_llama  # noqa: E402
from codey_git.models.memory import thread_count  # noqa: E402
from codey_git.models.speculative import GreedyDraft, attach_draft  # noqa: E402
from codey_git.paths import models_dir  # noqa: E402

TARGET = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
DRAFT = "qwen2.5-coder-0.5b-instruct.gguf"

FUNCTION = '''def parse_duration(text):
    """Parse "1h30m", "45s", "2h" or "10m5s" into seconds."""
    units = {"h": 3600, "m": 60, "s": 1}
    total = 0
    number = ""
    for char in text.strip():
        if char.isdigit():
            number += char
        elif char in units:
            if not number:
                raise ValueError(f"missing number before {char!r} in {text!r}")
            total += int(number) * units[char]
        else:
            raise ValueError(f"unknown unit {char!r} in {text!r}")
    if number:
        raise ValueError(f"trailing number without unit in {text!r}")
    return total
'''

FILE = '''"""A small inventory of items with quantities and prices."""

from dataclasses import dataclass, field


@dataclass
class Item:
    name: str
    price: float
    quantity: int = 0


@dataclass
class Inventory:
    items: dict = field(default_factory=dict)

    def add(self, name, price, quantity=1):
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        item = self.items.get(name)
        if item is None:
            self.items[name] = Item(name, price, quantity)
        else:
            item.quantity += quantity
            item.price = price

    def remove(self, name, quantity=1):
        item = self.items.get(name)
        if item is None:
            raise KeyError(name)
        if quantity > item.quantity:
            raise ValueError(f"only {item.quantity} {name} left")
        item.quantity -= quantity

    def total_value(self):
        return sum(item.price for item in self.items.values())

    def low_stock(self, threshold=5):
        return sorted(name for name, item in self.items.items() if item.quantity < threshold)

    def report(self):
        lines = []
        for name in sorted(self.items):
            item = self.items[name]
            lines.append(f"{name:<20} {item.quantity:>5} x {item.price:>8.2f}")
        lines.append(f"{'total':<20} {self.total_value():>18.2f}")
        return "\\n".join(lines)
'''

MODULE = "".join(f"def f{i}(x):\n    \"\"\"Return x scaled by {i}.\"\"\"\n    return x * {i}\n\n\n" for i in range(40))

TASKS = {
    "function": ("parse.py:\n```python\n" + FUNCTION + "```\nBug: the number is never reset after a unit, so "
                 "\"1h30m\" gives 1*3600 + 130*60. Rewrite the function with the fix. Reply with the whole "
                 "function in one python code block, nothing else.", 220),
    "whole_file": ("inventory.py:\n```python\n" + FILE + "```\nBug: total_value ignores the quantity, and "
                   "remove leaves items with quantity 0 in the inventory. Rewrite the whole file with both fixes. "
                   "Reply with the complete file in one python code block, nothing else.", 560),
    "search_replace": ("calc.py:\n```python\n" + MODULE + "```\nBug: f3 must return x * 33. Reply with one edit "
                       "block: the file name, then <<<<<<< SEARCH, the old line, =======, the new line, "
                       ">>>>>>> REPLACE. Nothing else.", 60),
}
SYSTEM = "You are a careful Python programmer. Reply with code only."


def prompt_tokens(llm, ask: str) -> list[int]:
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    formatter = Jinja2ChatFormatter(llm.metadata.get("tokenizer.chat_template") or CHATML_TEMPLATE,
                                    eos_token="<|im_end|>", bos_token="")
    prompt = formatter(messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": ask}]).prompt
    return llm.tokenize(prompt.encode(), add_bos=False, special=True)


def run(llm, tokens: list[int], max_tokens: int, draft: GreedyDraft | None) -> dict:
    """One greedy generation from an empty cache, the way codey's token loop drives ``generate``."""
    llm.reset()
    if draft is not None:
        draft.llm.reset()
        draft.proposed = 0
    steps = [0]
    inner = llm.eval

    def counting_eval(batch):
        steps[0] += 1
        inner(batch)

    llm.eval = counting_eval
    out: list[int] = []
    start = time.perf_counter()
    first = None
    for token in llm.generate(tokens, temp=0.0, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.0):
        first = first or time.perf_counter()
        if llm.token_eos() == token:
            break
        out.append(token)
        if len(out) >= max_tokens:
            break
    end = time.perf_counter()
    llm.eval = inner
    row = {"generated": len(out), "wall_s": round(end - start, 2),
           "decode_tok_s": round((len(out) - 1) / (end - first), 2), "tokens": out}
    if draft is not None:
        verify_steps = steps[0] - 1  # the first eval is the prompt
        row["proposed"] = draft.proposed
        row["accepted_rate"] = round((len(out) - verify_steps) / draft.proposed, 2) if draft.proposed else 0.0
    return row


def median_row(rows: list[dict]) -> dict:
    """The run with the median wall time, with every run's wall time next to it."""
    middle = sorted(rows, key=lambda r: r["wall_s"])[(len(rows) - 1) // 2]
    return {**middle, "wall_s_each": [r["wall_s"] for r in rows]}


def detach(llm) -> None:
    llm.draft_model = None
    llm.__dict__.pop("eval", None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ks", type=int, nargs="+", default=[2, 3, 4, 6])
    parser.add_argument("--rounds", type=int, default=2, help="runs of every config, in alternating order")
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    parser.add_argument("--stock", type=int, default=0, help="also run llama-cpp-python's stock draft path with this k")
    parser.add_argument("--context", type=int, default=2048)
    args = parser.parse_args()
    threads = thread_count(None)
    result = {"machine": {"cpu": cpu_name(), "threads": threads, "load_1min_at_start": load_average(),
                          "date": time.strftime("%Y-%m-%d %H:%M")}, "tasks": {}}
    target = new_llama(models_dir() / TARGET, n_ctx=args.context, n_threads=threads)
    drafter = new_llama(models_dir() / DRAFT, n_ctx=args.context, n_threads=threads)
    for task in args.tasks:
        ask, max_tokens = TASKS[task]
        tokens = prompt_tokens(target, ask)
        configs = [None, *args.ks]
        runs: dict = {}
        for round_ in range(args.rounds):  # forward, then backward: load drift hits every config alike
            for k in configs if round_ % 2 == 0 else configs[::-1]:
                row = run(target, tokens, max_tokens, attach_draft(target, drafter, k) if k else None)
                detach(target)
                runs.setdefault(f"k={k}" if k else "plain", []).append(row)
        rows = {name: median_row(r) for name, r in runs.items()}
        plain = rows["plain"]
        if args.stock:
            target._logits_all = True  # what Llama(draft_model=...) sets up
            target.scores = np.ndarray((target.n_ctx(), target.n_vocab()), dtype=np.single)
            target.draft_model = GreedyDraft(drafter, args.stock)
            rows[f"stock k={args.stock}"] = run(target, tokens, max_tokens, target.draft_model)
            target._logits_all, target.draft_model = False, None
            target.scores = np.ndarray((target.n_batch, target.n_vocab()), dtype=np.single)
        plain_tokens = plain["tokens"]
        for row in rows.values():
            row["same_output"] = row.pop("tokens") == plain_tokens
            row["wall_ratio"] = round(plain["wall_s"] / row["wall_s"], 2)
            row["decode_ratio"] = round(row["decode_tok_s"] / plain["decode_tok_s"], 2)
        result["tasks"][task] = {"prompt_tokens": len(tokens), "max_tokens": max_tokens, "runs": rows,
                                 "plain_text": target.detokenize(plain_tokens).decode("utf-8", "replace")}
    target.close()
    drafter.close()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
