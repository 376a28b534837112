"""Retention: members' old words cleared in short chunks of rows, the figures beside them kept.

Each kind of text is walked by its primary key, a chunk of rows per call: no index on the
moments is needed, and no transaction holds the database for long however big the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.db import Session
from storage.sealed import row_key as primary_key
from storage.timestamps import to_db


@dataclass(frozen=True)
class Expiring:
    """One kind of text that retention clears: where it is, how its age is told, what it
    becomes, and which rows keep it whatever their age."""

    name: str
    table: str
    column: str
    written: str  # the column saying when it was written
    cleared: str  # SQL: what the text becomes
    by_date: bool = False  # `written` holds a date, not a moment
    unless: str = ""  # SQL: rows that keep their text

    @property
    def row_key(self) -> tuple[str, ...]:
        return primary_key(self.table)


# The day's figures (mood, confidence) stay for the member's trends and /stats.
CHECKIN_NOTES = Expiring("check-in notes", "checkins", "note", "answered_at", "NULL")
# The setback and its date stay: the journey's days are counted from them.
SETBACK_NOTES = Expiring(
    "setback notes", "journeys", "setback_note", "ended_on", "NULL", by_date=True
)
# The relay stays (who thanked or reported it, the moderators' decisions); only its words go.
# One waiting for a moderator's review keeps them until it is decided.
RELAY_TEXTS = Expiring(
    "relay texts", "relays", "text", "created_at", "''", unless="status = 'held'"
)


def _not_yet(kind: Expiring) -> str:
    """SQL: the text is not already what it becomes. `IS NOT ''` is SQLite's alone, and `IS
    DISTINCT FROM` needs SQLite 3.39, so NULL is spelt out."""
    if kind.cleared == "NULL":
        return f"{kind.column} IS NOT NULL"
    return f"({kind.column} IS NULL OR {kind.column} <> {kind.cleared})"


@dataclass(frozen=True)
class Chunk:
    """What one chunk did: texts cleared, and the last row it read (None: the table's end)."""

    cleared: int
    last: tuple[Any, ...] | None


async def clear_chunk(
    session: Session,
    kind: Expiring,
    after: Sequence[Any] | None,
    before: datetime,
    size: int,
) -> Chunk:
    """Read up to `size` rows of `kind`'s table after `after` (by primary key) and clear the
    text of those written before `before`."""
    keys = ", ".join(kind.row_key)
    marks = ", ".join("?" for _ in kind.row_key)
    where = f"WHERE ({keys}) > ({marks})" if after else ""
    rows = await session.fetch_all(
        f"SELECT {keys} FROM {kind.table} {where} ORDER BY {keys} LIMIT ?",
        [*(after or ()), size],
    )
    if not rows:
        return Chunk(0, None)
    first, last = tuple(rows[0]), tuple(rows[-1])
    cutoff = before.date().isoformat() if kind.by_date else to_db(before)
    unless = f" AND NOT ({kind.unless})" if kind.unless else ""
    cleared = await session.execute(
        f"UPDATE {kind.table} SET {kind.column} = {kind.cleared} "
        f"WHERE ({keys}) >= ({marks}) AND ({keys}) <= ({marks}) "
        f"AND {_not_yet(kind)} AND {kind.written} < ?{unless}",
        [*first, *last, cutoff],
    )
    return Chunk(cleared, last if len(rows) == size else None)
