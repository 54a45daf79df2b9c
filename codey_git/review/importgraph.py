"""Which test files a change can affect: those that import a changed module, directly or through
other modules of the repository, and those under a changed ``conftest.py``.

The imports of each Python file are read from its blob in the snapshot's tree and kept under
``.git/codey/review-imports.json`` by blob oid, so a file is parsed once for as long as it is
unchanged. A module is known by the names it can be imported as: its dotted path from the
repository root, from ``src/``, and from the nearest folder without ``__init__.py`` (where pytest
puts a test's own folder on the import path). Imports made at run time (``importlib``) are not
seen: such a test runs only when it is itself changed.
"""

from __future__ import annotations

import ast
import warnings
from collections import defaultdict
from pathlib import Path, PurePosixPath
from typing import Any, cast

import pygit2

from codey_git.review.cache import load_versioned, save_json

CACHE_NAME = "review-imports.json"
CACHE_VERSION = 1
MAX_PARSE_BYTES = 400_000


def module_names(path: str, packages: set[str]) -> set[str]:
    """The dotted names ``path`` (a .py file) can be imported as; ``packages`` holds the folders
    that have an ``__init__.py``."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts:
        return set()
    names = {".".join(parts)}
    if parts[0] == "src" and len(parts) > 1:
        names.add(".".join(parts[1:]))
    folder = PurePosixPath(path).parent  # pytest's rootdir-less base: the first folder up without __init__.py
    while str(folder) not in (".", "") and str(folder) in packages:
        folder = folder.parent
    base = len(folder.parts) if str(folder) not in (".", "") else 0
    if 0 < base < len(parts):
        names.add(".".join(parts[base:]))
    return names


def _imports(source: bytes) -> list[list[Any]]:
    """[level, module, [names]] for each import statement of a module (empty when it does not parse)."""
    if len(source) > MAX_PARSE_BYTES:
        return []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    out: list[list[Any]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend([0, alias.name, []] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            out.append([node.level, node.module or "", [a.name for a in node.names if a.name != "*"]])
    return out


def _targets(path: str, level: int, module: str, names: list[str]) -> set[str]:
    """The dotted names an import statement in ``path`` may load, every package on the way included."""
    if level:
        package = list(PurePosixPath(path).parent.parts)
        if level - 1 > len(package):
            return set()
        base = package[: len(package) - (level - 1)]
        module = ".".join([*base, *([module] if module else [])])
    if not module:
        return set()
    parts = module.split(".")
    found = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    found.update(f"{module}.{name}" for name in names)
    return found


class ImportGraph:
    """The Python files of one tree and what each imports, by blob oid through the cache."""

    def __init__(self, repo: pygit2.Repository, tree_oid: str, cache_dir: Path | None) -> None:
        self.files: dict[str, str] = {}  # path -> blob oid
        self._importer_maps: dict[frozenset[str], dict[str, set[str]]] = {}  # by the extra, changed paths
        self._walk(repo, cast(pygit2.Tree, repo[tree_oid]), "")
        self.packages = {str(PurePosixPath(p).parent) for p in self.files if PurePosixPath(p).name == "__init__.py"}
        self._cache_path = cache_dir / CACHE_NAME if cache_dir else None
        cache = load_versioned(self._cache_path, CACHE_VERSION, "imports")
        fresh = False
        self.imports: dict[str, list[list[Any]]] = {}
        for path, oid in self.files.items():
            if oid not in cache:
                cache[oid] = _imports(cast(pygit2.Blob, repo[oid]).data)
                fresh = True
            self.imports[path] = cache[oid]
        if fresh:
            self._save(cache)

    def _walk(self, repo: pygit2.Repository, tree: pygit2.Tree, prefix: str) -> None:
        for entry in tree:
            path = f"{prefix}{entry.name}"
            if entry.type_str == "tree":
                self._walk(repo, cast(pygit2.Tree, repo[entry.id]), path + "/")
            elif entry.type_str == "blob" and path.endswith(".py"):  # path ends with the entry's name
                self.files[path] = str(entry.id)

    def _save(self, imports: dict[str, list[Any]]) -> None:
        if self._cache_path is None:
            return
        if len(imports) > 50_000:  # oids of files long gone: keep the ones this tree has
            imports = {oid: imports[oid] for oid in set(self.files.values())}
        save_json(self._cache_path, {"version": CACHE_VERSION, "imports": imports})

    def _importers(self, changed: set[str]) -> dict[str, set[str]]:
        """path -> the files that import it (made once per set of extra, changed paths)."""
        key = frozenset(changed)
        if key in self._importer_maps:
            return self._importer_maps[key]
        by_name: dict[str, set[str]] = defaultdict(set)
        for path in set(self.files) | changed:
            if path.endswith(".py"):
                for name in module_names(path, self.packages):
                    by_name[name].add(path)
        importers: dict[str, set[str]] = defaultdict(set)
        for path, statements in self.imports.items():
            for level, module, names in statements:
                for target in _targets(path, level, module, names):
                    for dep in by_name.get(target, ()):
                        if dep != path:
                            importers[dep].add(path)
        self._importer_maps[key] = importers
        return importers

    def affected(self, changed: set[str], known: set[str] | None = None) -> set[str]:
        """The files of the tree that import one of the ``changed`` paths, directly or through
        others (``known``: every changed path, so that deleted modules have names too)."""
        importers = self._importers(known if known is not None else changed)
        seen: set[str] = set()
        todo = [p for p in changed if p.endswith(".py")]
        while todo:
            path = todo.pop()
            for importer in importers.get(path, ()):
                if importer not in seen:
                    seen.add(importer)
                    todo.append(importer)
        return seen


def is_test_module(path: str) -> bool:
    """A file pytest collects tests from by default: test_*.py or *_test.py."""
    name = PurePosixPath(path).name
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def select_tests(graph: ImportGraph, changed: set[str]) -> list[str]:
    """The test files to run for a change to ``changed`` paths (deleted ones included)."""
    touched = set(changed) | graph.affected(changed, changed)
    selected = {p for p in touched if is_test_module(p) and p in graph.files}
    for conftest in (p for p in touched if PurePosixPath(p).name == "conftest.py"):
        folder = str(PurePosixPath(conftest).parent)
        selected |= {p for p in graph.files if is_test_module(p) and (folder == "." or p.startswith(folder + "/"))}
    return sorted(selected)
