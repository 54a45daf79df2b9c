"""Checks for code that computes the wrong thing or fails (see ``patterns``): the classics of
pyflakes and flake8-bugbear. A collection changed while it is iterated, a coroutine never awaited,
``is`` against a literal, a dict iterated as pairs, a loop whose condition nothing changes, an
index loop that stops one short, a mutable default, naive and aware datetimes mixed."""

from __future__ import annotations

import ast
from typing import Iterator

from codey_git.review.checks_ast import Module, Result, dict_names, dotted, keyword

# appending to a list while iterating it is a known work-list idiom (the loop sees the new items)
_MUTATORS = {"remove", "pop", "insert", "clear", "popitem", "discard", "add", "update"}
_EXITS = (ast.Break, ast.Return, ast.Raise, ast.Yield, ast.YieldFrom, ast.Await)


def check_changed_while_iterated(m: Module) -> Iterator[Result]:
    for loop in ast.walk(m.tree):
        if not isinstance(loop, ast.For) or not isinstance(loop.iter, (ast.Name, ast.Attribute)):
            continue
        seq = dotted(loop.iter)
        inside = [n for stmt in loop.body for n in ast.walk(stmt)]
        if any(isinstance(n, (ast.Name, ast.Attribute)) and isinstance(n.ctx, ast.Store) and dotted(n) == seq
               for n in inside):
            continue  # rebound inside the loop: what is changed may be a new object
        for node in inside:
            mutated = (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                       and node.func.attr in _MUTATORS and dotted(node.func.value) == seq) or (
                isinstance(node, ast.Delete) and any(isinstance(t, ast.Subscript) and dotted(t.value) == seq
                                                     for t in node.targets))
            if mutated:
                message = (f"{seq} is changed while the loop iterates over it, so items are skipped or the loop "
                           f"fails; iterate over a copy or build a new one")
                yield [node.lineno, loop.lineno], "high", "bug", message
                break


def check_missing_await(m: Module) -> Iterator[Result]:
    coroutines = {n.name for n in ast.walk(m.tree) if isinstance(n, ast.AsyncFunctionDef)}
    for call in m.calls():
        func = call.func
        name = func.id if isinstance(func, ast.Name) else func.attr if (
            isinstance(func, ast.Attribute) and dotted(func.value) in ("self", "cls")) else None
        if name not in coroutines or not isinstance(m.function_of(call), ast.AsyncFunctionDef):
            continue
        parent = m.parent.get(call)
        if isinstance(parent, (ast.Await, ast.Return, ast.Call, ast.keyword, ast.List, ast.Tuple)):
            continue  # awaited, returned, or handed to create_task, gather and the like
        yield [call.lineno], "high", "bug", f"{name}() is a coroutine called without await: it never runs"


def check_literal_identity(m: Module) -> Iterator[Result]:
    for node in ast.walk(m.tree):
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
            for side in [node.left, *node.comparators]:
                if isinstance(side, ast.Constant) and isinstance(side.value, (str, bytes, int, float)) \
                        and not isinstance(side.value, bool):
                    message = ("`is` compares identity, not value: with a literal it depends on interning; use "
                               "==")
                    yield [node.lineno], "high", "bug", message
                    break
        if isinstance(node, ast.Assert) and isinstance(node.test, ast.Tuple) and node.test.elts:
            yield [node.lineno], "high", "bug", "assert on a tuple is always true; write assert condition, message"


def check_dict_iterated_as_pairs(m: Module) -> Iterator[Result]:
    for loop in ast.walk(m.tree):
        if isinstance(loop, ast.For) and isinstance(loop.target, ast.Tuple) and len(loop.target.elts) == 2 \
                and isinstance(loop.iter, ast.Name) and loop.iter.id in dict_names(m.function_of(loop)):
            message = (f"iterating {loop.iter.id} gives its keys, not pairs; use {loop.iter.id}.items()")
            yield [loop.lineno], "high", "bug", message


def _local_names(func: ast.AST) -> set[str]:
    names = {a.arg for a in ast.walk(func) if isinstance(a, ast.arg)}
    return names | {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}


def _touches(body: list[ast.stmt], names: set[str], local: set[str]) -> bool:
    """Whether anything in ``body`` can change what ``names`` hold or leave the loop."""
    for node in (n for stmt in body for n in ast.walk(stmt)):
        if isinstance(node, _EXITS) or isinstance(node, (ast.Global, ast.Nonlocal)):
            return True
        if isinstance(node, ast.Name) and node.id in names and not isinstance(node.ctx, ast.Load):
            return True
        if isinstance(node, ast.Call):  # a call may change what it is called on, or a global
            receiver = [node.func.value] if isinstance(node.func, ast.Attribute) else []
            if any(isinstance(u, ast.Name) and u.id in names for u in receiver) or not names <= local:
                return True
    return False


def check_condition_never_changes(m: Module) -> Iterator[Result]:
    for loop in ast.walk(m.tree):
        if not isinstance(loop, ast.While) or isinstance(loop.test, ast.Constant):
            continue
        names = {n.id for n in ast.walk(loop.test) if isinstance(n, ast.Name)}  # compared: numbers, strings
        if not names or any(isinstance(n, (ast.Call, ast.Attribute, ast.Subscript, ast.Await))
                            for n in ast.walk(loop.test)):
            continue
        func = m.function_of(loop)
        if isinstance(func, ast.Module):
            continue  # module-level names can be changed by any function it calls
        if any(isinstance(n, ast.Name) and not isinstance(m.parent.get(n), ast.Compare)
               for n in ast.walk(loop.test)):
            continue  # `while queue:` tests a container, which an alias (pop = queue.pop) can empty
        if not _touches(loop.body, names, _local_names(func)):
            body_lines = sorted({n.lineno for s in loop.body for n in ast.walk(s) if hasattr(n, "lineno")})
            message = (f"nothing in the loop changes {', '.join(sorted(names))}: once it is entered it never ends")
            yield [loop.lineno, *body_lines], "high", "bug", message


def check_index_loop_stops_short(m: Module) -> Iterator[Result]:
    for loop in ast.walk(m.tree):
        if not (isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and isinstance(loop.iter, ast.Call)
                and dotted(loop.iter.func) == "range" and len(loop.iter.args) == 1):
            continue
        bound = loop.iter.args[0]
        if not (isinstance(bound, ast.BinOp) and isinstance(bound.op, ast.Sub) and isinstance(bound.right, ast.Constant)
                and bound.right.value == 1 and isinstance(bound.left, ast.Call) and dotted(bound.left.func) == "len"
                and bound.left.args):
            continue
        seq, index = ast.unparse(bound.left.args[0]), loop.target.id
        subscripts = [n for s in loop.body for n in ast.walk(s) if isinstance(n, ast.Subscript)
                      and ast.unparse(n.value) == seq]
        if subscripts and all(isinstance(n.slice, ast.Name) and n.slice.id == index for n in subscripts):
            message = (f"range(len({seq}) - 1) stops before the last item of {seq}; use range(len({seq}))")
            yield [loop.lineno], "high", "bug", message


def check_mutable_default(m: Module) -> Iterator[Result]:
    for func in ast.walk(m.tree):
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for default in [*func.args.defaults, *(d for d in func.args.kw_defaults if d is not None)]:
                if isinstance(default, (ast.List, ast.Dict, ast.Set)) or (
                        isinstance(default, ast.Call) and dotted(default.func) in ("list", "dict", "set")):
                    message = (f"the default {ast.unparse(default)} of {func.name}() is one object shared by "
                               f"every call; default to None and create it inside")
                    yield [func.lineno], "medium", "bug", message


def check_naive_and_aware_datetimes(m: Module) -> Iterator[Result]:
    aware = any(dotted(n).endswith(("timezone.utc", "UTC", "ZoneInfo", "tzutc")) for n in ast.walk(m.tree)
                if isinstance(n, (ast.Attribute, ast.Name)))
    for call in m.calls():
        name = dotted(call.func)
        naive = name.endswith(("datetime.utcnow", "datetime.utcfromtimestamp")) or (
            name.endswith(("datetime.now", "datetime.today")) and not call.args and keyword(call, "tz") is None)
        if aware and naive:
            message = (f"{name}() is a naive datetime, and this module uses aware ones: comparing them raises "
                       f"TypeError; use datetime.now(timezone.utc)")
            yield [call.lineno], "high", "bug", message


