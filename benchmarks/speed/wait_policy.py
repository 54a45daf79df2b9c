"""How OpenMP's wait policy changes llama.cpp's speed, on a quiet machine and on a busy one.

llama.cpp's worker threads wait for each other many times per token. libgomp lets them spin
(default ~300k turns, or unbounded with OMP_WAIT_POLICY=ACTIVE), sleep at once (PASSIVE), or spin
a little (GOMP_SPINCOUNT). Each policy runs in its own process (libgomp reads the environment when
it loads), with no other load and then beside ``--busy`` processes that keep a core busy each, as
an editor, a test run or another agent would. Prompt reading (tok/s over ``--prompt`` tokens) and
generation (tok/s over 40 greedy tokens) are the median of ``--rounds`` runs, configs alternating.

    .venv/bin/python benchmarks/speed/wait_policy.py --model qwen2.5-coder-1.5b --rounds 2

Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

POLICIES = {
    "passive": {"OMP_WAIT_POLICY": "PASSIVE"},
    "spin 1000 (codey)": {"GOMP_SPINCOUNT": "1000"},
    "libgomp default": {"GOMP_SPINCOUNT": "300000"},  # GCC's documented default without a policy
}
POLICY_KEYS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")

CHILD = r"""
import json, sys, time
from pathlib import Path
from codey_git.models.llama_runtime import new_llama
from codey_git.models.memory import thread_count
llm = new_llama(Path(sys.argv[1]), n_ctx=2048, n_threads=thread_count(None))
text = Path(sys.argv[3]).read_text()
tokens = llm.tokenize(text.encode())[: int(sys.argv[2])]
start = time.perf_counter()
llm.eval(tokens)
read = len(tokens) / (time.perf_counter() - start)
count, first = 0, 0.0
for _ in llm.generate(tokens[:100], temp=0.0, reset=True):
    count += 1
    if count == 1:
        first = time.perf_counter()
    if count > 40:
        break
print(json.dumps({"read_tok_s": read, "gen_tok_s": 40 / (time.perf_counter() - first)}))
"""


def run_child(model_path: Path, prompt_tokens: int, policy: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in POLICY_KEYS}
    env.update(policy)  # import_llama keeps a policy that is set
    source = ROOT / "codey_git" / "review" / "engine.py"
    out = subprocess.run([sys.executable, "-c", CHILD, str(model_path), str(prompt_tokens), str(source)],
                         env=env, capture_output=True, text=True, timeout=600, cwd=ROOT)
    if out.returncode:
        raise SystemExit(f"child failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def busy_processes(count: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def main() -> None:
    from benchmarks.machine import cpu_name, load_average
    from codey_git.config import load_config
    from codey_git.paths import models_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--prompt", type=int, default=500)
    parser.add_argument("--busy", type=int, default=1, help="busy processes in the loaded condition")
    args = parser.parse_args()
    from codey_git.models.registry import Registry

    from codey_git.errors import CodeyError

    try:
        entry = Registry(load_config()).get(args.model)
    except CodeyError as exc:
        raise SystemExit(f"wait_policy: {exc}") from None
    model_path = models_dir() / entry.file
    if not model_path.is_file():
        raise SystemExit(f"wait_policy: {model_path} is missing; run `git codey models pull {args.model}` first")
    results: dict[str, dict[str, list[dict]]] = {"quiet": {}, f"{args.busy} busy": {}}
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    load_before = load_average()
    for condition, busy in (("quiet", 0), (f"{args.busy} busy", args.busy)):
        hogs = busy_processes(busy)
        try:
            for round_no in range(args.rounds):
                order = list(POLICIES) if round_no % 2 == 0 else list(reversed(POLICIES))
                for name in order:
                    results[condition].setdefault(name, []).append(run_child(model_path, args.prompt, POLICIES[name]))
        finally:
            for hog in hogs:
                hog.kill()
                hog.wait()
    summary = {cond: {name: {key: round(statistics.median(r[key] for r in runs), 1)
                             for key in ("read_tok_s", "gen_tok_s")}
                      for name, runs in by_policy.items()}
               for cond, by_policy in results.items()}
    print(json.dumps({"model": args.model, "cpu": cpu_name(), "cores": os.cpu_count(), "started": started,
                      "load_before": load_before, "rounds": args.rounds, "prompt_tokens": args.prompt,
                      "median": summary, "runs": results}, indent=2))


if __name__ == "__main__":
    main()
