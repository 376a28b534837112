"""Copying a SQLite database into a new, empty PostgreSQL one (`peercircle migrate-data`).

The source is opened read-only and read in one snapshot; the target is migrated, then every
table is copied in foreign-key order with COPY, in one PostgreSQL transaction: all of it
commits, or nothing. Sealed columns are copied as they are (the target opens them with the
same key), and so are the summary tables, with the triggers that would recompute them off.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from storage.engines.postgres import DRIVER_ERRORS, connect, raise_storage_error
from storage.engines.postgres_preflight import check_postgresql
from storage.migrations import load_migrations
from storage.migrations.postgresql import apply_postgresql_migrations
from storage.preflight import as_file_error, verify_database
from storage.sealed import ENV_KEY, ROTATION, KeyFileError, Keys, check_opens, read_key_file

# Rows per COPY: memory stays flat whatever the size of a table.
BATCH_ROWS = 5_000
# PostgreSQL's own record of its migrations: made by the migrations, not copied.
PG_ONLY = frozenset({"schema_migrations"})
# Tables a migration fills on an empty database (a salt, the update offset, high-water
# marks), and what the start-up check of the key adds: their rows are replaced by the
# source's, which belong to its data (the salt its ban hashes were made with).
SEEDED = ("instance", "id_high_water")
# The instance keys an empty database may hold, and the update offset it holds there.
SEEDED_INSTANCE_KEYS = frozenset({"sanction_salt", "update_offset", "key_check", "sealed_columns"})

# Called as a table's copy goes: the table, the rows copied so far, its rows in all.
Progress = Callable[[str, int, int], None]


class MigrateDataError(Exception):
    """The copy cannot be made, or did not come out whole; one line for the operator, which
    never holds a password or a member's text."""


@dataclass(frozen=True)
class Copied:
    table: str
    rows: int


@dataclass(frozen=True)
class _Table:
    """A table to copy: its columns (the source's order), the key that orders its rows, and
    what each column's values become for PostgreSQL's type of it."""

    name: str
    columns: tuple[str, ...]
    order_by: tuple[str, ...]
    converters: tuple[Callable[[Any], Any] | None, ...]
    # SQLite's typeof() each column's values have when they fit as they are.
    fitting: tuple[str | None, ...]


def configured_key(keys: Keys) -> bytes:
    """The key as configured, never made here: PostgreSQL has no "beside the database" for
    a key file, and a key made now would open none of the source's sealed text."""
    if keys.key is not None:
        return keys.key
    if keys.file is None:
        raise KeyFileError(
            "migrate-data needs the encryption key named: set storage.key_file to the "
            "SQLite database's key file (peercircle.key beside it unless set), or "
            f"{ENV_KEY}; the PostgreSQL database opens with the same key"
        )
    try:
        return read_key_file(keys.file)
    except OSError as error:
        raise KeyFileError(
            f"cannot read the encryption key file {keys.file} ({error.strerror}); "
            "check storage.key_file"
        ) from None


def foreign_key_order(references: dict[str, set[str]]) -> list[str]:
    """Every table after the tables it references (a table referencing itself aside);
    alphabetical where the order is free, so each run copies alike."""
    waiting = {table: {r for r in refs if r != table} for table, refs in references.items()}
    for table, refs in waiting.items():
        missing = refs - waiting.keys()
        if missing:
            raise MigrateDataError(f"{table} references {sorted(missing)[0]}, which is missing")
    order: list[str] = []
    while waiting:
        ready = sorted(t for t, refs in waiting.items() if not refs - set(order))
        if not ready:
            raise MigrateDataError(f"the foreign keys of {sorted(waiting)} form a cycle")
        order.append(ready[0])
        del waiting[ready[0]]
    return order


_INTEGER = re.compile(r"^[+-]?[0-9]+$")


def _to_int(value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.match(value.strip()):
        return int(value)
    raise ValueError("not a whole number")


def _to_float(value: Any) -> float:
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        return float(value)
    raise ValueError("not a number")


def _to_text(value: Any) -> str:
    if isinstance(value, (int, float)):
        return str(value)
    raise ValueError("not text")


# SQLite keeps what a statement gave it (a column's type is only a preference); asyncpg's
# binary COPY takes exactly PostgreSQL's type. What each type needs, and its converter.
# Each with the SQLite typeof() that needs no conversion, so a table whose values all fit
# (every table SQLite's column affinities kept, in practice) is copied without a Python
# pass over each value: a third of the copy's time in a profile otherwise.
_TYPES: dict[str, tuple[type, Callable[[Any], Any], str]] = {
    "bigint": (int, _to_int, "integer"),
    "integer": (int, _to_int, "integer"),
    "smallint": (int, _to_int, "integer"),
    "double precision": (float, _to_float, "real"),
    "real": (float, _to_float, "real"),
    "text": (str, _to_text, "text"),
}


def _fitting(pg_type: str) -> str | None:
    wanted = _TYPES.get(pg_type)
    return None if wanted is None else wanted[2]


def converter(pg_type: str) -> Callable[[Any], Any] | None:
    wanted = _TYPES.get(pg_type)
    if wanted is None:
        return None
    kind, convert, _ = wanted

    def as_pg(value: Any) -> Any:
        if value is None or type(value) is kind:
            return value
        return convert(value)

    return as_pg


async def migrate_data(
    source: Path,
    target_url: str,
    *,
    keys: Keys,
    password: str | None = None,
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
) -> list[Copied]:
    """Copy the SQLite database at `source` into the PostgreSQL database at `target_url`
    (which holds no password), migrated first and refused unless empty; the rows copied per
    table, in the order copied. Raises MigrateDataError (or KeyFileError, DatabaseFileError,
    preflight's DatabaseServerError, a StorageError) before a row is copied, or with the copy
    rolled back: the target's tables, once its migrations made them, stay, empty."""
    key = configured_key(keys)
    uri = source_uri(source)
    try:
        async with _read_only(uri) as sqlite:
            await _check_source(sqlite, source, key)
            await check_postgresql(target_url, target_url, password)
            try:
                pg = await connect(target_url, password)
            except DRIVER_ERRORS as error:
                raise_storage_error(error, None)
            try:
                await _check_no_other_tables(sqlite, pg)
                await apply_postgresql_migrations(pg)
                return await _copy(sqlite, pg, progress or (lambda *_: None), max(1, batch_rows))
            except DRIVER_ERRORS as error:
                raise_storage_error(error, pg)
            finally:
                await pg.close()
    except sqlite3.Error as error:
        raise as_file_error(source, error) or MigrateDataError(
            f"reading {source} failed ({error}); nothing was copied"
        ) from None


def source_uri(source: Path) -> str:
    """The SQLite database's URI opening it read-only; refused when it is missing, or damaged
    anywhere (every page read once, as before a backup: a damaged one is not worth a copy)."""
    if not source.is_file():
        raise MigrateDataError(f"{source} does not exist: name the SQLite database with --from")
    verify_database(source, writable=False)
    return f"{source.absolute().as_uri()}?mode=ro"


@asynccontextmanager
async def _read_only(uri: str) -> AsyncIterator[aiosqlite.Connection]:
    """The SQLite database opened so that nothing here can write to it."""
    conn = await aiosqlite.connect(uri, uri=True, isolation_level=None)
    try:
        await conn.execute("PRAGMA query_only = ON")
        yield conn
    finally:
        await conn.close()


async def _check_source(sqlite: aiosqlite.Connection, path: Path, key: bytes) -> None:
    """The source at the newest migration, its key the configured one, no rotation on."""
    latest = load_migrations()[-1].version
    version = int((await _one(sqlite, "PRAGMA user_version"))[0])
    if version > latest:
        raise MigrateDataError(
            f"{path} is at schema version {version}, newer than this version's {latest}: "
            "run migrate-data with the peercircle version that made it"
        )
    if version != latest:
        raise MigrateDataError(
            f"{path} is at schema version {version}, not {latest}: bring it up to date first "
            "with this version's `peercircle migrate` (storage.url = sqlite:///"
            f"{path}), then run migrate-data again"
        )
    marks = dict(
        await _all(
            sqlite, "SELECT key, value FROM instance WHERE key IN (?, ?)", ("key_check", ROTATION)
        )
    )
    if ROTATION in marks:
        raise MigrateDataError(
            f"a key rotation is under way on {path}: finish it with `peercircle rotate-key` first"
        )
    check = marks.get("key_check")
    if check is not None and not check_opens(key, str(check)):
        raise KeyFileError(
            f"the configured encryption key does not open {path}: set storage.key_file or "
            f"{ENV_KEY} to its key (the PostgreSQL database will open with the same one)"
        )


async def _check_no_other_tables(sqlite: aiosqlite.Connection, pg: Any) -> None:
    """Before migrating the target: refuse a database holding another application's tables
    (the URL mistyped), which the migrations would otherwise fill with the bot's."""
    ours = {str(row[0]) for row in await _all(sqlite, _SOURCE_TABLES)} | PG_ONLY
    theirs = sorted(
        str(row[0])
        for row in await pg.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
        if str(row[0]) not in ours
    )
    if theirs:
        raise MigrateDataError(
            f"the PostgreSQL database holds a table that is not peercircle's ({theirs[0]}): "
            "migrate-data copies into a new, empty database only; check --to"
        )


_SOURCE_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"


async def _copy(
    sqlite: aiosqlite.Connection, pg: Any, progress: Progress, batch_rows: int
) -> list[Copied]:
    tables = await _plan(sqlite, pg)
    names = [t.name for t in tables]
    copied: list[Copied] = []
    async with pg.transaction():
        # Nobody else writes the target meanwhile, and what was found empty stays so.
        await pg.execute(f"LOCK TABLE {', '.join(names)} IN EXCLUSIVE MODE")
        await _check_empty(pg, names)
        triggered = await _tables_with_user_triggers(pg, names)
        for name in triggered:
            await pg.execute(f"ALTER TABLE {name} DISABLE TRIGGER USER")
        for name in SEEDED:
            await pg.execute(f"DELETE FROM {name}")
        # One snapshot of the source for every table: the copy is of one moment.
        await sqlite.execute("BEGIN")
        try:
            for table in tables:
                rows = await _copy_table(sqlite, pg, table, progress, batch_rows)
                copied.append(Copied(table.name, rows))
            highs = await _id_highs(sqlite)
        finally:
            await sqlite.execute("ROLLBACK")
        for name in triggered:
            await pg.execute(f"ALTER TABLE {name} ENABLE TRIGGER USER")
        await _set_identities(pg, highs)
        await _compare_counts(sqlite, pg, copied)
    return copied


async def _plan(sqlite: aiosqlite.Connection, pg: Any) -> list[_Table]:
    """The tables to copy in foreign-key order, each checked against PostgreSQL's."""
    source = [str(row[0]) for row in await _all(sqlite, _SOURCE_TABLES)]
    target_columns: dict[str, dict[str, str]] = {}
    for table, column, data_type in await pg.fetch(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema()"
    ):
        target_columns.setdefault(str(table), {})[str(column)] = str(data_type)
    only_target = set(target_columns) - set(source) - PG_ONLY
    only_source = set(source) - set(target_columns)
    if only_source or only_target:
        odd = sorted(only_source | only_target)[0]
        where = "SQLite" if odd in only_source else "PostgreSQL"
        raise MigrateDataError(
            f"the table {odd} is only in the {where} database: the two schemas differ, "
            "so nothing was copied"
        )
    references: dict[str, set[str]] = {}
    plans: dict[str, _Table] = {}
    for name in source:
        info = await _all(sqlite, f"PRAGMA table_info({name})")
        columns = tuple(str(row[1]) for row in info)
        if set(columns) != set(target_columns[name]):
            raise MigrateDataError(
                f"the columns of {name} differ between the SQLite and PostgreSQL databases, "
                "so nothing was copied"
            )
        keys = sorted((int(row[5]), str(row[1])) for row in info if int(row[5]) > 0)
        references[name] = {
            str(row[2]) for row in await _all(sqlite, f"PRAGMA foreign_key_list({name})")
        }
        plans[name] = _Table(
            name,
            columns,
            tuple(column for _, column in keys),
            tuple(converter(target_columns[name][c]) for c in columns),
            tuple(_fitting(target_columns[name][c]) for c in columns),
        )
    return [plans[name] for name in foreign_key_order(references)]


async def _check_empty(pg: Any, names: Sequence[str]) -> None:
    """Refuse a target holding anything but what its migrations put there."""
    for name in names:
        if name in SEEDED:
            continue
        if await pg.fetchval(f"SELECT EXISTS (SELECT 1 FROM {name})"):
            raise _not_empty(name)
    extra = await pg.fetchval(
        "SELECT count(*) FROM instance WHERE NOT (key = ANY($1::text[])) "
        "OR (key = 'update_offset' AND value <> '0')",
        sorted(SEEDED_INSTANCE_KEYS),
    )
    if extra:
        raise _not_empty("instance")
    if await pg.fetchval("SELECT EXISTS (SELECT 1 FROM id_high_water WHERE high <> 0)"):
        raise _not_empty("id_high_water")


def _not_empty(table: str) -> MigrateDataError:
    return MigrateDataError(
        f"the PostgreSQL database is not empty ({table} has rows): migrate-data copies into "
        "a new, empty database only, and never merges; make one with CREATE DATABASE"
    )


async def _tables_with_user_triggers(pg: Any, names: Sequence[str]) -> list[str]:
    """The tables whose own triggers would act on copied rows (the check-in summaries, the
    pseudonyms kept): off during the copy, which brings their results as they are."""
    rows = await pg.fetch(
        "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace "
        "ORDER BY c.relname"
    )
    return [str(row[0]) for row in rows if str(row[0]) in names]


async def _copy_table(
    sqlite: aiosqlite.Connection, pg: Any, table: _Table, progress: Progress, batch_rows: int
) -> int:
    total = int((await _one(sqlite, f"SELECT count(*) FROM {table.name}"))[0])
    progress(table.name, 0, total)
    order = f" ORDER BY {', '.join(table.order_by)}" if table.order_by else ""
    select = f"SELECT {', '.join(table.columns)} FROM {table.name}{order}"
    convert = await _needs_converting(sqlite, table)
    done = 0
    async with sqlite.execute(select) as cursor:
        batch = await cursor.fetchmany(batch_rows)
        while batch:
            # The next batch is read (in aiosqlite's thread) while this one is sent.
            reading = asyncio.ensure_future(cursor.fetchmany(batch_rows))
            try:
                records: list[Any] = list(batch)
                if convert:
                    records = [_converted(table, row, done + i) for i, row in enumerate(batch)]
                await pg.copy_records_to_table(table.name, records=records, columns=table.columns)
            except BaseException:
                await asyncio.gather(reading, return_exceptions=True)
                raise
            done += len(records)
            progress(table.name, done, total)
            batch = await reading
    return done


async def _needs_converting(sqlite: aiosqlite.Connection, table: _Table) -> bool:
    """Whether a value of `table` is not of the type PostgreSQL's column takes: SQLite
    keeps what a statement gave it where the column's affinity cannot turn it."""
    odd = [
        f"typeof({column}) NOT IN ('{fitting}', 'null')"
        for column, fitting in zip(table.columns, table.fitting, strict=True)
        if fitting is not None
    ]
    if not odd:
        return False
    found = await _one(
        sqlite, f"SELECT EXISTS (SELECT 1 FROM {table.name} WHERE {' OR '.join(odd)})"
    )
    return bool(found[0])


def _converted(table: _Table, row: Iterable[Any], number: int) -> tuple[Any, ...]:
    values = []
    for column, convert, value in zip(table.columns, table.converters, row, strict=True):
        try:
            values.append(value if convert is None else convert(value))
        except (ValueError, TypeError) as error:
            # The value itself is not shown: it may be a member's words.
            raise MigrateDataError(
                f"{table.name}.{column} of row {number + 1} ({type(value).__name__}) does not "
                f"fit PostgreSQL's column: {error}; nothing was copied"
            ) from None
    return tuple(values)


async def _id_highs(sqlite: aiosqlite.Connection) -> dict[str, int]:
    """Per table, the largest id it ever handed out that SQLite remembers beyond the ids
    present: AUTOINCREMENT's counter, and migration 0017's high-water marks."""
    highs: dict[str, int] = {}
    remembered = await _all(sqlite, "SELECT name, seq FROM sqlite_sequence")
    remembered += await _all(sqlite, "SELECT name, high FROM id_high_water")
    for name, high in remembered:
        highs[str(name)] = max(highs.get(str(name), 0), int(high or 0))
    return highs


async def _set_identities(pg: Any, highs: dict[str, int]) -> None:
    """Each identity column continues past every id SQLite handed out, so a new row never
    takes an id a deleted row (or a button still showing it) had."""
    for table, column in await pg.fetch(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES'"
    ):
        present = int(await pg.fetchval(f"SELECT coalesce(max({column}), 0) FROM {table}"))
        high = max(present, highs.get(str(table), 0))
        await pg.execute(
            "SELECT setval(pg_get_serial_sequence($1, $2), $3, $4)",
            str(table),
            str(column),
            max(high, 1),
            high > 0,
        )


async def _compare_counts(sqlite: aiosqlite.Connection, pg: Any, copied: list[Copied]) -> None:
    """Every table's rows in PostgreSQL as many as in SQLite now, outside the snapshot the
    copy was read from: a difference means something wrote to either meanwhile."""
    for done in copied:
        in_pg = int(await pg.fetchval(f"SELECT count(*) FROM {done.table}"))
        in_sqlite = int((await _one(sqlite, f"SELECT count(*) FROM {done.table}"))[0])
        if in_pg != done.rows or in_sqlite != done.rows:
            raise MigrateDataError(
                f"{done.table} has {in_sqlite} rows in SQLite and {in_pg} in PostgreSQL after "
                f"copying {done.rows}: something wrote to a database meanwhile (stop the bot "
                "first); nothing was copied"
            )


async def _one(sqlite: aiosqlite.Connection, sql: str) -> Any:
    async with sqlite.execute(sql) as cursor:
        return await cursor.fetchone()


async def _all(sqlite: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    async with sqlite.execute(sql, params) as cursor:
        return list(await cursor.fetchall())
