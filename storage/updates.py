"""Which Telegram updates have been handled, and the offset confirmed to Telegram.

While an update is being handled, `in_hand` holds it; every write transaction in that time
records its id in the same commit (see Database.transaction). So an update
whose effects were committed is never handled again when Telegram delivers it twice, and
one that was cut off before any commit is handled in full.
"""

from __future__ import annotations

from datetime import datetime

from storage.db import Session
from storage.timestamps import to_db
from storage.update_marks import MARK_SQL, UpdateInHand, in_hand

__all__ = [
    "UpdateInHand",
    "handled_among",
    "in_hand",
    "mark_handled",
    "offset",
    "prune",
    "set_offset",
]


async def mark_handled(session: Session, update_ids: list[int], now: datetime) -> None:
    stamp = to_db(now)
    await session.execute_many(MARK_SQL, [(update_id, stamp) for update_id in update_ids])


async def handled_among(session: Session, update_ids: list[int]) -> set[int]:
    if not update_ids:
        return set()
    marks = ", ".join("?" for _ in update_ids)
    rows = await session.fetch_all(
        f"SELECT update_id FROM handled_updates WHERE update_id IN ({marks})", update_ids
    )
    return {int(r["update_id"]) for r in rows}


async def offset(session: Session) -> int:
    row = await session.fetch_one("SELECT value FROM instance WHERE key = 'update_offset'")
    return int(row["value"]) if row else 0


async def set_offset(session: Session, value: int) -> None:
    await session.execute(
        "UPDATE instance SET value = ? WHERE key = 'update_offset' AND CAST(value AS BIGINT) < ?",
        (str(value), value),
    )


async def prune(session: Session, before: datetime) -> int:
    """Forget old marks; Telegram redelivers an update for at most 24 hours."""
    return await session.execute(
        "DELETE FROM handled_updates WHERE handled_at < ?", (to_db(before),)
    )
