"""Database errors by what they mean, not by which engine raised them.

bot/ and handlers/ catch these tuples and never import a driver, so a second engine only adds
its own classes here. Tuples, not wrapping, keep the hot path free of an extra layer.
"""

from __future__ import annotations

import sqlite3

# A write or read the database refused for now (a full disk, a read-only file, a lock held
# too long): the work is tried again when storage recovers. A damaged file or a bug is not one.
STORAGE_FAULTS: tuple[type[Exception], ...] = (sqlite3.OperationalError,)

# Anything the database raised, faults and bugs alike: for places that only log and go on.
STORAGE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error,)
