"""Checks for errors that go unnoticed (see ``patterns``): an exception swallowed whole or turned
into an empty result, and a ``return`` in ``finally`` that throws the exception away."""

from __future__ import annotations

import ast
from typing import Iterator

from codey_git.review.checks_ast import Module, Result, dotted

_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _broad(handler: ast.ExceptHandler) -> bool:
    return handler.type is None or dotted(handler.type) in ("Exception", "BaseException")


def _empty(node: ast.AST | None) -> bool:
    """``[]``, ``{}``, ``()``, ``""`` or ``list()``, ``dict()``, ``set()``: a result that says "nothing"."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return not node.elts
    if isinstance(node, ast.Dict):
        return not node.keys
    if isinstance(node, ast.Constant):
        return node.value in ("", b"")
    return isinstance(node, ast.Call) and dotted(node.func) in ("list", "dict", "set", "tuple") and not node.args


def check_swallowed_exception(m: Module) -> Iterator[Result]:
    for handler in ast.walk(m.tree):
        if not isinstance(handler, ast.ExceptHandler) or not _broad(handler):
            continue
        lines = [handler.lineno, *(s.lineno for s in handler.body)]
        if all(isinstance(s, (ast.Pass, ast.Continue))
               or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)) for s in handler.body):
            message = ("every error is silently ignored here, so failures go unnoticed; catch the specific "
                       "exception or log it")
            yield lines, "medium", "error handling", message
        elif isinstance(handler.body[-1], ast.Return) and _empty(handler.body[-1].value) and all(
                isinstance(s, ast.Pass) for s in handler.body[:-1]):
            message = ("every error here becomes an empty result, so callers cannot tell a failure from "
                       "nothing to return; catch the specific exception, or log it and re-raise")
            yield [handler.body[-1].lineno, handler.lineno], "medium", "error handling", message


def _exits_in_finally(statements: list[ast.stmt]) -> Iterator[ast.stmt]:
    """``return`` anywhere in ``statements``, and ``break``/``continue`` outside a loop of their own."""
    stack = [(s, False) for s in statements]
    while stack:
        node, in_loop = stack.pop()
        if isinstance(node, _NESTED):
            continue
        if isinstance(node, ast.Return) or (isinstance(node, (ast.Break, ast.Continue)) and not in_loop):
            yield node
        inner = in_loop or isinstance(node, (ast.For, ast.While, ast.AsyncFor))
        stack.extend((child, inner) for child in ast.iter_child_nodes(node))


def check_exit_in_finally(m: Module) -> Iterator[Result]:
    for node in ast.walk(m.tree):
        if isinstance(node, ast.Try) and node.finalbody:
            for leave in _exits_in_finally(node.finalbody):
                word = type(leave).__name__.lower()
                message = (f"a {word} in finally throws away any exception the try raised, so errors vanish; "
                           f"move it after the try statement")
                yield [leave.lineno], "high", "error handling", message
