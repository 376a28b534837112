"""A PostgreSQL Database heals after its connection is lost: the call that meets the loss
fails with a StorageFault, a later one connects again, as the first connection was made.
Skipped without PostgreSQL's binaries (tests/pg.py)."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest

from storage.engines.postgres import Database, Session, reconnect_wait
from storage.faults import StorageFault
from storage.sealed import Keys
from tests.pg import Cluster, private_cluster

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = os.urandom(32)
PASSWORD = "correct-horse-battery-staple"


async def open_with_notes(url: str, password: str | None = None) -> Database:
    db = await Database.open(
        url, keys=Keys(key=KEY), migrate=False, now=lambda: NOW, password=password
    )
    async with db.transaction() as session:
        await session.execute(
            "CREATE TABLE IF NOT EXISTS notes (id bigint PRIMARY KEY, note text NOT NULL)"
        )
    assert isinstance(db, Database)
    return db


@pytest.fixture
async def db(pg_database: str) -> AsyncIterator[Database]:
    database = await open_with_notes(pg_database)
    try:
        yield database
    finally:
        await database.close()


async def note_ids(db: Database) -> list[int]:
    async with db.read() as session:
        return [row["id"] for row in await session.fetch_all("SELECT id FROM notes ORDER BY id")]


async def backend_pid(db: Database) -> int:
    async with db.read() as session:
        row = await session.fetch_one("SELECT pg_backend_pid() AS pid")
    assert row is not None
    return int(row["pid"])


async def add_note(db: Database, note_id: int) -> None:
    async with db.transaction() as session:
        await session.execute("INSERT INTO notes (id, note) VALUES (?, 'a walk')", (note_id,))


async def until_it_works(db: Database, timeout: float = 30.0) -> list[StorageFault]:
    """Read until a read succeeds; the faults met on the way."""
    faults: list[StorageFault] = []
    deadline = time.monotonic() + timeout
    while True:
        try:
            await note_ids(db)
            return faults
        except StorageFault as fault:
            faults.append(fault)
            assert time.monotonic() < deadline, f"still failing after {timeout} s: {fault}"
            await asyncio.sleep(0.05)  # polling a condition: the server coming back


def test_the_wait_between_attempts_doubles_from_a_tenth_of_a_second_up_to_five() -> None:
    assert [reconnect_wait(n) for n in range(9)] == [
        0.0,
        0.1,
        0.2,
        0.4,
        0.8,
        1.6,
        3.2,
        5.0,
        5.0,
    ]


async def test_a_terminated_backend_fails_one_call_and_the_next_connects_again(
    db: Database, pg_cluster: Cluster, caplog: pytest.LogCaptureFixture
) -> None:
    await add_note(db, 1)
    before = await backend_pid(db)
    pg_cluster.psql(f"SELECT pg_terminate_backend({before})")
    with caplog.at_level(logging.INFO, logger="storage.db"):
        with pytest.raises(StorageFault):
            await add_note(db, 2)  # its transaction is lost, as with any fault
        assert await note_ids(db) == [1]  # a new connection sees what was committed
    assert await backend_pid(db) != before
    await add_note(db, 3)
    assert await note_ids(db) == [1, 3]
    events = [r.getMessage().split(":")[0] for r in caplog.records if r.name == "storage.db"]
    assert events == ["storage.connection_lost", "storage.reconnected"]
    assert "storage.reconnected: attempts=1 after" in caplog.text


async def test_the_new_connection_has_the_first_ones_settings_and_codecs(
    db: Database, pg_cluster: Cluster
) -> None:
    pg_cluster.psql(f"SELECT pg_terminate_backend({await backend_pid(db)})")
    with pytest.raises(StorageFault):
        await note_ids(db)
    async with db.read() as session:
        row = await session.fetch_one(
            "SELECT current_setting('lock_timeout') AS lock,"
            " current_setting('statement_timeout') AS statement,"
            " current_setting('idle_in_transaction_session_timeout') AS idle,"
            " current_setting('application_name') AS name,"
            " sum(x) AS total, avg(x) AS mean FROM (VALUES (1), (2)) AS t (x)"
        )
    assert row is not None
    assert dict(row) == {
        "lock": "5s",
        "statement": "30s",
        "idle": "1min",
        "name": "peercircle",
        "total": 3,  # numeric read as SQLite's numbers, not Decimal
        "mean": 1.5,
    }


async def test_a_transaction_that_lost_its_connection_never_goes_on_on_a_new_one(
    db: Database, pg_cluster: Cluster
) -> None:
    faults: list[StorageFault] = []
    with pytest.raises(StorageFault):
        async with db.transaction() as session:
            await session.execute("INSERT INTO notes (id, note) VALUES (1, 'first')")
            pg_cluster.psql(f"SELECT pg_terminate_backend({await backend_pid_in(session)})")
            for note_id in (2, 3):  # each fails: none runs on its own, committed at once
                try:
                    await session.execute(
                        "INSERT INTO notes (id, note) VALUES (?, 'later')", (note_id,)
                    )
                except StorageFault as fault:
                    faults.append(fault)
            raise faults[-1]
    assert len(faults) == 2
    assert await note_ids(db) == []


async def backend_pid_in(session: Session) -> int:
    row = await session.fetch_one("SELECT pg_backend_pid() AS pid")
    return int(row["pid"])


@pytest.fixture(scope="module")
def own_cluster() -> Iterator[Cluster]:
    """A cluster this module may stop and start; it asks for a password."""
    with private_cluster(PASSWORD) as cluster:
        yield cluster


async def test_a_server_stopped_and_started_again_is_found_without_reopening(
    own_cluster: Cluster, caplog: pytest.LogCaptureFixture
) -> None:
    db = await open_with_notes(own_cluster.url(), password=PASSWORD)
    try:
        await add_note(db, 1)
        with caplog.at_level(logging.DEBUG):
            own_cluster.stop()
            faults: list[StorageFault] = []
            for _ in range(3):  # the loss, then refused attempts or their wait
                with pytest.raises(StorageFault) as caught:
                    await note_ids(db)
                faults.append(caught.value)
            own_cluster.start()
            faults += await until_it_works(db)
            await add_note(db, 2)
            assert await note_ids(db) == [1, 2]
        refused = [r for r in caplog.records if "storage.reconnect_failed" in r.getMessage()]
        assert refused and "ConnectionRefusedError" in refused[0].getMessage()
        reconnected = [r.getMessage() for r in caplog.records if "storage.reconnected" in r.msg]
        assert len(reconnected) == 1
        assert f"attempts={len(refused) + 1} " in reconnected[0]
        # The password is in no log line, of any logger, nor in any fault's message.
        assert PASSWORD not in caplog.text
        assert not [f for f in faults if PASSWORD in str(f) or PASSWORD in repr(f.__cause__)]
    finally:
        await db.close()


async def test_a_fast_restart_of_the_server_heals_with_the_password_given_at_first(
    own_cluster: Cluster, caplog: pytest.LogCaptureFixture
) -> None:
    db = await open_with_notes(own_cluster.url(), password=PASSWORD)
    try:
        await add_note(db, 10)
        with caplog.at_level(logging.DEBUG):
            own_cluster.restart()
            await until_it_works(db)
            await add_note(db, 11)
        assert (await note_ids(db))[-2:] == [10, 11]
        assert "storage.reconnected" in caplog.text and PASSWORD not in caplog.text
    finally:
        await db.close()
