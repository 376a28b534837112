"""After /forget, checkpoint() on PostgreSQL vacuums the bot's tables, so a forgotten
member's old row versions leave them. (PostgreSQL cannot reach its write-ahead log, replicas
or dumps: README says what erasure means there.) Skipped without PostgreSQL's binaries
(tests/pg.py)."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest

from storage import members
from storage.engines.postgres import Database, Timeouts
from storage.faults import StorageError
from storage.sealed import Keys
from tests.pg import Cluster

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = os.urandom(32)
MEMBER = 424242


@pytest.fixture
async def db(pg_database: str) -> AsyncIterator[Database]:
    database = await Database.open(pg_database, keys=Keys(key=KEY), now=lambda: NOW)
    assert isinstance(database, Database)
    try:
        yield database
    finally:
        await database.close()


async def add_member_with_checkins(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(
            "INSERT INTO members (user_id, pseudonym, timezone, checkin_time, consent_at,"
            " consent_version, created_at) VALUES (?, 'Quiet Heron', 'UTC', '09:00', ?, 1, ?)",
            (MEMBER, NOW.isoformat(), NOW.isoformat()),
        )
        for day in range(1, 8):
            await session.execute(
                "INSERT INTO checkins (user_id, local_date, mood, confidence, note,"
                " answered_at) VALUES (?, ?, 3, 6, ?, ?)",
                (
                    MEMBER,
                    f"2026-02-{day:02d}",
                    session.seal("checkins", "note", "Walked past the old bar and kept going"),
                    NOW.isoformat(),
                ),
            )


async def forget(db: Database) -> None:
    """The member's row deleted as /forget deletes it (the rest cascades), and the
    session's table statistics handed to the server when it next goes idle."""
    async with db.transaction() as session:
        await members.delete(session, MEMBER)
    async with db.read() as session:
        await session.fetch_one("SELECT pg_stat_force_next_flush()")


def dead_rows(cluster: Cluster, url: str, table: str) -> int:
    database = url.rsplit("/", 1)[1]
    return int(
        cluster.psql(
            f"SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = '{table}'", database
        )
    )


async def wait_for_dead_rows(cluster: Cluster, url: str, tables: list[str]) -> dict[str, int]:
    """Poll the server's statistics until every table shows its dead rows (they arrive
    a moment after the deleting session goes idle)."""
    deadline = time.monotonic() + 30
    while True:
        dead = {table: dead_rows(cluster, url, table) for table in tables}
        if all(dead.values()):
            return dead
        assert time.monotonic() < deadline, f"no dead rows counted in {tables}: {dead}"
        await asyncio.sleep(0.1)


async def test_checkpoint_vacuums_the_forgotten_members_dead_rows_away(
    db: Database, pg_cluster: Cluster, pg_database: str
) -> None:
    await add_member_with_checkins(db)
    await forget(db)
    before = await wait_for_dead_rows(pg_cluster, pg_database, ["members", "checkins"])
    assert before["members"] >= 1 and before["checkins"] >= 7
    assert await db.checkpoint() is True
    after = {t: dead_rows(pg_cluster, pg_database, t) for t in ("members", "checkins")}
    assert after == {"members": 0, "checkins": 0}
    # Every table of the bot's schema was vacuumed, not only these two.
    never = pg_cluster.psql(
        "SELECT string_agg(relname, ',') FROM pg_stat_user_tables"
        " WHERE schemaname = 'public' AND last_vacuum IS NULL",
        pg_database.rsplit("/", 1)[1],
    )
    assert never == ""


def tables_whose_file_holds(cluster: Cluster, url: str, text: str) -> list[str]:
    """The tables (not indexes) whose files hold `text`: read as root, as the cluster runs
    as postgres."""
    rows = cluster.psql(
        "SELECT relname, pg_relation_filepath(oid) FROM pg_class"
        " WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY relname",
        url.rsplit("/", 1)[1],
    )
    data = cluster.folder / "data"
    holding = []
    for row in rows.splitlines():
        table, path = row.split("|")
        if text.encode() in (data / path).read_bytes():
            holding.append(table)
    return holding


async def test_the_forgotten_pseudonym_leaves_the_tables_files(
    db: Database, pg_cluster: Cluster, pg_database: str
) -> None:
    await add_member_with_checkins(db)
    assert await db.checkpoint() is True  # CHECKPOINT: the pages are written to their files
    held = tables_whose_file_holds(pg_cluster, pg_database, "Quiet Heron")
    assert held == ["member_pseudonyms", "members"]
    await forget(db)
    assert await db.checkpoint() is True
    # Measured, and in README: an index page may keep the bytes in its free space until
    # they are overwritten, and the write-ahead log keeps them; no session reaches those.
    assert tables_whose_file_holds(pg_cluster, pg_database, "Quiet Heron") == []


async def test_a_role_that_may_not_checkpoint_still_vacuums(
    pg_cluster: Cluster, pg_database: str
) -> None:
    name = pg_database.rsplit("/", 1)[1]
    role = f"bot_{name}"
    pg_cluster.psql(f"CREATE ROLE {role} LOGIN NOSUPERUSER")
    pg_cluster.psql(f"ALTER DATABASE {name} OWNER TO {role}")
    url = pg_database.replace("://peer@", f"://{role}@")
    db = await Database.open(url, keys=Keys(key=KEY), now=lambda: NOW)
    assert isinstance(db, Database)
    try:
        async with db.read() as session:
            with pytest.raises(StorageError, match=r"InsufficientPrivilegeError \(SQLSTATE 42501"):
                await session.execute("CHECKPOINT")  # what checkpoint() meets, and passes
        await add_member_with_checkins(db)
        await forget(db)
        await wait_for_dead_rows(pg_cluster, pg_database, ["checkins"])
        assert await db.checkpoint() is True
        assert dead_rows(pg_cluster, pg_database, "checkins") == 0
    finally:
        await db.close()


async def test_a_vacuum_the_server_refuses_for_now_gives_false(
    pg_cluster: Cluster, pg_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    db = await Database.connect_to(
        pg_database, keys=Keys(key=KEY), now=lambda: NOW, timeouts=Timeouts(lock=0.3)
    )
    holder = await asyncpg.connect(pg_database)
    try:
        await add_member_with_checkins(db)
        await forget(db)
        # Another session holds a lock VACUUM must wait for, past the lock timeout.
        async with holder.transaction():
            await holder.execute("LOCK TABLE checkins IN SHARE MODE")
            assert await db.checkpoint() is False
        assert "storage.vacuum_failed: LockNotAvailableError" in caplog.text
        assert await db.checkpoint() is True  # the lock gone, it runs
    finally:
        await holder.close()
        await db.close()
