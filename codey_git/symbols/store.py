"""The index file under ``.git/codey/``: JSON, written whole to a temporary file and renamed over
the old one (a crash mid-write leaves the old index or none, never half of one); read back only
when its version is this codey's, else treated as absent."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pygit2

FILE_NAME = "symbols.json"


def codey_dir(root: Path) -> Path | None:
    """``.git/codey/`` of the repository ``root`` is in, through the common dir (a worktree of it
    shares the main one's); None outside a repository."""
    found = pygit2.discover_repository(str(root))
    if found is None:
        return None
    git_dir = Path(found).resolve()
    commondir = git_dir / "commondir"
    if commondir.is_file():
        git_dir = (git_dir / commondir.read_text(encoding="utf-8").strip()).resolve()
    return git_dir / "codey"


def load(path: Path, version: int) -> dict[str, Any] | None:
    """The stored object, or None: missing, unreadable, not JSON, or another version."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("version") != version:
        return None
    return data


def save(path: Path, data: dict[str, Any]) -> bool:
    """Write ``data`` atomically (flushed to disk before the rename); False when it cannot be
    written, which only costs the next run the time to build it again."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(data, handle, separators=(",", ":"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        return False
    return True
