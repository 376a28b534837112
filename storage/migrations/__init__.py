"""Numbered SQL migrations, applied in order and tracked by PRAGMA user_version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import aiosqlite

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(package: str = __package__) -> list[Migration]:
    """Every shipped migration in `package` (SQLite's; storage.migrations.postgresql holds
    PostgreSQL's), oldest first. A shipped migration is never edited."""
    found: list[Migration] = []
    for entry in resources.files(package).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migration {expected:04d} is missing before {migration.name}")
    return found


async def apply_migrations(conn: aiosqlite.Connection, up_to: int | None = None) -> list[int]:
    """Apply each pending migration and its version bump in one transaction."""
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    current = int(row[0]) if row else 0
    applied: list[int] = []
    for migration in load_migrations():
        if migration.version <= current or (up_to is not None and migration.version > up_to):
            continue
        script = (
            f"BEGIN IMMEDIATE;\n{migration.sql}\nPRAGMA user_version = {migration.version};\n"
            "COMMIT;"
        )
        try:
            await conn.executescript(script)
        except Exception:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
        applied.append(migration.version)
    return applied
