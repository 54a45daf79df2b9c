"""Decide whether a code block is a complete new version of a file rather than a fragment."""

from __future__ import annotations

import ast

from .regions import DEF_TYPES, parse

MIN_LINE_SHARE = 0.5  # a non-Python block must be at least half as long as the file it replaces


def looks_complete(original: str | None, block_text: str, path: str) -> bool:
    """True when the block can stand in for the whole file.

    Python: the block has every top-level def/class of the file (and every method of its classes) and at least half of its other
    top-level statements (imports, constants), compared by their first line. Other files, and Python
    files without definitions: the block is at least half as long as the file. A missing or empty file takes any block.
    """
    if original is None or not original.strip():
        return True
    if path.endswith(".py"):
        old, new = parse(original), parse(block_text)
        if new is None:
            return False
        if old is not None and _names(old):
            return _covers(old, new, original, block_text)
    return len(block_text.splitlines()) >= MIN_LINE_SHARE * len(original.splitlines())


def _covers(old: ast.Module, new: ast.Module, old_text: str, new_text: str) -> bool:
    old_defs, new_defs = _names(old), _names(new)
    if not old_defs <= new_defs:
        return False
    old_other, new_other = _first_lines(old, old_text), _first_lines(new, new_text)
    return 2 * len(old_other & new_other) >= len(old_other)


def _names(tree: ast.Module) -> set[str]:
    """Top-level definitions and the members of top-level classes ("Box.size"): a class written
    without some of its methods is an edit of that class, not the whole file."""
    names = {n.name for n in tree.body if isinstance(n, DEF_TYPES)}
    names |= {f"{n.name}.{m.name}" for n in tree.body if isinstance(n, ast.ClassDef) for m in n.body if isinstance(m, DEF_TYPES)}
    return names


def _first_lines(tree: ast.Module, text: str) -> set[str]:
    lines = text.split("\n")
    return {" ".join(lines[n.lineno - 1].split()) for n in tree.body if not isinstance(n, DEF_TYPES)}
