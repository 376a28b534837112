"""Migrations on a real SQLite file, and transactions."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from storage import members
from storage.backup import backup, restore
from storage.db import CHECKPOINT_PAGES, Database
from storage.migrations import apply_migrations, load_migrations
from storage.update_marks import MARK_SQL
from tests.engines import OpenDb


def schema(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path, timeout=30) as conn:
        return sorted(conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))


@pytest.mark.sqlite_only("WAL journal and PRAGMAs of the file")
async def test_empty_database_gets_the_schema(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "new.db")
    assert await db.schema_version() == len(load_migrations())
    await db.close()
    assert any(name == "members" for name, _ in schema(tmp_path / "new.db"))
    with sqlite3.connect(tmp_path / "new.db", timeout=30) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # The checkpoint interval is per connection: the bot's own is the one that counts.
    db = await Database.open(tmp_path / "new.db")
    async with db.read() as session:
        row = await session.fetch_one("PRAGMA wal_autocheckpoint")
    await db.close()
    assert row is not None and row[0] == CHECKPOINT_PAGES


@pytest.mark.sqlite_only("compares sqlite_master")
async def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "twice.db")
    before = schema(tmp_path / "twice.db")
    assert await db.migrate() == []
    await db.close()
    assert schema(tmp_path / "twice.db") == before


@pytest.mark.sqlite_only("SQLite's migration files, by user_version")
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


async def test_failed_transaction_rolls_back(open_db: OpenDb) -> None:
    db = await open_db()
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


async def test_execute_many_says_how_many_rows_it_changed(open_db: OpenDb) -> None:
    """Counted by the statements themselves, not read from SQLite's total_changes()."""
    db = await open_db()
    stamp = "2026-01-01T00:00:00+00:00"
    forget = "DELETE FROM handled_updates WHERE update_id = ?"
    try:
        async with db.transaction() as session:
            added = await session.execute_many(MARK_SQL, [(1, stamp), (2, stamp), (1, stamp)])
            gone = await session.execute_many(forget, [(1,), (9,)])
            none = await session.execute_many(forget, [])
    finally:
        await db.close()
    assert (added, gone, none) == (2, 1, 0)


async def test_member_round_trip_and_delete(open_db: OpenDb) -> None:
    db = await open_db()
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


@pytest.mark.sqlite_only("an old SQLite file")
async def test_a_version_1_database_with_members_migrates_forward(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = await aiosqlite.connect(path, isolation_level=None)
    await apply_migrations(conn, up_to=1)
    await conn.execute(
        "INSERT INTO members (user_id, pseudonym, timezone, checkin_time, consent_at, "
        "consent_version, created_at) VALUES (9, 'Calm Otter', 'UTC', '20:00', "
        "'2026-01-01T00:00:00+00:00', 1, '2026-01-01T00:00:00+00:00')"
    )
    await conn.close()
    db = await Database.open(path)
    async with db.read() as session:
        row = await members.get(session, 9)
    assert row is not None and row.weekly_reflection and row.next_checkin_at is None
    await db.close()


async def test_checkins_replace_and_outbox_keys_are_idempotent(open_db: OpenDb) -> None:
    from datetime import date

    from storage import checkins, outbox

    db = await open_db()
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    day = date(2026, 1, 1)
    async with db.transaction() as session:
        await members.create(
            session,
            user_id=5,
            pseudonym="Calm Otter",
            timezone="UTC",
            checkin_time="08:00",
            consent_version=1,
            pending_invite=None,
            awaiting="",
            now=now,
        )
        assert await checkins.record(session, 5, day, 3, 5, now) is False
        assert await checkins.record(session, 5, day, 4, 6, now) is True
        assert await checkins.set_note(session, 5, day, "mine") is True
        assert await checkins.set_note(session, 5, date(2026, 1, 2), "none") is False
        assert await checkins.existing(session, [(5, day), (5, date(2026, 1, 2))]) == {(5, day)}
        new = [outbox.NewMessage(f"k{i % 3}", 5, 5, "test", "{}") for i in range(5)]
        assert await outbox.enqueue_many(session, new, now, now) == 3
        assert await outbox.enqueue_many(session, new, now, now) == 0
        assert await outbox.pending_count(session) == 3
        assert await outbox.drop_pending_for_chat(session, 5, now) == 3
        assert await outbox.pending_count(session) == 0
        rows = await checkins.since(session, 5, day)
    assert [(r.mood, r.confidence, r.has_note) for r in rows] == [(4, 6, True)]
    await db.close()


@pytest.mark.sqlite_only("file modes of the database, its log and backups")
async def test_the_database_its_log_and_its_backups_are_private(tmp_path: Path) -> None:
    # Health data: readable by the bot's own user only, whatever the umask.
    old = tmp_path / "old.db"
    old.touch(mode=0o644)
    old.chmod(0o644)
    for path in (tmp_path / "new.db", old):
        db = await Database.open(path, empty_ok=True)  # as `peercircle migrate` does
        async with db.transaction() as session:  # a write, so the log files exist
            await session.execute("INSERT INTO alert_outcomes VALUES ('urgent', 'raised', 1)")
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        assert [f.stat().st_mode & 0o777 for f in files] == [0o600] * 3, path
        backup(path, tmp_path / "backups" / f"{path.stem}.copy")
        await db.close()
    copy = tmp_path / "backups" / "old.copy"
    assert copy.stat().st_mode & 0o777 == 0o600
    # Each copy is one self-contained file: nothing else is left in the folder.
    assert sorted(p.name for p in copy.parent.iterdir()) == ["new.copy", "old.copy"]
    restored = tmp_path / "restored.db"
    restore(copy, restored)
    assert restored.stat().st_mode & 0o777 == 0o600
