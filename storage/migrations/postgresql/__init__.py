"""PostgreSQL's migrations: numbered as SQLite's are, each recorded in schema_migrations in
the transaction that runs it, under an advisory lock.

PostgreSQL's DDL is transactional, so a migration and its record commit together or not at
all; the lock makes workers starting together apply each migration once, the later ones
finding it recorded. The .sql files beside this module are PostgreSQL's own spelling of
SQLite's migrations, numbered and named alike (tests/test_pg_schema.py compares the schemas
after each). Data repairs and backfills are left out: a PostgreSQL database is only ever
made empty (or by migrate-data from a SQLite one at the latest version).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from storage.migrations import Migration, load_migrations
from storage.timestamps import to_db

# The key of the transaction-level advisory lock migrations take: any fixed 64-bit number,
# this one "peercirc" in ASCII, unlikely to meet another application's lock on the server.
MIGRATIONS_LOCK = int.from_bytes(b"peercirc", "big")  # below 2**63: a bigint
SCHEMA_MIGRATIONS = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)"
)


def load_postgresql_migrations() -> list[Migration]:
    """PostgreSQL's shipped migrations, oldest first."""
    return load_migrations(__package__)


async def schema_version(conn: Any) -> int:
    """The newest migration recorded; 0 for a database none has run on."""
    exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not exists:
        return 0
    return int(await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_migrations"))


async def apply_postgresql_migrations(
    conn: Any,
    migrations: Sequence[Migration] | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[int]:
    """Apply each migration not recorded yet, each in its own transaction with its record;
    return the versions this call applied (none that another session applied meanwhile)."""
    applied: list[int] = []
    for migration in load_postgresql_migrations() if migrations is None else migrations:
        async with conn.transaction():
            # A long migration is not cut short by the session's statement timeout.
            await conn.execute("SET LOCAL statement_timeout = 0")
            await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATIONS_LOCK)
            await conn.execute(SCHEMA_MIGRATIONS)
            recorded = await conn.fetchval(
                "SELECT 1 FROM schema_migrations WHERE version = $1", migration.version
            )
            if recorded:
                continue
            await conn.execute(migration.sql)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                migration.version,
                migration.name,
                to_db(now()),
            )
        applied.append(migration.version)
    return applied
