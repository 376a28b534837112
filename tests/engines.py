"""Which storage engine a test run uses (`pytest --engine sqlite|postgresql`), and the fixtures
that give a test its database on that engine: `storage_url`, `storage_key(s)`, `open_db`;
`peek`/`probe` for a test that looks at rows (`probe` stands in for a sqlite3 connection),
`poke`/`WriteLockHolder` for one that changes or locks the database beside the bot.

SQLite, the default, is as before: a file in the test's own folder, its key beside it. On
PostgreSQL each test gets a database cloned from a migrated template (tests/pg.py), and a key
of its own (a server has no "beside the database").

A test that asks for `db_path` reads or breaks the SQLite file itself: the PostgreSQL pass
skips it, saying so; so it does for a test marked `sqlite_only`. A test that reaches neither
`storage_url` nor `db_path` does not depend on the engine: the PostgreSQL pass leaves it out,
as the SQLite pass runs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pydantic import SecretStr

from bot.config import StorageSettings
from storage.db import Database
from storage.engines.placeholders import numbered
from storage.faults import StorageError
from storage.sealed import Keys, default_key_file, encode_key, read_key_file
from storage.url import parse_storage_url, sqlite_url

ENGINES = ("sqlite", "postgresql")
BOTH = "both"  # one run, each test that reaches a database once per engine (make test)
# Fixtures whose presence makes a test depend on the engine.
STORAGE_FIXTURES = frozenset({"storage_url", "db_path"})
# Fixtures of PostgreSQL's own tests (tests/pg.py): the PostgreSQL pass keeps them too.
PG_FIXTURES = frozenset({"pg_cluster", "pg_database", "pg_migrated_database", "pg_template"})
SQLITE_ONLY = "reads or changes the SQLite file itself (db_path or sqlite_only): SQLite pass only"

Params = Sequence[Any] | Mapping[str, Any]
T = TypeVar("T")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engine",
        choices=(*ENGINES, BOTH),
        default="sqlite",
        help="the storage engine the tests' databases use (default sqlite); both: each test "
        "that reaches a database runs once on each",
    )


def engine_of(config: pytest.Config) -> str:
    return str(config.getoption("--engine"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """--engine both: every test whose fixtures reach `engine` runs once per engine."""
    if engine_of(metafunc.config) == BOTH and "engine" in metafunc.fixturenames:
        metafunc.parametrize("engine", ENGINES)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL: leave out the tests that never reach a database (the SQLite pass runs
    them), and skip the SQLite-only ones with the reason. With both engines in one run, the
    PostgreSQL copies of those are left out instead (their SQLite copy runs)."""
    chosen = engine_of(config)
    if chosen == "sqlite":
        return
    kept: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    for item in items:
        if chosen == BOTH and _engine_param(item) != "postgresql":
            kept.append(item)
            continue
        names = set(getattr(item, "fixturenames", ()))
        marked = item.get_closest_marker("sqlite_only")
        if chosen == "postgresql" and names & PG_FIXTURES and not names & STORAGE_FIXTURES:
            kept.append(item)  # PostgreSQL's own tests (they run once in the SQLite pass too)
            continue
        if not names & STORAGE_FIXTURES and marked is None:
            left_out.append(item)
            continue
        if chosen == BOTH and (marked is not None or "db_path" in names):
            left_out.append(item)
            continue
        if marked is not None:
            reason = f"SQLite only: {marked.args[0]}" if marked.args else SQLITE_ONLY
            item.add_marker(pytest.mark.skip(reason=reason))
        elif "db_path" in names:
            item.add_marker(pytest.mark.skip(reason=SQLITE_ONLY))
        kept.append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def _engine_param(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return None if callspec is None else callspec.params.get("engine")


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The engine of this test: --engine's, or with `both` its parameter (which stands in
    for this fixture, pytest_generate_tests)."""
    return engine_of(request.config)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """The SQLite file (skipped on PostgreSQL, by pytest_collection_modifyitems)."""
    return tmp_path / "peercircle.db"


@pytest.fixture
def storage_url(
    engine: str, tmp_path: Path, storage_key: bytes | None, request: pytest.FixtureRequest
) -> str:
    """The test's database: sqlite:///<tmp>/peercircle.db, or a fresh PostgreSQL database."""
    if engine == "sqlite":
        return sqlite_url(tmp_path / "peercircle.db")
    url = str(request.getfixturevalue("pg_migrated_database"))
    assert storage_key is not None
    _keys[url] = storage_key
    return url


# Each PostgreSQL test database's key, by URL, for the probes that open sealed text.
_keys: dict[str, bytes] = {}


def key_of(database: Path | str) -> bytes:
    """The key of a test's database: a SQLite file's key file beside it, or the key its
    PostgreSQL database was given."""
    if isinstance(database, str) and database in _keys:
        return _keys[database]
    return read_key_file(default_key_file(sqlite_path(database)))


def sqlite_path(database: Path | str) -> Path:
    """The SQLite file of a db_path or a sqlite URL (ValueError for a PostgreSQL URL)."""
    if isinstance(database, Path):
        return database
    parsed = parse_storage_url(database)
    if parsed.path is None:
        raise ValueError("a PostgreSQL database has no file")
    return parsed.path


def as_url(database: Path | str) -> str:
    """A db_path as its sqlite URL; a URL as it is."""
    return sqlite_url(database) if isinstance(database, Path) else database


@pytest.fixture
def storage_key(engine: str) -> bytes | None:
    """The key the test's database is sealed with: None on SQLite (the file beside it)."""
    return os.urandom(32) if engine == "postgresql" else None


@pytest.fixture
def storage_keys(storage_key: bytes | None) -> Keys:
    return Keys(key=storage_key)


OpenDb = Callable[..., Awaitable[Database]]


@pytest.fixture
async def open_db(storage_url: str, storage_keys: Keys) -> AsyncIterator[OpenDb]:
    """Database.open on the test's database (or `url`) with its keys; closed after."""
    opened: list[Database] = []

    async def open_(url: str | Path | None = None, **options: Any) -> Database:
        options.setdefault("keys", storage_keys)
        db = await Database.open(url or storage_url, **options)
        opened.append(db)
        return db

    try:
        yield open_
    finally:
        for db in opened:
            with contextlib.suppress(Exception):  # closed by the test already
                await db.close()


def peek(url: Path | str, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
    """Rows read straight from the database, without the bot's code: SQLite's `?` and
    `:name` placeholders on both engines. Sync, as the old sqlite3 probes were, so it may be
    called from inside the bot's event loop (PostgreSQL's runs in a thread of its own)."""
    parsed = parse_storage_url(as_url(url))
    if parsed.engine == "sqlite":
        assert parsed.path is not None
        with sqlite3.connect(parsed.path, timeout=30) as conn:
            return [tuple(r) for r in conn.execute(sql, params)]
    return in_a_thread(_pg_rows(parsed.text, sql, params))


def peek_dicts(url: Path | str, sql: str, params: Params = ()) -> list[dict[str, Any]]:
    """As peek, each row a dict by column name."""
    parsed = parse_storage_url(as_url(url))
    if parsed.engine == "sqlite":
        assert parsed.path is not None
        with sqlite3.connect(parsed.path, timeout=30) as conn:
            conn.row_factory = sqlite3.Row
            return [dict(r) for r in conn.execute(sql, params)]
    return in_a_thread(_pg_dicts(parsed.text, sql, params))


class Row(tuple[Any, ...]):
    """A PostgreSQL row read as sqlite3.Row reads: by index, by name, as a tuple or dict."""

    names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names.index(key))
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self.names)


class Rows:
    """What `execute` gave, as a sqlite3 cursor hands it out."""

    def __init__(self, rows: list[Row]) -> None:
        self._rows = rows

    def fetchone(self) -> Row | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Row]:
        return list(self._rows)

    def __iter__(self) -> Any:
        return iter(self._rows)


class Probe:
    """A stand-in for a sqlite3 connection on a PostgreSQL test database, for the tests that
    look at rows (or set one up): each statement on a connection of its own, committed."""

    row_factory: object = None

    def __init__(self, url: str) -> None:
        self.url = url
        self._pending: list[tuple[str, Params]] = []

    def execute(self, sql: str, params: Params = ()) -> Rows:
        """A read runs at once (after the writes before it); writes wait for the next read
        or the end of the `with` block, and then commit together, as sqlite3's would."""
        head = sql.lstrip().split(None, 1)[0].upper()
        if head not in ("SELECT", "WITH", "VALUES"):
            self._pending.append((sql, params))
            return Rows([])
        self.commit()
        return Rows(in_a_thread(_pg_records(self.url, sql, params)))

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        self._pending.extend((sql, params) for params in rows)

    def commit(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, []
            in_a_thread(_pg_execute_all(self.url, pending))

    def close(self) -> None:
        self.commit()

    def __enter__(self) -> Probe:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if kind is None:
            self.commit()


def probe(url: Path | str) -> Any:
    """sqlite3.connect(path, timeout=30) on SQLite, as the tests always had; a Probe on
    PostgreSQL. For tests that look at rows with SQL both engines read alike."""
    parsed = parse_storage_url(as_url(url))
    if parsed.engine == "sqlite":
        assert parsed.path is not None
        return sqlite3.connect(parsed.path, timeout=30)
    return Probe(parsed.text)


async def _pg_records(url: str, sql: str, params: Params) -> list[Row]:
    from storage.engines.postgres import connect

    statement = numbered(sql)
    conn = await connect(url)
    try:
        records = await conn.fetch(statement.sql, *statement.arguments(params))
    finally:
        await conn.close()
    rows = []
    for record in records:
        row = Row(record.values())
        row.names = tuple(record.keys())
        rows.append(row)
    return rows


def poke(url: Path | str, sql: str, params: Params = ()) -> None:
    """Change the database beside the bot, in a transaction of its own (a test setting up a
    state, or checking that the database refuses a change). Sync, as peek; call it off the
    event loop (asyncio.to_thread) while the bot may hold SQLite's write lock."""
    parsed = parse_storage_url(as_url(url))
    if parsed.engine == "sqlite":
        assert parsed.path is not None
        with sqlite3.connect(parsed.path, timeout=30) as conn:
            conn.execute(sql, params)
        return
    in_a_thread(_pg_execute(parsed.text, sql, params))


def poke_many(url: Path | str, sql: str, rows: Sequence[Params]) -> None:
    """PostgreSQL's half of helpers.write_beside_bot: the rows in one transaction."""
    in_a_thread(_pg_execute_many(str(url), sql, rows))


async def _pg_execute_many(url: str, sql: str, rows: Sequence[Params]) -> None:
    await _pg_execute_all(url, [(sql, params) for params in rows])


async def _pg_execute_all(url: str, statements: Sequence[tuple[str, Params]]) -> None:
    from storage.engines.postgres import connect

    conn = await connect(url)
    try:
        async with conn.transaction():
            for sql, params in statements:
                statement = numbered(sql)
                await conn.execute(statement.sql, *statement.arguments(params))
    finally:
        await conn.close()


async def _pg_execute(url: str, sql: str, params: Params) -> None:
    from storage.engines.postgres import connect

    statement = numbered(sql)
    conn = await connect(url)
    try:
        await conn.execute(statement.sql, *statement.arguments(params))
    finally:
        await conn.close()


def refused_by_the_database() -> tuple[type[BaseException], ...]:
    """What poke raises when a constraint or trigger refuses the change, on either engine."""
    import asyncpg

    return (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError)


# What a Session raises when a constraint or trigger refuses a statement: SQLite's own error,
# or PostgreSQL's as a StorageError (which keeps the server's words out of its message).
REFUSED_IN_A_SESSION: tuple[type[BaseException], ...] = (sqlite3.IntegrityError, StorageError)


def driver_error(error: BaseException) -> BaseException:
    """The driver's own error behind a StorageError (for its message), or the error itself."""
    return getattr(error, "driver_error", None) or error


async def _pg_rows(url: str, sql: str, params: Params) -> list[tuple[Any, ...]]:
    # Tuples from the records themselves: two columns may share a name.
    return [tuple(r) for r in await _pg_records(url, sql, params)]


async def _pg_dicts(url: str, sql: str, params: Params) -> list[dict[str, Any]]:
    from storage.engines.postgres import connect

    statement = numbered(sql)
    conn = await connect(url)  # numeric read as the bot reads it
    try:
        rows = await conn.fetch(statement.sql, *statement.arguments(params))
    finally:
        await conn.close()
    return [dict(r) for r in rows]


def in_a_thread(work: Awaitable[T]) -> T:
    """Run a coroutine to its end on a loop of its own, in another thread: the calling
    thread may be inside a running loop (the bot's), which must not be re-entered."""
    result: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(asyncio.run(work))  # type: ignore[arg-type]
        except BaseException as error:
            failure.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


def table_names(url: Path | str) -> list[str]:
    """The database's own tables (not the engine's), in name order."""
    if parse_storage_url(as_url(url)).engine == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    else:
        sql = (
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    return [r[0] for r in peek(url, sql)]


def column_names(url: Path | str, table: str) -> list[str]:
    if parse_storage_url(as_url(url)).engine == "sqlite":
        return [r[1] for r in peek(url, f"PRAGMA table_info({table})")]
    sql = (
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND table_name = ? ORDER BY ordinal_position"
    )
    return [r[0] for r in peek(url, sql, (table,))]


def foreign_keys(url: Path | str, table: str) -> list[tuple[str, str, str]]:
    """(column, parent table, parent column) of each foreign key of `table`."""
    if parse_storage_url(as_url(url)).engine == "sqlite":
        return [(r[3], r[2], r[4]) for r in peek(url, f"PRAGMA foreign_key_list({table})")]
    sql = (
        "SELECT kcu.column_name, ccu.table_name, ccu.column_name "
        "FROM information_schema.table_constraints tc "
        "JOIN information_schema.key_column_usage kcu "
        "ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema "
        "JOIN information_schema.constraint_column_usage ccu "
        "ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema "
        "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public' "
        "AND tc.table_name = ? ORDER BY tc.constraint_name"
    )
    return [(str(c), str(p), str(pc)) for c, p, pc in peek(url, sql, (table,))]


class WriteLockHolder:
    """Another process's connection holding what the bot needs to write, until released:
    SQLite's write lock (BEGIN IMMEDIATE), or on PostgreSQL every table locked IN
    EXCLUSIVE MODE (reads go on, writes wait: the bot's lock_timeout is SQLite's
    busy_timeout). Made and released off the event loop (asyncio.to_thread)."""

    def __init__(self, url: Path | str) -> None:
        parsed = parse_storage_url(as_url(url))
        self._sqlite: sqlite3.Connection | None = None
        self._release = threading.Event()
        self._thread: threading.Thread | None = None
        if parsed.engine == "sqlite":
            assert parsed.path is not None
            self._sqlite = sqlite3.connect(
                parsed.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            self._sqlite.execute("BEGIN IMMEDIATE")
            return
        tables = table_names(parsed.text)
        locked = threading.Event()
        failure: list[BaseException] = []

        async def hold() -> None:
            from storage.engines.postgres import connect

            conn = await connect(parsed.text)
            try:
                await conn.execute("BEGIN")
                await conn.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")
                locked.set()
                await asyncio.to_thread(self._release.wait)
                await conn.execute("ROLLBACK")
            finally:
                await conn.close()

        def run() -> None:
            try:
                asyncio.run(hold())
            except BaseException as error:
                failure.append(error)
                locked.set()

        self._thread = threading.Thread(target=run)
        self._thread.start()
        locked.wait(30)
        if failure:
            raise failure[0]

    def release(self) -> None:
        if self._sqlite is not None:
            self._sqlite.execute("ROLLBACK")
            self._sqlite.close()
            return
        self._release.set()
        assert self._thread is not None
        self._thread.join(30)


def read_only_on(engine: str) -> str:
    """The statement that makes the bot's own connection refuse every write."""
    if engine == "sqlite":
        return "PRAGMA query_only = ON"
    return "SET default_transaction_read_only = on"


def writable_on(engine: str) -> str:
    if engine == "sqlite":
        return "PRAGMA query_only = OFF"
    return "SET default_transaction_read_only = off"


# How each engine words a refused write in the fault it raises (the log line, /healthz).
READ_ONLY_WORDS = {"sqlite": "readonly", "postgresql": "read-only transaction"}


def storage_settings(database: Path | str, key: bytes | None = None) -> StorageSettings:
    """A SQLite path stays storage.path, as before URLs; a URL is storage.url."""
    named = {} if key is None else {"key": SecretStr(encode_key(key))}
    if isinstance(database, Path):
        return StorageSettings(path=database, **named)
    url = parse_storage_url(database)
    if url.path is not None:
        return StorageSettings(path=url.path, **named)
    return StorageSettings(url=database, **named)
