"""What every engine serves: the Row and Session protocols repositories are written against,
and the Database base class whose open() picks the engine by the storage URL's scheme.

Nothing here imports a driver: PostgreSQL's engine (and asyncpg) is imported only when a
postgresql URL is opened, so a SQLite start never loads it.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, overload

from storage.dialect import Dialect
from storage.sealed import Keys, Sealer
from storage.url import parse_storage_url

Params = Sequence[Any] | dict[str, Any]


class Row(Protocol):
    """A result row, read by key, by index, as dict(row) or tuple(row): sqlite3.Row and
    asyncpg's Record both are one."""

    def keys(self) -> Iterable[str]: ...
    def __getitem__(self, key: int | str, /) -> Any: ...
    def __iter__(self) -> Iterator[Any]: ...
    def __len__(self) -> int: ...


class Session(Protocol):
    """Statements run by the holder of a Database's lock, in or out of a transaction."""

    @property
    def dialect(self) -> Dialect: ...

    @overload
    def seal(self, table: str, column: str, value: str) -> str: ...
    @overload
    def seal(self, table: str, column: str, value: None) -> None: ...
    @overload
    def seal(self, table: str, column: str, value: str | None) -> str | None: ...

    @overload
    def unseal(self, table: str, column: str, value: str) -> str: ...
    @overload
    def unseal(self, table: str, column: str, value: None) -> None: ...
    @overload
    def unseal(self, table: str, column: str, value: str | None) -> str | None: ...

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return how many rows it changed."""
        ...

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one statement per row of parameters; return how many rows they changed."""
        ...

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row's id."""
        ...

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None: ...
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...

    def exported(self, table: str, row: Row, *leave_out: str) -> dict[str, Any]:
        """The row as a dict for /mydata, `table`'s sealed columns opened, `leave_out` left
        out (row keys an export has no use for)."""
        ...


def without(row: Row, *names: str) -> dict[str, Any]:
    """The row as a dict, leaving out `names` (row keys an export has no use for)."""
    return {key: value for key, value in dict(row).items() if key not in names}


class Database(ABC):
    """The bot's database, whichever engine serves it."""

    @classmethod
    async def open(
        cls,
        url: Path | str,
        *,
        migrate: bool = True,
        now: Callable[[], datetime] | None = None,
        keys: Keys | None = None,
        empty_ok: bool = False,
        password: str | None = None,
    ) -> Database:
        """The database at `url`: sqlite:///path or postgresql://…, or a SQLite file's path
        (a Path, or text without "://") as before storage URLs. `empty_ok` is SQLite's
        (`peercircle migrate` may make a database of an empty file); `password` is
        PostgreSQL's (never part of the URL)."""
        if isinstance(url, str) and "://" in url:
            parsed = parse_storage_url(url)
            if parsed.engine == "postgresql":
                # Imported here: a SQLite start never loads asyncpg.
                from storage.engines.postgres import Database as PostgreSQLDatabase

                return await PostgreSQLDatabase.connect_to(
                    parsed.text,
                    keys=keys or Keys(),
                    password=password,
                    migrate=migrate,
                    now=now,
                )
            assert parsed.path is not None  # a sqlite URL always names its file
            url = parsed.path
        from storage.engines.sqlite import Database as SQLiteDatabase

        return await SQLiteDatabase.open_file(
            url, migrate=migrate, now=now, keys=keys, empty_ok=empty_ok
        )

    def __init__(self, conn: Any, now: Callable[[], datetime], sealer: Sealer) -> None:
        # One connection and one lock on either engine, per process: every transaction of
        # a process runs alone, as the repositories assume (workers on PostgreSQL are
        # kept apart by the database's locks).
        self._conn = conn
        self._lock = asyncio.Lock()
        self._now = now
        self._sealer = sealer

    @property
    def sealer(self) -> Sealer:
        """What seals members' text; a key rotation adds its new key (storage.rotation)."""
        return self._sealer

    @abstractmethod
    async def migrate(self) -> list[int]:
        """Apply pending migrations and seal older rows; return the versions applied."""

    @abstractmethod
    async def schema_version(self) -> int: ...

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Session]:
        """A write transaction: committed when the block ends, rolled back on an exception."""

    @abstractmethod
    def read(self) -> AbstractAsyncContextManager[Session]:
        """Reads that need no transaction of their own."""

    @abstractmethod
    async def checkpoint(self) -> bool:
        """Leave no older copy of a changed or deleted row in the engine's own log, where the
        engine can; False when that could not finish now."""

    @abstractmethod
    async def close(self) -> None: ...
