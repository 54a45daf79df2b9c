"""A line that does not do what it reads as (see ``patterns``): an annotation written for an
assignment (``self.x: 1``) and ``raise "text"`` or ``raise f"..."`` (ruff's B016 misses the
f-string). The other flake8-bugbear typos (a comparison as a statement, ``except A or B``, flags
passed as ``re.sub``'s count, an exception caught twice, a set item twice, ``lru_cache`` on a
method) are ruff's (``ruffcheck``)."""

from __future__ import annotations

import ast
from typing import Iterator

from codey_git.review.checks_ast import Module, Result


def check_annotation_for_assignment(m: Module) -> Iterator[Result]:
    for node in ast.walk(m.tree):
        if (
            isinstance(node, ast.AnnAssign)
            and node.value is None
            and isinstance(node.target, (ast.Attribute, ast.Subscript))
            and isinstance(node.annotation, ast.Constant)
            and isinstance(node.annotation.value, (int, float, bool))
        ):  # `self.x: 1`; `int | None` is a type
            target = ast.unparse(node.target)
            message = f"`{target}: {ast.unparse(node.annotation)}` only annotates {target} and assigns nothing; `=` was meant"
            yield [node.lineno], "high", "bug", message


def check_raise_literal(m: Module) -> Iterator[Result]:
    for node in ast.walk(m.tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, (ast.Constant, ast.JoinedStr)):
            yield (
                [node.lineno],
                "high",
                "bug",
                ("raising a string or number is a TypeError in Python 3; raise an exception, e.g. raise ValueError(...)"),
            )
