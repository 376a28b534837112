"""A lock held too long and a lost connection are storage faults on either engine: bot/ sees
storage.faults' tuples and tries the work again, never a driver's class (issue 19, stage 3).

SQLite runs in the process and has no connection to lose; its nearest fault, a database
that refuses writes, is here beside its lock timeout. The PostgreSQL tests are skipped
without PostgreSQL's binaries (tests/pg.py).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from bot.runtime.faults import is_storage_fault
from storage import members
from storage.db import Database
from storage.engines.postgres import Database as PostgreSQLDatabase
from storage.engines.postgres import Timeouts
from storage.engines.postgres_preflight import DatabaseServerError
from storage.faults import STORAGE_ERRORS, STORAGE_FAULTS
from storage.sealed import Keys

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = os.urandom(32)
ROOT = Path(__file__).resolve().parent.parent


async def _create_member(db: Database, user_id: int = 7) -> None:
    async with db.transaction() as session:
        await members.create(
            session,
            user_id=user_id,
            pseudonym=f"Quiet Fox {user_id}",
            timezone="Europe/Berlin",
            checkin_time="20:00",
            consent_version=1,
            pending_invite=None,
            awaiting="timezone",
            now=NOW,
        )


async def _member_count(db: Database) -> int:
    async with db.read() as session:
        row = await session.fetch_one("SELECT count(*) FROM members")
    assert row is not None
    return int(row[0])


def _fault_of(caught: pytest.ExceptionInfo[Exception]) -> Exception:
    error = caught.value
    assert isinstance(error, STORAGE_FAULTS), type(error).__mro__
    assert is_storage_fault(error)
    return error


# SQLite ---------------------------------------------------------------------------------


async def test_sqlite_a_lock_held_past_the_busy_timeout_is_a_storage_fault(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.db"
    db = await Database.open(path, keys=Keys(key=KEY))
    holder = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(Exception) as caught:
            await _create_member(db)  # waits out busy_timeout (5 s)
        assert "locked" in str(_fault_of(caught))
        holder.execute("ROLLBACK")
        await _create_member(db)  # and the database works again once the lock is let go
        assert await _member_count(db) == 1
    finally:
        holder.close()
        await db.close()


async def test_sqlite_a_database_refusing_writes_is_a_storage_fault(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.db", keys=Keys(key=KEY))
    try:
        async with db.read() as session:
            await session.execute("PRAGMA query_only = ON")
        with pytest.raises(Exception) as caught:
            await _create_member(db)
        _fault_of(caught)
    finally:
        await db.close()


# PostgreSQL -----------------------------------------------------------------------------


async def test_postgresql_a_lock_held_past_the_lock_timeout_is_a_storage_fault(
    pg_database: str,
) -> None:
    db = await PostgreSQLDatabase.connect_to(
        pg_database, keys=Keys(key=KEY), now=lambda: NOW, timeouts=Timeouts(lock=0.3)
    )
    holder = await asyncpg.connect(pg_database)
    try:
        async with holder.transaction():
            await holder.execute("LOCK TABLE members IN EXCLUSIVE MODE")
            started = time.monotonic()
            with pytest.raises(Exception) as caught:
                await _create_member(db)
            assert time.monotonic() - started < 5
        assert "lock timeout" in str(_fault_of(caught))
        await _create_member(db)  # rolled back cleanly: the connection goes on
        assert await _member_count(db) == 1
    finally:
        await holder.close()
        await db.close()


async def test_postgresql_a_dropped_connection_is_a_storage_fault(pg_database: str) -> None:
    db = await Database.open(pg_database, keys=Keys(key=KEY), now=lambda: NOW)
    admin = await asyncpg.connect(pg_database)
    try:
        await _create_member(db, 7)
        # Mid-transaction, on the statement that meets the closed socket (dropped inside the
        # transaction: dropped between two, the next one would connect again first)...
        with pytest.raises(Exception) as caught:
            async with db.transaction() as session:
                await session.execute("SELECT 1")
                ended = await admin.fetchval(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND application_name = 'peercircle'"
                )
                assert ended == 1
                await session.execute("DELETE FROM members")
        _fault_of(caught)
        # ...and the next call connects again (storage.engines.postgres) and sees the data.
        assert await _member_count(db) == 1
    finally:
        await admin.close()
        await db.close()


async def test_postgresql_a_server_that_cannot_be_reached_at_start_is_refused_in_one_line(
    pg_database: str,
) -> None:
    """At start it is the start checks' refusal (storage.engines.postgres_preflight), not a
    fault to wait out: the operator reads one line; once running, a lost server is a fault
    and the engine connects again (tests/test_pg_reconnect.py)."""
    unreachable = pg_database.rsplit(":", 1)[0] + ":1/nowhere"
    with pytest.raises(DatabaseServerError) as caught:
        await Database.open(unreachable, keys=Keys(key=KEY))
    assert "cannot reach PostgreSQL" in str(caught.value) and "\n" not in str(caught.value)


async def test_postgresql_a_bug_is_a_storage_error_not_a_fault(pg_database: str) -> None:
    db = await Database.open(pg_database, keys=Keys(key=KEY), now=lambda: NOW)
    try:
        with pytest.raises(Exception) as caught:
            async with db.read() as session:
                await session.fetch_one("SELECT no_such_column FROM members")
        assert isinstance(caught.value, STORAGE_ERRORS)
        assert not is_storage_fault(caught.value)
        # Its words name the class and SQLSTATE only: a data error's message may quote a value.
        assert str(caught.value) == "UndefinedColumnError (SQLSTATE 42703)"
    finally:
        await db.close()


# Neither -------------------------------------------------------------------------------


def test_a_sqlite_start_never_imports_asyncpg(tmp_path: Path) -> None:
    """The fault tuples name no asyncpg class: the bot, and a SQLite database opened by its
    URL, load no PostgreSQL driver."""
    script = (
        "import asyncio, sys\n"
        "import bot.app\n"
        "from storage.db import Database\n"
        "from storage.sealed import Keys\n"
        "async def main():\n"
        f"    url = 'sqlite:///{tmp_path / 'bot.db'}'\n"
        "    db = await Database.open(url, keys=Keys(key=bytes(32)))\n"
        "    await db.close()\n"
        "asyncio.run(main())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'asyncpg'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
