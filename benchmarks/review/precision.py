"""How often the built-in review checks fire on mature code: every Python file under the roots is
taken as wholly new (as if a commit added it) and each check's hits are counted, with examples to
read. A hit here is not always wrong (stdlib tests exercise odd code on purpose), but a check that
fires often on code that has been reviewed for years would block good commits.

    python -m benchmarks.review.precision [--check NAME ...] [--examples 5] [ROOT ...]

Roots default to this interpreter's standard library and its site-packages. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import sysconfig
import time
from collections import Counter, defaultdict
from pathlib import Path

from codey_git.review.patterns import ALL_CHECKS, _hits


def python_files(roots: list[Path]) -> list[Path]:
    seen, out = set(), []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            real = path.resolve()
            if real not in seen:
                seen.add(real)
                out.append(path)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path)
    parser.add_argument("--check", action="append", help="only these checks (name without check_)")
    parser.add_argument("--examples", type=int, default=5, help="examples shown per check")
    args = parser.parse_args()
    roots = args.roots or [Path(sysconfig.get_paths()["stdlib"])]
    missing = [str(r) for r in roots if not r.is_dir()]
    if missing:
        parser.error(f"not a folder: {', '.join(missing)}")
    files = python_files(roots)
    wanted = set(args.check or [c.__name__.removeprefix("check_") for c in ALL_CHECKS])
    known = {c.__name__.removeprefix("check_") for c in ALL_CHECKS}
    if wanted - known:
        parser.error(f"unknown check(s): {', '.join(sorted(wanted - known))} (known: {', '.join(sorted(known))})")
    checks = [c for c in ALL_CHECKS if c.__name__.removeprefix("check_") in wanted]
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    start, parsed = time.perf_counter(), 0
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        hits = _hits(text, checks)
        if hits is None:
            continue
        parsed += 1
        lines = text.splitlines()
        for hit in hits:
            if hit.check not in wanted:
                continue
            counts[hit.check] += 1
            if len(examples[hit.check]) < args.examples:
                line = hit.lines[0]
                examples[hit.check].append(f"{path}:{line}: {lines[line - 1].strip() if line <= len(lines) else ''}")
    print(json.dumps({"roots": [str(r) for r in roots], "files": len(files), "parsed": parsed,
                      "seconds": round(time.perf_counter() - start, 1), "python": sys.version.split()[0],
                      "hits": {name: counts.get(name, 0) for name in sorted(wanted)},
                      "examples": examples}, indent=2))


if __name__ == "__main__":
    main()
