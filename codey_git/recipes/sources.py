"""The files generators look at: tracked files, read once, filtered by glob patterns."""

from __future__ import annotations

import ast
import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

from codey_git import proc

TEST_PATTERNS = ("test_*.py", "*_test.py", "tests/*", "*/tests/*", "conftest.py", "*/conftest.py")


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
        return any(fnmatch.fnmatch(self.path, p) for p in TEST_PATTERNS)

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


def tracked_files(root: Path, patterns: list[str] | None = None) -> list[SourceFile]:
    """Text files git tracks under root, in path order, optionally limited to glob patterns."""
    result = proc.run(["git", "ls-files", "-z"], cwd=root, timeout=60)
    names = sorted(n for n in result.stdout.split("\0") if n) if result.ok else []
    if patterns:
        names = [n for n in names if any(fnmatch.fnmatch(n, p) for p in patterns)]
    files = []
    for name in names:
        path = root / name
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        if b"\0" in raw[:4096]:
            continue  # binary
        files.append(SourceFile(name, raw.decode("utf-8", errors="replace")))
    return files


def python_files(root: Path, patterns: list[str] | None = None, *, tests: bool = False) -> list[SourceFile]:
    return [f for f in tracked_files(root, patterns) if f.is_python and (tests or not f.is_test)]
