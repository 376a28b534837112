"""Check-ins repository: one row per member per local day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from storage.db import Session
from storage.timestamps import to_db


@dataclass(frozen=True)
class CheckinRow:
    local_date: date
    mood: int
    confidence: int
    has_note: bool
    filled_in_later: bool = False


async def record(
    session: Session,
    user_id: int,
    day: date,
    mood: int,
    confidence: int,
    now: datetime,
    filled_in_later: bool = False,
) -> bool:
    """Store the day's answers, replacing earlier ones; True when it replaced a check-in.

    `filled_in_later` describes the answers now stored, so it follows the latest answer."""
    existed = await session.fetch_one(
        "SELECT 1 FROM checkins WHERE user_id = ? AND local_date = ?", (user_id, day.isoformat())
    )
    await session.execute(
        """
        INSERT INTO checkins (user_id, local_date, mood, confidence, answered_at,
                              filled_in_later)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (user_id, local_date)
        DO UPDATE SET mood = excluded.mood, confidence = excluded.confidence,
                      answered_at = excluded.answered_at,
                      filled_in_later = excluded.filled_in_later
        """,
        (user_id, day.isoformat(), mood, confidence, to_db(now), int(filled_in_later)),
    )
    return existed is not None


async def set_note(session: Session, user_id: int, day: date, note: str) -> bool:
    """Attach a private note to the day's check-in; False when there is no check-in."""
    changed = await session.execute(
        "UPDATE checkins SET note = ? WHERE user_id = ? AND local_date = ?",
        (session.seal("checkins", "note", note), user_id, day.isoformat()),
    )
    return changed > 0


async def exists(session: Session, user_id: int, day: date) -> bool:
    row = await session.fetch_one(
        "SELECT 1 FROM checkins WHERE user_id = ? AND local_date = ?", (user_id, day.isoformat())
    )
    return row is not None


async def existing(session: Session, wanted: list[tuple[int, date]]) -> set[tuple[int, date]]:
    """Which of these (member, day) pairs already have a check-in, in one query."""
    if not wanted:
        return set()
    users = sorted({user_id for user_id, _ in wanted})
    days = sorted({day.isoformat() for _, day in wanted})
    # Two plain IN lists use the (user_id, local_date) key; a row-value IN over VALUES made
    # SQLite scan the whole table (5 s at 3 million check-ins).
    rows = await session.fetch_all(
        f"SELECT user_id, local_date FROM checkins WHERE user_id IN "
        f"({', '.join('?' for _ in users)}) AND local_date IN ({', '.join('?' for _ in days)})",
        [*users, *days],
    )
    found = {(r["user_id"], date.fromisoformat(r["local_date"])) for r in rows}
    return found & set(wanted)


async def since(session: Session, user_id: int, first_day: date) -> list[CheckinRow]:
    """The member's check-ins from `first_day` on, oldest first."""
    rows = await session.fetch_all(
        """
        SELECT local_date, mood, confidence, note IS NOT NULL AS has_note, filled_in_later
        FROM checkins WHERE user_id = ? AND local_date >= ? ORDER BY local_date
        """,
        (user_id, first_day.isoformat()),
    )
    return [
        CheckinRow(
            date.fromisoformat(r["local_date"]),
            r["mood"],
            r["confidence"],
            bool(r["has_note"]),
            bool(r["filled_in_later"]),
        )
        for r in rows
    ]


async def streak_dates(session: Session, user_id: int, limit: int = 400) -> list[date]:
    """The member's most recent check-in days, newest first (enough to count a streak)."""
    rows = await session.fetch_all(
        "SELECT local_date FROM checkins WHERE user_id = ? ORDER BY local_date DESC LIMIT ?",
        (user_id, limit),
    )
    return [date.fromisoformat(r["local_date"]) for r in rows]


async def export(session: Session, user_id: int) -> list[dict[str, Any]]:
    """Every column of the member's check-ins (a column added later comes along)."""
    rows = await session.fetch_all(
        "SELECT * FROM checkins WHERE user_id = ? ORDER BY local_date", (user_id,)
    )
    return [
        {
            **session.exported("checkins", row, "user_id"),
            "filled_in_later": bool(row["filled_in_later"]),
        }
        for row in rows
    ]
