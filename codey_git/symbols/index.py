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
from functools import cached_property
from pathlib import Path

import pygit2

from codey_git.progress import Progress, SilentProgress
from codey_git.symbols import store
from codey_git.symbols.definitions import Definition, Record, module_records
from codey_git.symbols.words import identifier_words

REPORT_EVERY_S = 0.5  # progress lines while building
BATCH = 500  # files written per transaction while building
BUILD_BUDGET_S = 15.0  # most seconds one run spends indexing (a first run on a 10,000-file repository needs minutes)
# a definition's columns; its words (docstring, literals, identifiers) are in the FTS table
_DEFINITION = "d.oid, d.qualname, d.kind, d.start, d.line, d.last"
_WITH_WORDS = f"{_DEFINITION}, w.doc, w.literals, w.names, d.calls FROM defs d JOIN words w ON w.rowid = d.id"
_NO_WORDS = f"{_DEFINITION}, '', '', '', d.calls FROM defs d"
# the best FTS matches by BM25 (FTS5's; the lower the better), weights in the columns' order
_BEST = "SELECT rowid, bm25(words, 3.0, 1.5, 1.0, 1.0, 1.0) AS score FROM words WHERE words MATCH ? ORDER BY score LIMIT ?"


def _marks(values: list[object]) -> str:
    return ",".join("?" * len(values))


@dataclass
class SymbolIndex:
    files: dict[str, str]  # path -> blob oid
    path: Path | None  # the database; None: outside a repository (an empty index)
    parsed: int = 0  # files parsed by the build that made this index (0: all were in the database)

    @cached_property
    def _paths(self) -> dict[str, list[str]]:
        """blob oid -> the tracked paths with that content."""
        paths: dict[str, list[str]] = {}
        for path, oid in self.files.items():
            paths.setdefault(oid, []).append(path)
        return paths

    def _rows(self, sql: str, args: Iterable[object] = ()) -> list[tuple[float, Definition]]:
        """(score, definition) of each row ``sql`` selects ((score, oid, qualname, kind, start, line,
        last, doc, literals, names, calls)), once for each tracked path of its blob, by path and line."""
        if self.path is None:
            return []
        db = sqlite3.connect(self.path, timeout=10)
        try:
            rows = db.execute(sql, tuple(args)).fetchall()
        finally:
            db.close()
        out = [(score, Definition.from_record(path, record)) for score, oid, *record in rows for path in self._paths.get(oid, ())]
        return sorted(out, key=lambda pair: (pair[1].path, pair[1].start, pair[1].qualname))

    def _where(self, columns: str, where: str, values: Iterable[object], more: Iterable[object] = ()) -> list[Definition]:
        wanted = sorted(set(values), key=str)
        extra = list(more)
        if not wanted:
            return []
        sql = f"SELECT 0.0, {columns} WHERE {where.format(_marks(wanted), _marks(extra))}"
        return [d for _score, d in self._rows(sql, [*wanted, *extra])]

    def definitions(self) -> list[Definition]:
        """Every definition of the tracked files, by path and line (for small repositories)."""
        return self._where(_WITH_WORDS, "d.oid IN ({0})", self.files.values())

    def in_file(self, path: str) -> list[Definition]:
        return [d for d in self._where(_WITH_WORDS, "d.oid IN ({0})", [self.files.get(path, "")]) if d.path == path]

    def named(self, names: Iterable[str], paths: Iterable[str] | None = None) -> list[Definition]:
        """The definitions whose own name is one of ``names`` (in the files ``paths`` when given), by
        path and line; their words are not read (``doc``, ``literals`` and ``names`` are empty)."""
        if paths is None:
            return self._where(_NO_WORDS, "d.name IN ({0})", names)
        oids = sorted({self.files[p] for p in paths if p in self.files})
        return self._where(_NO_WORDS, "d.name IN ({0}) AND d.oid IN ({1})", names, oids) if oids else []

    def search(self, words: Iterable[str], limit: int = 2000) -> list[tuple[Definition, float]]:
        """Definitions matching any of ``words``, by BM25 (FTS5's; a word of the name weighs 3,
        of the class 1.5, of the docstring, literals and identifiers 1), best first (then by path and
        line). One query: the ``limit`` best matches joined to their definitions, whose words are not
        read (``doc``, ``literals`` and ``names`` are empty)."""
        terms = sorted({w for w in words if w.replace("_", "").isalnum()})
        if self.path is None or not terms:
            return []
        match = " OR ".join(f'"{t}"' for t in terms)
        found = self._rows(f"SELECT -m.score, {_NO_WORDS} JOIN ({_BEST}) m ON m.rowid = d.id", (match, limit))
        return [(d, score) for score, d in sorted(found, key=lambda pair: -pair[0])]


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


def _update(db: sqlite3.Connection, repo: pygit2.Repository, wanted: set[str], progress: Progress, budget_s: float) -> int:
    """Index the files of ``wanted`` not in the database yet, for at most ``budget_s`` seconds (the
    rest waits for the next run); returns how many were parsed."""
    stored = {oid for (oid,) in db.execute("SELECT oid FROM modules")}
    todo = sorted(wanted - stored)
    if todo:
        progress.stage(f"indexing the symbols of {len(todo)} Python file{'s' if len(todo) != 1 else ''}")
    start = last = time.monotonic()
    done = 0
    for first in range(0, len(todo), BATCH):
        with db:  # one transaction: each file is in the index whole, or not at all
            for oid in todo[first : first + BATCH]:
                if time.monotonic() - start >= budget_s:
                    break
                blob = repo.get(oid)
                _insert(db, oid, module_records(blob.data) if isinstance(blob, pygit2.Blob) else [])
                done += 1
                if time.monotonic() - last >= REPORT_EVERY_S:
                    progress.info(f"symbols: {done}/{len(todo)} files")
                    last = time.monotonic()
        if done < min(first + BATCH, len(todo)):
            progress.info(f"symbols: {done} of {len(todo)} files indexed within {budget_s:g} s; the next run goes on from there")
            break
    _prune(db, wanted, stored | set(todo[:done]))
    return done


def build(root: Path, progress: Progress | None = None, budget_s: float | None = None) -> SymbolIndex:
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
            parsed = _update(db, repo, set(files.values()), progress, BUILD_BUDGET_S if budget_s is None else budget_s)
            return SymbolIndex(files, path, parsed)
        except sqlite3.DatabaseError:  # damaged past what opening it shows: start again, once
            if last_try:
                raise
            db.close()
            store.remove(path)
        finally:
            db.close()
    raise AssertionError("unreachable")
