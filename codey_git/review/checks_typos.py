"""A line that does not do what it reads as (see ``patterns``), the flake8-bugbear classics: a
comparison written as a statement (``x == 1`` for ``x = 1``), an annotation written for an
assignment (``self.x: 1``), ``raise "text"``, ``except A or B``, flags passed where ``re.sub``
expects a count, the same exception caught twice, a set literal naming an item twice, and
``lru_cache`` on a method."""

from __future__ import annotations

import ast
from typing import Iterator

from codey_git.review.checks_ast import Module, Result, dotted


def check_comparison_as_statement(m: Module) -> Iterator[Result]:
    for node in ast.walk(m.tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Compare) and len(node.value.ops) == 1 \
                and isinstance(node.value.ops[0], (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)):
            text = ast.unparse(node.value)
            hint = f"; `{text.replace(' == ', ' = ', 1)}` was meant?" if isinstance(node.value.ops[0], ast.Eq) else ""
            yield [node.lineno], "high", "bug", f"`{text}` compares and throws the result away{hint}"


def check_annotation_for_assignment(m: Module) -> Iterator[Result]:
    for node in ast.walk(m.tree):
        if isinstance(node, ast.AnnAssign) and node.value is None and \
                isinstance(node.target, (ast.Attribute, ast.Subscript)) and \
                isinstance(node.annotation, ast.Constant) and \
                isinstance(node.annotation.value, (int, float, bool)):  # `self.x: 1`; `int | None` is a type
            target = ast.unparse(node.target)
            message = (f"`{target}: {ast.unparse(node.annotation)}` only annotates {target} and assigns "
                       f"nothing; `=` was meant")
            yield [node.lineno], "high", "bug", message


def check_raise_literal(m: Module) -> Iterator[Result]:
    for node in ast.walk(m.tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, (ast.Constant, ast.JoinedStr)):
            yield [node.lineno], "high", "bug", ("raising a string or number is a TypeError in Python 3; "
                                                 "raise an exception, e.g. raise ValueError(...)")


def check_except_boolean(m: Module) -> Iterator[Result]:
    for node in ast.walk(m.tree):
        if isinstance(node, ast.ExceptHandler) and isinstance(node.type, ast.BoolOp):
            first = ast.unparse(node.type.values[0])
            message = (f"`except {ast.unparse(node.type)}` catches only {first} (the `or` is evaluated first); "
                       f"write a tuple: except ({', '.join(ast.unparse(v) for v in node.type.values)})")
            yield [node.lineno], "high", "error handling", message


# re functions and the position of their count/maxsplit argument (flags come after it)
_COUNT_AT = {"re.sub": 3, "re.subn": 3, "re.split": 2}


def check_flags_as_count(m: Module) -> Iterator[Result]:
    for call in m.calls():
        at = _COUNT_AT.get(dotted(call.func))
        if at is not None and len(call.args) > at and dotted(call.args[at]).startswith("re."):
            name = dotted(call.func)
            message = (f"{name}() takes {'count' if name != 're.split' else 'maxsplit'} at this position, so "
                       f"{dotted(call.args[at])} is used as a number, not as flags; pass flags=...")
            yield [call.lineno], "high", "bug", message


def _caught(handler: ast.ExceptHandler) -> list[str]:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type] if handler.type else []
    return [dotted(k) for k in kinds if dotted(k)]


def check_exception_caught_twice(m: Module) -> Iterator[Result]:
    for node in ast.walk(m.tree):
        if isinstance(node, ast.Try):
            seen: set[str] = set()
            for handler in node.handlers:
                twice = [k for k in _caught(handler) if k in seen]
                if twice:
                    message = (f"{', '.join(twice)} is already caught by an earlier except of this try, so this "
                               "handler never runs for it")
                    yield [handler.lineno], "medium", "error handling", message
                seen.update(_caught(handler))


def check_set_item_twice(m: Module) -> Iterator[Result]:
    for node in ast.walk(m.tree):
        if isinstance(node, ast.Set):
            values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            repeated = sorted({repr(v) for v in values if values.count(v) > 1 and not isinstance(v, bool)})
            if repeated:
                yield [node.lineno], "low", "bug", (f"the set literal names {', '.join(repeated)} twice: a "
                                                    "typo for another item?")


_CACHES = {"lru_cache", "functools.lru_cache", "cache", "functools.cache"}


def check_cache_on_method(m: Module) -> Iterator[Result]:
    for cls in (n for n in ast.walk(m.tree) if isinstance(n, ast.ClassDef)):
        for func in (n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            decorators = [dotted(d.func if isinstance(d, ast.Call) else d) for d in func.decorator_list]
            if any(d in _CACHES for d in decorators) and "staticmethod" not in decorators and \
                    "classmethod" not in decorators and func.args.args and func.args.args[0].arg == "self":
                message = (f"lru_cache on the method {func.name} keys its cache on self, so every instance "
                           "it sees is kept alive for as long as the class exists; cache on an attribute "
                           "or use functools.cached_property")
                yield [func.lineno], "medium", "performance", message
