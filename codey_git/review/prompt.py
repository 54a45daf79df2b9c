"""The words the reviewer model is given. The system prompt never changes between units, so a
backend that reuses its KV cache for a shared prefix evaluates it once per review."""

from __future__ import annotations

from typing import Any

from codey_git.review.units import ReviewUnit

PROMPT_VERSION = "review-4"  # part of every cache key: change it when the prompt changes

SYSTEM = """You review one hunk of a code change and report the defects the change introduces.
Each line starts with its line number in the new file, then + (added), - (removed) or a space \
(unchanged).

Check every + line. Does it:
- compute the wrong thing: off-by-one, wrong variable, wrong operator, inverted condition, wrong \
order, early return, lost precision?
- crash: missing key, None, division by zero after a removed check, missing await?
- open a security hole: SQL or shell command built from input, eval or pickle of input, a \
hard-coded password or key, disabled certificate checks, a path taken from input?
- hide errors (an except that does nothing) or never terminate?
Report each such line. A change that keeps behaviour the same (rename, extracted helper, named \
constant, rewritten loop or condition with the same result) has no defect. Never report \
formatting, comments, docstrings, type hints, imports, logging or tests.

Answer JSON: {"findings": [{"file", "line" (number of the + line), "severity", "category", \
"message" (one sentence), "suggestion" (the corrected line)}]}. When no + line has a defect, \
answer {"findings": []}.
severity: critical = exploitable or loses data; high = wrong result or crash; medium = wrong in \
some cases; low or info = minor. category: bug, security, error handling, performance, style or \
test."""


def review_messages(units: list[ReviewUnit]) -> list[dict[str, Any]]:
    """Messages for one call; neighbouring hunks of a file are shown one after the other."""
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n\n".join(unit.render() for unit in units)}]


RESPONSE_TOKENS = 320  # findings.MAX_FINDINGS_PER_CALL capped findings with one-line suggestions
