"""Cutting a diff into review units: one hunk each, with the signature lines of the functions and
classes that enclose it, split further when a unit would not fit the model's context."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, cast

from codey_git.review.diffsource import DiffSet, Hunk

_HEADER = re.compile(
    r"^\s*(async\s+def|def|class|function|func|fn|pub(\(\w+\))?\s+fn|impl|struct|enum|interface|trait|module|"
    r"(public|private|protected|static|export|const|let|var)\b.*[({=]|.*\)\s*\{\s*$|.*\bfunction\b)"
)
MAX_SIGNATURES = 3


@dataclass
class ReviewUnit:
    file: str
    hunk: Hunk
    signatures: list[tuple[int, str]] = field(default_factory=list)  # (new line number, text)

    @property
    def first_line(self) -> int:
        return next((l.new_no for l in self.hunk.lines if l.new_no), self.hunk.new_start)

    @property
    def last_line(self) -> int:
        return max((l.new_no for l in self.hunk.lines if l.new_no), default=self.hunk.new_start)

    def render(self) -> str:
        """The unit as the model sees it: every line numbered as in the new file."""
        out = [f"File: {self.file}", *(f"{number:>5}   {text}" for number, text in self.signatures)]
        out += ["  ..."] if self.signatures else []
        for line in self.hunk.lines:
            shown_no = f"{line.new_no:>5}" if line.new_no else " " * 5
            out.append(f"{shown_no} {line.origin} {line.text}")
        return "\n".join(out)

    def cache_text(self) -> str:
        """The same content without line numbers: a unit that only moved is still a cache hit."""
        sigs = "\n".join(text for _, text in self.signatures)
        return f"{self.file}\n{sigs}\n" + "\n".join(f"{l.origin}{l.text}" for l in self.hunk.lines)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" \t"))


def enclosing_signatures(lines: list[str], hunk: Hunk) -> list[tuple[int, str]]:
    """Lines above the hunk (``lines``: the new file's) that open the blocks it sits in (def, class,
    function...), outermost first."""
    shown = [l for l in hunk.lines if l.new_no]
    if not shown:
        return []
    first = cast(int, shown[0].new_no)  # shown: the lines that have a number
    body = [l.text for l in shown if l.text.strip()]
    level = min((_indent(t) for t in body), default=0)
    if level == 0:
        return []  # nothing encloses a block at the left margin (and no scan of the whole file above it)
    found: list[tuple[int, str]] = []
    for number in range(first - 1, 0, -1):
        text = lines[number - 1] if number - 1 < len(lines) else ""
        if not text.strip() or _indent(text) >= level:
            continue
        if _HEADER.match(text):
            found.append((number, text.rstrip()))
            if len(found) == MAX_SIGNATURES:
                break
        level = _indent(text)
        if level == 0:
            break
    return list(reversed(found))


def _split(hunk: Hunk) -> tuple[Hunk, Hunk]:
    middle = len(hunk.lines) // 2
    parts = []
    for chunk in (hunk.lines[:middle], hunk.lines[middle:]):
        start = next((l.new_no for l in chunk if l.new_no), hunk.new_start)
        parts.append(Hunk(hunk.file, start, sum(1 for l in chunk if l.new_no), hunk.header, chunk))
    return parts[0], parts[1]


def make_units(diff: DiffSet, fits: Callable[[ReviewUnit], bool]) -> list[ReviewUnit]:
    """One unit per hunk; a unit that does not ``fit`` is halved until it does (or is one line)."""
    units: list[ReviewUnit] = []
    for file in diff.files:
        lines = file.new_text.splitlines()
        pending = [(h, enclosing_signatures(lines, h)) for h in reversed(file.hunks)]  # a stack: next on top
        while pending:
            hunk, sigs = pending.pop()
            unit = ReviewUnit(file.path, hunk, sigs)
            if fits(unit) or len(hunk.lines) <= 1:
                if any(l.origin != " " for l in hunk.lines):
                    units.append(unit)
                continue
            first, second = _split(hunk)
            pending += [(second, enclosing_signatures(lines, second) or sigs), (first, sigs)]
    return units
