"""Database errors by what they mean, not by which engine raised them.

bot/ and handlers/ catch these tuples and never import a driver. SQLite's own classes are
in them as they always were; PostgreSQL's engine turns asyncpg's errors into StorageFault or
StorageError where they leave it (storage.engines.postgres), so neither this module nor a
SQLite start imports asyncpg, and a tuple bound at import needs no engine known yet.
"""

from __future__ import annotations

import sqlite3


class StorageError(Exception):
    """An error an engine raised, in the project's words (for engines whose driver classes
    bot/ does not name): a bug or a refusal, not something that passes."""

    # The driver's own error, for a debugger: not the cause in a logged traceback when its
    # message may quote a value (storage.engines.postgres.raise_storage_error).
    driver_error: BaseException | None = None


class StorageFault(StorageError):
    """A database that refused for now (unreachable, a lock or statement timeout, out of
    space, read-only): the work is tried again when storage recovers."""


class DatabaseServerError(Exception):
    """The PostgreSQL database cannot be used as it is; one line naming it and the fix.
    (Raised by storage.engines.postgres_preflight; here so a command can catch it without
    loading asyncpg.)"""


# A write or read the database refused for now (a full disk, a read-only file, a lock held
# too long, a lost connection): the work is tried again when storage recovers. A damaged
# file or a bug is not one.
STORAGE_FAULTS: tuple[type[Exception], ...] = (sqlite3.OperationalError, StorageFault)

# Anything the database raised, faults and bugs alike: for places that only log and go on.
STORAGE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, StorageError)
