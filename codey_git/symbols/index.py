"""The symbol index of a repository: every tracked Python file's definitions, kept in
``.git/codey/symbols.sqlite3`` by blob oid, so a file is parsed again only when its content
changes, and a run on an unchanged repository reads the list of oids and parses nothing.

The files and their oids come from the repository's index (the staged content, which is HEAD in
codey's scratch worktrees); each blob is read from the object store, not the working tree."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pygit2

from codey_git.progress import Progress, SilentProgress
from codey_git.symbols import store
from codey_git.symbols.definitions import Definition, Record, module_records
from codey_git.symbols.words import identifier_words

REPORT_EVERY_S = 0.5  # progress lines while building
BATCH = 500  # files written per transaction while building
_COLUMNS = "d.oid, d.qualname, d.kind, d.start, d.line, d.last, w.doc, w.literals, w.names, d.calls"
_FROM = "FROM defs d JOIN words w ON w.rowid = d.id"


@dataclass
class SymbolIndex:
    files: dict[str, str]  # path -> blob oid
    path: Path | None  # the database; None: outside a repository (an empty index)
    parsed: int = 0  # files parsed by the build that made this index (0: all were in the database)

    def _rows(self, where: str, args: Iterable[object] = ()) -> list[tuple[int, Definition]]:
        """(row id, definition) of the definitions ``where`` selects, once for each tracked path of
        their blob, by path and line."""
        if self.path is None:
            return []
        paths: dict[str, list[str]] = {}
        for path, oid in self.files.items():
            paths.setdefault(oid, []).append(path)
        db = sqlite3.connect(self.path, timeout=10)
        try:
            rows = db.execute(f"SELECT d.id, {_COLUMNS} {_FROM} WHERE {where}", tuple(args)).fetchall()
        finally:
            db.close()
        out = [(rowid, Definition.from_record(path, list(record))) for rowid, oid, *record in rows for path in paths.get(oid, [])]
        return sorted(out, key=lambda pair: (pair[1].path, pair[1].start, pair[1].qualname))

    def _where(self, column: str, values: Iterable[object]) -> list[Definition]:
        wanted = sorted(set(values), key=str)
        return [d for _id, d in self._rows(f"{column} IN ({','.join('?' * len(wanted))})", wanted)] if wanted else []

    def definitions(self) -> list[Definition]:
        """Every definition of the tracked files, by path and line (for small repositories)."""
        return self._where("d.oid", self.files.values())

    def in_file(self, path: str) -> list[Definition]:
        return [d for d in self._where("d.oid", [self.files.get(path, "")]) if d.path == path]

    def named(self, names: Iterable[str]) -> list[Definition]:
        """The definitions whose own name is one of ``names``."""
        return self._where("d.name", names)

    def search(self, words: Iterable[str], limit: int = 2000) -> list[tuple[Definition, float]]:
        """Definitions matching any of ``words``, by BM25 (FTS5's; a word of the name weighs 3,
        of the class 1.5, of the docstring, literals and identifiers 1), best first."""
        terms = sorted({w for w in words if w.replace("_", "").isalnum()})
        if self.path is None or not terms:
            return []
        match = " OR ".join(f'"{t}"' for t in terms)
        db = sqlite3.connect(self.path, timeout=10)
        try:
            rows = db.execute(
                "SELECT rowid, bm25(words, 3.0, 1.5, 1.0, 1.0, 1.0) FROM words WHERE words MATCH ? ORDER BY 2 LIMIT ?",
                (match, limit),
            ).fetchall()
        finally:
            db.close()
        score = {rowid: -value for rowid, value in rows}
        found = self._rows(f"d.id IN ({','.join('?' * len(score))})", list(score)) if score else []
        return sorted(((d, score[rowid]) for rowid, d in found), key=lambda pair: -pair[1])


def _tracked_python(repo: pygit2.Repository) -> dict[str, str]:
    files: dict[str, str] = {}
    for entry in repo.index:
        if entry.path.endswith(".py") and entry.mode in (pygit2.GIT_FILEMODE_BLOB, pygit2.GIT_FILEMODE_BLOB_EXECUTABLE):
            files[entry.path] = str(entry.id)
    return files


def _insert(db: sqlite3.Connection, oid: str, records: list[Record]) -> None:
    db.execute("INSERT OR REPLACE INTO modules (oid) VALUES (?)", (oid,))
    for qualname, kind, start, line, last, doc, literals, names, calls in records:
        name = str(qualname).rsplit(".", 1)[-1]
        cursor = db.execute(
            "INSERT INTO defs (oid, name, qualname, kind, start, line, last, calls) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (oid, name, qualname, kind, start, line, last, calls),
        )
        owner = " ".join(w for part in str(qualname).split(".")[:-1] for w in identifier_words(part))
        db.execute(
            "INSERT INTO words (rowid, name, owner, doc, literals, names) VALUES (?, ?, ?, ?, ?, ?)",
            (cursor.lastrowid, " ".join(identifier_words(name)), owner, doc, literals, names),
        )


def _prune(db: sqlite3.Connection, wanted: set[str], stored: set[str]) -> None:
    """Other branches' and worktrees' files stay, until they outnumber this tree's."""
    if len(stored) <= 2 * len(wanted) + 1000:
        return
    with db:
        for oid in stored - wanted:
            db.execute("DELETE FROM words WHERE rowid IN (SELECT id FROM defs WHERE oid = ?)", (oid,))
            db.execute("DELETE FROM defs WHERE oid = ?", (oid,))
            db.execute("DELETE FROM modules WHERE oid = ?", (oid,))


def _update(db: sqlite3.Connection, repo: pygit2.Repository, wanted: set[str], progress: Progress) -> int:
    stored = {oid for (oid,) in db.execute("SELECT oid FROM modules")}
    todo = sorted(wanted - stored)
    if todo:
        progress.stage(f"indexing the symbols of {len(todo)} Python file{'s' if len(todo) != 1 else ''}")
    last = time.monotonic()
    for first in range(0, len(todo), BATCH):
        with db:  # one transaction: a batch's files are in the index whole, or not at all
            for done, oid in enumerate(todo[first : first + BATCH], first + 1):
                blob = repo.get(oid)
                _insert(db, oid, module_records(blob.data) if isinstance(blob, pygit2.Blob) else [])
                if time.monotonic() - last >= REPORT_EVERY_S:
                    progress.info(f"symbols: {done}/{len(todo)} files")
                    last = time.monotonic()
    _prune(db, wanted, stored | set(todo))
    return len(todo)


def build(root: Path, progress: Progress | None = None) -> SymbolIndex:
    """The index of the repository at ``root`` (a working tree, codey's scratch worktrees
    included), brought up to date with its tracked Python files. Outside a repository: an empty
    index. Raises sqlite3.Error or OSError when the database cannot be written."""
    progress = progress or SilentProgress()
    found = pygit2.discover_repository(str(root))
    folder = store.codey_dir(root)
    if found is None or folder is None:
        return SymbolIndex({}, None)
    repo = pygit2.Repository(found)
    files = _tracked_python(repo)
    path = folder / store.FILE_NAME
    for last_try in (False, True):
        db = store.connect(path)
        try:
            parsed = _update(db, repo, set(files.values()), progress)
            return SymbolIndex(files, path, parsed)
        except sqlite3.DatabaseError:  # damaged past what opening it shows: start again, once
            if last_try:
                raise
            db.close()
            store.remove(path)
        finally:
            db.close()
    raise AssertionError("unreachable")
