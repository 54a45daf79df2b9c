"""Turning a model's suggestion into a short unified diff against the new version of the file.

Small models rarely write a valid diff, so they are asked for the corrected line; a suggestion that
already is a diff is kept (with headers added). Anything longer than ``MAX_LINES`` is not "short"
and is dropped: the message still says what is wrong.
"""

from __future__ import annotations

import difflib
import re

MAX_LINES = 12


def _looks_like_diff(text: str) -> bool:
    return bool(re.search(r"^@@ .* @@", text, flags=re.M))


def _with_headers(path: str, diff: str) -> str:
    body = diff[diff.index("@@"):]  # any ---/+++ lines the model wrote are replaced
    return f"--- a/{path}\n+++ b/{path}\n{body.rstrip()}\n"


def _strip_fences(text: str) -> str:
    match = re.search(r"```[\w+-]*\n(.*?)```", text, flags=re.S)
    return match.group(1) if match else text


def suggestion_diff(path: str, new_text: str, line: int, suggestion: str | None) -> str | None:
    """A unified diff (``--- a/path``/``+++ b/path``) for the suggestion, or None if there is none."""
    if not suggestion or not suggestion.strip():
        return None
    text = _strip_fences(suggestion).rstrip("\n")
    if _looks_like_diff(text):
        return _with_headers(path, text) if len(text.splitlines()) <= MAX_LINES + 6 else None
    replacement = text.splitlines()
    lines = new_text.splitlines()
    if not 1 <= line <= len(lines) or len(replacement) > MAX_LINES:
        return None
    original = lines[line - 1]
    indent = original[: len(original) - len(original.lstrip())]
    if replacement and not replacement[0][:1].isspace() and indent:
        replacement = [indent + r if r.strip() else r for r in replacement]
    if replacement == [original]:
        return None
    fixed = lines[: line - 1] + replacement + lines[line:]
    diff = difflib.unified_diff(lines, fixed, f"a/{path}", f"b/{path}", n=2, lineterm="")
    out = "\n".join(diff)
    return out + "\n" if out else None
