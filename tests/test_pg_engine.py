"""The PostgreSQL engine's connection: the session's timeouts, and numbers read as SQLite
reads them. Skipped, saying why, without PostgreSQL's binaries (tests/pg.py)."""

from __future__ import annotations

import asyncio
import time

import asyncpg
import pytest

from storage.engines.postgres import Timeouts, connect, number_from_text


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("3", 3),
        ("-12", -12),
        ("0", 0),
        ("1.5000000000000000", 1.5),
        ("2.0", 2.0),
        ("-0.25", -0.25),
    ],
)
def test_a_numeric_is_an_int_when_sqlite_gives_one_and_a_float_otherwise(
    text: str, number: float
) -> None:
    read = number_from_text(text)
    assert read == number and type(read) is type(number)


async def test_sums_averages_and_divisions_come_back_as_sqlite_gives_them(
    pg_database: str,
) -> None:
    conn = await connect(pg_database)
    try:
        row = await conn.fetchrow(
            "SELECT sum(x) AS total, avg(x) AS mean, count(*) AS n, sum(x) * 1.0 / 4 AS share,"
            " avg(y) AS whole FROM (VALUES (1::bigint, 2), (2, 2)) AS v (x, y)"
        )
    finally:
        await conn.close()
    assert dict(row) == {"total": 3, "mean": 1.5, "n": 2, "share": 0.75, "whole": 2.0}
    assert [type(row[k]) for k in ("total", "mean", "n", "share", "whole")] == [
        int,
        float,
        int,
        float,
        float,
    ]


async def test_the_session_starts_with_its_timeouts(pg_database: str) -> None:
    conn = await connect(pg_database)
    try:
        shown = [
            await conn.fetchval(f"SHOW {name}")
            for name in (
                "lock_timeout",
                "statement_timeout",
                "idle_in_transaction_session_timeout",
            )
        ]
    finally:
        await conn.close()
    assert shown == ["5s", "30s", "1min"]


async def test_a_lock_held_by_another_session_is_waited_for_only_the_lock_timeout(
    pg_database: str,
) -> None:
    holder = await connect(pg_database)
    waiter = await connect(pg_database, timeouts=Timeouts(lock=0.3))
    try:
        await holder.execute("CREATE TABLE t (x integer)")
        async with holder.transaction():
            await holder.execute("LOCK TABLE t IN EXCLUSIVE MODE")
            started = time.monotonic()
            with pytest.raises(asyncpg.exceptions.LockNotAvailableError):
                await waiter.execute("INSERT INTO t VALUES (1)")
            assert 0.2 < time.monotonic() - started < 5
    finally:
        await asyncio.gather(holder.close(), waiter.close())


async def test_a_statement_past_its_timeout_is_cancelled(pg_database: str) -> None:
    conn = await connect(pg_database, timeouts=Timeouts(statement=0.2))
    try:
        with pytest.raises(asyncpg.exceptions.QueryCanceledError):
            await conn.execute("SELECT pg_sleep(5)")
    finally:
        await conn.close()
