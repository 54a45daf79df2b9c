"""What the answer grammar costs per generated token: none, llama-cpp-python's own (the grammar
applied to the whole vocabulary before each token), and codey's lazy check (the chosen token
only; ``codey_git/models/lazy_grammar.py``).

Same model, same prompt (a fix request over a real module, about 2,200 tokens, evaluated once and
then reused from the KV cache), greedy, the three modes interleaved round by round, in a rotated
order, so that a change in machine load touches all three alike. Reports generated tokens per second (prompt
evaluation excluded) and each mode's ratio to the no-grammar run of the same round.

    python -m benchmarks.grammar_cost [--model qwen2.5-coder-1.5b] [--rounds 3] [--tokens 160]
        [--source FILE] [--out results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

from codey_git.config import load_config
from codey_git.engine.answer_shape import FUNCTION_ANSWER
from codey_git.engine.prompts import edit_messages
from codey_git.models.lazy_grammar import lazy_grammar
from codey_git.models.llama_cpp import LlamaCppProvider

DEFAULT_SOURCE = Path.home() / ".cache/codey-bench/repos/humanize/src/humanize/number.py"
MODES = ("none", "eager", "lazy")


def prompt_messages(source: Path, model, target_tokens: int) -> list[dict[str, str]]:
    lines = source.read_text().splitlines()
    keep = len(lines)
    while keep > 40:
        code = "\n".join(lines[:keep])
        messages = edit_messages(
            "intcomma(1234567) returns '1,234,567.0' instead of '1,234,567': fix it",
            f"{source.name}:\n```python\n{code}\n```",
            "",
            "function",
            kind="fix",
            new_files=[],
            allow_test_edits=False,
            feedback=None,
        )
        if model.count_tokens("\n".join(m["content"] for m in messages)) <= target_tokens:
            return messages
        keep -= 20
    raise SystemExit(f"{source} is too short for a {target_tokens}-token prompt")


def one_run(runtime, tokens: list[int], mode: str, max_tokens: int) -> dict[str, float]:
    import llama_cpp

    llm = runtime.llm
    grammar = llama_cpp.LlamaGrammar.from_string(FUNCTION_ANSWER, verbose=False) if mode != "none" else None
    if llm.n_tokens < len(tokens) or llm.input_ids[: len(tokens)].tolist() != tokens:
        llm.reset()
        llm.eval(tokens)  # the prompt, once, outside the timing; generate replays only its last token
    out: list[int] = []
    refused = 0
    start = time.perf_counter()
    if mode == "lazy":
        with lazy_grammar(llm, grammar) as last:
            for token in llm.generate(tokens, temp=0.0, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.0, grammar=None):
                if runtime.is_eog(token) or len(out) >= max_tokens:
                    break
                out.append(token)
            sampler = last()
            refused = sampler.refused if sampler else 0
    else:
        for token in llm.generate(tokens, temp=0.0, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.0, grammar=grammar):
            if runtime.is_eog(token) or len(out) >= max_tokens:
                break
            out.append(token)
    seconds = time.perf_counter() - start
    text = llm.detokenize(out).decode("utf-8", errors="replace")
    return {"tokens": len(out), "seconds": round(seconds, 3), "tok_s": round(len(out) / seconds, 2), "refused": refused, "text": text}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.grammar_cost", description=__doc__)
    p.add_argument("--model", default="qwen2.5-coder-1.5b")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--tokens", type=int, default=160, help="tokens generated per run")
    p.add_argument("--prompt-tokens", type=int, default=2200)
    p.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
    os.environ["CODEY_CODER"] = args.model
    load_before = os.getloadavg()
    model = LlamaCppProvider(load_config(None)).get("coder")
    messages = prompt_messages(args.source, model, args.prompt_tokens)
    rows: list[dict[str, object]] = []
    with model._use() as (runtime, _):
        tokens = runtime.prompt_tokens(messages)
        for r in range(args.rounds):
            order = MODES[r % len(MODES) :] + MODES[: r % len(MODES)]
            runs = {mode: one_run(runtime, tokens, mode, args.tokens) for mode in order}
            base = runs["none"]["tok_s"]
            for mode, run in runs.items():
                rows.append({"round": r + 1, "mode": mode, **run, "ratio_to_none": round(run["tok_s"] / base, 3)})
                print(f"round {r + 1} {mode:5} {run['tokens']:4} tok {run['tok_s']:6.2f} tok/s  x{run['tok_s'] / base:.2f}", flush=True)
    summary = {
        mode: {
            "median_tok_s": statistics.median(float(x["tok_s"]) for x in rows if x["mode"] == mode),  # type: ignore[arg-type]
            "median_ratio_to_none": statistics.median(float(x["ratio_to_none"]) for x in rows if x["mode"] == mode),  # type: ignore[arg-type]
        }
        for mode in MODES
    }
    same = len({str(x["text"]) for x in rows if x["mode"] != "none"}) == 1
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs",
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "model": args.model,
        "prompt_tokens": len(tokens),
        "summary": summary,
        "eager_and_lazy_answers_identical": same,
        "runs": rows,
    }
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
