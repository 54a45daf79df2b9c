"""The raw model's speed on this machine, now: prompt reading and generation in tokens/s.

Plain llama-cpp-python (through codey's ``new_llama``, so the same threads, batch and CPU
workarounds as a codey run, and the same OpenMP wait policy that codey sets on import) reads a
fixed prompt of ``PROMPT_TOKENS`` tokens of Python source, then writes ``GEN_TOKENS`` greedy
tokens. It runs in a child process, so the model's memory is freed before the tasks run. Used by
run.py before the first task and after the last, so a run's wall times can be scaled to a machine
whose raw speeds are known (see benchmarks/speed/ for the codey-vs-raw comparison itself).

    python -m benchmarks.realbench.speed --model qwen2.5-coder-1.5b      # prints JSON
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROMPT_TOKENS = 1500
GEN_TOKENS = 64
CONTEXT = 4096

CHILD = r"""
import json, sys, time
from codey_git.config import load_config
from codey_git.models.llama_runtime import new_llama
from codey_git.models.memory import thread_count
from codey_git.models.registry import Registry
from codey_git.paths import models_dir
name, n_prompt, n_gen, n_ctx = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
path = models_dir() / Registry(load_config()).get(name).file
if not path.is_file():
    print(json.dumps({"error": f"{path} is missing; run `git codey models pull {name}`"})); sys.exit(0)
source = "".join(
    f"def scale_{i}(values, factor={i}):\n"
    f"    \"\"\"Return each of values multiplied by {i}, skipping None.\"\"\"\n"
    f"    out = []\n    for v in values:\n        if v is not None:\n            out.append(v * factor)\n    return out\n\n\n"
    for i in range(400))
threads = thread_count(None)
start = time.perf_counter()
llm = new_llama(path, n_ctx=n_ctx, n_threads=threads)
load_s = time.perf_counter() - start
tokens = llm.tokenize(source.encode())[:n_prompt]
start = time.perf_counter()
first = None
count = 0
for _ in llm.generate(tokens, temp=0.0, reset=True):
    count += 1
    if count == 1:
        first = time.perf_counter()
    if count >= n_gen:
        break
end = time.perf_counter()
print(json.dumps({"model": name, "threads": threads, "load_s": round(load_s, 2), "prompt_tokens": len(tokens),
                  "prompt_tok_s": round(len(tokens) / (first - start), 1),
                  "generated": count, "gen_tok_s": round((count - 1) / (end - first), 2)}))
"""


def measure(model: str, python: str = sys.executable, env: dict | None = None, timeout: float = 600) -> dict:
    """One measurement in a child process; {"error": ...} when it cannot run (no model, no llama_cpp)."""
    env = dict(os.environ if env is None else env)
    try:
        out = subprocess.run([python, "-c", CHILD, model, str(PROMPT_TOKENS), str(GEN_TOKENS), str(CONTEXT)],
                             env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode or not lines:
        return {"error": (out.stderr or out.stdout)[-1500:]}
    return json.loads(lines[-1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="qwen2.5-coder-1.5b")
    args = p.parse_args(argv)
    print(json.dumps(measure(args.model), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
