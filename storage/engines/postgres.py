"""The PostgreSQL engine: a connection set up as the bot uses it, and the same Database and
Session as SQLite's (storage.engines.sqlite), over one asyncpg connection under one lock.

storage.db's Database.open hands it out for a postgresql URL; every command still refuses
one (bot.cli.refuse_postgresql) until issue 19's stage 5.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg

from storage.dialect import POSTGRESQL
from storage.engines import base
from storage.engines.placeholders import numbered
from storage.migrations.postgresql import apply_postgresql_migrations, schema_version
from storage.sealed import SEALED, KeyFileError, Keys, Sealer, sealer_for
from storage.timestamps import to_db
from storage.update_marks import MARK_SQL, in_hand

Params = Sequence[Any] | Mapping[str, Any]

# Seconds a connection attempt may take before it counts as the server being unreachable.
CONNECT_TIMEOUT = 5.0


@dataclass(frozen=True)
class Timeouts:
    """How long the server lets one session wait, in seconds. Without them a lock held by
    another session, or a session left in a transaction, would be waited for forever."""

    # A lock held by another session: as SQLite's busy_timeout, then a storage fault.
    lock: float = 5.0
    # One statement; migrations lift it for their own transaction.
    statement: float = 30.0
    # A transaction left open (a process stopped half-way): its locks are let go.
    idle_in_transaction: float = 60.0

    def server_settings(self) -> dict[str, str]:
        """Set when the session starts, so no statement runs without them."""
        return {
            "lock_timeout": _ms(self.lock),
            "statement_timeout": _ms(self.statement),
            "idle_in_transaction_session_timeout": _ms(self.idle_in_transaction),
            "application_name": "peercircle",
        }


def _ms(seconds: float) -> str:
    return f"{round(seconds * 1000)}ms"


def number_from_text(text: str) -> int | float:
    """A numeric value as SQLite hands the same figure back: an int for a SUM or count of
    integers ("3"), a float for AVG and divisions ("1.5000…"). asyncpg's Decimal would not
    mix with the floats the rest of the code computes with."""
    if text.lstrip("-").isdigit():
        return int(text)
    return float(text)  # also NaN and ±Infinity


async def connect(
    url: str,
    password: str | None = None,
    timeouts: Timeouts = Timeouts(),
    connect_timeout: float = CONNECT_TIMEOUT,
) -> Any:
    """One asyncpg connection to `url` (which holds no password: storage.url refuses one),
    with the session's timeouts and numeric read as SQLite's numbers."""
    conn = await asyncpg.connect(
        url,
        password=password,
        timeout=connect_timeout,
        server_settings=timeouts.server_settings(),
    )
    try:
        await conn.set_type_codec(
            "numeric",
            schema="pg_catalog",
            encoder=str,
            decoder=number_from_text,
            format="text",
        )
    except BaseException:
        await conn.close()
        raise
    return conn


def rows_changed(status: str) -> int:
    """The row count of a command's status ("UPDATE 3", "INSERT 0 1"); 0 for DDL."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class Session:
    """Runs statements on the connection while its holder owns the database lock.

    In a write transaction BEGIN waits for the first statement, as SQLite's does: a block
    that writes nothing costs no round trip.
    """

    dialect = POSTGRESQL

    def __init__(self, conn: Any, sealer: Sealer, begin: bool = False) -> None:
        self._conn = conn
        self.begin_pending = begin
        self.seal = sealer.seal
        self.unseal = sealer.unseal

    async def _begin(self) -> None:
        if self.begin_pending:
            self.begin_pending = False
            await self._conn.execute("BEGIN")

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return how many rows it changed."""
        await self._begin()
        statement = numbered(sql)
        return rows_changed(await self._conn.execute(statement.sql, *statement.arguments(params)))

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one statement per row of parameters; return how many rows they changed.
        (asyncpg's executemany counts nothing; its statement cache prepares this once.)"""
        await self._begin()
        statement = numbered(sql)
        changed = 0
        for params in rows:
            status = await self._conn.execute(statement.sql, *statement.arguments(params))
            changed += rows_changed(status)
        return changed

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row's id."""
        await self._begin()
        statement = numbered(sql if " RETURNING " in sql.upper() else f"{sql} RETURNING id")
        return int(await self._conn.fetchval(statement.sql, *statement.arguments(params)))

    async def fetch_one(self, sql: str, params: Params = ()) -> Any:
        await self._begin()
        statement = numbered(sql)
        return await self._conn.fetchrow(statement.sql, *statement.arguments(params))

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Any]:
        await self._begin()
        statement = numbered(sql)
        return list(await self._conn.fetch(statement.sql, *statement.arguments(params)))

    def exported(self, table: str, row: Any, *leave_out: str) -> dict[str, Any]:
        """As storage.engines.sqlite.Session.exported: the row for /mydata, opened."""
        return {
            key: self.unseal(table, key, value) if key in SEALED[table] else value
            for key, value in dict(row).items()
            if key not in leave_out
        }


class Database(base.Database):
    """The bot's database on PostgreSQL: one connection, one lock, as SQLite's (several
    workers and a pool come later, issue 19 stage 6)."""

    def __init__(self, conn: Any, url: str, now: Callable[[], datetime], sealer: Sealer) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self._now = now
        self._sealer = sealer
        self.url = url

    @property
    def sealer(self) -> Sealer:
        return self._sealer

    @classmethod
    async def connect_to(
        cls,
        url: str,
        *,
        keys: Keys,
        password: str | None = None,
        migrate: bool = True,
        now: Callable[[], datetime] | None = None,
        timeouts: Timeouts = Timeouts(),
    ) -> Database:
        """Raises KeyFileError when no key is configured: there is no "beside the database"
        for a key file on a server."""
        if keys.key is None and keys.file is None:
            raise KeyFileError(
                "a PostgreSQL database needs its encryption key named: set "
                "PEERCIRCLE_STORAGE__KEY or storage.key_file"
            )
        sealer, _ = sealer_for(keys, None)
        conn = await connect(url, password, timeouts)
        db = cls(conn, url, now or (lambda: datetime.now(UTC)), sealer)
        if migrate:
            try:
                await db.migrate()
            except BaseException:
                await db.close()
                raise
        return db

    async def migrate(self) -> list[int]:
        """Apply pending migrations and seal older rows; return the versions applied."""
        async with self._lock:
            applied = await apply_postgresql_migrations(self._conn, now=self._now)
            async with self._write() as session:
                await self._sealer.seal_older_rows(session)
        return applied

    async def schema_version(self) -> int:
        async with self._lock:
            return await schema_version(self._conn)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Session]:
        """A write transaction: committed when the block ends, rolled back on an exception."""
        async with self._lock, self._write() as session:
            yield session

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[Session]:
        session = Session(self._conn, self._sealer, begin=True)
        try:
            yield session
        except BaseException:
            await self._rollback()
            raise
        hand = in_hand.get()
        if session.begin_pending and hand is None:
            return  # nothing was written and nothing is to be marked
        try:
            if session.begin_pending:
                await self._conn.execute("BEGIN")
            if hand is not None:
                mark = numbered(MARK_SQL)
                await self._conn.execute(mark.sql, hand.update_id, to_db(self._now()))
            await self._conn.execute("COMMIT")
        except BaseException:
            await self._rollback()  # a failed COMMIT may leave the transaction open
            raise
        if hand is not None:
            hand.marked = True

    async def _rollback(self) -> None:
        if self._conn.is_in_transaction():
            await self._conn.execute("ROLLBACK")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Session]:
        """Reads that need no transaction of their own."""
        async with self._lock:
            yield Session(self._conn, self._sealer)

    async def checkpoint(self) -> bool:
        """Nothing to do here: the server keeps its own write-ahead log, which no session
        can truncate (README: what erasure means on PostgreSQL is issue 19's stage 5)."""
        return True

    async def close(self) -> None:
        await self._conn.close()
