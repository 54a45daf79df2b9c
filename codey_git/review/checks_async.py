"""A coroutine called without ``await`` (see ``patterns``): one defined in the module, one of
asyncio's own, or a method the same file awaits elsewhere. A coroutine kept in a name is fine when
it is awaited, returned from a plain function, scheduled (gather, create_task, ...) or collected
before the name is bound again."""

from __future__ import annotations

import ast
from typing import Iterator

from codey_git.review.checks_ast import Module, Result, dotted, last_name, method, reads


def _coroutine_functions(m: Module) -> set[str]:
    """Names of ``async def`` functions whose call makes a coroutine: no ``yield`` (an async
    generator is iterated, not awaited), no decorator (``@asynccontextmanager`` and the like change
    what the call returns), and no plain function of the same name in the module."""
    plain = {n.name for n in m.of(ast.FunctionDef)}
    return {
        n.name
        for n in m.of(ast.AsyncFunctionDef)
        if not n.decorator_list and not any(isinstance(x, (ast.Yield, ast.YieldFrom)) for x in m.own_nodes(n))
    } - plain


_SCHEDULERS = set(
    "gather create_task ensure_future wait wait_for shield as_completed run run_until_complete "
    "run_coroutine_threadsafe start_soon append add put put_nowait".split()
)


def _awaited_later(m: Module, name: str, func: ast.AST, after: int = 0) -> bool:
    """Whether the coroutine kept in ``name`` on line ``after`` is awaited, returned, scheduled or
    collected before ``name`` is bound again."""
    stores = (n for n in m.own_nodes(func) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store))
    rebound = min((n.lineno for n in stores if n.lineno > after and _same_block(m, n, after)), default=None)
    handed_on: tuple[type[ast.AST], ...] = (ast.Await, ast.Starred, ast.List, ast.Tuple, ast.Set, ast.Dict, ast.keyword)
    if not isinstance(func, ast.AsyncFunctionDef):
        handed_on += (ast.Return,)  # a plain function may return a coroutine for its caller to await
    for use in reads(m.own_nodes(func)):
        if use.id != name or use.lineno < after or (rebound is not None and use.lineno > rebound):
            continue  # another name, or another value held by the same name
        parent = m.parent.get(use)
        if isinstance(parent, handed_on) or (
            isinstance(parent, ast.Call) and use in parent.args and last_name(parent) in _SCHEDULERS
        ):
            return True
    return False


def _same_block(m: Module, store: ast.AST, line: int) -> bool:
    """Whether the binding ``store`` is a later statement of the block that holds the statement on
    ``line`` (not the other branch of an if/else, where both are live afterwards)."""
    stmt = m.statement_of(store)
    block = m.block_of(stmt)
    return any(s.lineno <= line <= (s.end_lineno or s.lineno) for s in block)


# asyncio's own coroutine functions: a call of one that is not awaited never runs
_ASYNCIO_COROUTINES = set(
    "sleep wait_for wait open_connection start_server to_thread create_subprocess_exec create_subprocess_shell "
    "open_unix_connection".split()
)


def _library_coroutines(m: Module) -> set[str]:
    """``asyncio.sleep`` and the like, and the names ``from asyncio import sleep`` binds."""
    names = {f"asyncio.{n}" for n in _ASYNCIO_COROUTINES}
    for node in m.of(ast.ImportFrom):
        if node.module == "asyncio":
            names.update(a.asname or a.name for a in node.names if a.name in _ASYNCIO_COROUTINES)
    return names


def _awaited_elsewhere(m: Module) -> set[str]:
    """Dotted callees (``self._backend.fetch``) that the module awaits: calls of another object's
    method that this file treats as a coroutine. Only those with an attribute chain of at least
    two, so a name that is also used as a plain function (``run``) does not count."""
    plain = set()
    awaited = {dotted(n.value.func) for n in m.of(ast.Await) if isinstance(n.value, ast.Call)}
    for call in m.calls():
        parent = m.parent.get(call)
        if not isinstance(parent, ast.Await) and not isinstance(m.function_of(call), ast.AsyncFunctionDef):
            plain.add(dotted(call.func))  # called in plain code too: maybe not a coroutine function
    return {name for name in awaited - plain if name.count(".") >= 2}


def check_missing_await(m: Module) -> Iterator[Result]:
    coroutines = _coroutine_functions(m) | _library_coroutines(m) | _awaited_elsewhere(m)
    for call in m.calls():
        func = call.func
        own = isinstance(func, ast.Attribute) and dotted(func.value) in ("self", "cls")  # a method of this class
        name = method(call) if own else dotted(func) or None
        if name not in coroutines and dotted(func) in coroutines:
            name = dotted(func)  # self._backend.fetch: awaited elsewhere in this file
        if name not in coroutines or not isinstance(m.function_of(call), ast.AsyncFunctionDef):
            continue
        parent = m.parent.get(call)
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
            if _awaited_later(m, parent.targets[0].id, m.function_of(call), parent.lineno):
                continue
        elif not isinstance(parent, ast.Expr):
            continue  # awaited, returned, or handed to create_task, gather and the like
        yield [call.lineno], "high", "bug", f"{name}() is a coroutine called without await: it never runs"
