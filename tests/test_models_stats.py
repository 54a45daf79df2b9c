"""`git codey stats`: a per-model summary of the calls recorded in $CODEY_HOME/stats.jsonl."""

from __future__ import annotations

import json
from pathlib import Path

from codey_git.models.base import CallStats
from codey_git.models.stats_file import append_call, stats_path

ROOT = Path(__file__).resolve().parents[1]
CLI_ENV = {"PYTHONPATH": str(ROOT)}


def test_stats_summarizes_per_model(codey, tmp_path):
    for gen_speed in (10.0, 30.0, 20.0):
        append_call(
            CallStats(
                model="coder-x",
                purpose="edit",
                prompt_tokens=100,
                prompt_tokens_evaluated=40,
                generated_tokens=50,
                gen_tok_s=gen_speed,
                prefill_tok_s=200.0,
            ),
            backend="llama_cpp",
        )
    append_call(
        CallStats(
            model="router-y", purpose="route", prompt_tokens=30, prompt_tokens_evaluated=30, generated_tokens=5, gen_tok_s=90.0
        ),
        backend="llama_cpp",
    )
    with open(stats_path(), "a") as fh:
        fh.write('{"model": "cut-off line\n')  # a crash mid-write must not break the summary
    out = codey(tmp_path, "stats", "--json", env=CLI_ENV)
    assert out.returncode == 0, out.stderr
    rows = {r["model"]: r for r in json.loads(out.stdout)["models"]}
    assert rows["coder-x"]["calls"] == 3 and rows["coder-x"]["median_gen_tok_s"] == 20.0
    assert rows["coder-x"]["prompt_tokens"] == 300 and rows["coder-x"]["prompt_tokens_evaluated"] == 120
    assert rows["router-y"]["generated_tokens"] == 5
    human = codey(tmp_path, "stats", env=CLI_ENV)
    assert "coder-x" in human.stdout and "router-y" in human.stdout


def test_stats_with_no_calls_says_so(codey, tmp_path):
    out = codey(tmp_path, "stats", env=CLI_ENV)
    assert out.returncode == 0 and "no model calls recorded yet" in out.stderr
