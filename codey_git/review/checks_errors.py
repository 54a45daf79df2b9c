"""Checks for errors that go unnoticed (see ``patterns``): an exception swallowed whole or turned
into an empty result, and a retry loop that ends in None. (A ``return`` in ``finally`` is ruff's
B012.)"""

from __future__ import annotations

import ast
import re
from typing import Iterator

from codey_git.review.checks_ast import Module, Result, call_of, dotted, is_none


def _empty(node: ast.AST | None) -> bool:
    """``[]``, ``{}``, ``()``, ``""`` or ``list()``, ``dict()``, ``set()``: a result that says "nothing"."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return not node.elts
    if isinstance(node, ast.Dict):
        return not node.keys
    if isinstance(node, ast.Constant):
        return node.value in ("", b"")
    return call_of(node, "list", "dict", "set", "tuple") and not node.args


def check_swallowed_exception(m: Module) -> Iterator[Result]:
    for handler in m.of(ast.ExceptHandler):
        if handler.type is not None and dotted(handler.type) not in ("Exception", "BaseException"):
            continue  # not a broad one
        lines = [handler.lineno, *(s.lineno for s in handler.body)]
        if all(
            isinstance(s, (ast.Pass, ast.Continue)) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
            for s in handler.body
        ):
            message = "every error is silently ignored here, so failures go unnoticed; catch the specific exception or log it"
            yield lines, "medium", "error handling", message
        elif (
            isinstance(handler.body[-1], ast.Return)
            and _empty(handler.body[-1].value)
            and all(isinstance(s, ast.Pass) for s in handler.body[:-1])
        ):
            message = (
                "every error here becomes an empty result, so callers cannot tell a failure from "
                "nothing to return; catch the specific exception, or log it and re-raise"
            )
            yield [handler.body[-1].lineno, handler.lineno], "medium", "error handling", message


def _retry_loop(loop: ast.AST) -> bool:
    """A loop that returns from a ``try`` and, on the errors it catches, goes round again."""
    if isinstance(loop, ast.For):  # attempts counted with range(); a loop over candidates may mean "none"
        if not call_of(loop.iter, "range") or loop.orelse:
            return False
    elif not isinstance(loop, ast.While) or isinstance(loop.test, ast.Constant) or loop.orelse:
        return False
    return any(
        isinstance(node, ast.Try)
        and any(isinstance(s, ast.Return) and s.value is not None for s in node.body)
        and node.handlers
        and not any(isinstance(n, (ast.Raise, ast.Return)) for h in node.handlers for n in ast.walk(h))
        for node in loop.body
    )


def check_retry_ends_in_none(m: Module) -> Iterator[Result]:
    for func in m.functions():
        if func.returns is not None and re.search(r"\bNone\b|Optional", ast.unparse(func.returns)):
            continue  # None is a documented answer
        body = func.body
        for i, loop in enumerate(body):
            if not _retry_loop(loop):
                continue
            after = body[i + 1] if i + 1 < len(body) else None
            if after is None or (isinstance(after, ast.Return) and (after.value is None or is_none(after.value))):
                line = after.lineno if after is not None else loop.lineno
                message = (
                    "when every attempt fails the function returns None, so the caller gets None instead "
                    "of the error; raise the last error after the loop"
                )
                # medium: "None when nothing worked" can be meant; the check cannot tell
                yield [line, loop.lineno], "medium", "error handling", message
