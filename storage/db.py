"""The database as repositories see it: Database, Session and Row, whatever the engine.

The names stay here so that repositories, the bot and the tests import them from one place;
the engines that serve them live in storage.engines, and Database.open(url) picks one by the
URL's scheme (storage.engines.base).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.config import StorageSettings
from storage.engines.base import Database, Params, Row, Session, without
from storage.engines.sqlite import CHECKPOINT_PAGES

__all__ = [
    "CHECKPOINT_PAGES",
    "Database",
    "Params",
    "Row",
    "Session",
    "open_configured",
    "without",
]


async def open_configured(
    storage: StorageSettings,
    *,
    now: Callable[[], datetime] | None = None,
    migrate: bool = True,
) -> Database:
    """The configured database: SQLite's file by its path, as ever, or PostgreSQL by its URL
    with the password from the environment or its file (never part of the URL)."""
    if storage.database.engine == "sqlite":
        return await Database.open(storage.path, now=now, keys=storage.keys, migrate=migrate)
    password = storage.database_password
    return await Database.open(
        storage.database.text,
        now=now,
        keys=storage.keys,
        password=None if password is None else password.get_secret_value(),
        migrate=migrate,
    )
