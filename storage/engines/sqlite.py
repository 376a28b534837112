"""The SQLite engine: a single connection, serialised access and explicit transactions."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeAlias, TypeGuard, TypeVar, cast

import aiosqlite

from storage.dialect import SQLITE
from storage.engines import base
from storage.migrations import apply_migrations
from storage.preflight import as_file_error, check_database_file, check_writes, unwritable
from storage.private import private_file
from storage.sealed import SEALED, KeyFileError, Keys, Sealer, sealer_for
from storage.timestamps import to_db
from storage.update_marks import MARK_SQL, in_hand

Params = Sequence[Any] | dict[str, Any]
# Rows come as sqlite3.Row (the row factory below), one kind of storage.db.Row.
Row: TypeAlias = base.Row
CHECKPOINT_PAGES = 250
# The migration after which deleted content is zeroed (storage.migrations 0015).
SECURE_DELETE_VERSION = 15
# Its log lines keep the name they had before the engines moved here.
log = logging.getLogger("storage.db")
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


def _rows(sql: str, params: Params) -> Callable[[sqlite3.Connection], list[Row]]:
    return lambda raw: raw.execute(sql, params).fetchall()


def _many(sql: str, rows: Iterable[Params]) -> Callable[[sqlite3.Connection], int]:
    # sqlite3 sums each run's changed rows into rowcount (rows of triggers not counted).
    return lambda raw: max(raw.executemany(sql, rows).rowcount, 0)


class Session:
    """Runs statements on the connection while its holder owns the database lock.

    In a write transaction, BEGIN waits for the first statement and runs in its hop: one
    thread hop fewer per transaction (a check-in tap's own, and its batch's marks).
    """

    dialect = SQLITE

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

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one statement per row of parameters; return how many rows they changed."""
        return await self._run(_many(sql, rows))

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row id."""
        return await self._run(_lastrowid(sql, params))

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        return next(iter(await self._run(_rows(sql, params))), None)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._run(_rows(sql, params))

    def exported(self, table: str, row: Row, *leave_out: str) -> dict[str, Any]:
        """The row as a dict for /mydata, `table`'s sealed columns opened, `leave_out` left
        out (row keys an export has no use for)."""
        return {
            key: self.unseal(table, key, value) if key in SEALED[table] else value
            for key, value in dict(row).items()
            if key not in leave_out
        }


def _BEGIN(raw: sqlite3.Connection) -> None:
    raw.execute("BEGIN IMMEDIATE")


def _ROLLBACK(raw: sqlite3.Connection) -> None:
    if raw.in_transaction:  # not when BEGIN itself failed
        raw.execute("ROLLBACK")


def _truncate_log(raw: sqlite3.Connection) -> int:
    busy, _, _ = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return int(busy)


def _wipe_free_pages(raw: sqlite3.Connection) -> None:
    """Once, on the upgrade that turned secure_delete on: pages freed before it (members
    forgotten earlier) still hold their old content until VACUUM rewrites the file. A full
    disk must not stop the bot starting: the wipe is then skipped, with a warning."""
    try:
        raw.execute("VACUUM")
        _truncate_log(raw)
    except sqlite3.OperationalError as error:
        log.warning("could not wipe the database's free pages (VACUUM): %s", error)


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


PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA synchronous=NORMAL",
    # Deleted content is overwritten with zeros, so that no free page keeps what /forget or
    # a pruned outbox row removed (the log's older frames: checkpoint()).
    "PRAGMA secure_delete=ON",
    # A checkpoint fsyncs all the log written since the last one, and stalls the commit it
    # runs in: a quarter of SQLite's default 1,000 pages keeps each stall short (closed-loop
    # p99 about 47 to 41 ms, no fewer taps: bench/RESULTS.md).
    f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}",
)


def _is_sqlite(error: BaseException) -> TypeGuard[sqlite3.Error]:
    return isinstance(error, sqlite3.Error)


async def _connect(path: Path) -> aiosqlite.Connection:
    """A connection set up as the bot uses it, shown able to write; closed again if not,
    as its thread would keep the process from exiting."""
    try:
        # isolation_level=None: no implicit transactions; writes say BEGIN IMMEDIATE
        # themselves. A failed connect stops its own thread.
        conn = await aiosqlite.connect(path, isolation_level=None)
    except sqlite3.Error as error:
        raise as_file_error(path, error) or error from None
    try:
        conn.row_factory = aiosqlite.Row
        for pragma in PRAGMAS:
            await conn.execute(pragma)
        await in_thread(conn, lambda raw: check_writes(raw, path))
    except BaseException as error:
        await conn.close()
        translated = as_file_error(path, error) if _is_sqlite(error) else None
        if translated is None:
            raise
        raise translated from None
    return conn


class Database(base.Database):
    """The bot's database in a SQLite file.

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
        super().__init__(conn, now, sealer)
        self._conn: aiosqlite.Connection = conn
        self.path = path

    @classmethod
    async def open_file(
        cls,
        path: Path | str,
        *,
        migrate: bool = True,
        now: Callable[[], datetime] | None = None,
        keys: Keys | None = None,
        empty_ok: bool = False,
    ) -> Database:
        """`now` stamps update marks: the bot's clock, which intake prunes them by.

        `keys` says where the key that seals members' text comes from (storage.sealed): by
        default peercircle.key beside the database, made when missing. Raises KeyFileError
        when the key cannot be read or does not open this database, and DatabaseFileError
        (one line naming the file and the fix) when the file is damaged, cannot be written,
        or is empty: only `empty_ok` (`peercircle migrate`) makes a database of an empty file.
        """
        path = Path(path)
        made_db = False
        made_key: Path | None = None
        if str(path) == ":memory:":
            sealer, made_key = sealer_for(keys or Keys(), None)
        else:
            check_database_file(path, empty_ok=empty_ok)
            made_db = not path.exists()
            try:
                private_file(path)
            except OSError as error:
                raise unwritable(path, error.strerror or str(error)) from None
            sealer, made_key = sealer_for(keys or Keys(), path)
        try:
            conn = await _connect(path)
            db = cls(conn, path, now or (lambda: datetime.now(UTC)), sealer)
            if migrate:
                await db._migrate_or_close()
        except BaseException as error:
            # Nothing this call made outlives its failure: a key made now would not open the
            # database restored next, and an empty file made now would be refused next start.
            if made_key is not None:
                made_key.unlink(missing_ok=True)
            if made_db and path.is_file() and path.stat().st_size == 0:
                path.unlink()
            if made_key is not None and isinstance(error, KeyFileError):
                # A key made now cannot open notes sealed before: the old one is lost.
                raise KeyFileError(
                    f"the encryption key file {made_key} is missing, and this database "
                    "was sealed with a key; restore that key file (storage.key_file)"
                ) from None
            raise
        return db

    async def _migrate_or_close(self) -> None:
        try:
            await self.migrate()
        except BaseException as error:
            await self.close()  # its thread would keep the process from exiting
            translated = as_file_error(self.path, error) if _is_sqlite(error) else None
            if translated is None:
                raise
            raise translated from None

    async def migrate(self) -> list[int]:
        """Apply pending migrations and seal older rows; return the versions applied."""
        async with self._lock:
            applied = await apply_migrations(self._conn)
            # The key check, every row sealed and the record of the pass commit together.
            async with self._write() as session:
                await self._sealer.seal_older_rows(session)
            if SECURE_DELETE_VERSION in applied and applied[0] > 1:
                await in_thread(self._conn, _wipe_free_pages)
        return applied

    async def schema_version(self) -> int:
        async with self.read() as session:
            row = await session.fetch_one("PRAGMA user_version")
        return int(row[0]) if row else 0

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Session]:
        """A write transaction: committed when the block ends, rolled back on an exception."""
        async with self._lock, self._write() as session:
            yield session

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[Session]:
        """A write transaction for a holder of the lock."""
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

    async def checkpoint(self) -> bool:
        """Copy the write-ahead log into the database file and truncate the log to zero
        bytes, so that none of its frames keeps an older copy of a changed or deleted row;
        False when another connection's read kept it from finishing in the busy timeout."""
        async with self._lock:
            row = await in_thread(self._conn, _truncate_log)
        return row == 0

    async def close(self) -> None:
        await self._conn.close()
