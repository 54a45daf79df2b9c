"""Turning a model's suggestion into a short unified diff against the new version of the file.

Small models rarely write a valid diff, so they are asked for the corrected line; a suggestion that
already is a diff is kept (with headers added). Anything longer than ``MAX_LINES`` is not "short"
and is dropped, and so is advice written where the code should be (a sentence, or a line that would
stop a Python file from parsing), which ``--fix`` would otherwise paste into the file: the message
still says what is wrong.
"""

from __future__ import annotations

import ast
import difflib
import re

MAX_LINES = 12
# "Change the function to use ...": advice, not code; a small model writes it in the code field
_ADVICE = re.compile(
    r"^\s*(Use|Change|Replace|Add|Remove|Consider|Ensure|Check|Make|Validate|Avoid|Handle|"
    r"Return|Wrap|Move|Rename|Pass|Set|Call|Do|Don't|Should|You|It|This|The)\b[^\n]*\s[a-z]+\s"
)


def _breaks_python(path: str, before: list[str], after: list[str]) -> bool:
    """A Python file that parsed before the suggestion and not after it: the suggestion is not code."""
    if not path.endswith(".py"):
        return False
    try:
        ast.parse("\n".join(before))
    except (SyntaxError, ValueError):
        return False
    try:
        ast.parse("\n".join(after))
    except (SyntaxError, ValueError):
        return True
    return False


def suggestion_diff(path: str, new_text: str, line: int, suggestion: str | None) -> str | None:
    """A unified diff (``--- a/path``/``+++ b/path``) for the suggestion, or None if there is none."""
    if not suggestion or not suggestion.strip():
        return None
    fenced = re.search(r"```[\w+-]*\n(.*?)```", suggestion, flags=re.S)
    text = (fenced.group(1) if fenced else suggestion).rstrip("\n")
    if re.search(r"^@@ .* @@", text, flags=re.M):  # a diff already: any ---/+++ lines the model wrote are replaced
        body = text[text.index("@@") :].rstrip()
        return f"--- a/{path}\n+++ b/{path}\n{body}\n" if len(text.splitlines()) <= MAX_LINES + 6 else None
    replacement = text.splitlines()
    lines = new_text.splitlines()
    if not 1 <= line <= len(lines) or len(replacement) > MAX_LINES:
        return None
    original = lines[line - 1]
    indent = original[: len(original) - len(original.lstrip())]
    if replacement and not replacement[0][:1].isspace() and indent:
        replacement = [indent + r if r.strip() else r for r in replacement]
    if replacement == [original] or _ADVICE.match(text):
        return None
    fixed = lines[: line - 1] + replacement + lines[line:]
    if _breaks_python(path, lines, fixed):
        return None
    diff = difflib.unified_diff(lines, fixed, f"a/{path}", f"b/{path}", n=2, lineterm="")
    out = "\n".join(diff)
    return out + "\n" if out else None
