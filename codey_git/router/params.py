"""Parameters read straight from the user's words: files, line numbers, branch, a count.

Deterministic on purpose: a file or line number is only ever one the user actually typed.
"""

from __future__ import annotations

import re
from typing import Any

from codey_git.router.lazyre import LazyRegex

# path/to/name.ext, optionally followed by :LINE or :START-END
_FILE = LazyRegex(
    r"(?<![\w/.@:-])((?:\.{0,2}/)?(?:[\w.-]+/)*[\w-][\w.-]*\.[A-Za-z][A-Za-z0-9]{0,7})(?::(\d+)(?:-(\d+))?)?(?![\w/])"
)
_QUOTED = LazyRegex(r"'([^']+)'|\"([^\"]+)\"|`([^`]+)`")
_LINES = LazyRegex(r"\b(?:lines?|ln|L)\s*(?:#|is\s+|number\s+|no\.?\s*)?(\d+)(?:\s*(?:-|–|to|through|and)\s*(\d+))?", re.I)
_BRANCH = LazyRegex(r"\b(?:branch|against|vs\.?|versus|compared to)\s+[`'\"]?([A-Za-z0-9][\w./-]*)", re.I)
_COUNT = LazyRegex(r"\b(?:last|latest|recent|past|top)\s+(\d{1,4})\b", re.I)
_NOT_FILES = {"e.g", "i.e", "etc", "vs"}
_BARE_NAMES = LazyRegex(
    r"(?<![\w/.-])((?:[\w.-]+/)*(?:Makefile|Dockerfile|Containerfile|Jenkinsfile|Procfile|"
    r"Gemfile|Rakefile|Justfile|README|LICENSE|CHANGELOG|CONTRIBUTING|NOTICE))(?![\w.])"
)
_NOT_BRANCHES = {"is", "the", "a", "an", "and", "or", "to", "for", "in", "of", "i", "my", "this", "that"}


def looks_like_path(token: str) -> bool:
    return "/" in token or bool(re.search(r"\.[A-Za-z][A-Za-z0-9]{0,7}$", token)) or bool(_BARE_NAMES.match(token))


def extract_files(text: str) -> list[str]:
    """Files named in the text, in order, without duplicates: "stats.py:17" gives "stats.py"."""
    found: list[str] = []
    for m in _QUOTED.finditer(text):
        token = next(g for g in m.groups() if g is not None)
        if looks_like_path(token.strip()):
            found.append(token.strip())
    found += [m.group(1) for m in _BARE_NAMES.finditer(text)]
    for m in _FILE.finditer(text):
        name = m.group(1).rstrip(".")
        if name.lower() in _NOT_FILES or re.fullmatch(r"[\d.]+", name):
            continue
        if any(name in q for q in found):
            continue
        found.append(name)
    return list(dict.fromkeys(found))


def extract_lines(text: str) -> list[int]:
    """Line numbers named in the text: "line 42", "lines 10-20", "stats.py:17". A range gives both ends."""
    lines: list[int] = []
    for m in _FILE.finditer(text):
        lines += [int(g) for g in m.groups()[1:] if g]
    for m in _LINES.finditer(text):
        lines += [int(g) for g in m.groups() if g]
    return list(dict.fromkeys(n for n in lines if n > 0))


def extract_branch(text: str) -> str | None:
    for m in _BRANCH.finditer(text):
        name = m.group(1).rstrip(".,;:")
        if name.lower() not in _NOT_BRANCHES:
            return name
    return None


def extract_count(text: str) -> int | None:
    m = _COUNT.search(text)
    return int(m.group(1)) if m else None


def extract_params(text: str) -> dict[str, Any]:
    """The parameters every coding intent carries (empty ones left out)."""
    params: dict[str, Any] = {"files": extract_files(text), "lines": extract_lines(text)}
    branch = extract_branch(text)
    if branch:
        params["branch"] = branch
    return {k: v for k, v in params.items() if v}
