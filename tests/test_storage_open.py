"""Database.open picks the engine by the storage URL's scheme, and either engine serves the
same repository calls (issue 19, stage 3). The PostgreSQL test is skipped without
PostgreSQL's binaries (tests/pg.py)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from storage import members
from storage.db import Database
from storage.engines.postgres import Database as PostgreSQLDatabase
from storage.engines.sqlite import Database as SQLiteDatabase
from storage.sealed import Keys
from storage.url import sqlite_url

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = os.urandom(32)


async def _member_round_trip(db: Database) -> str | None:
    """One repository write and its read back, through the engine-neutral names."""
    try:
        async with db.transaction() as session:
            await members.create(
                session,
                user_id=7,
                pseudonym="Quiet Fox",
                timezone="Europe/Berlin",
                checkin_time="20:00",
                consent_version=1,
                pending_invite=None,
                awaiting="timezone",
                now=NOW,
            )
        async with db.read() as session:
            row = await members.get(session, 7)
        return None if row is None else row.pseudonym
    finally:
        await db.close()


async def test_a_sqlite_url_opens_the_sqlite_engine(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    db = await Database.open(sqlite_url(path), keys=Keys(key=KEY), now=lambda: NOW)
    assert isinstance(db, SQLiteDatabase)
    assert db.path == path
    assert await _member_round_trip(db) == "Quiet Fox"


async def test_a_path_still_opens_sqlite_as_before(tmp_path: Path) -> None:
    for path in (tmp_path / "as-path.db", str(tmp_path / "as-text.db")):
        db = await Database.open(path, keys=Keys(key=KEY))
        assert isinstance(db, SQLiteDatabase)
        assert await _member_round_trip(db) == "Quiet Fox"


async def test_a_postgresql_url_opens_the_postgresql_engine(pg_database: str) -> None:
    db = await Database.open(pg_database, keys=Keys(key=KEY), now=lambda: NOW)
    assert isinstance(db, PostgreSQLDatabase)
    assert await _member_round_trip(db) == "Quiet Fox"
