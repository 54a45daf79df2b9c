"""unused-functions and unused-imports, from the syntax tree. Both err on the side of keeping
code: any mention of a name (a reference, an attribute, `__all__`, a string, a non-Python file
such as pyproject.toml) counts as a use."""

from __future__ import annotations

import ast
import re
from typing import Any, TYPE_CHECKING

from codey_git.recipes.planned import PlannedTask
from codey_git.recipes.sources import SourceFile, commit_files, file_at, python_files

if TYPE_CHECKING:  # generators imports this module
    from codey_git.recipes.generators import GenContext

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
KEEP_NAMES = {"main", "setup", "teardown"}


def names_used(tree: ast.Module) -> set[str]:
    """Every name a module mentions other than by defining or importing it."""
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            used.update(WORD.findall(node.value))  # __all__, string annotations, getattr(x, "name")
    return used


def _defined_functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [
        n
        for n in tree.body
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        and not n.decorator_list
        and not n.name.startswith("test")
        and not (n.name.startswith("__") and n.name.endswith("__"))
        and n.name not in KEEP_NAMES
    ]


def _imported_names(tree: ast.Module) -> list[tuple[str, int]]:
    found = []
    for node in tree.body:  # module level only; imports inside try/if are often deliberate
        if isinstance(node, ast.Import):
            found += [((a.asname or a.name.split(".")[0]), node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            found += [((a.asname or a.name), node.lineno) for a in node.names if a.name != "*"]
    return found


def _task(path: str, what: str, dead: list[tuple[str, int]], source: str, why: str) -> PlannedTask:
    listed = ", ".join(f"{name} (line {line})" for name, line in dead)
    return PlannedTask(
        kind="edit",
        files=[path],
        priority="low",
        source=source,
        text=f"Remove these unused {what} from {path}: {listed}. {why}",
        options={"goal": {"check": source, "path": path, "names": [name for name, _ in dead]}},
    )


def _mentioned(ctx: GenContext) -> set[str]:
    mentioned: set[str] = set()
    for source in python_files(ctx.root, tests=True, commit=ctx.base):
        if source.tree is not None:
            mentioned |= names_used(source.tree)
    for other in commit_files(ctx.root, commit=ctx.base):
        if not other.is_python:
            mentioned.update(WORD.findall(other.text))
    return mentioned


def dead_functions(source: SourceFile, mentioned: set[str]) -> list[tuple[str, int]]:
    if source.tree is None:
        return []
    return [(n.name, n.lineno) for n in _defined_functions(source.tree) if n.name not in mentioned]


def dead_imports(source: SourceFile) -> list[tuple[str, int]]:
    if source.tree is None or source.path.endswith("__init__.py"):
        return []  # __init__ imports are re-exports
    used = names_used(source.tree)
    return [(name, line) for name, line in _imported_names(source.tree) if name not in used]


def unused_functions(ctx: GenContext, options: dict[str, Any]) -> list[PlannedTask]:
    mentioned = _mentioned(ctx)
    tasks = []
    for source in python_files(ctx.root, options.get("paths"), commit=ctx.base):
        dead = dead_functions(source, mentioned)
        if dead:
            tasks.append(_task(source.path, "functions", dead, "unused-functions", "Nothing in the repository calls them."))
    return tasks


def unused_imports(ctx: GenContext, options: dict[str, Any]) -> list[PlannedTask]:
    tasks = []
    for source in python_files(ctx.root, options.get("paths"), commit=ctx.base):
        dead = dead_imports(source)
        if dead:
            tasks.append(_task(source.path, "imports", dead, "unused-imports", "Keep every other line as it is."))
    return tasks


# -- the same checks for one task's file, on the task's committed tree (ctx.base) ----------------
def check_unused_functions(ctx: GenContext, goal: dict[str, Any]) -> list[tuple[str, int | None]]:
    source = file_at(ctx.root, goal["path"], ctx.base)
    found = dead_functions(source, _mentioned(ctx)) if source else []
    return [(name, line) for name, line in found if name in goal["names"]]


def check_unused_imports(ctx: GenContext, goal: dict[str, Any]) -> list[tuple[str, int | None]]:
    source = file_at(ctx.root, goal["path"], ctx.base)
    return [(name, line) for name, line in (dead_imports(source) if source else []) if name in goal["names"]]
