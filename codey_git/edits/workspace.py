"""The files an edit reads and writes, checked for safety and changed only in memory."""

from __future__ import annotations

from typing import Callable

from .errors import UnsafeEdit
from .safety import check_path


class Workspace:
    """Reads each repo file at most once; later writes are kept here until the edit is accepted."""

    def __init__(self, read_file: Callable[[str], str | None]):
        self._read_file = read_file
        self._original: dict[str, str | None] = {}
        self._current: dict[str, str | None] = {}

    def original(self, path: str) -> str | None:
        if path not in self._original:
            try:
                self._original[path] = self._read_file(path)
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                raise UnsafeEdit(f"refused edit: {path} is not a readable text file ({exc})") from exc
        return self._original[path]

    def current(self, path: str) -> str | None:
        if path in self._current:
            return self._current[path]
        return self.original(path)

    def write(self, path: str, text: str | None) -> None:
        self.original(path)
        self._current[path] = text

    def changes(self) -> dict[str, str | None]:
        return {p: t for p, t in self._current.items() if t != self._original[p]}

    def resolve(self, raw: str, prefix: str) -> str:
        """Check a diff path and drop a git-style ``a/``/``b/`` prefix unless it is a real folder."""
        path = check_path(raw)
        raw = raw.strip()
        if raw.startswith(prefix) and len(raw) > len(prefix):
            bare = check_path(raw[len(prefix) :])  # "a/../x" is "../x" to a git-style reader
            if self.current(bare) is not None or self.current(path) is None:
                return bare
        return path
