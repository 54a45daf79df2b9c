"""Find where a hunk's old lines sit in a file, from exact to increasingly tolerant matching.

Order: exact at the hinted line; exact anywhere (nearest the hint wins); ignoring trailing
whitespace; ignoring indentation and inner spacing (only when unique); then the same again with up
to two context lines dropped at either end (fuzz). Two equally good places are never guessed
between: that is reported as ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .udiff import Hunk

Key = Callable[[str], str]


def _exact(s: str) -> str:
    return s


def _rstrip(s: str) -> str:
    return s.rstrip()


def loose_key(s: str) -> str:
    return " ".join(s.split())


LEVELS: list[tuple[Key, str | None]] = [
    (_exact, None),
    (_rstrip, "ignoring trailing whitespace"),
    (loose_key, "ignoring indentation differences"),
]
TRIMS = [(0, 0), (1, 0), (0, 1), (1, 1), (2, 0), (0, 2), (2, 1), (1, 2), (2, 2)]


@dataclass
class Placement:
    start: int  # 0-based index of the first old line in the file
    lines: list[tuple[str, str]]  # the hunk lines used (context trimmed by fuzz)
    loose: bool  # matched ignoring indentation: added lines may need re-indenting
    how: list[str]  # tolerances used, for notes
    lead: int = 0  # leading context lines dropped by fuzz


class Ambiguous(Exception):
    def __init__(self, starts: list[int]):
        super().__init__(starts)
        self.starts = starts


class LineIndex:
    """A file's lines under each comparison key, with where each keyed line occurs."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self._by_key: dict[Key, tuple[list[str], dict[str, list[int]]]] = {}

    def find_all(self, old: list[str], key: Key) -> list[int]:
        if key not in self._by_key:
            keyed = [key(s) for s in self.lines]
            where: dict[str, list[int]] = {}
            for i, line in enumerate(keyed):
                where.setdefault(line, []).append(i)
            self._by_key[key] = (keyed, where)
        keyed, where = self._by_key[key]
        wanted = [key(s) for s in old]
        n = len(wanted)
        anchor = min(range(n), key=lambda j: len(where.get(wanted[j], ())))  # rarest line
        starts = (p - anchor for p in where.get(wanted[anchor], ()))
        return [i for i in starts if i >= 0 and keyed[i : i + n] == wanted]


def locate(file_lines: list[str] | LineIndex, hunk: Hunk, *, unique: bool = False) -> Placement | None:
    """Place ``hunk`` in the file; None when it is nowhere; raises Ambiguous when unsure.

    ``unique`` ignores the hint and demands a single match (SEARCH/REPLACE blocks have no hint).
    Pass a LineIndex when placing several hunks in the same file text.
    """
    index = file_lines if isinstance(file_lines, LineIndex) else LineIndex(file_lines)
    hint = None if unique or hunk.hint is None else max(hunk.hint - 1, 0)
    for lead, tail in TRIMS:
        lines = _trim(hunk.lines, lead, tail)
        if lines is None:
            continue
        old = [text for tag, text in lines if tag != "+"]
        if not old or (lead + tail and not any(s.strip() for s in old)):
            continue
        trimmed_hint = None if hint is None else hint + lead
        for key, how in LEVELS:
            starts = index.find_all(old, key)
            start = _choose(starts, trimmed_hint, unique=unique or key is loose_key)
            if start is None:
                continue
            notes = [how] if how else []
            if lead + tail:
                notes.append(f"{lead} leading and {tail} trailing context lines dropped")
            return Placement(start, lines, key is loose_key, notes, lead)
    return None


def _trim(lines: list[tuple[str, str]], lead: int, tail: int) -> list[tuple[str, str]] | None:
    if lead and any(tag != " " for tag, _ in lines[:lead]):
        return None
    if tail and any(tag != " " for tag, _ in lines[len(lines) - tail :]):
        return None
    if lead + tail >= len(lines):
        return None
    return lines[lead : len(lines) - tail]


def _choose(starts: list[int], hint: int | None, *, unique: bool) -> int | None:
    if not starts:
        return None
    if len(starts) == 1:
        return starts[0]
    if unique or hint is None:
        raise Ambiguous(starts)
    ranked = sorted(starts, key=lambda s: abs(s - hint))
    if abs(ranked[0] - hint) == abs(ranked[1] - hint):
        raise Ambiguous(ranked[:2])
    return ranked[0]


def reindent(placement: Placement, file_lines: list[str]) -> list[tuple[str, str]]:
    """For a loose match, indent each added line as far as the old line it replaces was off."""
    if not placement.loose:
        return placement.lines
    shifts: list[tuple[str, str] | None] = []  # per hunk line: (indent to drop, indent to add)
    index, current = placement.start, None
    removed: list[tuple[str, str] | None] = []  # shifts of the '-' lines just before, to pair with '+'
    added = 0
    for tag, text in placement.lines:
        if tag == "+":
            shifts.append(removed[min(added, len(removed) - 1)] if removed else current)
            added += 1
            continue
        if text.strip():
            current = _shift(_indent(file_lines[index]), _indent(text))
        if tag == " " or added:
            removed, added = [], 0
        if tag == "-":
            removed.append(current)
        shifts.append(current)
        index += 1
    first = next((s for s in shifts if s is not None), ("", ""))
    out = []
    for (tag, text), shift in zip(placement.lines, shifts):
        drop, add = shift or first
        if tag == "+" and text.strip() and text.startswith(drop):
            text = add + text[len(drop) :]
        out.append((tag, text))
    return out


def _shift(file_indent: str, hunk_indent: str) -> tuple[str, str]:
    if file_indent.endswith(hunk_indent):
        return "", file_indent[: len(file_indent) - len(hunk_indent)]
    if hunk_indent.endswith(file_indent):
        return hunk_indent[: len(hunk_indent) - len(file_indent)], ""
    return hunk_indent, file_indent


def _indent(s: str) -> str:
    return s[: len(s) - len(s.lstrip())]
