"""The accepted outcome of an edit, and the unified diff codey shows for it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

FORMATS = ("diff", "search_replace", "function", "whole_file")


@dataclass
class EditResult:
    changes: dict[str, str | None]  # repo-relative posix path -> new full text; None deletes it
    diff: str  # unified diff (a/ b/ headers) of all changes
    format: str  # one of FORMATS
    notes: list[str] = field(default_factory=list)  # tolerances used while applying


def unified_diff(old: str | None, new: str | None, path: str) -> str:
    """A git-style unified diff from ``old`` to ``new`` (None: the file does not exist)."""
    if old == new:
        return ""
    out = [f"diff --git a/{path} b/{path}\n"]
    if old is None:
        out.append("new file mode 100644\n")
    if new is None:
        out.append("deleted file mode 100644\n")
    before = "/dev/null" if old is None else f"a/{path}"
    after = "/dev/null" if new is None else f"b/{path}"
    for line in difflib.unified_diff(_lines(old), _lines(new), before, after, lineterm="\n"):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(text: str | None) -> list[str]:
    if not text:
        return []
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    if not lines[-1]:
        lines.pop()
    return lines
