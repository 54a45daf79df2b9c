"""Show the model the real file lines nearest to what it expected, with line numbers."""

from __future__ import annotations

from typing import Any

from .errors import AmbiguousMatch, HunkMismatch
from .locate import loose_key

MAX_SHOWN = 30
MAX_FAILURES_SHOWN = 5
MAX_APPLIED_NAMED = 20
MAX_COMPARED = 40  # expected lines used to find the closest window (keeps huge hunks cheap)


def closest_lines(file_lines: list[str], old: list[str], hint: int | None = None) -> str:
    """Numbered file lines around the window that best matches ``old`` (loosely compared)."""
    if not file_lines:
        return "(the file is empty)"
    start = _best_window(file_lines, old, hint)
    first = max(start - 2, 0)
    last = min(start + max(len(old), 1) + 2, len(file_lines), first + MAX_SHOWN)
    width = len(str(last))
    return "\n".join(f"{n + 1:>{width}} | {file_lines[n]}" for n in range(first, last))


def first_difference(file_lines: list[str], old: list[str], hint: int | None = None) -> str | None:
    """Describe the first expected line that differs from the file at the best window."""
    if not file_lines or not old:
        return None
    start = _best_window(file_lines, old, hint)
    for offset, expected in enumerate(old):
        index = start + offset
        actual = file_lines[index] if index < len(file_lines) else None
        if actual is None or loose_key(actual) != loose_key(expected):
            shown = "(end of file)" if actual is None else repr(actual)
            return f"your line {offset + 1} {expected!r} does not match; file line {index + 1} is {shown}"
    return None


def _best_window(file_lines: list[str], old: list[str], hint: int | None) -> int:
    wanted = [loose_key(s) for s in old[:MAX_COMPARED]]
    keyed = [loose_key(s) for s in file_lines]
    span = max(len(file_lines) - len(wanted) + 1, 1)
    best, best_score = 0, (-1, 0)
    for start in range(span):
        score = sum(
            1 for i, w in enumerate(wanted) if w and w in keyed[max(start + i - 1, 0) : start + i + 2]
        )  # tolerate a line shift
        rank = (score, -abs(start - hint) if hint is not None else -start)
        if rank > best_score:
            best, best_score = start, rank
    if best_score[0] <= 0 and hint is not None:
        return min(hint, span - 1)
    return best


def rejection(failures: list[Any], applied: list[str], how_to_resend: str) -> HunkMismatch:
    """One HunkMismatch (or AmbiguousMatch) describing every failed part and every part that fit."""
    summary = failures[0].text.split("\n", 1)[0].split(". ", 1)[0]
    if len(failures) > 1:
        summary += f" (and {len(failures) - 1} more problem(s))"
    parts = ["The edit was not applied; no file was changed."]
    parts += [f.text for f in failures[:MAX_FAILURES_SHOWN]]
    if len(failures) > MAX_FAILURES_SHOWN:
        parts.append(f"{len(failures) - MAX_FAILURES_SHOWN} more parts did not match either.")
    if applied:
        named = ", ".join(applied[:MAX_APPLIED_NAMED])
        if len(applied) > MAX_APPLIED_NAMED:
            named += f" and {len(applied) - MAX_APPLIED_NAMED} more"
        parts.append(f"These parts did match and can be sent again unchanged: {named}.")
    parts.append(how_to_resend)
    cls = AmbiguousMatch if all(f.ambiguous for f in failures) else HunkMismatch
    return cls(summary, "\n\n".join(parts))
