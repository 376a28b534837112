"""Key rotation: every sealed value sealed again with a new key, in batches, while the bot runs.

`peercircle rotate-key` records the request (the new key's file and a check value sealed
with it) in the instance table. From then on every process that opens the database, and
the running bot at its next sweep (KeyRotationWatch), seals with the new key and opens with
the new key, then the old; each says so in a row of its own. Once the bot has, the command
seals every older value again, a batch per transaction, recording how far it got so that an
interrupted rotation resumes where it stopped. Last, the key check is sealed with the new key
and the request is cleared: from then on the old key no longer opens the database.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from storage.db import Database, Session
from storage.sealed import (
    ROTATED_AT,
    ROTATION,
    ROTATION_ADOPTED,
    ROTATION_PROGRESS,
    SEALED,
    KeyFileError,
    Sealer,
    SealError,
    adoption,
    check_opens,
    rotation_key,
    row_key,
)
from storage.timestamps import to_db

log = logging.getLogger(__name__)

# Tables in a fixed order, so that recorded progress means the same to every run.
TABLES = tuple(sorted(SEALED))
_UPSERT = (
    "INSERT INTO instance (key, value) VALUES (?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)


class RotationError(Exception):
    """A rotation that cannot start or go on; worded for the operator."""


@dataclass(frozen=True)
class Step:
    """One batch: the table it read, how many rows it sealed again, whether all are done."""

    table: str
    resealed: int
    finished: bool


async def request(db: Database, new_key: bytes, new_key_file: Path) -> bool:
    """Record the rotation to `new_key` (in `new_key_file`, an absolute path: the bot reads
    it too) and seal with it in this process from now on.

    True when that rotation was recorded already (an interrupted one, resumed). Raises
    RotationError when another rotation is under way, or the new key is the one in use.
    """
    async with db.transaction() as session:
        found = await _instance(session, ROTATION)
        if found is not None:
            # Resumed: the same check value, so that the processes' records still match it.
            check = str(json.loads(found)["check"])
            if not check_opens(new_key, check):
                raise RotationError(
                    f"a rotation to another key ({json.loads(found)['file']}) is under way; "
                    "finish it first: run rotate-key again with --new-key-file naming that file"
                )
        elif db.sealer.seals_with(new_key):
            raise RotationError("the new key is the key in use; make a new one with `keygen`")
        else:
            check = Sealer(new_key).check_value()
        value = json.dumps({"file": str(new_key_file), "check": check})
        await session.execute(_UPSERT, (ROTATION, value))
        db.sealer.adopt(new_key)
        await session.execute(*adoption(value))
    return found is not None


async def adopted(db: Database, pid: int | None) -> bool:
    """Whether process `pid` (None: any process but this one) seals with the new key."""
    async with db.read() as session:
        found = await _instance(session, ROTATION)
        if found is None:
            return False
        check = json.loads(found)["check"]
        rows = await session.fetch_all(
            "SELECT key FROM instance WHERE key LIKE ? AND value = ?",
            (f"{ROTATION_ADOPTED}%", check),
        )
    holders = {str(r["key"]).removeprefix(ROTATION_ADOPTED) for r in rows}
    if pid is not None:
        return str(pid) in holders
    return bool(holders - {str(os.getpid())})


async def reseal_batch(db: Database, size: int) -> Step:
    """Seal up to `size` rows of the next table again with the new key, in one transaction
    that also records how far the rotation got."""
    async with db.transaction() as session:
        progress = json.loads(await _instance(session, ROTATION_PROGRESS) or "{}")
        table = str(progress.get("table", TABLES[0]))
        keys = row_key(table)
        after = _position(progress, table, keys)
        columns = SEALED[table]
        rows = await session.fetch_all(*_rows_after(table, keys, columns, after, size))
        updates = _resealed(db.sealer, table, columns, [tuple(r) for r in rows], len(keys))
        if updates:
            await _update(session, table, keys, columns, updates)
        finished = False
        if len(rows) == size:
            after = list(tuple(rows[-1])[: len(keys)])
            progress = {"table": table, "key": list(keys), "after": after}
        elif table != TABLES[-1]:
            progress = {"table": TABLES[TABLES.index(table) + 1], "after": None}
        else:
            finished = True
        await session.execute(_UPSERT, (ROTATION_PROGRESS, json.dumps(progress)))
    return Step(table, len(updates), finished)


# The row keys a position was saved in before positions named their key: each table's
# rowid, which is its `id` (INTEGER PRIMARY KEY) in all but these two.
_KEY_BEFORE_IT_WAS_SAVED = {"checkins": ("user_id", "local_date"), "safety_plans": ("rowid",)}


def _position(progress: dict[str, Any], table: str, keys: tuple[str, ...]) -> list[Any] | None:
    """Where the last batch stopped in `table`, or None: from its first row.

    A position saved in another row key (safety_plans was walked by rowid before) names no
    row now, so that table starts again rather than skip rows: its rows sealed with the new
    key already are read and left as they are.
    """
    after: list[Any] | None = progress.get("after")
    saved = tuple(progress.get("key") or _KEY_BEFORE_IT_WAS_SAVED.get(table, ("id",)))
    if after is not None and saved != keys:
        log.info("key rotation: %s starts again from its first row (a new row key)", table)
        return None
    return after


async def finish(db: Database, now: datetime) -> None:
    """Seal the key check with the new key and clear the rotation's rows: from now on only
    the new key opens the database."""
    async with db.transaction() as session:
        await session.execute(_UPSERT, ("key_check", db.sealer.check_value()))
        await session.execute(
            "DELETE FROM instance WHERE key IN (?, ?) OR key LIKE ?",
            (ROTATION, ROTATION_PROGRESS, f"{ROTATION_ADOPTED}%"),
        )
        await session.execute(_UPSERT, (ROTATED_AT, to_db(now)))


class KeyRotationWatch:
    """The running bot's part: take up a rotation that `peercircle rotate-key` asked for.

    Called before every sweep; reads one row when no rotation is under way.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._complained: str | None = None

    async def __call__(self) -> None:
        async with self._db.read() as session:
            found = await _instance(session, ROTATION)
        if found is None or self._db.sealer.seals_with_check(json.loads(found)["check"]):
            return
        try:
            new_key = rotation_key(found)
        except KeyFileError as error:
            if self._complained != found:  # once per request, not every few seconds
                self._complained = found
                log.error("%s", error)
            return
        async with self._db.transaction() as session:
            self._db.sealer.adopt(new_key)
            await session.execute(*adoption(found))
        log.info("key rotation: new text is sealed with the new key from now on")


async def _instance(session: Session, key: str) -> str | None:
    row = await session.fetch_one("SELECT value FROM instance WHERE key = ?", (key,))
    return str(row["value"]) if row is not None else None


def _rows_after(
    table: str,
    keys: tuple[str, ...],
    columns: tuple[str, ...],
    after: Sequence[Any] | None,
    size: int,
) -> tuple[str, list[Any]]:
    named = ", ".join(keys)
    where = f"WHERE ({named}) > ({', '.join('?' for _ in keys)})" if after else ""
    sql = f"SELECT {named}, {', '.join(columns)} FROM {table} {where} ORDER BY {named} LIMIT ?"
    return sql, [*(after or ()), size]


def _resealed(
    sealer: Sealer,
    table: str,
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    key_count: int,
) -> list[tuple[Any, ...]]:
    """UPDATE parameters for the rows holding a value sealed with an older key."""
    updates = []
    for row in rows:
        values = row[key_count:]
        try:
            again = [sealer.reseal(table, c, v) for c, v in zip(columns, values, strict=True)]
        except SealError:
            raise RotationError(
                f"a value in {table} opens with neither the old key nor the new one (changed "
                "by hand, or sealed with a third key); nothing of this batch was changed"
            ) from None
        if any(v is not None for v in again):
            kept = [
                new if new is not None else old for new, old in zip(again, values, strict=True)
            ]
            updates.append((*kept, *row[:key_count]))
    return updates


async def _update(
    session: Session,
    table: str,
    keys: tuple[str, ...],
    columns: tuple[str, ...],
    updates: list[tuple[Any, ...]],
) -> None:
    assignments = ", ".join(f"{c} = ?" for c in columns)
    where = " AND ".join(f"{k} = ?" for k in keys)
    statement = f"UPDATE {table} SET {assignments} WHERE {where}"
    if table != "audit_log":
        await session.execute_many(statement, updates)
        return
    if session.dialect.name == "postgresql":
        # Its triggers' function lets this transaction through (PostgreSQL's migration 0007).
        await session.execute("SET LOCAL peercircle.resealing = 'on'")
        await session.execute_many(statement, updates)
        return
    # The audit log refuses every change (its triggers); sealing a reason again with the new
    # key changes no word of it, so its triggers step aside for this batch's transaction
    # only, and are made again, as they were, before it commits.
    triggers = await session.fetch_all(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
    )
    for trigger in triggers:
        await session.execute(f'DROP TRIGGER "{trigger["name"]}"')
    await session.execute_many(statement, updates)
    for trigger in triggers:
        await session.execute(str(trigger["sql"]))
