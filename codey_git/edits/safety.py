"""Refuse edits that could escape the repository, touch git's own files, or carry binary data."""

from __future__ import annotations

import re

from .errors import EditTooLarge, UnsafeEdit

_BINARY = re.compile(r"^(GIT binary patch|Binary files .* differ)\s*$", re.MULTILINE)
_DRIVE = re.compile(r"^[A-Za-z]:")


def check_path(path: str) -> str:
    """Return ``path`` as a normalised repo-relative posix path, or raise UnsafeEdit."""
    raw = path
    path = path.strip().strip("`'\"").replace("\\", "/")
    if not path or "\0" in path or "\n" in path:
        raise _unsafe(raw, "is empty or holds control characters")
    if path.startswith(("/", "~")) or _DRIVE.match(path):
        raise _unsafe(raw, "is absolute")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                raise _unsafe(raw, "leaves the repository")
            parts.pop()
            continue
        if part.lower() == ".git":
            raise _unsafe(raw, "points inside .git")
        parts.append(part)
    if not parts:
        raise _unsafe(raw, "names no file")
    return "/".join(parts)


def _unsafe(path: str, why: str) -> UnsafeEdit:
    return UnsafeEdit(
        f"refused edit: path {path!r} {why}",
        f"The edit was refused and nothing was changed: the path {path!r} {why}. "
        "Only edit files inside the repository, using paths relative to its root (like src/app.py).",
    )


def check_size(text: str, max_chars: int) -> None:
    """Reject oversized answers before any parsing work is spent on them."""
    if len(text) > max_chars:
        raise EditTooLarge(
            f"model answer is {len(text):,} characters, over the {max_chars:,} limit",
            f"Your answer was {len(text):,} characters long, over the limit of {max_chars:,}. "
            "Send only the changed lines as a small unified diff.",
        )


def check_not_binary(text: str) -> None:
    if "\0" in text or _BINARY.search(text):
        raise UnsafeEdit(
            "refused edit: it contains a binary patch",
            "The edit was refused: binary patches are not accepted. Change text files only, with a unified diff.",
        )
