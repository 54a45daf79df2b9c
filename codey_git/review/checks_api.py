"""Checks for library calls that do not do what they read as (see ``patterns``): argparse's
``type=bool``, ``math.isclose`` against zero, ``%M`` (minutes) in a date format, ``timedelta.seconds``
taken for the whole length, and ``is None`` inside an ORM filter."""

from __future__ import annotations

import ast
import re
from typing import Iterator

from codey_git.review.checks_ast import Module, Result, call_of, dotted, keyword, known_value, method, none_test


def check_argparse_type_bool(m: Module) -> Iterator[Result]:
    for call in m.calls():
        if method(call) == "add_argument" and dotted(keyword(call, "type") or ast.Constant(None)) == "bool":
            message = (
                "type=bool turns the text given on the command line into bool(text), which is True for "
                "\"False\", \"0\" and \"no\" too; use action=\"store_true\" (or BooleanOptionalAction)"
            )
            yield [call.lineno], "high", "bug", message


def check_isclose_to_zero(m: Module) -> Iterator[Result]:
    for call in m.calls():
        zero = any(isinstance(a, ast.Constant) and not isinstance(a.value, bool) and a.value == 0 for a in call.args)
        if call_of(call, "math.isclose", "isclose") and len(call.args) == 2 and zero and keyword(call, "abs_tol") is None:
            message = (
                "math.isclose() with only a relative tolerance is never true against 0 unless the value is "
                "exactly 0; pass abs_tol="
            )
            yield [call.lineno], "high", "bug", message


_DATE_FORMAT = re.compile(r"%[Yy].*%M.*%d|%d.*%M.*%[Yy]")


def _format_text(m: Module, node: ast.AST | None) -> str:
    value = known_value(m, node) if isinstance(node, ast.Name) else node
    return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else ""


def check_minutes_in_a_date(m: Module) -> Iterator[Result]:
    for call in m.calls():
        if (method(call) or dotted(call.func)) not in ("strftime", "strptime"):
            continue
        # datetime.strptime(text, fmt) and time.strftime(fmt, t); d.strftime(fmt) and d.strptime(...)
        texts = [_format_text(m, a) for a in call.args]
        fmt = next((t for t in texts if "%" in t), "")
        if _DATE_FORMAT.search(fmt) and "%H" not in fmt and "%I" not in fmt:
            message = f"%M is the minute, not the month, in {fmt!r}: this date takes the minutes where the month belongs; use %m"
            yield [call.lineno], "high", "bug", message


def _timedelta(m: Module, node: ast.AST | None, depth: int = 0) -> bool:
    """A difference of two datetimes, or a name holding one."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
        return True
    if call_of(node, "timedelta", "datetime.timedelta"):
        return True
    return depth < 3 and isinstance(node, ast.Name) and _timedelta(m, known_value(m, node), depth + 1)


def _days_read(m: Module, node: ast.Attribute) -> bool:
    """Whether the function that reads ``x.seconds`` reads ``x.days`` too (the parts put together)."""
    owner = ast.unparse(node.value)
    return any(
        isinstance(n, ast.Attribute) and n.attr == "days" and ast.unparse(n.value) == owner for n in ast.walk(m.function_of(node))
    )


def check_timedelta_seconds(m: Module) -> Iterator[Result]:
    for node in m.of(ast.Attribute):
        if node.attr == "seconds" and isinstance(node.ctx, ast.Load) and _timedelta(m, node.value) and not _days_read(m, node):
            message = (
                ".seconds of a timedelta is only its seconds part (0-86399): a difference of a day and a "
                "minute gives 60; use .total_seconds()"
            )
            yield [node.lineno], "high", "bug", message


_QUERIES = {"filter", "where", "having", "exclude", "filter_by"}


def check_is_none_in_query(m: Module) -> Iterator[Result]:
    for call in m.calls():
        if method(call) not in _QUERIES:
            continue
        for test in (n for a in call.args for n in ast.walk(a) if none_test(n)):
            column = test.left
            if isinstance(column, ast.Attribute) and isinstance(column.value, ast.Name) and column.value.id[:1].isupper():
                word = "is_" if isinstance(test.ops[0], ast.Is) else "is_not"
                message = (
                    f"`{ast.unparse(test)}` is evaluated by Python, not turned into SQL: it is always "
                    f"{'False' if word == 'is_' else 'True'}, so the filter matches nothing (or everything); "
                    f"use {ast.unparse(column)}.{word}(None)"
                )
                yield [test.lineno], "high", "bug", message
