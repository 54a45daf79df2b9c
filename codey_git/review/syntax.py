"""A staged Python file that does not parse: it blocks, on its own line.

Such a file cannot be imported, so every test and every caller of it fails; pyflakes and ruff both
report it. A file whose previous version did not parse either (a template with a ``.py`` name,
Python 2 code) is left alone: the change did not break it.
"""

from __future__ import annotations

import ast
import warnings

from codey_git.review.diffsource import DiffSet
from codey_git.review.findings import Finding

MAX_PARSE_CHARS = 400_000  # as the other checks: a bigger file is reported unreviewed


def parse_error(text: str) -> tuple[int, str] | None:
    """(line, message) of the first syntax error in ``text``, or None when it parses."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like: not errors
            ast.parse(text)
    except SyntaxError as exc:
        return max(1, exc.lineno or 1), exc.msg or "invalid syntax"
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, nesting too deep
        return 1, str(exc) or type(exc).__name__
    return None


def syntax_findings(diff: DiffSet) -> list[Finding]:
    """One high finding per Python file of ``diff`` that this change leaves unparseable, on the
    error's line when the diff touches it, else on the touched line nearest to it."""
    found = []
    for f in diff.files:
        if not f.path.endswith((".py", ".pyi")) or not f.hunks:
            continue
        if max(len(f.new_text or ""), len(f.old_text or "")) > MAX_PARSE_CHARS:
            continue
        error = parse_error(f.new_text or "")
        if error is None or (f.old_text and parse_error(f.old_text) is not None):
            continue
        line, message = error
        touched = set().union(*(h.touched_lines() for h in f.hunks)) or {line}
        at = line if line in touched else min(touched, key=lambda n: (abs(n - line), n))
        where = "" if at == line else f" (the parser stops at line {line})"
        found.append(
            Finding(
                f.path,
                at,
                "high",
                "bug",
                f"this file does not parse: {message}{where}; Python cannot import it, so everything that uses it fails",
                check="syntax_error",
            )
        )
    return found
