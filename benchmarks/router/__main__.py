"""Router benchmark: accuracy on the labelled requests, routing latency with the model resident,
and the end-to-end time of a rule-routed tool request from the shell.

    python -m benchmarks.router --model smollm2-135m          # rules + the real router model
    python -m benchmarks.router --no-model                   # rules only (unsure -> coding path)
    python -m benchmarks.router --model smollm2-135m --write-docs
    python -m benchmarks.router --set heldout --e2e-runs 0    # one set, no shell timing

Two labelled sets: requests.yml (the development set) and heldout.yml (written before the rules
and prompt were last changed and never tuned against: the check that routing generalises).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

from benchmarks.router.measure import end_to_end, machine, route_all
from benchmarks.router.report import markdown, write_docs

SETS = {"requests": Path(__file__).with_name("requests.yml"), "heldout": Path(__file__).with_name("heldout.yml")}


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.router", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="smollm2-135m", help="router model (catalog name)")
    p.add_argument("--backend", default="llama_cpp", help="backend that runs the router model")
    p.add_argument("--no-model", action="store_true", help="rules only; unsure requests take the coding path")
    p.add_argument("--set", choices=[*SETS, "both"], default="both", help="which labelled set(s) to route")
    p.add_argument("--e2e-runs", type=int, default=15, help="shell runs of `python -m codey_git \"git status\" --yes`")
    p.add_argument("--write-docs", action="store_true", help="rewrite the Router section of docs/benchmarks.md")
    p.add_argument("--verbose", action="store_true", help="print every request and its route")
    p.add_argument("--note", help="a line about the run's conditions, added to the report")
    return p.parse_args(argv)


def load_router(args):
    from codey_git.config import load_config
    from codey_git.models.backends import make_provider
    from codey_git.router.router import Router
    from codey_git.ui import Progress

    if args.no_model:
        return Router(None), None, None
    config = load_config(None, {"router": args.model, "backend": args.backend})
    provider = make_provider(config, Progress())
    model = provider.get("router")
    start = time.perf_counter()
    Router(lambda: model).route("the thing from yesterday")  # load the model and its prompt prefix
    return Router(lambda: model), provider, (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    names = list(SETS) if args.set == "both" else [args.set]
    router, provider, warm_ms = load_router(args)
    try:
        rows = []
        for name in names:
            rows += route_all(router, yaml.safe_load(SETS[name].read_text())["requests"], set_name=name)
    finally:
        if provider is not None:
            provider.close()
    for row in rows:
        if args.verbose or not row["ok"]:
            mark = "ok  " if row["ok"] else "MISS"
            print(f"{mark} {row['set']:8} {row['ms']:8.1f} ms  {row['source']:8}  want {row['want']:<12} got {row['got']:<12} "
                  f"{row['text']}", file=sys.stderr)
    e2e = end_to_end(args.e2e_runs) if args.e2e_runs > 0 else None
    result = {"machine": machine(), "model": None if args.no_model else args.model,
              "backend": None if args.no_model else args.backend, "warmup_ms": warm_ms,
              "rows": rows, "sets": names, "e2e": e2e, "note": args.note}
    text = markdown(result)
    print(text)
    if args.write_docs:
        write_docs(text)
        print("wrote the Router section of docs/benchmarks.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
