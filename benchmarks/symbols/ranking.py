"""The symbol index's ranking on the benchmark repository (``index_speed``'s, already built): the
best hits of a few requests, with and without failing tests' calls, so that a change meant to make
queries faster can show it ranks as before.

    python -m benchmarks.symbols.ranking [--repo /tmp/symbench] [--top 50] [--save FILE | --check FILE]

Prints one JSON object, query -> [[path, qualname, start, score, called], ...] best first, and the
seconds each query took; ``--check`` compares the hits (not the times) with a saved run and exits 1
on a difference. The repository's files are the installed packages' (see ``index_speed``), so a
saved run is for one machine's virtual environment.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from codey_git.symbols import index as symbol_index
from codey_git.symbols import search

MESSAGES = "E       ValueError: invalid literal for int() with base 10: ''\nE       assert 3 == 4\n"
QUERIES: list[tuple[str, str, list[str], str]] = [
    ("request", "the parser raises ValueError 'invalid literal' on an empty header line", [], ""),
    ("request-messages", "reading a config file with an empty section fails", [], MESSAGES),
    ("symptom", "the URL slug of a title comes out with underscores instead of dashes", [], ""),
    ("one-word", "timezone", [], ""),
    (
        "failing-class-calls",
        "finalize options of the config command",
        ["pkg/m00/test_config_cmd_224.py::ConfigTestCase::test_finalize_options"],
        MESSAGES,
    ),
    ("failing-methods", "", ["pkg/m13/test_dag_6988.py::TestDagToBranching::test_multiple_roots"], ""),
    ("failing-functions", "broadcasting", ["pkg/m14/test_nditer_7331.py::test_iter_broadcasting"], ""),
]


def ranked(index: symbol_index.SymbolIndex, top: int) -> tuple[dict[str, list[list[object]]], dict[str, float]]:
    hits: dict[str, list[list[object]]] = {}
    seconds: dict[str, float] = {}
    for name, request, failing, messages in QUERIES:
        started = time.perf_counter()
        found = search.rank(index, request, failing, messages, keep=lambda p: "/test_" not in p)
        seconds[name] = round(time.perf_counter() - started, 3)
        hits[name] = [[h.path, h.definition.qualname, h.definition.start, h.score, h.called] for h in found[:top]]
    return hits, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.symbols.ranking")
    parser.add_argument("--repo", default="/tmp/symbench")
    parser.add_argument("--top", type=int, default=50)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--save", help="write the hits to this file")
    group.add_argument("--check", help="compare the hits with this file")
    opts = parser.parse_args(argv)
    index = symbol_index.build(Path(opts.repo))
    hits, seconds = ranked(index, opts.top)
    if opts.save:  # a hit a line
        queries = [f"{json.dumps(name)}: [\n" + ",\n".join(json.dumps(h) for h in found) + "\n]" for name, found in hits.items()]
        Path(opts.save).write_text("{\n" + ",\n".join(queries) + "\n}\n", encoding="utf-8")
    differ: list[str] = []
    if opts.check:
        saved = json.loads(Path(opts.check).read_text(encoding="utf-8"))
        differ = sorted(name for name in set(saved) | set(hits) if saved.get(name) != hits.get(name))
    counts = {name: len(found) for name, found in hits.items()}
    print(json.dumps({"seconds": seconds, "hits": counts, "differ": differ if opts.check else None}, indent=1))
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
