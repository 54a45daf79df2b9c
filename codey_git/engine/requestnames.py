"""The files and symbols a fix request names, checked against the commit codey works on.

"bug in utils/helpr.py" or "`format_versoin` returns the wrong string" names something the
repository does not have: a typo that would send the model looking at nothing. ``unknown_names``
finds such names before any model call, each with the closest names that do exist.

Only what reads as code counts: a path ending in .py/.pyi, a name in backquotes, a name called
with parentheses (``f(3)``). Text in quotes is a value ("returns 'a.py'"), not a name, and a name
that is a Python builtin, that appears anywhere in the project's Python files (a library call
the code makes, like ``json.dumps``), or that the request binds itself (``def prune(p): ...``
in the steps to reproduce) is known.
"""

from __future__ import annotations

import builtins
import difflib
import keyword
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import pygit2

MAX_FILES = 5000  # files of the commit listed (for the names and suggestions)
MAX_READ = 2000  # Python files read for symbols
MAX_BYTES = 400_000  # of each
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
_BACKQUOTED = re.compile(r"`([^`\n]+)`")
_PATH = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.pyi?)(?::\d+)?(?![\w/])")
_CALLED = re.compile(r"(?<![\w.])([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)\((?!s\))")
_DOTTED = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?:\(.*\))?$")
_DEF = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)", re.M)
_WORD = re.compile(r"[A-Za-z_]\w*")
# what a request binds itself, written as code, showing how to reproduce the bug: `def prune(`,
# `class Box(` or `class Box:`, `keep = ...` (spaced, unlike a keyword argument), `lambda v, w:`
_BOUND = re.compile(
    r"\bdef\s+(\w+)\s*\(|\bclass\s+(\w+)\s*[(:]|\b(\w+) = (?!=)"
    r"|\blambda\s*((?:\*{0,2}\w+\s*,\s*)*\*{0,2}\w+)?\s*:"
)
_KNOWN = set(dir(builtins)) | set(keyword.kwlist) | {"self", "cls"}


@dataclass(frozen=True)
class UnknownName:
    name: str  # as the request wrote it
    kind: str  # "file" | "symbol"
    closest: list[str] = field(default_factory=list)  # existing names that look like it, closest first

    def describe(self) -> str:
        what = "no file" if self.kind == "file" else "no function, class or name"
        near = f" (closest: {', '.join(self.closest)})" if self.closest else ""
        return f"{what} {self.name!r} in the repository{near}"


def unknown_names(repo: pygit2.Repository, text: str, files: list[str] | None = None) -> list[UnknownName]:
    """The files and symbols ``text`` (and ``files``, the paths given with --file) names that HEAD
    does not have, in the order named."""
    paths = _paths(repo)
    unquoted = _QUOTED.sub(" ", text)
    out: list[UnknownName] = []
    named_paths = [*(files or []), *(m.group(1) for m in _PATH.finditer(unquoted))]
    for name in dict.fromkeys(named_paths):
        if not _has_path(name, paths):
            out.append(UnknownName(name, "file", _closest_paths(name, paths)))
    symbols = _symbols(unquoted)
    if symbols:
        words, defined = _project_words(repo, paths)
        for name in symbols:
            last = name.split(".")[-1]
            if last not in words:
                near = difflib.get_close_matches(last, sorted(defined), n=3, cutoff=0.6)
                out.append(UnknownName(name, "symbol", near))
    return out


def defining_files(repo: pygit2.Repository, name: str) -> list[str]:
    """The non-test Python files of HEAD that define ``name`` (a def or class), sorted."""
    pattern = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+" + re.escape(name.split(".")[-1]) + r"\b", re.M)
    return [path for path, source in _python_sources(repo, _paths(repo)) if pattern.search(source)]


def _symbols(unquoted: str) -> list[str]:
    names: list[str] = []
    for m in _BACKQUOTED.finditer(unquoted):
        inner = m.group(1).strip()
        if _DOTTED.match(inner) and not _PATH.fullmatch(inner):
            names.append(inner.split("(")[0])
    names += [m.group(1) for m in _CALLED.finditer(unquoted) if not _PATH.fullmatch(m.group(1) + "()")]
    bound = {word for m in _BOUND.finditer(unquoted) for group in m.groups() if group for word in _WORD.findall(group)}
    out = []
    for name in dict.fromkeys(names):
        last = name.split(".")[-1]
        if len(last) >= 2 and last not in _KNOWN | bound and not last.startswith("__") and name.split(".")[0] not in bound:
            out.append(name)
    return out


def _paths(repo: pygit2.Repository) -> list[str]:
    try:
        tree = repo.head.peel(pygit2.Commit).tree
    except (pygit2.GitError, KeyError, ValueError):
        return []
    out: list[str] = []
    stack: list[tuple[str, pygit2.Tree]] = [("", tree)]
    while stack and len(out) < MAX_FILES:
        prefix, node = stack.pop()
        for entry in node:
            path = prefix + str(entry.name)
            if isinstance(entry, pygit2.Tree):
                stack.append((path + "/", entry))
            elif isinstance(entry, pygit2.Blob):
                out.append(path)
    return sorted(out)


def _has_path(name: str, paths: list[str]) -> bool:
    clean = name.replace("\\", "/").lstrip("./") if not name.startswith("../") else name
    if clean in paths:
        return True
    # "calc.py" for src/pkg/calc.py: a name without folders may be anywhere, as the context finds it
    return "/" not in clean and any(PurePosixPath(p).name == clean for p in paths)


def _closest_paths(name: str, paths: list[str]) -> list[str]:
    base = PurePosixPath(name).name
    same_name = [p for p in paths if PurePosixPath(p).name == base]
    near = difflib.get_close_matches(name, paths, n=3, cutoff=0.6)
    by_name = {PurePosixPath(p).name: p for p in paths}
    near += [by_name[n] for n in difflib.get_close_matches(base, list(by_name), n=3, cutoff=0.6)]
    return list(dict.fromkeys(same_name + near))[:3]


def _python_sources(repo: pygit2.Repository, paths: list[str]) -> list[tuple[str, str]]:
    tree = repo.head.peel(pygit2.Commit).tree
    out = []
    for path in [p for p in paths if p.endswith((".py", ".pyi"))][:MAX_READ]:
        blob = tree[path]
        if isinstance(blob, pygit2.Blob) and blob.size <= MAX_BYTES:
            out.append((path, blob.data.decode("utf-8", "replace")))
    return out


def _project_words(repo: pygit2.Repository, paths: list[str]) -> tuple[set[str], set[str]]:
    """(every identifier in the project's Python files, the names they define)."""
    words: set[str] = set()
    defined: set[str] = set()
    for _path, source in _python_sources(repo, paths):
        words.update(_WORD.findall(source))
        defined.update(_DEF.findall(source))
    return words, defined
