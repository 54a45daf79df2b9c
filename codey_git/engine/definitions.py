"""The definitions of a Python module as the fix loop reads them: the function or class around a
line, the top-level definitions and their spans, what a module imports from the project, and the
project's own modules."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from codey_git.edits.treefs import TreeFS
from codey_git.testpaths import is_test_file


def imported_modules(path: Path, root: Path) -> list[str]:
    fs = TreeFS(root)
    try:
        tree = ast.parse(fs.read(path.relative_to(root).as_posix()) or "")
    except (SyntaxError, ValueError):
        return []
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
    found = []
    for name in names:
        rel = name.replace(".", "/")
        for cand in (f"{rel}.py", f"{rel}/__init__.py", f"src/{rel}.py", f"src/{rel}/__init__.py"):
            if fs.is_file(cand) and cand not in found:
                found.append(cand)
    return found


def enclosing(source: str, line: int) -> tuple[str, int, int] | None:
    """(name, first line, last line) of the innermost function or class containing ``line``."""
    try:
        tree = ast.parse(source.removeprefix("\ufeff"))  # a byte-order mark is not code
    except (SyntaxError, ValueError):
        return None
    best = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            if start <= line <= (node.end_lineno or node.lineno):
                if best is None or start >= best[1]:
                    best = (node.name, start, node.end_lineno or node.lineno)
    return best


def top_level_definitions(source: str) -> dict[str, tuple[int, int]]:
    """Top-level function and class names -> (first line incl. decorators, last line)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    out = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            out[node.name] = (start, node.end_lineno or node.lineno)
    return out


def defined_names(source: str) -> set[str]:
    return set(top_level_definitions(source))


def helpers(rel: str, read: Callable[[str], str | None]) -> dict[str, list[str]]:
    """Project modules that ``rel`` imports names from -> the imported functions/classes they
    define (one level deep): the code a bug may really live in."""
    source = read(rel)
    if not source:
        return {}
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    out: dict[str, list[str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
            continue
        base = node.module.replace(".", "/")
        for cand in (f"{base}.py", f"src/{base}.py", f"{base}/__init__.py"):
            text = read(cand)
            if text is None or cand == rel:
                continue
            defs = top_level_definitions(text)
            names = [a.name for a in node.names if a.name in defs]
            if names:
                out.setdefault(cand, []).extend(n for n in names if n not in out.get(cand, []))
            break
    return out


def definition_spans(source: str, names: list[str]) -> list[tuple[int, int]]:
    """(first, last) line of each named top-level definition that ``source`` has."""
    defs = top_level_definitions(source)
    return [defs[n] for n in names if n in defs]


def definition_source(source: str, names: list[str]) -> str:
    lines = source.splitlines()
    parts = ["\n".join(lines[s - 1 : e]) for s, e in definition_spans(source, names)]
    return "# ... (only the definitions used elsewhere are shown)\n" + "\n\n\n".join(parts)


def project_modules(root: Path, limit: int = 300) -> list[str]:
    """The project's own non-test Python files (small repos: all of them, up to ``limit``)."""
    out = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if any(part.startswith(".") or part in ("venv", "node_modules", "build", "dist") for part in rel.parts):
            continue
        if not is_test_file(rel.as_posix()):
            out.append(rel.as_posix())
            if len(out) >= limit:
                break
    return out
