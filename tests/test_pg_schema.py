"""PostgreSQL's migrations make SQLite's schema: after each version, the same tables with
the same columns in the same order, of matching types, the same primary keys and the same
named indexes. Skipped without PostgreSQL's binaries (tests/pg.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from storage.engines.postgres import connect
from storage.migrations import apply_migrations, load_migrations
from storage.migrations.postgresql import (
    apply_postgresql_migrations,
    load_postgresql_migrations,
)
from tests.pg import Cluster

# What each SQLite declared type is on PostgreSQL.
TYPES = {"INTEGER": {"bigint", "integer"}, "TEXT": {"text"}, "REAL": {"double precision"}}

Schema = dict[str, Any]


async def sqlite_schema(path: Path, version: int) -> Schema:
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await apply_migrations(conn, up_to=version)
        tables = [
            name
            for (name,) in await conn.execute_fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        schema: Schema = {}
        for table in tables:
            info = list(await conn.execute_fetchall(f"PRAGMA table_info({table})"))
            schema[table] = {
                "columns": [(c[1], c[2].upper()) for c in info],
                "key": tuple(c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]),
            }
        indexes = await conn.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
    schema["indexes"] = sorted(name for (name,) in indexes)
    return schema


async def postgresql_schema(url: str, version: int) -> Schema:
    conn = await connect(url)
    try:
        await apply_postgresql_migrations(conn, load_postgresql_migrations()[:version])
        columns = await conn.fetch(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name != 'schema_migrations' "
            "ORDER BY table_name, ordinal_position"
        )
        keys = await conn.fetch(
            "SELECT c.relname AS table_name, a.attname, array_position(i.indkey, a.attnum) AS n "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey) "
            "JOIN pg_namespace s ON s.oid = c.relnamespace "
            "WHERE i.indisprimary AND s.nspname = 'public' AND c.relname != 'schema_migrations' "
            "ORDER BY 1, 3"
        )
        indexes = await conn.fetch(
            "SELECT indexname FROM pg_indexes i WHERE schemaname = 'public' "
            "AND tablename != 'schema_migrations' AND NOT EXISTS ("
            "  SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)"
        )
    finally:
        await conn.close()
    schema: Schema = {}
    for row in columns:
        table = schema.setdefault(row["table_name"], {"columns": [], "key": ()})
        table["columns"].append((row["column_name"], row["data_type"]))
    for row in keys:
        schema[row["table_name"]]["key"] += (row["attname"],)
    schema["indexes"] = sorted(row["indexname"] for row in indexes)
    return schema


def test_postgresql_has_a_migration_for_each_of_sqlites_so_far() -> None:
    shipped = [m.name for m in load_postgresql_migrations()]
    assert shipped == [m.name for m in load_migrations()][: len(shipped)]


@pytest.mark.parametrize("version", range(1, len(load_postgresql_migrations()) + 1))
async def test_after_each_migration_the_schema_is_sqlites(
    tmp_path: Path, pg_cluster: Cluster, version: int
) -> None:
    name = f"schema_{version}"
    pg_cluster.psql(f"CREATE DATABASE {name}")
    try:
        theirs = await postgresql_schema(pg_cluster.url(name), version)
    finally:
        pg_cluster.psql(f"DROP DATABASE {name} WITH (FORCE)")
    ours = await sqlite_schema(tmp_path / "bot.db", version)
    assert theirs["indexes"] == ours["indexes"]
    assert sorted(t for t in theirs if t != "indexes") == sorted(t for t in ours if t != "indexes")
    for table, shape in ours.items():
        if table == "indexes":
            continue
        assert theirs[table]["key"] == shape["key"], table
        names = [(column, TYPES[declared]) for column, declared in shape["columns"]]
        assert [c for c, _ in theirs[table]["columns"]] == [c for c, _ in names], table
        for (column, kind), (_, allowed) in zip(theirs[table]["columns"], names, strict=True):
            assert kind in allowed, f"{table}.{column} is {kind}"
