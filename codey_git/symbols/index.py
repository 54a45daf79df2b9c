"""The symbol index of a repository: every tracked Python file's definitions, kept in
``.git/codey/symbols.json`` by blob oid, so a file is parsed again only when its content changes
and a run on an unchanged repository reads one file and parses none.

The files and their oids come from the repository's index (the staged content, which is HEAD in
codey's scratch worktrees); each blob is read from the object store, not the working tree."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pygit2

from codey_git.progress import Progress, SilentProgress
from codey_git.symbols import store
from codey_git.symbols.definitions import Definition, Record, module_records

VERSION = 1
REPORT_EVERY_S = 0.5  # progress lines while building


@dataclass
class SymbolIndex:
    files: dict[str, str]  # path -> blob oid
    modules: dict[str, list[Record]]  # blob oid -> its definitions
    parsed: int = 0  # files parsed by the build that made this index (0: all came from the stored index)
    path: Path | None = None  # where it is stored
    _definitions: list[Definition] | None = field(default=None, repr=False)

    def definitions(self) -> list[Definition]:
        """Every definition, by path and then line; records that are not well formed are skipped."""
        if self._definitions is None:
            out: list[Definition] = []
            for path in sorted(self.files):
                for record in self.modules.get(self.files[path], []):
                    try:
                        out.append(Definition.from_record(path, record))
                    except (ValueError, TypeError):
                        continue
            self._definitions = out
        return self._definitions

    def in_file(self, path: str) -> Iterator[Definition]:
        return (d for d in self.definitions() if d.path == path)


def _tracked_python(repo: pygit2.Repository) -> dict[str, str]:
    files: dict[str, str] = {}
    for entry in repo.index:
        if entry.path.endswith(".py") and entry.mode in (pygit2.GIT_FILEMODE_BLOB, pygit2.GIT_FILEMODE_BLOB_EXECUTABLE):
            files[entry.path] = str(entry.id)
    return files


def _stored_modules(data: dict[str, Any] | None) -> dict[str, list[Record]]:
    modules = data.get("modules") if data else None
    if not isinstance(modules, dict):
        return {}
    return {oid: records for oid, records in modules.items() if isinstance(records, list)}


def build(root: Path, progress: Progress | None = None) -> SymbolIndex:
    """The index of the repository at ``root`` (a working tree, codey's scratch worktrees
    included), brought up to date with its tracked Python files and stored again when anything
    changed. Outside a repository: an empty index, stored nowhere."""
    progress = progress or SilentProgress()
    found = pygit2.discover_repository(str(root))
    if found is None:
        return SymbolIndex({}, {})
    repo = pygit2.Repository(found)
    files = _tracked_python(repo)
    folder = store.codey_dir(root)
    path = folder / store.FILE_NAME if folder else None
    stored = _stored_modules(store.load(path, VERSION)) if path else {}
    wanted = set(files.values())
    # other branches' and worktrees' files stay, until they outnumber this tree's
    keep_all = len(stored) <= 2 * len(wanted) + 1000
    modules = {oid: records for oid, records in stored.items() if keep_all or oid in wanted}
    todo = sorted(wanted - set(modules))
    if todo:
        progress.stage(f"indexing the symbols of {len(todo)} Python file{'s' if len(todo) != 1 else ''}")
    last = time.monotonic()
    for done, oid in enumerate(todo, 1):
        blob = repo.get(oid)
        modules[oid] = module_records(blob.data) if isinstance(blob, pygit2.Blob) else []
        if time.monotonic() - last >= REPORT_EVERY_S:
            progress.info(f"symbols: {done}/{len(todo)} files")
            last = time.monotonic()
    if path is not None and (todo or not keep_all):
        store.save(path, {"version": VERSION, "modules": modules})
    return SymbolIndex(files, {oid: modules[oid] for oid in wanted}, parsed=len(todo), path=path)
