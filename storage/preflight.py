"""Before the database is used: refuse a file the bot cannot use, in one line naming the fix.

The operator reads that line in the journal; the exit code (the CLI's) lets systemd see a
failed start. Each check is what really fails here, not a guess: SQLite opens a file it may
not write read-only without a word, so only a write tells whether it can write.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

# What SQLite says about the file itself rather than about a statement: the primary result
# code (the low byte of an extended one) of the error it raised.
_DAMAGED = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
_UNWRITABLE = frozenset({sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM})
_LOCKED = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
# How long a check waits for another process's write to finish (the bot's busy_timeout).
BUSY_SECONDS = 5.0
WHO = "the user the bot runs as"


class DatabaseFileError(Exception):
    """The database file cannot be used as it is; the message is one line naming it and
    what to do."""


def damaged(path: Path, detail: str) -> DatabaseFileError:
    return DatabaseFileError(
        f"{path} is not a peercircle database or is damaged ({one_line(detail)}): restore a "
        "backup (peercircle restore BACKUP) or move it aside"
    )


def unwritable(path: Path, reason: str) -> DatabaseFileError:
    return DatabaseFileError(
        f"{path} is not writable ({reason}): the bot must write to its database; make it "
        f"writable by {WHO} (chown, chmod 600, chattr -i)"
    )


def one_line(text: str, limit: int = 120) -> str:
    """`text` on one line and short: SQLite's quick_check reports span lines."""
    joined = " ".join(text.split())
    return joined if len(joined) <= limit else joined[: limit - 1] + "…"


def as_file_error(path: Path, error: sqlite3.Error) -> DatabaseFileError | None:
    """The operator's line for an SQLite error about the file; None for any other error."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return None
    if code & 0xFF in _DAMAGED:
        return damaged(path, str(error))
    if code & 0xFF in _UNWRITABLE:
        return DatabaseFileError(
            f"{path} cannot be written ({error}): the bot writes to it and creates its -wal "
            f"and -shm files beside it; make the file and its folder writable by {WHO} "
            "(chown, chmod, chattr -i)"
        )
    if code & 0xFF in _LOCKED:
        return DatabaseFileError(
            f"{path} stayed locked by another process for {BUSY_SECONDS:g} s ({error}): is a "
            "restore or an sqlite3 shell holding it? Stop it and start again"
        )
    return None


def check_database_file(path: Path, *, empty_ok: bool = False, writable: bool = True) -> None:
    """Refuse what SQLite would misread or fail on later, without opening the file.

    A missing file is fine (the first start makes it) when its folder takes new files. An
    empty one is refused: SQLite would silently make a new, empty database of it, and the
    members' data would seem gone; `empty_ok` is `peercircle migrate` making one on purpose.
    `writable`: the file and its folder (for the -wal and -shm files) must take writes.
    """
    if path.is_dir():
        raise DatabaseFileError(f"{path} is a folder: set storage.path to a database file")
    if not path.exists():
        if writable:
            check_folder_writable(path.parent)
        return
    if path.stat().st_size == 0 and not empty_ok:
        raise DatabaseFileError(
            f"{path} is empty (0 bytes), so it holds no database: to begin a new one there on "
            "purpose, run `peercircle migrate`; otherwise restore a backup "
            "(peercircle restore BACKUP)"
        )
    if writable:
        check_folder_writable(path.parent)
        # access(2) asks the kernel with the same checks a write meets: the mode for most
        # users, and the immutable flag or a read-only mount for root too.
        if not os.access(path, os.W_OK):
            raise unwritable(path, f"{WHO} may not write it")


def check_folder_writable(folder: Path) -> None:
    """Make and remove a file in `folder`, as SQLite makes its -wal and -shm files there."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".peercircle-write-check-"):
            pass
    except OSError as error:
        where = error.filename or folder
        raise DatabaseFileError(
            f"cannot create files in {where} ({error.strerror}): the database and its -wal "
            f"and -shm files live there; make the folder writable by {WHO} (chown, chmod 700, "
            "chattr -i) or set storage.path elsewhere"
        ) from None


def check_writes(raw: sqlite3.Connection, path: Path) -> None:
    """Refuse a database this connection cannot write: a write, rolled back.

    SQLite opens a file it may not write read-only without a word, and BEGIN IMMEDIATE
    succeeds on it; only the first write fails. Nothing reaches the file: the write stays
    in the transaction, which is rolled back.
    """
    try:
        raw.execute("BEGIN IMMEDIATE")
        try:
            raw.execute("CREATE TABLE peercircle_write_check (x INTEGER)")
        finally:
            raw.execute("ROLLBACK")
    except sqlite3.Error as error:
        translated = as_file_error(path, error)
        if translated is None:
            raise
        raise translated from None


def verify_database(path: Path, *, empty_ok: bool = False, writable: bool = True) -> None:
    """The whole check before a start, a migration or a backup.

    check_database_file, then every page read once (SQLite's quick_check: a damaged page
    anywhere, not only in what the start reads) and, when `writable`, a write rolled back.
    quick_check reads the whole file: 2.5 to 4 s for 460 MB (bench.generate's 100,000
    members with 3 million check-ins) from the page cache, 6.8 s from a cold disk;
    milliseconds for a database of a few MB.
    """
    check_database_file(path, empty_ok=empty_ok, writable=writable)
    if not path.is_file() or path.stat().st_size == 0:
        return  # nothing to read: the start or `migrate` makes it
    try:
        with closing(sqlite3.connect(path, isolation_level=None, timeout=BUSY_SECONDS)) as raw:
            problems = [str(row[0]) for row in raw.execute("PRAGMA quick_check")]
            if problems == ["ok"] and writable:
                check_writes(raw, path)
    except sqlite3.Error as error:
        translated = as_file_error(path, error)
        if translated is None:
            raise
        raise translated from None
    if problems != ["ok"]:
        raise damaged(path, problems[0])
