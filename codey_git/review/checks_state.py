"""Checks for state shared between calls (see ``patterns``): a memo key that leaves out the keyword
arguments, and a value the method's lock guards changed outside it."""

from __future__ import annotations

import ast
from typing import Iterator

from codey_git.review.checks_ast import Module, Result, dotted


def _passes_through(call: ast.Call, args: str, kwargs: str) -> bool:
    """``f(*args, **kwargs)``."""
    return any(isinstance(a, ast.Starred) and dotted(a.value) == args for a in call.args) and any(
        k.arg is None and dotted(k.value) == kwargs for k in call.keywords
    )


def _mentions(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def check_memo_key_without_kwargs(m: Module) -> Iterator[Result]:
    for func in m.functions():
        if not (func.args.vararg and func.args.kwarg):
            continue
        args, kwargs = func.args.vararg.arg, func.args.kwarg.arg
        nodes = m.own_nodes(func)
        calls = [n for n in nodes if isinstance(n, ast.Call) and _passes_through(n, args, kwargs)]
        if not calls or any(
            isinstance(n, ast.Name) and n.id == kwargs and not any(n in ast.walk(c) for c in calls) for n in nodes
        ):
            continue  # kwargs are used for something besides the call: maybe in the key
        through = {id(n) for c in calls for n in ast.walk(c) if isinstance(n, ast.expr)}  # not the shared Load()
        assigns = [(a, t.id) for a in nodes if isinstance(a, ast.Assign) for t in a.targets if isinstance(t, ast.Name)]
        keys = {
            name: a for a, name in assigns if _mentions(a.value, args) and not any(id(n) in through for n in ast.walk(a.value))
        }
        results = {name for a, name in assigns if any(id(n) in through for n in ast.walk(a.value))}
        for node in nodes:  # cache[key] = ...
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript)):
                continue
            key, value = node.targets[0].slice, node.value
            if not (any(id(n) in through for n in ast.walk(value)) or dotted(value) in results):
                continue  # what is stored is not the call's result: a dispatch table, not a memo
            built = keys.get(key.id) if isinstance(key, ast.Name) else None
            if any(id(n) in through for n in ast.walk(key)) or (built is None and not _mentions(key, args)):
                continue
            message = (
                f"the cache key is built from *{args} only, so calls that differ in keyword arguments share "
                f"one cached result; put sorted({kwargs}.items()) in the key"
            )
            yield [built.lineno, node.lineno] if built is not None else [node.lineno], "high", "bug", message
            break


def _lock_blocks(nodes: list[ast.AST]) -> list[ast.With | ast.AsyncWith]:
    def lock(item: ast.withitem) -> bool:
        name = dotted(item.context_expr)
        return name.startswith("self.") and any(w in name.lower() for w in ("lock", "mutex"))

    return [n for n in nodes if isinstance(n, (ast.With, ast.AsyncWith)) and any(lock(item) for item in n.items)]


def check_changed_outside_lock(m: Module) -> Iterator[Result]:
    for method in m.functions():
        if method.name == "__init__":
            continue
        nodes = m.own_nodes(method)
        blocks = _lock_blocks(nodes)
        if not blocks:
            continue
        guarded = {id(n) for b in blocks for n in ast.walk(b)}
        for node in nodes:
            if not (isinstance(node, ast.AugAssign) and dotted(node.target).startswith("self.") and id(node) not in guarded):
                continue  # not `self.x += ...` outside the lock
            name = dotted(node.target)
            ifs = (n for n in nodes if isinstance(n, ast.If) and id(n) not in guarded and n.lineno < node.lineno)
            test = next((n for n in ifs if any(dotted(x) == name for x in ast.walk(n.test))), None)
            lines = [test.lineno, node.lineno] if test is not None else [node.lineno]
            message = (
                f"{name} is changed outside the lock this method takes, so two threads can both read "
                f"the old value{' and pass the check' if test is not None else ''}; do the check and the "
                f"change inside the lock"
            )
            yield lines, "high", "bug", message
