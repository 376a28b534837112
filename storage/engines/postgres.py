"""The PostgreSQL engine: a connection set up as the bot uses it, and the same Database and
Session as SQLite's (storage.engines.sqlite), over one asyncpg connection under one lock.

storage.db's Database.open hands it out for a postgresql URL. Each worker process has its own
connection; what several workers share is the database, and what keeps them apart is its
locks (the claim at the start of an update's transaction: Database._claim).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NoReturn

import asyncpg

from storage.dialect import POSTGRESQL
from storage.engines import base
from storage.engines.placeholders import numbered
from storage.faults import StorageError, StorageFault
from storage.ids import KEPT_TABLES, fresh_id_table
from storage.migrations.postgresql import apply_postgresql_migrations, schema_version
from storage.sealed import SEALED, KeyFileError, Keys, Sealer, sealer_for
from storage.timestamps import to_db
from storage.update_marks import MARK_SQL, UpdateHandledElsewhere, UpdateInHand, in_hand

Params = Sequence[Any] | Mapping[str, Any]

log = logging.getLogger("storage.db")

# Seconds a connection attempt may take before it counts as the server being unreachable.
CONNECT_TIMEOUT = 5.0
# After a lost connection, the wait between attempts to connect again while the server
# refuses: the first attempt at once, then 0.1 s doubling up to 5 s, so a restarting server
# is found within seconds and a stopped one is not hammered.
RECONNECT_FIRST_WAIT = 0.1
RECONNECT_LONGEST_WAIT = 5.0

# A member's lock, held until the transaction ends: the two-number form, whose first number
# names it, so it never meets the leader's lock (one bigint) nor the migrations'.
MEMBER_LOCK_SQL = "SELECT pg_advisory_xact_lock($1, $2)"
MEMBER_LOCK_CLASS = 0x70637263  # "pcrc"
# A fresh kept id (storage.ids) is the table's largest id plus one: two workers' transactions
# (two members: their locks differ) would read the same largest id, and the second INSERT
# would fail on the primary key. The table's lock, held until the transaction ends, makes
# them take turns; the INSERT, a statement after the lock, sees the other's committed row.
ID_LOCK_CLASS = 0x70636964  # "pcid"
ID_LOCK_SQL = "SELECT pg_advisory_xact_lock(?, ?)"


def member_lock(member: int) -> tuple[int, int]:
    """The member's lock as two int4s: their id folded to 32 bits. Two members who fold
    alike only wait for each other now and then; they never deadlock (one lock each)."""
    folded = (member ^ (member >> 32)) & 0xFFFFFFFF
    return MEMBER_LOCK_CLASS, folded - (1 << 32) if folded >= 1 << 31 else folded


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


# What asyncpg raises: the server's errors, the client's own, and the socket's (a refused or
# lost connection, a connect timeout). Turned into storage.faults' classes where they leave
# this module, so bot/ catches one set of classes and never imports asyncpg.
DRIVER_ERRORS = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    OSError,
)

# SQLSTATEs that pass, as SQLite's OperationalError does: by class, a connection exception
# (08), a transaction rolled back by the server (40: deadlock, serialisation), insufficient
# resources (53: disk full, too many connections), operator intervention (57: statement
# timeout, server shutting down) and a system error (58: I/O); by code, a lock timeout
# (55P03), a read-only transaction (25006: a standby, or default_transaction_read_only) and
# a transaction left idle too long (25P03).
_FAULT_CLASSES = frozenset({"08", "40", "53", "57", "58"})
_FAULT_CODES = frozenset({"55P03", "25006", "25P03"})


def storage_error(error: BaseException, conn: Any) -> StorageError:
    """asyncpg's error in the project's words: a StorageFault when it passes, else a
    StorageError. A fault keeps the server's message (these hold no member data); any other
    error says only its class and SQLSTATE, as a data error's message may quote a value."""
    # asyncpg words a lost connection several ways (ConnectionDoesNotExistError, an
    # InterfaceError "connection is closed", an InternalClientError mid-statement): all
    # leave the connection closed, and none of them is a bug of ours.
    closed = conn is not None and conn.is_closed()
    if isinstance(error, OSError) or closed:
        return StorageFault(f"the PostgreSQL connection is lost: {type(error).__name__}: {error}")
    sqlstate = str(getattr(error, "sqlstate", None) or "")
    if sqlstate[:2] in _FAULT_CLASSES or sqlstate in _FAULT_CODES:
        return StorageFault(f"{type(error).__name__}: {error} (SQLSTATE {sqlstate})")
    mapped = StorageError(f"{type(error).__name__} (SQLSTATE {sqlstate or 'none'})")
    mapped.driver_error = error
    return mapped


def raise_storage_error(error: BaseException, conn: Any) -> NoReturn:
    """Raise `error` as storage_error() words it. A fault's traceback shows asyncpg's error
    as its cause; any other's does not (its message may quote a value), so it is kept on
    the StorageError as driver_error, for a debugger, out of the logs."""
    mapped = storage_error(error, conn)
    raise mapped from (error if isinstance(mapped, StorageFault) else None)


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


def reconnect_wait(failed_attempts: int) -> float:
    """Seconds to wait after `failed_attempts` attempts in a row to connect again."""
    if failed_attempts <= 0:
        return 0.0
    return min(RECONNECT_FIRST_WAIT * 2.0 ** (failed_attempts - 1), RECONNECT_LONGEST_WAIT)


def _reason(error: BaseException) -> str:
    """Why a connection attempt failed, for a log line: the error's class, and a socket
    error's own words (neither holds the URL or the password)."""
    strerror = getattr(error, "strerror", None)
    return f"{type(error).__name__}: {strerror}" if strerror else type(error).__name__


# The bot's tables, each named as SQL must name it: nearly all hold members' rows or their
# traces, and a table added later is never missed.
_TABLES_SQL = """
SELECT format('%I.%I', n.nspname, c.relname) AS name
FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname = current_schema()
ORDER BY c.relname
"""


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

    async def _run(self, method: str, sql: str, params: Params) -> Any:
        """One of the connection's calls (execute, fetchval, fetchrow, fetch), BEGIN first
        when pending; asyncpg's errors leave as storage.faults' classes."""
        statement = numbered(sql)
        try:
            await self._begin()
            return await getattr(self._conn, method)(statement.sql, *statement.arguments(params))
        except DRIVER_ERRORS as error:
            raise_storage_error(error, self._conn)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return how many rows it changed."""
        return rows_changed(await self._run("execute", sql, params))

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one statement per row of parameters; return how many rows they changed.
        (asyncpg's executemany counts nothing; its statement cache prepares this once.)"""
        changed = 0
        for params in rows:
            changed += rows_changed(await self._run("execute", sql, params))
        return changed

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row's id."""
        table = fresh_id_table(sql)
        if table is not None:
            await self._run("execute", ID_LOCK_SQL, (ID_LOCK_CLASS, KEPT_TABLES.index(table)))
        returning = sql if " RETURNING " in sql.upper() else f"{sql} RETURNING id"
        return int(await self._run("fetchval", returning, params))

    async def fetch_one(self, sql: str, params: Params = ()) -> Any:
        return await self._run("fetchrow", sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Any]:
        return list(await self._run("fetch", sql, params))

    def exported(self, table: str, row: Any, *leave_out: str) -> dict[str, Any]:
        """As storage.engines.sqlite.Session.exported: the row for /mydata, opened."""
        return {
            key: self.unseal(table, key, value) if key in SEALED[table] else value
            for key, value in dict(row).items()
            if key not in leave_out
        }


class Database(base.Database):
    """The bot's database on PostgreSQL: one connection, one lock per worker process, as
    SQLite's (a pool would let one worker's transactions overlap; the workers are the
    parallelism).

    A lost connection (the server restarted, the backend terminated, the network cut) fails
    the call that meets it with a StorageFault: its transaction is gone, as it would be with
    any fault. The next transaction or read connects again, as the first connection was
    made; never in the middle of a transaction, whose statements all fail instead.
    """

    def __init__(
        self,
        conn: Any,
        url: str,
        now: Callable[[], datetime],
        sealer: Sealer,
        *,
        password: str | None = None,
        timeouts: Timeouts = Timeouts(),
    ) -> None:
        super().__init__(conn, now, sealer)
        self.url = url
        self._password = password
        self._timeouts = timeouts
        self._closed = False
        # While the connection is lost: since when (time.monotonic()), how many attempts to
        # connect again failed, and when the next may be made.
        self._lost_at: float | None = None
        self._failed_attempts = 0
        self._next_attempt_at = 0.0

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
        for a key file on a server; DatabaseServerError (storage.engines.postgres_preflight)
        in one line when the server or database cannot serve the bot, before anything is
        written."""
        if keys.key is None and keys.file is None:
            raise KeyFileError(
                "a PostgreSQL database needs its encryption key named: set "
                "PEERCIRCLE_STORAGE__KEY or storage.key_file"
            )
        sealer, _ = sealer_for(keys, None)
        # Imported here: the preflight builds on this module's connect().
        from storage.engines.postgres_preflight import checked_connection

        try:
            conn = await checked_connection(url, url, password, timeouts)
        except DRIVER_ERRORS as error:  # a check's own statement failed
            raise_storage_error(error, None)
        db = cls(
            conn,
            url,
            now or (lambda: datetime.now(UTC)),
            sealer,
            password=password,
            timeouts=timeouts,
        )
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
            await self._connected()
            try:
                applied = await apply_postgresql_migrations(self._conn, now=self._now)
            except DRIVER_ERRORS as error:
                raise_storage_error(error, self._conn)
            async with self._write() as session:
                await self._sealer.seal_older_rows(session)
        return applied

    async def schema_version(self) -> int:
        async with self._lock:
            await self._connected()
            try:
                return await schema_version(self._conn)
            except DRIVER_ERRORS as error:
                raise_storage_error(error, self._conn)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Session]:
        """A write transaction: committed when the block ends, rolled back on an exception."""
        async with self._lock:
            await self._connected()
            async with self._write() as session:
                yield session

    async def _connected(self) -> None:
        """With the lock held and no transaction open: connect again if the connection is
        lost, or raise a StorageFault saying why not (at once while the wait after a
        refused attempt lasts, so no caller waits long)."""
        if self._closed or not self._conn.is_closed():
            return
        now = time.monotonic()
        if self._lost_at is None:
            self._lost_at = now
            log.warning("storage.connection_lost: reconnecting at the next transaction")
        if now < self._next_attempt_at:
            raise StorageFault(
                "the PostgreSQL connection is lost; the next attempt to connect is in "
                f"{self._next_attempt_at - now:.1f} s"
            )
        try:
            conn = await connect(self.url, self._password, self._timeouts)
        except DRIVER_ERRORS as error:
            self._failed_attempts += 1
            wait = reconnect_wait(self._failed_attempts)
            self._next_attempt_at = time.monotonic() + wait
            log.warning(
                "storage.reconnect_failed: attempts=%d (%s); next attempt in %.1f s",
                self._failed_attempts,
                _reason(error),
                wait,
            )
            raise StorageFault(
                f"cannot connect to PostgreSQL again ({_reason(error)}); the next attempt is "
                f"in {wait:.1f} s"
            ) from None
        log.info(
            "storage.reconnected: attempts=%d after %.1f s",
            self._failed_attempts + 1,
            time.monotonic() - self._lost_at,
        )
        self._conn = conn
        self._lost_at, self._failed_attempts, self._next_attempt_at = None, 0, 0.0

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[Session]:
        session = Session(self._conn, self._sealer, begin=True)
        hand = in_hand.get()
        if hand is not None:
            await self._claim(session, hand)
        try:
            yield session
        except BaseException:
            await self._rollback()
            raise
        if session.begin_pending:
            return  # nothing was written and nothing is to be marked
        try:
            await self._conn.execute("COMMIT")
        except BaseException as error:
            await self._rollback()  # a failed COMMIT may leave the transaction open
            if isinstance(error, DRIVER_ERRORS):
                raise_storage_error(error, self._conn)
            raise
        if hand is not None:
            hand.marked = True

    async def _claim(self, session: Session, hand: UpdateInHand) -> None:
        """Claim first, for several workers: a write transaction of an update begins with its
        member's lock (a transaction-level advisory lock: the member's updates are applied
        one at a time, whichever worker has them) and, until a commit carried it, the
        update's mark. A second worker handed the same update (Telegram retries one that
        was not answered in time) waits at the lock, then finds the mark committed, rolls
        back and stops (UpdateHandledElsewhere); had the first rolled back, the second
        handles it in full."""
        try:
            await session._begin()
            if hand.member is not None:
                await self._conn.execute(MEMBER_LOCK_SQL, *member_lock(hand.member))
            if not hand.marked:
                mark = numbered(MARK_SQL)
                status = await self._conn.execute(mark.sql, hand.update_id, to_db(self._now()))
                if rows_changed(status) == 0:
                    hand.elsewhere = True
                    raise UpdateHandledElsewhere(hand.update_id)
        except BaseException as error:
            await self._rollback()
            if isinstance(error, DRIVER_ERRORS):
                raise_storage_error(error, self._conn)
            raise

    async def _rollback(self) -> None:
        """Called while an error is on its way out: a connection already lost has nothing
        to roll back (the server did), and a ROLLBACK that fails must not hide that error."""
        if self._conn.is_closed() or not self._conn.is_in_transaction():
            return
        try:
            await self._conn.execute("ROLLBACK")
        except DRIVER_ERRORS:
            # A connection in a state nobody knows (a cancelled statement, a protocol
            # error) is dropped: the next transaction starts on a new one.
            self._conn.terminate()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Session]:
        """Reads that need no transaction of their own."""
        async with self._lock:
            await self._connected()
            yield Session(self._conn, self._sealer)

    async def checkpoint(self) -> bool:
        """After /forget: VACUUM every table of the bot's schema, so the deleted and the
        updated rows' old versions leave the tables and their indexes (their space is
        marked free for reuse), then CHECKPOINT if this role may. True when the VACUUM ran;
        False when the server refused it for now (it is logged, and autovacuum does the
        same later).

        Less than SQLite's promise, and README says so: the write-ahead log, its archives,
        replicas and dumps keep the old rows until they are rotated out, and no session
        can reach them.
        """
        async with self._lock:
            try:
                await self._connected()
            except StorageFault as fault:
                log.warning("storage.vacuum_failed: %s", fault)
                return False
            try:
                tables = await self._conn.fetch(_TABLES_SQL)
                for table in tables:
                    # Outside any transaction (VACUUM refuses one); INDEX_CLEANUP ON, as
                    # an index entry may hold a pseudonym, and the server may skip
                    # index cleanup when few rows died.
                    await self._conn.execute(f"VACUUM (INDEX_CLEANUP ON) {table['name']}")
            except DRIVER_ERRORS as error:
                log.warning("storage.vacuum_failed: %s", storage_error(error, self._conn))
                return False
            try:
                await self._conn.execute("CHECKPOINT")
            except asyncpg.InsufficientPrivilegeError:
                pass  # superusers and pg_checkpoint's members only; the server's own follows
            except DRIVER_ERRORS as error:
                log.warning("storage.checkpoint_failed: %s", storage_error(error, self._conn))
        return True

    async def close(self) -> None:
        self._closed = True  # and never connected again
        await self._conn.close()
