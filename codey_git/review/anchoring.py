"""Putting a model's finding on the line it talks about.

A small model often describes one line and gives the number of its neighbour: the comment above
it, or the line after. The finding's own words say which line is meant: code quoted in backticks
(`drop_duplicates(...)`) and the corrected line it suggests. A finding is moved, within a few
lines and only to another line the diff touches, when its line has none of that and a neighbour
has; a finding on a comment or blank line, which cannot be wrong when it runs, goes to the
nearest touched line of code.
"""

from __future__ import annotations

import difflib
import re

REACH = 3  # how far a finding may move, in lines
_QUOTED = re.compile(r"`([^`\n]{3,80})`")
_SIMILAR = 0.75  # how alike the suggested line and a touched line must be to count as the same line


def _code(text: str) -> str:
    """A line without its comment and surrounding space ("" for a comment or blank line)."""
    stripped = text.strip()
    return "" if stripped.startswith("#") else stripped


def _quoted(message: str) -> list[str]:
    """Code quoted in the message, longest first, each reduced to what a line would contain:
    `foo()` is looked for as ``foo``, `self.x += 1` as is."""
    found = [quote.strip().removesuffix("()") for quote in _QUOTED.findall(message)]
    return sorted({q for q in found if len(q) >= 3 and not q.isdigit()}, key=len, reverse=True)


_HEADER = re.compile(r"(async\s+def|def|class)\s")


def _mentions(line: str, quotes: list[str]) -> bool:
    """Whether ``line`` holds quoted code. A function's or class's bare name does not pull a finding
    to its ``def`` line: messages name the function they are about."""
    header = _HEADER.match(line)
    return any(q in line and not (header and q.isidentifier()) for q in quotes)


def _likeness(line: str, suggestion: str) -> float:
    return difflib.SequenceMatcher(None, line.strip(), suggestion.strip()).ratio()


def anchored_line(line: int, message: str, suggestion: str | None, new_lines: list[str], touched: set[int]) -> int:
    """Where a finding the model put on ``line`` belongs: ``line`` unless its words point at a
    nearby touched line of code (``new_lines`` is the new file, 1-based line n at index n-1)."""

    def text(n: int) -> str:
        return _code(new_lines[n - 1]) if 0 < n <= len(new_lines) else ""

    near = sorted(
        (n for n in touched if n != line and abs(n - line) <= REACH and text(n)), key=lambda n: (abs(n - line), n < line)
    )  # nearest first, below before above
    quotes = _quoted(message)
    if quotes and not _mentions(text(line), quotes):
        moved = next((n for n in near if _mentions(text(n), quotes)), None)
        if moved is not None:
            return moved
    single = suggestion.strip() if suggestion and "\n" not in suggestion.strip() else ""
    if single and text(line):
        own = _likeness(text(line), single)
        best = max(near, key=lambda n: _likeness(text(n), single), default=None)
        if best is not None and _likeness(text(best), single) >= max(_SIMILAR, own + 0.2):
            return best
    if not text(line) and near:
        return near[0]
    return line
