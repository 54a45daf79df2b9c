"""An answer cut off at the token limit: what it finished before the cut.

A small coder asked for one method of a long class often re-types the whole class, runs out of
tokens near its end, and leaves its python block unclosed; rejected whole, such an answer wasted
the method it got right. ``finished_answer`` keeps the definitions the block completed before the
cut and never the one being written at the cut, even where its text so far happens to parse (a
function cut between two statements parses, but is not the function the model meant). A class is
kept without its last member: the members it lacks are merged from the file (``functions``).
"""

from __future__ import annotations

import ast
import re
import textwrap

from .errors import NoEditFound
from .extract import fences
from .regions import DEF_TYPES, parse

_PYTHON = {"", "python", "py", "python3"}


def _unclosed_block(lines: list[str]) -> tuple[int, re.Match[str]] | None:
    """(the index, the match) of the opening fence of a last block that is never closed, else None."""
    blocks = list(fences(lines))
    return (blocks[-1][0], blocks[-1][2]) if blocks and blocks[-1][1] >= len(lines) else None


def _start(node: ast.stmt) -> int:
    decorators: list[ast.expr] = getattr(node, "decorator_list", [])
    return min([node.lineno] + [d.lineno for d in decorators])


def _finished(node: ast.stmt, lines: list[str]) -> bool:
    """Whether code after ``node`` starts at its indentation or less: then it was written whole
    before the cut (``lines``: the whole answer up to the cut)."""
    end = node.end_lineno or node.lineno
    return any(line.strip() and len(line) - len(line.lstrip()) <= node.col_offset for line in lines[end:])


def _kept_lines(tree: ast.Module, lines: list[str]) -> int:
    """How many lines of ``lines`` hold finished code: up to the end of the last statement of
    ``tree`` (a parseable start of ``lines``) that was finished, or, in a last class that was not,
    up to the end of its last finished member."""
    last = tree.body[-1]
    if _finished(last, lines):
        return last.end_lineno or last.lineno
    if isinstance(last, ast.ClassDef):
        members = [n for n in last.body if isinstance(n, DEF_TYPES)]
        if members and _finished(members[-1], lines):
            return members[-1].end_lineno or members[-1].lineno
        if len(members) >= 2:
            return _start(members[-1]) - 1
    return _start(last) - 1


def finished_definitions(code: str) -> tuple[str, list[str]] | None:
    """(the code of the definitions ``code`` finished before it was cut, their names), or None
    when it finished none."""
    lines = textwrap.dedent(code).split("\n")
    for end in range(len(lines), 0, -1):
        tree = parse("\n".join(lines[:end]))
        if tree is not None and tree.body:
            break
    else:
        return None
    kept = lines[: _kept_lines(tree, lines)]
    while kept and not kept[-1].strip():
        kept.pop()
    finished = parse("\n".join(kept))
    if finished is None:
        return None
    names = [n.name for n in finished.body if isinstance(n, DEF_TYPES)]
    members = [m.name for n in finished.body if isinstance(n, ast.ClassDef) for m in n.body if isinstance(m, DEF_TYPES)]
    if not names or (all(isinstance(n, ast.ClassDef) for n in finished.body if isinstance(n, DEF_TYPES)) and not members):
        return None
    return "\n".join(kept) + "\n", members or names


def finished_answer(text: str) -> tuple[str, str | None]:
    """``text`` with a python block left open at the end (the token limit) cut back to the
    definitions it finished and closed, and a note saying so; ``text`` unchanged otherwise.
    Raises NoEditFound when that block finished no definition."""
    lines = text.split("\n")
    unclosed = _unclosed_block(lines)
    if unclosed is None:
        return text, None
    start, opening = unclosed
    if opening.group(3).strip().lower() not in _PYTHON:
        return text, None
    found = finished_definitions("\n".join(lines[start + 1 :]))
    if found is None:
        raise NoEditFound(
            "the answer was cut off at the token limit before it finished a definition",
            "Your answer was cut off at the token limit before its code block ended, so nothing in it "
            "could be used. Send only the function you change, not the whole class or file, and "
            "copy a shortened docstring's one line instead of re-typing it. Nothing was changed.",
        )
    code, names = found
    note = f"the answer was cut off at the token limit; used what it finished before the cut: {', '.join(names)}"
    return "\n".join(lines[: start + 1]) + "\n" + code + opening.group(1) + opening.group(2) + "\n", note
