"""What to show of a long focus file: the definitions a fix can be in, not the whole file.

Reading the prompt is most of a fix's wait on a CPU, and in a real module the function with the bug
is a small part of the file. When a Python focus file is longer than ``LONG_FILE_TOKENS`` and the
definitions that matter are known, the coder sees the module's header (imports, constants) and
those definitions, with the rest marked as not shown. The definitions that matter: the ones around
the named or failing lines, the ones the failing tests use, and the module's own functions and
classes that those call, two calls deep. When none is known, or they are most of the file, the
file is shown whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from codey_git.engine import definitions

LONG_FILE_TOKENS = 500
HEADER_LINES = 30  # of imports and constants above the first definition
CALL_DEPTH = 2
MOST_OF_FILE = 0.6  # windows that would show more than this share of the code lines: show the file
_NAME = re.compile(r"[A-Za-z_]\w*")


def names_in(text: str) -> set[str]:
    return set(_NAME.findall(text))


def relevant_definitions(source: str, defs: dict[str, tuple[int, int]], lines: list[int], used: set[str]) -> list[str]:
    """Of ``source``'s top-level definitions ``defs``: those around ``lines``, those named in
    ``used``, and those they call, in that order."""
    chosen: list[str] = []

    def add(name: str) -> bool:
        if name in defs and name not in chosen:
            chosen.append(name)
            return True
        return False

    for line in lines:
        for name, (start, end) in defs.items():
            if start <= line <= end:
                add(name)
    for name in sorted(used):
        add(name)
    source_lines = source.splitlines()
    frontier = list(chosen)
    for _ in range(CALL_DEPTH):
        called = []
        for name in frontier:
            start, end = defs[name]
            called += [n for n in sorted(names_in("\n".join(source_lines[start - 1 : end]))) if add(n)]
        frontier = called
    return chosen


def window_spans(
    count_tokens: Callable[[str], int], source: str, lines: list[int], used: set[str]
) -> list[tuple[int, int]] | None:
    """(first, last) line spans to show of ``source``, or None to show all of it."""
    if count_tokens(source) <= LONG_FILE_TOKENS:
        return None
    defs = definitions.top_level_definitions(source)
    names = relevant_definitions(source, defs, lines, used)
    if not names:
        return None
    spans = [defs[n] for n in names]
    first = min(start for start, _ in defs.values())
    if first > 1:
        spans.append((1, min(first - 1, HEADER_LINES)))
    merged = merge_spans(spans)
    code = [bool(line.strip()) for line in source.splitlines()]
    if sum(sum(code[start - 1 : end]) for start, end in merged) > MOST_OF_FILE * sum(code):
        return None
    return merged


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlapping and adjacent ones joined."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]
