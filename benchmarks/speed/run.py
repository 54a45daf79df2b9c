"""Speed of the local model runtime, measured in one process.

1. Generation through codey (LlamaCppProvider -> model.chat) against plain llama-cpp-python
   (Llama.create_completion on the same prompt tokens), same GGUF, context, threads, greedy
   sampling. Runs alternate; the ratio of median decode tok/s is the overhead.
2. Prefill reuse: an attempt, then a retry whose prompt adds feedback after the same prefix;
   tokens evaluated and prefill seconds of each.
3. Tokens a targeted edit costs against a whole-file rewrite of the same change, counted with the
   model's tokenizer, and the generation time that implies at the measured speed.

    .venv/bin/python benchmarks/speed/run.py --model smollm2-135m --runs 3 --max-tokens 64

Models come from the models dir (`git codey models pull NAME` first). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from codey_git.config import load_config  # noqa: E402
from codey_git.models.llama_cpp import LlamaCppProvider  # noqa: E402
from codey_git.models.llama_runtime import new_llama  # noqa: E402
from codey_git.models.memory import thread_count  # noqa: E402

SOURCE = "".join(
    f"def f{i}(x):\n    \"\"\"Return x scaled by {i}.\"\"\"\n    return x * {i}\n\n\n" for i in range(40)
)
SYSTEM = "You are a coding assistant. Reply with code only."
ASK = "List the integers from 1 to 200, separated by commas, nothing else."


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d %H:%M")}


def raw_run(llm, tokens: list[int], max_tokens: int) -> dict:
    """Plain llama-cpp-python; decode speed counted like codey's: tokens after the prompt's evaluation."""
    start = time.perf_counter()
    first, generated = None, 0
    for chunk in llm.create_completion(tokens, max_tokens=max_tokens, temperature=0.0, top_k=40, top_p=0.95,
                                       min_p=0.05, repeat_penalty=1.0, stream=True):
        if chunk["choices"][0]["text"]:  # the last chunk only carries finish_reason
            first = first or time.perf_counter()  # the prompt is evaluated before the first chunk
            generated += 1  # one chunk per token for this plain-ASCII output
    end = time.perf_counter()
    return {"generated": generated, "wall_s": end - start, "decode_tok_s": (generated - 1) / (end - first)}


def overhead(provider, name: str, runs: int, max_tokens: int) -> dict:
    model = provider.get("coder")
    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": ASK}]
    with model._use() as (runtime, _):
        tokens = runtime.prompt_tokens(messages)
    # the same constructor settings (context, batch, threads, mmap) as codey's own load
    raw_llm = new_llama(model.ready.path, n_ctx=model.context_size, n_threads=thread_count(provider.n_threads))
    codey, raw = [], []
    for run in range(runs):
        if run % 2 == 0:  # alternate which goes first, so drift in machine load hits both alike
            raw.append(raw_run(raw_llm, tokens, max_tokens))
        firsts: list[float] = []
        start = time.perf_counter()
        result = model.chat(messages, purpose="explain", max_tokens=max_tokens, temperature=0.0,
                            on_token=lambda _: firsts.append(time.perf_counter()))
        end = time.perf_counter()
        generated = result.stats.generated_tokens
        codey.append({"generated": generated, "wall_s": end - start,
                      "decode_tok_s": (generated - 1) / (end - firsts[0])})
        if run % 2 == 1:
            raw.append(raw_run(raw_llm, tokens, max_tokens))
    raw_llm.close()
    c_med = statistics.median(r["decode_tok_s"] for r in codey)
    r_med = statistics.median(r["decode_tok_s"] for r in raw)
    return {"model": name, "prompt_tokens": len(tokens), "max_tokens": max_tokens, "runs": runs,
            "codey_decode_tok_s": round(c_med, 2), "raw_decode_tok_s": round(r_med, 2),
            "codey_over_raw": round(c_med / r_med, 3),
            "codey_wall_s": round(statistics.median(r["wall_s"] for r in codey), 2),
            "raw_wall_s": round(statistics.median(r["wall_s"] for r in raw), 2),
            "generated": [r["generated"] for r in codey], "raw_generated": [r["generated"] for r in raw]}


def prefill_reuse(provider) -> dict:
    model = provider.get("coder")
    base = [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"calc.py:\n```python\n{SOURCE}```\nFix f3 so it returns x * 33."}]
    attempt = model.chat(base, purpose="edit", max_tokens=4)
    retry = model.chat(base + [{"role": "assistant", "content": "return x * 3"},
                               {"role": "user", "content": "Tests failed: f3(1) == 3, expected 33. Try again."}],
                       purpose="edit", max_tokens=4)

    def row(stats):
        seconds = stats.prompt_tokens_evaluated / stats.prefill_tok_s if stats.prefill_tok_s else 0.0
        return {"prompt_tokens": stats.prompt_tokens, "evaluated": stats.prompt_tokens_evaluated,
                "prefill_tok_s": stats.prefill_tok_s, "prefill_s": round(seconds, 2)}

    first, second = row(attempt.stats), row(retry.stats)
    cold_s = second["prompt_tokens"] / first["prefill_tok_s"] if first["prefill_tok_s"] else 0.0
    return {"attempt": first, "retry": second, "retry_prefill_s_without_reuse": round(cold_s, 2)}


def edit_vs_rewrite(provider, gen_tok_s: float) -> dict:
    model = provider.get("coder")
    fixed = SOURCE.replace("return x * 3\n", "return x * 33\n", 1)
    search_replace = "calc.py\n<<<<<<< SEARCH\n    return x * 3\n=======\n    return x * 33\n>>>>>>> REPLACE\n"
    diff = ("--- a/calc.py\n+++ b/calc.py\n@@ -11,3 +11,3 @@ def f3(x):\n     \"\"\"Return x scaled by 3.\"\"\"\n"
            "-    return x * 3\n+    return x * 33\n")
    counts = {"search_replace": model.count_tokens(search_replace), "unified_diff": model.count_tokens(diff),
              "whole_file": model.count_tokens(fixed)}
    seconds = {k: round(v / gen_tok_s, 1) for k, v in counts.items()} if gen_tok_s else {}
    return {"file_lines": SOURCE.count("\n"), "tokens": counts, "seconds_at_measured_speed": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--context", type=int, default=2048)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    overrides = {"coder": args.model, "context_size": args.context, "idle_unload_s": 0}
    if args.threads:
        overrides["n_threads"] = args.threads
    provider = LlamaCppProvider(load_config(None, overrides=overrides))
    result = {"machine": machine(), "threads": provider.n_threads or thread_count(None)}
    result["generation"] = overhead(provider, args.model, args.runs, args.max_tokens)
    result["prefill_reuse"] = prefill_reuse(provider)
    result["edit_tokens"] = edit_vs_rewrite(provider, result["generation"]["codey_decode_tok_s"])
    result["memory"] = provider.loaded()  # estimated need vs measured RSS growth of the load
    provider.close()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
