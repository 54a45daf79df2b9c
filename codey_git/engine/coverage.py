"""Does a test exercise what an edit changed? Import evidence, decided by reading the tests:

- the code an edit changed is each function, method or class of a non-test ``.py`` file whose
  source it adds or alters (``Class.method`` for a method), and ``<module>`` for statements
  outside them; removed definitions need no test;
- a test file covers one of them when it imports the changed module (``import m``, ``from m import
  x``, ``from pkg import m``) and names it (``stdev``, ``method``); ``<module>`` needs the import only.

A test that reaches the code only through other functions is not seen: the change is then called
untested, which is the safe side (it stays on its branch).
"""

from __future__ import annotations

import ast
import copy
import re
from pathlib import PurePosixPath

from codey_git.testpaths import is_test_file

MODULE = "<module>"
_WORD = re.compile(r"[A-Za-z_]\w*")
_EMPTY = ast.dump(ast.Module(body=[], type_ignores=[]))


_NOT_IMPORTED = {"setup.py", "noxfile.py", "docs/conf.py"}  # build and docs scripts: no test imports them


def is_code(path: str) -> bool:
    return path.endswith(".py") and not is_test_file(path) and path not in _NOT_IMPORTED


def _shape(node: ast.AST) -> str:
    """The node's syntax tree without docstrings: comments, layout and docs are not behaviour."""
    node = copy.deepcopy(node)
    for item in ast.walk(node):
        body = getattr(item, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            item.body = body[1:] or [ast.Pass()]  # type: ignore[attr-defined]
    return ast.dump(node)


def _definitions(tree: ast.Module) -> dict[str, str]:
    """name -> shape of each top-level function and class, and of each method as Class.method
    (a class's own entry holds its shape without its methods)."""
    out: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out[node.name] = _shape(node)
        elif isinstance(node, ast.ClassDef):
            rest = []
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    out[f"{node.name}.{item.name}"] = _shape(item)
                else:
                    rest.append(_shape(item))
            out[node.name] = "\n".join([node.name, *map(ast.dump, node.bases), *rest])
    return out


def _module_level(tree: ast.Module) -> str:
    return _shape(
        ast.Module(
            body=[n for n in tree.body if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))],
            type_ignores=[],
        )
    )


def changed_names(old: str | None, new: str | None) -> list[str]:
    """What of a module the change adds or alters, in file order (see the module docstring)."""
    if new is None:
        return []
    try:
        new_tree = ast.parse(new)
    except (SyntaxError, ValueError):
        return [MODULE]
    try:
        old_tree = ast.parse(old) if old is not None else ast.parse("")
    except (SyntaxError, ValueError):
        old_tree = ast.parse("")
    before, after = _definitions(old_tree), _definitions(new_tree)
    names = [name for name, text in after.items() if before.get(name) != text]
    if _module_level(new_tree) not in (_module_level(old_tree), _EMPTY):
        names.insert(0, MODULE)  # statements outside definitions added or changed (not only removed)
    return names


def module_name(path: str) -> str:
    """stats.py -> stats; src/pkg/mod.py -> pkg.mod; pkg/__init__.py -> pkg."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_names(source: str, path: str) -> set[str]:
    """Dotted module names a test file imports, with the names it takes from them (``from m
    import x`` gives m and m.x: x may be a submodule)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    here = list(PurePosixPath(path).parent.parts)
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                base = ".".join([*package, *([base] if base else [])])
            if base:
                out.add(base)
            out.update(f"{base}.{a.name}" if base else a.name for a in node.names)
    return out


def covers(test_source: str, test_path: str, code_path: str, name: str) -> bool:
    """Whether the test file imports ``code_path`` and names ``name`` (see the module docstring)."""
    module = module_name(code_path)
    if not module:
        return False
    imported = imported_names(test_source, test_path)
    src = "src." + module
    if not any(m == module or m == src or m.endswith("." + module) for m in imported):
        return False
    return name == MODULE or name.split(".")[-1] in set(_WORD.findall(test_source))
