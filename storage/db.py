"""One SQLite database: a single connection, serialised access and explicit transactions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from storage.migrations import apply_migrations
from storage.timestamps import to_db
from storage.update_marks import MARK_SQL, handling_update

Params = Sequence[Any] | dict[str, Any]


class Session:
    """Runs statements on the connection while its holder owns the database lock."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return how many rows it changed."""
        cursor = await self._conn.execute(sql, params)
        changed = cursor.rowcount
        await cursor.close()
        return changed

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row id."""
        cursor = await self._conn.execute(sql, params)
        row_id = cursor.lastrowid
        await cursor.close()
        return int(row_id or 0)

    async def fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        async with self._conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())


class Database:
    """The bot's database.

    SQLite allows one writer at a time, and one aiosqlite connection runs one statement at a
    time, so every use takes a lock: a read cannot see half of another task's transaction.
    """

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True) -> Database:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions; writes say BEGIN IMMEDIATE themselves.
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA foreign_keys=ON",
            "PRAGMA busy_timeout=5000",
            "PRAGMA synchronous=NORMAL",
        ):
            await conn.execute(pragma)
        db = cls(conn, path)
        if migrate:
            await db.migrate()
        return db

    async def migrate(self) -> list[int]:
        """Apply pending migrations; return the versions applied."""
        async with self._lock:
            return await apply_migrations(self._conn)

    async def schema_version(self) -> int:
        async with self.read() as session:
            row = await session.fetch_one("PRAGMA user_version")
        return int(row[0]) if row else 0

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Session]:
        """A write transaction: committed when the block ends, rolled back on an exception."""
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield Session(self._conn)
                update_id = handling_update.get()
                if update_id is not None:  # the update's effects and its mark commit together
                    await self._conn.execute(MARK_SQL, (update_id, to_db(datetime.now(UTC))))
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Session]:
        """Reads that need no transaction of their own."""
        async with self._lock:
            yield Session(self._conn)

    async def close(self) -> None:
        await self._conn.close()
