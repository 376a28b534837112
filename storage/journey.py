"""Journeys repository."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from storage.db import Session
from storage.timestamps import to_db


@dataclass(frozen=True)
class JourneyRow:
    id: int
    started_on: date
    ended_on: date | None


def _row(r: Any) -> JourneyRow:
    ended = r["ended_on"]
    return JourneyRow(
        r["id"], date.fromisoformat(r["started_on"]), date.fromisoformat(ended) if ended else None
    )


async def current(session: Session, user_id: int) -> JourneyRow | None:
    row = await session.fetch_one(
        "SELECT id, started_on, ended_on FROM journeys WHERE user_id = ? AND ended_on IS NULL",
        (user_id,),
    )
    return _row(row) if row else None


async def all_for(session: Session, user_id: int) -> list[JourneyRow]:
    rows = await session.fetch_all(
        "SELECT id, started_on, ended_on FROM journeys WHERE user_id = ? ORDER BY started_on",
        (user_id,),
    )
    return [_row(r) for r in rows]


async def start(session: Session, user_id: int, started_on: date) -> int:
    return await session.insert(
        "INSERT INTO journeys (user_id, started_on) VALUES (?, ?)",
        (user_id, started_on.isoformat()),
    )


async def move_start(session: Session, journey_id: int, started_on: date) -> None:
    await session.execute(
        "UPDATE journeys SET started_on = ? WHERE id = ?", (started_on.isoformat(), journey_id)
    )


async def end(session: Session, journey_id: int, ended_on: date) -> None:
    await session.execute(
        "UPDATE journeys SET ended_on = ? WHERE id = ?", (ended_on.isoformat(), journey_id)
    )


async def set_setback_note(session: Session, journey_id: int, user_id: int, note: str) -> bool:
    changed = await session.execute(
        "UPDATE journeys SET setback_note = ? WHERE id = ? AND user_id = ? "
        "AND ended_on IS NOT NULL",
        (session.seal("journeys", "setback_note", note), journey_id, user_id),
    )
    return changed > 0


async def set_next_milestone(session: Session, user_id: int, moment: datetime | None) -> None:
    await session.execute(
        "UPDATE members SET next_milestone_at = ? WHERE user_id = ?",
        (to_db(moment) if moment else None, user_id),
    )


# Whether milestones reach the circle, as members.share_milestones holds it: NULL not asked
# yet, 0 private, 1 shared, 2 held: the member had said yes, then a setback came, and the
# circle hears nothing until they say yes again at a milestone of 7 days or more (so that
# "reached 1 day" never tells the circle about the setback).
UNASKED, PRIVATE, SHARED, HELD = "unasked", "private", "shared", "held"
_STORED: dict[str, int | None] = {UNASKED: None, PRIVATE: 0, SHARED: 1, HELD: 2}
_STATE = {stored: state for state, stored in _STORED.items()}


async def set_sharing(session: Session, user_id: int, state: str) -> None:
    await session.execute(
        "UPDATE members SET share_milestones = ? WHERE user_id = ?", (_STORED[state], user_id)
    )


async def hold_sharing(session: Session, user_id: int) -> bool:
    """After a setback: shared milestones are held until the member says yes again."""
    changed = await session.execute(
        "UPDATE members SET share_milestones = ? WHERE user_id = ? AND share_milestones = ?",
        (_STORED[HELD], user_id, _STORED[SHARED]),
    )
    return changed > 0


async def sharing(session: Session, user_id: int) -> str:
    """UNASKED, PRIVATE, SHARED or HELD (UNASKED for an unknown member)."""
    row = await session.fetch_one(
        "SELECT share_milestones FROM members WHERE user_id = ?", (user_id,)
    )
    return _STATE.get(row["share_milestones"], UNASKED) if row else UNASKED


async def due_milestones(session: Session, now: datetime, limit: int) -> list[int]:
    rows = await session.fetch_all(
        "SELECT user_id FROM members WHERE next_milestone_at <= ? "
        "ORDER BY next_milestone_at LIMIT ?",
        (to_db(now), limit),
    )
    return [int(r["user_id"]) for r in rows]


async def export(session: Session, user_id: int) -> list[dict[str, Any]]:
    """Every column of the member's journeys but the row keys."""
    rows = await session.fetch_all(
        "SELECT * FROM journeys WHERE user_id = ? ORDER BY started_on, id", (user_id,)
    )
    return [session.exported("journeys", r, "id", "user_id") for r in rows]
