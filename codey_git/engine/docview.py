"""Which long docstrings the coder sees shortened (``edits.docstrings`` does the shortening).

Only in the formats that can take them back: `function` answers get them put back, `lines` keeps
the file's real numbers around the gap. A whole-file answer rewrites the file, and SEARCH or diff
context must copy the file's lines exactly, so those formats see every docstring whole.
"""

from __future__ import annotations

from pathlib import Path

from codey_git.edits.docstrings import Docstring, long_docstrings, shortened_source
from codey_git.engine import context as ctx
from codey_git.engine import definitions

FORMATS = ("function", "lines")


def short_docstrings(
    fmt: str, contents: dict[str, str], focus: ctx.Focus, sections: dict[str, str], root: Path
) -> dict[str, dict[int, Docstring]]:
    """The long docstrings to show shortened in each file, by first line; never one that holds a
    focus, suspect or traceback line, nor one of a definition whose doctest fails."""
    if fmt not in FORMATS:
        return {}
    frames = [f for text in sections.values() for f in ctx.frames(text, root)]
    short = {}
    for path, text in contents.items():
        keep = [*focus.lines.get(path, []), *(s.line for s in focus.suspects if s.path == path)]
        keep += [n for rel, n, _ in frames if rel == path]
        doctests = [key.split("::")[-1].split(".")[-1] for key in sections if key.split("::")[0] == path]
        short[path] = long_docstrings(text, keep, doctests)
    return short


def helper_source(source: str, names: list[str], fmt: str) -> str:
    """The named top-level definitions of a helper module, as the coder sees them (unnumbered)."""
    return definitions.definition_source(shortened_source(source) if fmt in FORMATS else source, names)
