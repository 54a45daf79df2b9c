"""Checking a model file: right size, a GGUF header, the expected sha256.

Hashing 1 GB takes seconds, so a successful check leaves a stamp (path, size, mtime, sha256) in
``<models dir>/.verified/NAME.json``; while the file's size and mtime still match the stamp the
file counts as verified without hashing again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Callable

from codey_git import paths
from codey_git.errors import ModelError
from codey_git.models.catalog import ModelEntry
from codey_git.models.gguf import GGUFError, read_gguf

CHUNK = 4 * 1024 * 1024
ByteCallback = Callable[[int], None]


def sha256_file(path: Path, on_bytes: ByteCallback | None = None) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            if on_bytes:
                on_bytes(len(chunk))
    return digest.hexdigest()


def stamp_path(entry: ModelEntry) -> Path:
    return paths.models_dir() / ".verified" / f"{entry.name}.json"


def _file_key(path: Path) -> dict[str, Any]:
    st = path.stat()
    return {"path": str(path.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns, "inode": st.st_ino}


def stamped_sha256(entry: ModelEntry, path: Path) -> str | None:
    """The sha256 recorded for this exact file, or None when there is no valid stamp."""
    try:
        stamp = json.loads(stamp_path(entry).read_text())
        key = _file_key(path)
    except (OSError, ValueError):
        return None
    if any(stamp.get(k) != v for k, v in key.items()):
        return None
    sha = stamp.get("sha256")
    if entry.sha256 and sha != entry.sha256:
        return None
    return sha if isinstance(sha, str) else None


def write_stamp(entry: ModelEntry, path: Path, sha256: str) -> None:
    target = stamp_path(entry)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({**_file_key(path), "sha256": sha256}))
        os.replace(tmp, target)
    except OSError:
        pass  # a read-only cache only costs a re-hash next time


def clear_stamp(entry: ModelEntry) -> None:
    try:
        stamp_path(entry).unlink()
    except FileNotFoundError:
        pass


def fix_hint(entry: ModelEntry) -> str:
    if entry.path:
        return f"Check `models.{entry.name}.path` in {entry.origin}: it must name a GGUF model file."
    return f"Run `git codey models pull {entry.name}` to fetch a good copy."


def check_file(entry: ModelEntry, path: Path, *, force: bool = False, on_bytes: ByteCallback | None = None) -> str:
    """Return the file's sha256, or raise ModelError saying what is wrong with it."""
    if path.is_dir():
        raise ModelError(f"model {entry.name}: {path} is a directory, not a GGUF file", fix_hint(entry))
    if not path.is_file():
        raise ModelError(f"model {entry.name}: no file at {path}", fix_hint(entry))
    size = path.stat().st_size
    if entry.size is not None and size != entry.size:
        clear_stamp(entry)
        what = "truncated" if size < entry.size else "too large"
        raise ModelError(f"model {entry.name}: {path} is {what} ({size:,} bytes, expected {entry.size:,})", fix_hint(entry))
    if not force and (sha := stamped_sha256(entry, path)):
        return sha
    try:
        read_gguf(path)
    except GGUFError as exc:
        clear_stamp(entry)
        raise ModelError(f"model {entry.name}: {path} is corrupt: {exc}", fix_hint(entry)) from None
    sha = sha256_file(path, on_bytes)
    if entry.sha256 and sha != entry.sha256:
        clear_stamp(entry)
        raise ModelError(
            f"model {entry.name}: {path} has sha256 {sha}, expected {entry.sha256} (corrupt or a different file)", fix_hint(entry)
        )
    write_stamp(entry, path, sha)
    return sha
