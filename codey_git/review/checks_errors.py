"""Checks for errors that go unnoticed (see ``patterns``): an exception swallowed whole."""

from __future__ import annotations

import ast
from typing import Iterator

from codey_git.review.checks_ast import Module, Result, dotted


def check_swallowed_exception(m: Module) -> Iterator[Result]:
    for handler in ast.walk(m.tree):
        if not isinstance(handler, ast.ExceptHandler):
            continue
        broad = handler.type is None or dotted(handler.type) in ("Exception", "BaseException")
        silent = all(isinstance(s, (ast.Pass, ast.Continue))
                     or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)) for s in handler.body)
        if broad and silent:
            message = ("every error is silently ignored here, so failures go unnoticed; catch the specific "
                       "exception or log it")
            yield [handler.lineno, *(s.lineno for s in handler.body)], "medium", "error handling", message


