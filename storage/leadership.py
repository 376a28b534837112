"""The leader's lock: the one worker that sends the outbox and sweeps due rows holds it.

On PostgreSQL it is a session-level advisory lock, taken on a connection of its own (never
the Database's, whose connection comes and goes with its transactions): the server lets it
go when that session ends, so a leader that dies, or loses its connection, frees it for
another worker. On SQLite the instance lock (bot.runtime.instance_lock) already makes this
process the only one, so it is the leader for as long as it runs.

asyncpg is imported only when a PostgreSQL lock is used (a SQLite start never loads it).
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any, Protocol

# The advisory lock's key: a fixed 63-bit number (a positive bigint) drawn from the name, so
# it meets neither the migrations' lock (storage.migrations.postgresql) nor, most likely,
# another application's on the same server.


def lock_key(name: bytes) -> int:
    """A fixed 63-bit number (a positive bigint) drawn from a lock's name."""
    return int.from_bytes(hashlib.sha256(name).digest()[:8], "big") >> 1


LEADER_KEY = lock_key(b"peercircle.leader")
# How updates come in: held exclusively by the one process that polls (Telegram serves
# getUpdates to one consumer only), shared by webhook workers (any number of them).
INTAKE_KEY = lock_key(b"peercircle.intake")

TRY_TAKE_SQL = "SELECT pg_try_advisory_lock($1)"
TRY_TAKE_SHARED_SQL = "SELECT pg_try_advisory_lock_shared($1)"
STILL_HERE_SQL = "SELECT 1"
# Who holds the lead in this database: for tests and for operators (the README shows it).
# An advisory lock on a bigint shows in pg_locks as its high and low 32 bits.
LEADER_HOLDER_SQL = (
    "SELECT l.pid, a.application_name FROM pg_locks AS l JOIN pg_stat_activity AS a"
    " ON a.pid = l.pid"
    " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
    " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " AND l.classid::bigint = $1 AND l.objid::bigint = $2"
)
LEADER_KEY_PARTS = (LEADER_KEY >> 32, LEADER_KEY & 0xFFFFFFFF)

# The server drops a client that stopped answering (its machine gone, the network cut)
# after about idle + interval * count seconds of silence; the lead is free again then.
KEEPALIVE = ("5", "2", "2")  # idle, interval, count
SESSION_SQL = (
    "SELECT set_config('application_name', $1, false),"
    " set_config('tcp_keepalives_idle', $2, false),"
    " set_config('tcp_keepalives_interval', $3, false),"
    " set_config('tcp_keepalives_count', $4, false)"
)
# A leader whose check has not come back in this long gives up the lead: sooner than the
# server would drop it (above), so two workers never both believe they lead.
CHECK_TIMEOUT = 3.0


class LeaderLock(Protocol):
    """What the leadership rule (bot.runtime.leadership) asks of an engine."""

    async def try_take(self) -> bool:
        """True when this process holds the lock now; raises storage.faults' StorageFault
        when the database cannot be reached."""
        ...

    async def still_held(self) -> bool:
        """False when the lock may have gone (the connection lost or not answering)."""
        ...

    async def let_go(self) -> None:
        """Release the lock, if held, and close what holds it."""
        ...


class SoleInstance:
    """SQLite: one process holds the instance lock, so it always leads."""

    async def try_take(self) -> bool:
        return True

    async def still_held(self) -> bool:
        return True

    async def let_go(self) -> None:
        return None


class AdvisoryLock:
    """PostgreSQL: pg_try_advisory_lock on a dedicated connection, checked with SELECT 1.
    The leader's lock by default; `key`, `role` and `shared` make another (the intake's:
    bot.runtime.intake_lock)."""

    def __init__(
        self,
        url: str,
        password: str | None,
        worker: str,
        *,
        key: int = LEADER_KEY,
        role: str = "leader",
        shared: bool = False,
    ) -> None:
        self._url = url  # holds no password (storage.url refuses one)
        self._password = password
        self._key = key
        self._take_sql = TRY_TAKE_SHARED_SQL if shared else TRY_TAKE_SQL
        # Shown in pg_stat_activity, so an operator sees which worker a session is.
        self._application_name = f"peercircle {role} {worker}"[:63]
        self._conn: Any = None

    @property
    def server_pid(self) -> int | None:
        """The server process of the connection, while there is one."""
        if self._conn is None or self._conn.is_closed():
            return None
        return int(self._conn.get_server_pid())

    async def try_take(self) -> bool:
        from storage.engines import postgres  # here: a SQLite start never loads asyncpg

        try:
            if self._conn is None or self._conn.is_closed():
                await self._close()
                self._conn = await postgres.connect(self._url, self._password)
                await asyncio.wait_for(
                    self._conn.execute(SESSION_SQL, self._application_name, *KEEPALIVE),
                    CHECK_TIMEOUT,
                )
            # A server that stopped answering must not hold this worker (nor its stop) up.
            taken = await asyncio.wait_for(
                self._conn.fetchval(self._take_sql, self._key), CHECK_TIMEOUT
            )
            return bool(taken)
        except postgres.DRIVER_ERRORS as error:  # TimeoutError among them (an OSError)
            conn = self._conn
            await self._close()
            postgres.raise_storage_error(error, conn)

    async def still_held(self) -> bool:
        from storage.engines import postgres

        if self._conn is None or self._conn.is_closed():
            return False
        try:
            await asyncio.wait_for(self._conn.fetchval(STILL_HERE_SQL), CHECK_TIMEOUT)
        except (*postgres.DRIVER_ERRORS, TimeoutError):
            await self._close()
            return False
        return True

    async def let_go(self) -> None:
        """Closing the session releases the lock: no unlock needed, nor one to forget."""
        await self._close()

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None or conn.is_closed():
            return
        try:
            await asyncio.wait_for(conn.close(), CHECK_TIMEOUT)
        except Exception:  # a connection that cannot close politely is cut
            conn.terminate()
