"""Consistent copies of the database with SQLite's online backup, checked before trusting."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from storage.private import private_file


class BackupError(Exception):
    """A copy that cannot be made or that fails its integrity check."""


def integrity(path: Path) -> str:
    """PRAGMA integrity_check of a database file: "ok" when sound."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database ({error})") from None
    return "; ".join(str(r[0]) for r in rows)


def backup(source: Path, target: Path) -> None:
    """Copy `source` to `target` while the bot may be running, then check the copy."""
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    private_file(partial)  # a copy of health data is as private as the original
    with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
        src.backup(dst)  # a snapshot: writers may go on meanwhile
        # One self-contained file: no -wal or -shm beside the copy (left behind, they
        # were stray files, and a copy moved without them could lose its last pages).
        dst.execute("PRAGMA journal_mode=DELETE")
    src.close()
    dst.close()
    result = integrity(partial)
    if result != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check: {result}")
    os.replace(partial, target)


def restore(source: Path, target: Path) -> None:
    """Put a checked backup in place of the database (the bot must be stopped)."""
    result = integrity(source)
    if result != "ok":
        raise BackupError(f"{source} failed its integrity check: {result}; not restored")
    target.parent.mkdir(parents=True, exist_ok=True)
    private_file(target)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    dst.close()
    if integrity(target) != "ok":
        raise BackupError(f"{target} failed its integrity check after the restore")
