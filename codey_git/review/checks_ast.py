"""What the built-in checks share (see ``patterns``): a parsed module with each node's parent, and
small questions about syntax nodes. Each check takes a ``Module`` and yields ``Result``s:
``(lines, severity, category, message)``, the lines best first. Every check errs towards silence:
a hit is shown to a developer on the commit path, so a check fires only on the exact shape."""

from __future__ import annotations

import ast
import re
from typing import Any, Iterable, Iterator, TypeGuard, TypeVar, cast

Result = tuple[list[int], str, str, str]
T = TypeVar("T", bound=ast.AST)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)  # own_nodes does not look inside them


class Module:
    """A parsed module with each node's parent."""

    def __init__(self, tree: ast.Module):
        self.tree = tree
        self.parent: dict[ast.AST, ast.AST] = {}
        self._own: dict[int, list[ast.AST]] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node

    def calls(self) -> Iterator[ast.Call]:
        return self.of(ast.Call)

    def of(self, kind: type[T]) -> Iterator[T]:
        """The module's nodes of one kind, in ``ast.walk``'s order."""
        return (n for n in ast.walk(self.tree) if isinstance(n, kind))

    def functions(self) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
        return (n for n in ast.walk(self.tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))

    def statement_of(self, node: ast.AST) -> ast.AST:
        """The statement ``node`` is part of."""
        while not isinstance(node, ast.stmt) and node in self.parent:
            node = self.parent[node]
        return node

    def block_of(self, stmt: ast.AST) -> list[ast.stmt]:
        """The statements of the block that holds ``stmt`` (its parent's body, else or finally)."""
        blocks = (getattr(self.parent.get(stmt), f, None) for f in ("body", "orelse", "finalbody"))
        return next((b for b in blocks if isinstance(b, list) and stmt in b), [])

    def own_nodes(self, scope: ast.AST) -> list[ast.AST]:
        """The nodes of a function (or module) body, without those of functions and classes inside
        it, in line order; walked once per scope: several checks and every name lookup
        (``known_value``) ask for the same function or module."""
        if id(scope) not in self._own:
            body = cast(Any, scope).body  # a module, class, function or lambda: each has a body
            out: list[ast.AST] = []
            stack: list[ast.AST] = list(body if isinstance(body, list) else [body])
            while stack:
                node = stack.pop()
                out.append(node)
                if not isinstance(node, _SCOPES):
                    stack.extend(ast.iter_child_nodes(node))
            self._own[id(scope)] = sorted(out, key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))
        return self._own[id(scope)]

    def function_of(self, node: ast.AST) -> ast.AST:
        while node in self.parent:
            node = self.parent[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return node
        return self.tree


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def call_of(node: ast.AST | None, *names: str) -> TypeGuard[ast.Call]:
    """A call of one of ``names`` (dotted: ``re.compile``)."""
    return isinstance(node, ast.Call) and dotted(node.func) in names


def method(node: ast.AST | None) -> str:
    """The method a call calls (``x.strip()``: "strip"); "" for any other node."""
    return node.func.attr if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else ""


def receiver(node: ast.AST | None) -> str:
    """What a method call is called on, dotted (``self.items.pop()``: "self.items"); "" for any other node."""
    return dotted(node.func.value) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else ""


def last_name(call: ast.Call) -> str:
    """The last part of what ``call`` calls: "sleep" for ``time.sleep()``, "get" for ``f().get()``."""
    return dotted(call.func).rsplit(".", 1)[-1] or method(call)


def walk_all(nodes: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """``ast.walk`` of each of ``nodes`` (a block's statements), one after the other."""
    return (n for node in nodes for n in ast.walk(node))


def reads(nodes: Iterable[ast.AST]) -> Iterator[ast.Name]:
    """The names among ``nodes`` that are read (not assigned or deleted)."""
    return (n for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))


def is_none(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def none_test(node: ast.AST) -> TypeGuard[ast.Compare]:
    """``x is None`` or ``x is not None``."""
    return (
        isinstance(node, ast.Compare)
        and len(node.ops) == 1
        and isinstance(node.ops[0], (ast.Is, ast.IsNot))
        and is_none(node.comparators[0])
    )


def targets(node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> list[ast.expr]:
    return node.targets if isinstance(node, ast.Assign) else [node.target]


def name_assigns(nodes: Iterable[ast.AST]) -> Iterator[tuple[ast.Assign, str]]:
    """Each ``name = value`` among ``nodes``, with the name."""
    for n in nodes:
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            yield n, n.targets[0].id


def constant(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) or (
        isinstance(node, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) for e in node.elts)
    )


def built_string(node: ast.AST) -> bool:
    """An f-string with values, ``"..." % x``, ``"...".format(x)`` or a concatenation with a string."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return isinstance(node.left, (ast.Constant, ast.JoinedStr))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        sides = (node.left, node.right)
        return any(built_string(s) or (isinstance(s, ast.Constant) and isinstance(s.value, str)) for s in sides) and not all(
            isinstance(s, ast.Constant) for s in sides
        )
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return isinstance(node.func.value, ast.Constant)
    return False


def span(node: ast.expr | ast.stmt, first: ast.expr | ast.stmt | None = None) -> list[int]:
    """The lines ``node`` spans, the line of ``first`` (the part at fault) first."""
    lines = list(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    head = [first.lineno] if first is not None else []
    return head + [n for n in lines if n not in head]


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


_DICT_TYPE = re.compile(r"(dict|Dict|Mapping|MutableMapping|typing\.Dict)\b")


def dict_names(scope: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign) and (
            isinstance(node.value, (ast.Dict, ast.DictComp))
            or call_of(node.value, "dict", "defaultdict", "collections.defaultdict", "Counter")
        ):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        if isinstance(node, ast.arg) and node.annotation is not None and _DICT_TYPE.match(ast.unparse(node.annotation)):
            names.add(node.arg)
    return names


def known_value(m: Module, name: ast.AST) -> ast.expr | None:
    """What a bare name holds when that is plain: its one assignment in the enclosing function, else
    in the module, or its parameter default. None when it is bound more than once or not at all."""
    if not isinstance(name, ast.Name):
        return None
    for scope in (m.function_of(name), m.tree):
        values = [
            n.value
            for n in m.own_nodes(scope)
            if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name.id for t in n.targets)
        ]
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = scope.args
            positional = [*args.posonlyargs, *args.args]
            defaults = {a.arg: d for a, d in zip(positional[len(positional) - len(args.defaults) :], args.defaults)}
            defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
            if name.id in defaults:
                values.append(defaults[name.id])
            elif any(a.arg == name.id for a in [*positional, *args.kwonlyargs]):
                return None
        if values:
            return values[0] if len(values) == 1 else None
    return None
