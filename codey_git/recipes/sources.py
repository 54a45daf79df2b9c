"""The files generators look at: the files of the run's base commit, filtered by glob patterns."""

from __future__ import annotations

import ast
import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, cast

import pygit2

from codey_git.testpaths import is_test_file


@dataclass
class SourceFile:
    path: str  # repo-relative, forward slashes
    text: str
    _tree: ast.Module | None = field(default=None, repr=False)
    _parsed: bool = field(default=False, repr=False)

    @property
    def is_python(self) -> bool:
        return self.path.endswith(".py")

    @property
    def is_test(self) -> bool:
        return is_test_file(self.path)

    @property
    def tree(self) -> ast.Module | None:
        """The parsed module, or None for a file that is not valid Python."""
        if not self._parsed:
            self._parsed = True
            try:
                self._tree = ast.parse(self.text, filename=self.path)
            except (SyntaxError, ValueError):
                self._tree = None
        return self._tree


def commit_files(root: Path, patterns: list[str] | None = None, *, commit: str = "HEAD") -> list[SourceFile]:
    """Text files in ``commit`` (the run's base: what its tasks' worktrees hold, not the user's
    uncommitted edits), in path order, optionally limited to glob patterns."""
    try:
        repo = pygit2.Repository(pygit2.discover_repository(str(root)))
        tree = repo.revparse_single(commit).peel(pygit2.Tree)
    except (pygit2.GitError, KeyError, ValueError, TypeError):
        return []
    files = []
    for name, oid in sorted(_blobs(repo, tree, "")):
        if patterns and not any(fnmatch.fnmatch(name, p) for p in patterns):
            continue
        raw = cast(pygit2.Blob, repo[oid]).data  # _blobs yields blobs only
        if b"\0" in raw[:4096]:
            continue  # binary
        files.append(SourceFile(name, raw.decode("utf-8", errors="replace")))
    return files


def _blobs(repo: pygit2.Repository, tree: pygit2.Tree, prefix: str) -> Iterator[tuple[str, pygit2.Oid]]:
    """(path, blob id) of the regular files under ``tree``; symlinks and submodules are not code."""
    for entry in tree:
        path = f"{prefix}{entry.name}"
        if entry.filemode == pygit2.enums.FileMode.TREE:
            yield from _blobs(repo, cast(pygit2.Tree, repo[entry.id]), path + "/")
        elif entry.filemode in (pygit2.enums.FileMode.BLOB, pygit2.enums.FileMode.BLOB_EXECUTABLE):
            yield path, entry.id


def python_files(root: Path, patterns: list[str] | None = None, *, tests: bool = False, commit: str = "HEAD") -> list[SourceFile]:
    return [f for f in commit_files(root, patterns, commit=commit) if f.is_python and (tests or not f.is_test)]


def file_at(root: Path, path: str, commit: str) -> SourceFile | None:
    """One file as ``commit`` holds it (a task's committed tree), or None when it is not there."""
    try:
        repo = pygit2.Repository(pygit2.discover_repository(str(root)))
        blob = repo.revparse_single(f"{commit}:{path}")
    except (pygit2.GitError, KeyError, ValueError, TypeError):
        return None
    if not isinstance(blob, pygit2.Blob):
        return None
    return SourceFile(path, blob.data.decode("utf-8", errors="replace"))
