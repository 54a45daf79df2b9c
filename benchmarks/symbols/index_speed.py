"""The symbol index's cost on a big repository: the first build, a second run with no file changed,
a run after one file changed, and one BM25 query.

    python -m benchmarks.symbols.index_speed [--files 10000] [--repo /tmp/symbench]

The repository is made of real Python files (the installed packages' sources, copied as they are,
in sorted order, up to --files), committed once. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from codey_git.symbols import index as symbol_index
from codey_git.symbols import search


def make_repo(dest: Path, count: int) -> int:
    sources = sorted({Path(sysconfig.get_paths()["purelib"]), Path(sysconfig.get_paths()["stdlib"])})
    files = [p for root in sources for p in sorted(root.rglob("*.py")) if p.is_file()][:count]
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for i, src in enumerate(files):
        target = dest / "pkg" / f"m{i // 500:02d}" / f"{src.stem}_{i}.py"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(src.read_bytes())
    git = ["git", "-C", str(dest)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "-c", "user.name=b", "-c", "user.email=b@x", "commit", "-qm", "files"], check=True)
    return len(files)


def timed(root: Path) -> tuple[float, symbol_index.SymbolIndex]:
    started = time.perf_counter()
    index = symbol_index.build(root)
    return time.perf_counter() - started, index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.symbols.index_speed")
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repo", default="/tmp/symbench")
    opts = parser.parse_args(argv)
    root = Path(opts.repo)
    made = make_repo(root, opts.files)
    first_s, first = timed(root)
    second_s, second = timed(root)
    one = next(iter(sorted(second.files)))
    with open(root / one, "a", encoding="utf-8") as handle:
        handle.write("\n\ndef appended_for_the_benchmark():\n    return 1\n")
    subprocess.run(["git", "-C", str(root), "add", one], check=True)
    changed_s, changed = timed(root)
    started = time.perf_counter()
    definitions = len(changed.definitions())
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    hits = search.rank(changed, "the parser raises ValueError 'invalid literal' on an empty header line")
    query_s = time.perf_counter() - started
    store = changed.path
    print(
        json.dumps(
            {
                "python": sys.version.split()[0],
                "files": made,
                "definitions": definitions,
                "index_bytes": store.stat().st_size if store else None,
                "first_build_s": round(first_s, 2),
                "first_parsed": first.parsed,
                "second_run_s": round(second_s, 3),
                "second_parsed": second.parsed,
                "one_changed_s": round(changed_s, 3),
                "one_changed_parsed": changed.parsed,
                "definitions_s": round(load_s, 3),
                "query_s": round(query_s, 3),
                "top_hit": f"{hits[0].path}::{hits[0].definition.qualname}" if hits else None,
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
