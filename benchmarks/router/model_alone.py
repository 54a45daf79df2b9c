"""The router model on its own (rules bypassed): schema-constrained generation against calibrated
label scoring, on every request of a labelled set whose label the model may choose.

    python -m benchmarks.router.model_alone --model smollm2-135m [--set requests]

Prints one Markdown table: accuracy and latency per method, and for scoring with abstention how
many requests the model decided and how many of those were right.
"""

from __future__ import annotations

import argparse
import sys
import time

import yaml

from benchmarks.router.__main__ import SETS
from benchmarks.router.measure import machine, percentile


def _timed(fn, requests: list[dict]) -> list[tuple[str | None, str, float]]:
    out = []
    for req in requests:
        start = time.perf_counter()
        got = fn(req["text"])
        out.append((got, req["label"], (time.perf_counter() - start) * 1000))
    return out


def _row(name: str, results: list[tuple[str | None, str, float]]) -> str:
    decided = [r for r in results if r[0] is not None]
    right = sum(got == want for got, want, _ in decided)
    ms = [r[2] for r in results]
    return (f"| {name} | {len(decided)}/{len(results)} | {right}/{len(decided) or 1} | {right}/{len(results)} = "
            f"{100 * right / len(results):.1f}% | {percentile(ms, 50):.0f} | {percentile(ms, 95):.0f} |")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.router.model_alone", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="smollm2-135m")
    p.add_argument("--set", choices=list(SETS), default="requests")
    args = p.parse_args(argv)

    from codey_git.config import load_config
    from codey_git.models.backends import make_provider
    from codey_git.router.model import LABELS, MAX_TOKENS, SCHEMA, messages_for, parse_label
    from codey_git.router.scoring import LabelScorer
    from codey_git.ui import Progress

    requests = [r for r in yaml.safe_load(SETS[args.set].read_text())["requests"] if r["label"] in LABELS]
    provider = make_provider(load_config(None, {"router": args.model, "backend": "llama_cpp"}), Progress())
    model = provider.get("router")
    scorer = LabelScorer(model)
    m = machine()
    try:
        def generated(text: str) -> str | None:
            completion = model.chat(messages_for(text), purpose="route", max_tokens=MAX_TOKENS, temperature=0.0,
                                    json_schema=SCHEMA)
            return parse_label(completion.text)

        def uncalibrated(text: str) -> str:
            raw = scorer.raw_scores(text)
            return max(raw, key=raw.get)

        def scored(text: str) -> str:
            probs = scorer.probabilities(text)
            return max(probs, key=probs.get)

        generated("warm up")
        scorer.baseline()
        rows = [_row("generation, JSON schema", _timed(generated, requests)),
                _row("label scores, uncalibrated", _timed(uncalibrated, requests)),
                _row("label scores, calibrated", _timed(scored, requests)),
                _row("label scores, calibrated, abstain below 0.5", _timed(lambda t: scorer.best(t)[0], requests))]
    finally:
        provider.close()
    print(f"`python -m benchmarks.router.model_alone --model {args.model} --set {args.set}` — {m['date']}, "
          f"{m['cpu']}, {m['cores']} cores (1-minute load average {m['load']:.1f} at the start); "
          f"{len(requests)} requests, rules bypassed.\n")
    print("| method | decided | right of decided | right of all | p50 ms | p95 ms |\n|---|---|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
