"""Generators that read the syntax tree: public functions without docstrings or type hints, and
modules over a size. One task per file, naming each function and its line."""

from __future__ import annotations

import ast
from typing import Any, Iterator, TYPE_CHECKING

from codey_git.recipes.planned import PlannedTask
from codey_git.recipes.sources import SourceFile, file_at, python_files

if TYPE_CHECKING:  # generators imports this module
    from codey_git.recipes.generators import GenContext

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def public_functions(tree: ast.Module) -> Iterator[tuple[str, FunctionNode, bool]]:
    """(qualified name, node, is_method) of module-level functions and methods of public classes."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            yield node.name, node, False
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not item.name.startswith("_"):
                    yield f"{node.name}.{item.name}", item, True


def lacks_hints(node: FunctionNode, is_method: bool) -> bool:
    args = node.args
    params = args.posonlyargs + args.args + args.kwonlyargs
    if is_method and params and not any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list):
        params = params[1:]  # self / cls
    params += [a for a in (args.vararg, args.kwarg) if a is not None]
    return node.returns is None or any(p.annotation is None for p in params)


def _lacks_docstring(node: FunctionNode, _is_method: bool) -> bool:
    return ast.get_docstring(node) is None


WANTED = {"missing-docstrings": _lacks_docstring, "missing-type-hints": lacks_hints}


def functions_lacking(source: SourceFile, check: str) -> list[tuple[str, int]]:
    """(qualified name, line) of the public functions in ``source`` that ``check`` finds lacking."""
    if source.tree is None:
        return []
    return [(name, node.lineno) for name, node, is_method in public_functions(source.tree) if WANTED[check](node, is_method)]


def _per_file(ctx: GenContext, options: dict[str, Any], check: str, template: str) -> list[PlannedTask]:
    tasks = []
    for source in python_files(ctx.root, options.get("paths"), commit=ctx.base):
        found = functions_lacking(source, check)
        if found:
            names = ", ".join(f"{name} (line {line})" for name, line in found)
            tasks.append(
                PlannedTask(
                    kind="edit",
                    files=[source.path],
                    priority="low",
                    source=check,
                    text=template.format(path=source.path, names=names),
                    options={"goal": {"check": check, "path": source.path, "names": [name for name, _ in found]}},
                )
            )
    return tasks


def missing_docstrings(ctx: GenContext, options: dict[str, Any]) -> list[PlannedTask]:
    return _per_file(
        ctx,
        options,
        "missing-docstrings",
        "Add a short docstring to each of these public functions in {path}: {names}. Change nothing else.",
    )


def missing_type_hints(ctx: GenContext, options: dict[str, Any]) -> list[PlannedTask]:
    return _per_file(
        ctx,
        options,
        "missing-type-hints",
        "Add type hints (parameters and return type) to these public functions in {path}: {names}. Do not change behaviour.",
    )


def large_modules(ctx: GenContext, options: dict[str, Any]) -> list[PlannedTask]:
    limit = options.get("max_lines", 400)
    tasks = []
    for source in python_files(ctx.root, options.get("paths"), commit=ctx.base):
        count = len(source.text.splitlines())
        if count > limit:
            tasks.append(
                PlannedTask(
                    kind="edit",
                    files=[source.path],
                    priority="low",
                    source="large-modules",
                    text=f"{source.path} has {count} lines (over {limit}). Move one cohesive group of its "
                    f"functions into a new module and import them back, so every existing import of "
                    f"{source.path} keeps working.",
                    options={"goal": {"check": "large-modules", "path": source.path, "names": [source.path], "max_lines": limit}},
                )
            )
    return tasks


# -- the same checks for one task's file, on the task's committed tree (ctx.base) ----------------
def check_functions(ctx: GenContext, goal: dict[str, Any]) -> list[tuple[str, int | None]]:
    source = file_at(ctx.root, goal["path"], ctx.base)
    found = functions_lacking(source, goal["check"]) if source else []
    return [(name, line) for name, line in found if name in goal["names"]]


def check_large_module(ctx: GenContext, goal: dict[str, Any]) -> list[tuple[str, int | None]]:
    source = file_at(ctx.root, goal["path"], ctx.base)
    count = len(source.text.splitlines()) if source else 0
    return [(goal["path"], None)] if count > goal["max_lines"] else []
