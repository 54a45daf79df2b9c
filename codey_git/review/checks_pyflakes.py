"""A value computed into a local name that nothing reads (pyflakes' F841, kept here rather than
taken from ruff: only computed values count, and the report points at the later line that reads
what the value was made from, where it was probably meant). Pyflakes' other defects (undefined
names, format strings, repeated keys, ...) are ruff's (``ruffcheck``)."""

from __future__ import annotations

import ast
from typing import Iterator

from pyflakes import checker, messages

from codey_git.review.checks_ast import Module, Result, reads


def _assignment(m: Module, name: str, line: int) -> ast.Assign | None:
    assigns = (n for n in m.of(ast.Assign) if n.lineno == line)
    return next((n for n in assigns if any(isinstance(t, ast.Name) and t.id == name for t in n.targets)), None)


def _reads_instead(m: Module, assign: ast.Assign) -> ast.Name | None:
    """A later line of the same function that reads what the unused value was made from (``matrix``
    after ``scaled = cpm(matrix)``): where the new value was probably meant to be used."""
    called = {id(n.func) for n in ast.walk(assign.value) if isinstance(n, ast.Call)}
    sources = {n.id for n in reads(ast.walk(assign.value)) if id(n) not in called and n.id not in ("self", "cls")}
    end = assign.end_lineno or assign.lineno
    later = [n for n in reads(m.own_nodes(m.function_of(assign))) if n.id in sources and n.lineno > end]
    return min(later, key=lambda n: n.lineno, default=None)


def check_value_never_used(m: Module) -> Iterator[Result]:
    """A value computed into a local name that nothing reads (pyflakes' F841, in flake8's default
    set): often the wrong name is used below. Medium: some are left over on purpose."""
    for message in checker.Checker(m.tree, filename="<review>", withDoctest=False).messages:
        if not isinstance(message, messages.UnusedVariable) or str(message.message_args[0]).startswith("_"):
            continue
        name = str(message.message_args[0])
        assign = _assignment(m, name, message.lineno)
        if assign is None or not isinstance(
            assign.value, (ast.Call, ast.BinOp, ast.ListComp, ast.DictComp, ast.SetComp, ast.Subscript, ast.Attribute)
        ):
            continue
        instead = _reads_instead(m, assign)
        if instead is not None:
            message_text = (
                f"`{name}` is computed on line {assign.lineno} but never used, while line "
                f"{instead.lineno} reads `{instead.id}`, which it was made from: was `{name}` meant there?"
            )
            yield [instead.lineno, assign.lineno], "medium", "bug", message_text
        else:
            message_text = f"`{name}` is computed here but never used: the result is lost, or another line uses the wrong name"
            yield [assign.lineno], "medium", "bug", message_text
