"""Defects in where values and control go: a default from ``dict.get`` filled and then dropped,
``or True`` that makes a setting always on, cleanup after a context manager's ``yield`` that an
exception skips, batches counted with ``//`` that drop the remainder, a validation regex that
``match``es only a prefix, ``a, b = text.split(sep)`` that fails on a second separator."""

from __future__ import annotations

import ast
import re
from typing import Iterator

from codey_git.review.checks_ast import Module, Result, call_of, dotted, last_name, method, name_assigns, receiver, walk_all

_FILLERS = {"append", "extend", "add", "update", "insert", "setdefault"}


def _empty_default_of_get(node: ast.AST) -> str | None:
    """``d.get(key, [])`` (or ``{}``, ``set()``, ``list()``, ``dict()``): the dict's name."""
    if not (isinstance(node, ast.Call) and method(node) == "get" and len(node.args) == 2):
        return None
    default = node.args[1]
    empty = (
        isinstance(default, (ast.List, ast.Dict, ast.Set))
        and not getattr(default, "elts", None)
        and not getattr(default, "keys", None)
    ) or (call_of(default, "list", "dict", "set") and not default.args)
    return receiver(node) or None if empty else None


def _fills(m: Module, name: ast.Name) -> bool:
    """``name.append(...)`` and the like."""
    parent = m.parent.get(name)
    return isinstance(parent, ast.Attribute) and parent.attr in _FILLERS and isinstance(m.parent.get(parent), ast.Call)


def check_get_default_filled_and_dropped(m: Module) -> Iterator[Result]:
    for call in m.calls():  # d.get(k, []).append(x): appended to a list nobody keeps
        if isinstance(call.func, ast.Attribute) and call.func.attr in _FILLERS and isinstance(m.parent.get(call), ast.Expr):
            owner = _empty_default_of_get(call.func.value)
            if owner is not None:
                message = (
                    f"when {owner} has no entry for the key, .get() returns a new empty value and "
                    f".{method(call)}() fills that, which is then lost; use {owner}.setdefault(key, ...)"
                )
                yield [call.lineno], "high", "bug", message
    for scope in m.functions():
        nodes = m.own_nodes(scope)
        for assign, name in name_assigns(nodes):
            owner = _empty_default_of_get(assign.value)
            if owner is None:
                continue
            uses = [n for n in nodes if isinstance(n, ast.Name) and n.id == name and n is not assign.targets[0]]
            filled = next((u for u in uses if _fills(m, u)), None)
            # kept if stored, returned, passed on or rebound anywhere: then the filled list is not lost
            kept = any(not (isinstance(m.parent.get(u), ast.Attribute)) or isinstance(u.ctx, ast.Store) for u in uses)
            if filled is not None and not kept:
                message = (
                    f"{name} is a new empty value whenever {owner} has no entry for the key, and "
                    f"it is filled (line {filled.lineno}) but never stored back, so what is added is "
                    f"lost; use {owner}.setdefault(key, ...) or store it in {owner}"
                )
                yield [assign.lineno, filled.lineno], "high", "bug", message


def check_or_true(m: Module) -> Iterator[Result]:
    for node in ast.walk(m.tree):
        if isinstance(node, ast.BoolOp) and len(node.values) > 1:
            last = node.values[-1]
            if isinstance(node.op, ast.Or) and isinstance(last, ast.Constant) and last.value is True:
                message = (
                    "`... or True` is always True, so a False given here is ignored; use a default "
                    "only when the value is missing (x if x is not None else True)"
                )
                yield [node.lineno], "high", "bug", message
            elif isinstance(node.op, ast.And) and isinstance(last, ast.Constant) and last.value is False:
                yield [node.lineno], "high", "bug", "`... and False` is always False"


_CONTEXT_MANAGERS = {"contextmanager", "contextlib.contextmanager", "asynccontextmanager", "contextlib.asynccontextmanager"}


def _in_try_with_cleanup(m: Module, node: ast.AST, func: ast.AST) -> bool:
    while node in m.parent and node is not func:
        parent = m.parent[node]
        if isinstance(parent, ast.Try) and node in parent.body and (parent.finalbody or parent.handlers):
            return True
        if isinstance(parent, (ast.With, ast.AsyncWith)):
            return True  # the with statement's own exit cleans up
        node = parent
    return False


_RELEASES = re.compile(
    r"^_*(close|release|unlink|remove|rmtree|rmdir|unlock|shutdown|stop|kill|terminate|cancel|"
    r"disconnect|restore|reset|chdir|clean_?up|delete|discard|rollback|unpatch|undo|teardown)",
    re.I,
)


def _releases(stmt: ast.stmt) -> bool:
    """A statement that gives something back: a close/unlink/restore-like call, ``del``, or a value
    put back from a name (``os.environ["X"] = old``)."""
    for node in ast.walk(stmt):
        if isinstance(node, ast.Call) and _RELEASES.match(last_name(node)):
            return True
        if isinstance(node, ast.Delete) or (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Name)
            and any(isinstance(t, (ast.Subscript, ast.Attribute)) for t in node.targets)
        ):
            return True
    return False


def check_cleanup_skipped_on_error(m: Module) -> Iterator[Result]:
    """Medium: some context managers mean to skip their cleanup when the body fails. Only a
    cleanup that gives something back (closes, removes, restores) is looked at."""
    for func in m.functions():
        if not any(dotted(d) in _CONTEXT_MANAGERS for d in func.decorator_list):
            continue
        for stmt in func.body:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Yield):
                after = func.body[func.body.index(stmt) + 1 :]
                if any(_releases(s) for s in after) and not _in_try_with_cleanup(m, stmt, func):
                    message = (
                        f"when the body of `with {func.name}(...)` raises, the exception comes out of this "
                        f"yield and the cleanup after it (line {after[0].lineno}) never runs; wrap the yield "
                        "in try/finally"
                    )
                    yield [stmt.lineno, after[0].lineno], "medium", "bug", message


def _floor_count(node: ast.AST) -> tuple[str, str] | None:
    """``len(xs) // size``: (xs, size)."""
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.FloorDiv)
        and call_of(node.left, "len")
        and len(node.left.args) == 1
    ):
        return dotted(node.left.args[0]), ast.unparse(node.right)
    return None


def check_batches_drop_remainder(m: Module) -> Iterator[Result]:
    """Batches counted as ``len(xs) // size`` and sliced from ``xs``: the last, partial batch is never
    made. Rounding up (``-(-n // size)``, ``+ 1`` or ``math.ceil``) or handling ``% size`` is fine."""
    for scope in m.functions():
        nodes = m.own_nodes(scope)
        counts = {}
        for node, name in name_assigns(nodes):
            found = _floor_count(node.value)
            if found and found[0]:
                counts[name] = (found, node.lineno)
        if any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mod) for n in nodes):
            continue  # the remainder is dealt with
        for loop in (n for n in nodes if isinstance(n, ast.For)):
            if not call_of(loop.iter, "range") or len(loop.iter.args) != 1:
                continue
            arg = loop.iter.args[0]
            inline = _floor_count(arg)
            found, line = (inline, loop.lineno) if inline else counts.get(dotted(arg), (None, 0))
            if not found:
                continue
            seq, size = found
            sliced = any(
                isinstance(n, ast.Subscript) and dotted(n.value) == seq and isinstance(n.slice, ast.Slice)
                for n in walk_all(loop.body)
            )
            if sliced:
                message = (
                    f"len({seq}) // {size} rounds down, so the last {seq}[...] slice of fewer than {size} items "
                    f"is never processed; count batches rounding up, -(-len({seq}) // {size})"
                )
                yield [line, loop.lineno], "high", "bug", message


_ANCHORED_END = re.compile(r"(\$|\\Z)\)*$")


def _compiled_patterns(m: Module) -> dict[str, str]:
    """Module-level ``NAME = re.compile("...")``: name -> pattern."""
    found = {}
    for node, name in name_assigns(m.tree.body):
        pattern = node.value.args[0] if call_of(node.value, "re.compile") and node.value.args else None
        if isinstance(pattern, ast.Constant) and isinstance(pattern.value, str):
            found[name] = pattern.value
    return found


def check_prefix_match_validation(m: Module) -> Iterator[Result]:
    """``if not PATTERN.match(value):`` rejecting input, with a pattern that does not end in ``$``:
    any value that merely starts well passes."""
    patterns = _compiled_patterns(m)
    for node in m.of(ast.If):
        call = node.test.operand if isinstance(node.test, ast.UnaryOp) and isinstance(node.test.op, ast.Not) else None
        if method(call) != "match":
            continue
        name = receiver(call)
        pattern = patterns.get(name)
        rejects = any(isinstance(s, (ast.Raise, ast.Return)) for s in node.body)
        if pattern is not None and rejects and not _ANCHORED_END.search(pattern):
            message = (
                f"{name}.match() only anchors the start, so a value that begins validly and ends with "
                f"anything else passes this check; use {name}.fullmatch()"
            )
            yield [node.lineno], "medium", "security", message


_PAIR_SEPARATORS = ("=", ":")  # key=value, name: value: values hold them too (base64, URLs, times)


def check_split_unpacked(m: Module) -> Iterator[Result]:
    """``key, value = text.split("=")``: a value that holds the separator too (a base64 ``=``, a
    ``:`` in a URL) has more parts than names and raises ValueError."""
    for node in m.of(ast.Assign):
        pair = node.targets[0] if len(node.targets) == 1 else None
        if not (isinstance(pair, ast.Tuple) and len(pair.elts) == 2 and not any(isinstance(e, ast.Starred) for e in pair.elts)):
            continue
        call = node.value
        if isinstance(call, ast.Call) and method(call) == "split" and len(call.args) == 1 and not call.keywords:
            sep = call.args[0].value if isinstance(call.args[0], ast.Constant) else None
            if sep not in _PAIR_SEPARATORS:
                continue
            message = (
                f"split({sep!r}) makes more than two parts when the second part holds {sep!r} too, and this "
                f"unpacking then raises ValueError; use partition({sep!r}) or split({sep!r}, 1)"
            )
            yield [node.lineno], "medium", "bug", message
