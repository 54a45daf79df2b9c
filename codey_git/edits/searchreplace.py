"""Aider-style SEARCH/REPLACE blocks: find them, and turn each into a hunk that must match once."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Callable

from .errors import NoEditFound
from .udiff import Hunk

_SEARCH = re.compile(r"^\s*<{5,9}\s*SEARCH\b.*$")
_DIVIDER = re.compile(r"^\s*={5,9}\s*$")
_REPLACE = re.compile(r"^\s*>{5,9}\s*REPLACE\b.*$")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")


@dataclass
class SearchReplace:
    path: str | None  # None: use the focus file
    search: list[str]
    replace: list[str]


def has_blocks(text: str) -> bool:
    return any(_SEARCH.match(line) for line in text.split("\n"))


def find_blocks(text: str, name_of: Callable[[str], str | None]) -> list[SearchReplace]:
    """All SEARCH/REPLACE blocks in order; ``name_of(line)`` reads a file name from a line."""
    lines = text.split("\n")
    blocks: list[SearchReplace] = []
    i = 0
    while i < len(lines):
        if not _SEARCH.match(lines[i]):
            i += 1
            continue
        path = _name_before(lines, i, name_of)
        if path is None and blocks:
            path = blocks[-1].path
        divider = _next(lines, i + 1, _DIVIDER)
        end = _next(lines, (divider or i) + 1, _REPLACE) if divider is not None else None
        if divider is None or end is None:
            raise NoEditFound(
                f"SEARCH/REPLACE block {len(blocks) + 1} is incomplete",
                f"SEARCH/REPLACE block {len(blocks) + 1} is not closed: each block needs a "
                "'<<<<<<< SEARCH' line, the old lines, a '=======' line, the new lines and a "
                "'>>>>>>> REPLACE' line. Nothing was changed.",
            )
        blocks.append(SearchReplace(path, lines[i + 1 : divider], lines[divider + 1 : end]))
        i = end + 1
    return blocks


def _next(lines: list[str], start: int, pattern: re.Pattern[str]) -> int | None:
    for j in range(start, len(lines)):
        if _SEARCH.match(lines[j]):
            return None  # the next block started first
        if pattern.match(lines[j]):
            return j
    return None


def _name_before(lines: list[str], index: int, name_of: Callable[[str], str | None]) -> str | None:
    for j in range(index - 1, max(index - 5, -1), -1):
        line = lines[j]
        if not line.strip():
            continue
        fence = _FENCE.match(line)
        if fence:
            info = fence.group(2).strip()
            named = name_of(info.split(":", 1)[-1]) if info else None
            if named:
                return named
            continue
        if _REPLACE.match(line):
            return None
        return name_of(line)
    return None


def as_hunk(block: SearchReplace) -> Hunk:
    """The block as a hint-less hunk: lines common to both sides become context."""
    lines: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, block.search, block.replace, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            lines += [(" ", s) for s in block.search[a1:a2]]
        else:
            lines += [("-", s) for s in block.search[a1:a2]]
            lines += [("+", s) for s in block.replace[b1:b2]]
    return Hunk(lines, None)
