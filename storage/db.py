"""One SQLite database: a single connection, serialised access and explicit transactions."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

import aiosqlite

from storage.migrations import apply_migrations
from storage.private import private_file
from storage.sealed import SEALED, KeyFileError, Keys, Sealer, sealer_for
from storage.timestamps import to_db
from storage.update_marks import MARK_SQL, in_hand

Params = Sequence[Any] | dict[str, Any]
CHECKPOINT_PAGES = 250
T = TypeVar("T")


async def in_thread(conn: aiosqlite.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
    """Run `fn` on aiosqlite's own thread in one hop.

    aiosqlite's cursor API costs a thread hop per call (execute, fetch, close: three for a
    read), each a queue, a wake-up and a GIL hand-over. aiosqlite has no public one-hop
    call with a row count, hence its `_execute` and `_conn` (the version is pinned in
    pyproject.toml).
    """
    run = cast(Callable[..., Awaitable[T]], conn._execute)
    return await run(fn, conn._conn)


def _rowcount(sql: str, params: Params) -> Callable[[sqlite3.Connection], int]:
    return lambda raw: raw.execute(sql, params).rowcount


def _lastrowid(sql: str, params: Params) -> Callable[[sqlite3.Connection], int]:
    return lambda raw: int(raw.execute(sql, params).lastrowid or 0)


def _rows(sql: str, params: Params) -> Callable[[sqlite3.Connection], list[aiosqlite.Row]]:
    return lambda raw: raw.execute(sql, params).fetchall()


def _many(sql: str, rows: Iterable[Params]) -> Callable[[sqlite3.Connection], None]:
    def run(raw: sqlite3.Connection) -> None:
        raw.executemany(sql, rows)

    return run


class Session:
    """Runs statements on the connection while its holder owns the database lock.

    In a write transaction, BEGIN waits for the first statement and runs in its hop: one
    thread hop fewer per transaction (a check-in tap's own, and its batch's marks).
    """

    def __init__(self, conn: aiosqlite.Connection, sealer: Sealer, begin: bool = False) -> None:
        self._conn = conn
        self.begin_pending = begin
        # Repositories seal members' text before it is written and open it when read
        # (storage.sealed lists the columns); in the caller's task, not a thread hop.
        self.seal = sealer.seal
        self.unseal = sealer.unseal

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        if not self.begin_pending:
            return await in_thread(self._conn, fn)
        self.begin_pending = False

        def begin_then(raw: sqlite3.Connection) -> T:
            _BEGIN(raw)
            return fn(raw)

        return await in_thread(self._conn, begin_then)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return how many rows it changed."""
        return await self._run(_rowcount(sql, params))

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        await self._run(_many(sql, rows))

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row id."""
        return await self._run(_lastrowid(sql, params))

    async def fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        return next(iter(await self._run(_rows(sql, params))), None)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        return await self._run(_rows(sql, params))

    def exported(self, table: str, row: aiosqlite.Row, *leave_out: str) -> dict[str, Any]:
        """The row as a dict for /mydata, `table`'s sealed columns opened, `leave_out` left
        out (row keys an export has no use for)."""
        return {
            key: self.unseal(table, key, value) if key in SEALED[table] else value
            for key, value in dict(row).items()
            if key not in leave_out
        }


def without(row: aiosqlite.Row, *names: str) -> dict[str, Any]:
    """The row as a dict, leaving out `names` (row keys an export has no use for)."""
    return {key: value for key, value in dict(row).items() if key not in names}


def _BEGIN(raw: sqlite3.Connection) -> None:
    raw.execute("BEGIN IMMEDIATE")


def _ROLLBACK(raw: sqlite3.Connection) -> None:
    if raw.in_transaction:  # not when BEGIN itself failed
        raw.execute("ROLLBACK")


def _commit(
    update_id: int | None, begin: bool, now: datetime
) -> Callable[[sqlite3.Connection], None]:
    def commit(raw: sqlite3.Connection) -> None:
        if begin:  # the block ran no statement
            _BEGIN(raw)
        try:
            if update_id is not None:
                raw.execute(MARK_SQL, (update_id, to_db(now)))
            raw.execute("COMMIT")
        except BaseException:
            # A COMMIT that failed (the disk full, the file locked) may leave the
            # transaction open, and then every later BEGIN would fail too.
            _ROLLBACK(raw)
            raise

    return commit


class Database:
    """The bot's database.

    SQLite allows one writer at a time, and one aiosqlite connection runs one statement at a
    time, so every use takes a lock: a read cannot see half of another task's transaction.
    """

    def __init__(
        self,
        conn: aiosqlite.Connection,
        path: Path,
        now: Callable[[], datetime],
        sealer: Sealer,
    ) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self._now = now
        self._sealer = sealer
        self.path = path

    @property
    def sealer(self) -> Sealer:
        """What seals members' text; a key rotation adds its new key (storage.rotation)."""
        return self._sealer

    @classmethod
    async def open(
        cls,
        path: Path | str,
        *,
        migrate: bool = True,
        now: Callable[[], datetime] | None = None,
        keys: Keys | None = None,
    ) -> Database:
        """`now` stamps update marks: the bot's clock, which intake prunes them by.

        `keys` says where the key that seals members' text comes from (storage.sealed): by
        default peercircle.key beside the database, made when missing. Raises KeyFileError
        when the key cannot be read or does not open this database.
        """
        path = Path(path)
        if str(path) == ":memory:":
            sealer, made_key = sealer_for(keys or Keys(), None)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            private_file(path)
            sealer, made_key = sealer_for(keys or Keys(), path)
        # isolation_level=None: no implicit transactions; writes say BEGIN IMMEDIATE themselves.
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA foreign_keys=ON",
            "PRAGMA busy_timeout=5000",
            "PRAGMA synchronous=NORMAL",
            # A checkpoint fsyncs all the log written since the last one, and stalls the
            # commit it runs in: a quarter of SQLite's default 1,000 pages keeps each stall
            # short (closed-loop p99 about 47 to 41 ms, no fewer taps: bench/RESULTS.md).
            f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}",
        ):
            await conn.execute(pragma)
        db = cls(conn, path, now or (lambda: datetime.now(UTC)), sealer)
        if migrate:
            try:
                await db.migrate()
            except KeyFileError:
                await db.close()  # its thread would keep the process from exiting
                if made_key is not None:
                    # A key made now cannot open notes sealed before: the old one is lost.
                    made_key.unlink(missing_ok=True)
                    raise KeyFileError(
                        f"the encryption key file {made_key} is missing, and this database "
                        "was sealed with a key; restore that key file (storage.key_file)"
                    ) from None
                raise
            except BaseException:
                await db.close()
                raise
        return db

    async def migrate(self) -> list[int]:
        """Apply pending migrations and seal older rows; return the versions applied."""
        async with self._lock:
            applied = await apply_migrations(self._conn)
            await in_thread(self._conn, self._seal_older_rows)
        return applied

    def _seal_older_rows(self, raw: sqlite3.Connection) -> None:
        _BEGIN(raw)
        try:
            self._sealer.seal_older_rows(raw)
        except BaseException:
            _ROLLBACK(raw)
            raise
        raw.execute("COMMIT")

    async def schema_version(self) -> int:
        async with self.read() as session:
            row = await session.fetch_one("PRAGMA user_version")
        return int(row[0]) if row else 0

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Session]:
        """A write transaction: committed when the block ends, rolled back on an exception."""
        async with self._lock:
            session = Session(self._conn, self._sealer, begin=True)
            try:
                yield session
            except BaseException:
                if not session.begin_pending:
                    await in_thread(self._conn, _ROLLBACK)
                raise
            hand = in_hand.get()
            if session.begin_pending and hand is None:
                return  # nothing was written and nothing is to be marked
            # The update's effects and its mark commit together, in one hop.
            update_id = hand.update_id if hand else None
            await in_thread(self._conn, _commit(update_id, session.begin_pending, self._now()))
            if hand is not None:
                hand.marked = True

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Session]:
        """Reads that need no transaction of their own."""
        async with self._lock:
            yield Session(self._conn, self._sealer)

    async def close(self) -> None:
        await self._conn.close()
