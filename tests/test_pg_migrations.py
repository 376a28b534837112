"""PostgreSQL's migrations: each with its record in one transaction, once however many
workers start together. Skipped, saying why, without PostgreSQL's binaries (tests/pg.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from storage.engines.postgres import connect
from storage.migrations import Migration
from storage.migrations.postgresql import (
    apply_postgresql_migrations,
    load_postgresql_migrations,
    schema_version,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FIRST = Migration(1, "0001_members.sql", "CREATE TABLE members (user_id bigint PRIMARY KEY)")
SECOND = Migration(2, "0002_notes.sql", "CREATE TABLE notes (id bigint, note text)")


async def records(conn: Any) -> list[tuple[int, str, str]]:
    rows = await conn.fetch("SELECT version, name, applied_at FROM schema_migrations ORDER BY 1")
    return [tuple(row) for row in rows]


async def test_each_migration_runs_once_and_is_recorded(pg_database: str) -> None:
    conn = await connect(pg_database)
    try:
        assert await schema_version(conn) == 0
        assert await apply_postgresql_migrations(conn, [FIRST], lambda: NOW) == [1]
        assert await apply_postgresql_migrations(conn, [FIRST, SECOND], lambda: NOW) == [2]
        assert await apply_postgresql_migrations(conn, [FIRST, SECOND], lambda: NOW) == []
        assert await schema_version(conn) == 2
        assert await records(conn) == [
            (1, "0001_members.sql", "2026-03-02T09:00:00+00:00"),
            (2, "0002_notes.sql", "2026-03-02T09:00:00+00:00"),
        ]
    finally:
        await conn.close()


async def test_a_failing_migration_leaves_neither_its_tables_nor_its_record(
    pg_database: str,
) -> None:
    broken = Migration(2, "0002_notes.sql", "CREATE TABLE notes (id bigint); SELECT 1 / 0")
    conn = await connect(pg_database)
    try:
        with pytest.raises(asyncpg.exceptions.DivisionByZeroError):
            await apply_postgresql_migrations(conn, [FIRST, broken], lambda: NOW)
        assert await conn.fetchval("SELECT to_regclass('notes')") is None
        assert [version for version, *_ in await records(conn)] == [1]
        assert await apply_postgresql_migrations(conn, [FIRST, SECOND], lambda: NOW) == [2]
    finally:
        await conn.close()


async def test_workers_starting_together_apply_each_migration_once(pg_database: str) -> None:
    # The first migration takes a while, so the workers' transactions meet at the lock.
    slow = Migration(1, "0001_members.sql", f"SELECT pg_sleep(0.3); {FIRST.sql}")
    workers = [await connect(pg_database) for _ in range(3)]
    try:
        applied = await asyncio.gather(
            *(apply_postgresql_migrations(w, [slow, SECOND], lambda: NOW) for w in workers)
        )
        assert sorted(v for versions in applied for v in versions) == [1, 2]
        assert [version for version, *_ in await records(workers[0])] == [1, 2]
    finally:
        await asyncio.gather(*(w.close() for w in workers))


def test_postgresql_migrations_are_numbered_from_one_without_gaps() -> None:
    shipped = load_postgresql_migrations()
    assert [m.version for m in shipped] == list(range(1, len(shipped) + 1))


async def test_the_audit_log_refuses_changes_but_a_resealing_transaction(
    pg_database: str,
) -> None:
    conn = await connect(pg_database)
    try:
        await apply_postgresql_migrations(conn, load_postgresql_migrations()[:7])
        await conn.execute(
            "INSERT INTO audit_log (at, moderator_id, moderator_name, action, reason) "
            "VALUES ('2026-03-02T09:00:00+00:00', 1, 'Mod', 'warn', 'enc1:old')"
        )
        for change in ("UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(asyncpg.exceptions.RestrictViolationError, match="append-only"):
                await conn.execute(change)
        async with conn.transaction():  # what a key rotation does (storage.rotation)
            await conn.execute("SET LOCAL peercircle.resealing = 'on'")
            await conn.execute("UPDATE audit_log SET reason = 'enc1:new'")
        assert await conn.fetchval("SELECT reason FROM audit_log") == "enc1:new"
        with pytest.raises(asyncpg.exceptions.RestrictViolationError):
            await conn.execute("UPDATE audit_log SET reason = 'x'")  # only in that transaction
    finally:
        await conn.close()
