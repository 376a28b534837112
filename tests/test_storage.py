"""Migrations on a real SQLite file, and transactions."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from storage import members
from storage.db import Database
from storage.migrations import apply_migrations, load_migrations


def schema(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return sorted(conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))


async def test_empty_database_gets_the_schema(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "new.db")
    assert await db.schema_version() == len(load_migrations())
    await db.close()
    assert any(name == "members" for name, _ in schema(tmp_path / "new.db"))
    with sqlite3.connect(tmp_path / "new.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "twice.db")
    before = schema(tmp_path / "twice.db")
    assert await db.migrate() == []
    await db.close()
    assert schema(tmp_path / "twice.db") == before


async def test_each_migration_applies_on_top_of_the_one_before(tmp_path: Path) -> None:
    path = tmp_path / "stairway.db"
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        for migration in load_migrations():
            assert await apply_migrations(conn, up_to=migration.version) == [migration.version]
            async with conn.execute("PRAGMA user_version") as cursor:
                row = await cursor.fetchone()
            assert row is not None and row[0] == migration.version
    finally:
        await conn.close()


async def test_failed_transaction_rolls_back(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "tx.db")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await members.create(
                session,
                user_id=1,
                pseudonym="Calm Otter",
                timezone="UTC",
                checkin_time="20:00",
                consent_version=1,
                pending_invite=None,
                awaiting="pseudonym",
                now=now,
            )
            raise RuntimeError("boom")
    async with db.read() as session:
        assert await members.get(session, 1) is None
    await db.close()


async def test_member_round_trip_and_delete(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "m.db")
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    async with db.transaction() as session:
        await members.create(
            session,
            user_id=5,
            pseudonym="Calm Otter",
            timezone="Asia/Tokyo",
            checkin_time="08:00",
            consent_version=1,
            pending_invite="abc",
            awaiting="pseudonym",
            now=now,
        )
        await members.update(session, 5, paused=1, paused_until=now)
    async with db.read() as session:
        row = await members.get(session, 5)
    assert row is not None
    assert (row.pseudonym, row.timezone, row.paused, row.paused_until) == (
        "Calm Otter",
        "Asia/Tokyo",
        True,
        now,
    )
    with pytest.raises(ValueError):
        async with db.transaction() as session:
            await members.update(session, 5, created_at=now)
    async with db.transaction() as session:
        await members.delete(session, 5)
        assert await members.get(session, 5) is None
    await db.close()
