"""Changes that cannot introduce a defect, recognised without a model: blank lines, comments and
one-line docstrings, re-wrapping (same code once whitespace and trailing commas are ignored) and
imports merely reordered. Such hunks are not sent to the model: faster, and small
models are prone to "finding" something in them."""

from __future__ import annotations

import re

from codey_git.review.diffsource import Hunk

_COMMENT = re.compile(r'^(#|//|/\*|\*|--)|^("""|\'\'\')(.*)("""|\'\'\')$')
_TRAILING_COMMA = re.compile(r",(?=[)\]}])")


def _code(lines: list[str]) -> list[str]:
    """Non-blank, non-comment lines, indentation kept (in Python it is meaning)."""
    return [l.rstrip() for l in lines if l.strip() and not _COMMENT.match(l.strip())]


def _squashed(lines: list[str]) -> str:
    """The code with layout removed: a statement's indentation counts, the whitespace and line
    breaks inside brackets (where re-wrapping happens) do not."""
    out, depth = [], 0
    for line in lines:
        body = line.strip()
        if depth == 0:
            out.append("\n" + str(len(line) - len(line.lstrip())) + ":")
        out.append(re.sub(r"\s+", "", body))
        depth = max(0, depth + sum(body.count(c) for c in "([{") - sum(body.count(c) for c in ")]}"))
    return _TRAILING_COMMA.sub("", "".join(out))


def is_cosmetic(hunk: Hunk) -> bool:
    """Whether the hunk's old and new sides are the same code once comments, blank lines, layout
    and import order are set aside. Sides are compared whole, so a moved line is not cosmetic."""
    old = _code([l.text for l in hunk.lines if l.origin in " -"])
    new = _code([l.text for l in hunk.lines if l.origin in " +"])
    if _squashed(old) == _squashed(new):
        return True
    changed = [l.strip() for l in _code([l.text for l in hunk.lines if l.origin in "+-"])]
    imports = all(l.startswith(("import ", "from ")) for l in changed)
    return imports and sorted(old) == sorted(new)
