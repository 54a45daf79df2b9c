"""The index's file under ``.git/codey/``: an SQLite database (the standard library's), so that a
run reads only what it asks for, a file's definitions are replaced in one transaction (a crash
mid-write rolls back, never leaving half an update), and BM25 comes from SQLite's FTS5. A file of
another version, or one SQLite cannot read, is deleted and built again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pygit2

FILE_NAME = "symbols.sqlite3"
SCHEMA_VERSION = 1

_SCHEMA = f"""
CREATE TABLE modules (oid TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE defs (id INTEGER PRIMARY KEY, oid TEXT NOT NULL, name TEXT NOT NULL, qualname TEXT NOT NULL,
                   kind TEXT NOT NULL, start INTEGER NOT NULL, line INTEGER NOT NULL, last INTEGER NOT NULL,
                   calls TEXT NOT NULL);
CREATE INDEX defs_oid ON defs (oid);
CREATE INDEX defs_name ON defs (name);
CREATE VIRTUAL TABLE words USING fts5(name, owner, doc, literals, names, tokenize="unicode61 tokenchars '_'");
PRAGMA user_version = {SCHEMA_VERSION};
"""


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


def _usable(db: sqlite3.Connection) -> bool:
    try:
        row = db.execute("PRAGMA user_version").fetchone()
        if not row or row[0] != SCHEMA_VERSION:
            return False
        db.execute("SELECT count(*) FROM modules").fetchone()
        db.execute("SELECT rowid FROM words LIMIT 1").fetchone()
    except sqlite3.DatabaseError:
        return False
    return True


def remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal")):
        leftover.unlink(missing_ok=True)


def connect(path: Path) -> sqlite3.Connection:
    """The index database at ``path``, made anew when missing, of another version or unreadable.
    Raises sqlite3.Error or OSError when it cannot be made at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=10)
    if _usable(db):
        return db
    db.close()
    remove(path)
    db = sqlite3.connect(path, timeout=10)
    try:
        db.executescript(_SCHEMA)
    except sqlite3.Error:
        db.close()
        raise
    return db
