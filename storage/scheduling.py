"""Queries over every kind of due row at once (check-ins, reflections, milestones, nudges)."""

from __future__ import annotations

from datetime import datetime

from storage.db import Session
from storage.timestamps import from_db, to_db


async def oldest_due(session: Session, now: datetime) -> datetime | None:
    """The earliest due moment not yet swept, or None when nothing is waiting."""
    row = await session.fetch_one(
        """
        SELECT MIN(due) AS due FROM (
            SELECT MIN(next_checkin_at) AS due FROM members WHERE next_checkin_at <= :now
            UNION ALL SELECT MIN(next_weekly_at) FROM members WHERE next_weekly_at <= :now
            UNION ALL SELECT MIN(next_milestone_at) FROM members WHERE next_milestone_at <= :now
            UNION ALL SELECT MIN(next_nudge_at) FROM goals WHERE next_nudge_at <= :now
        ) AS soonest
        """,
        {"now": to_db(now)},
    )
    return from_db(row["due"]) if row and row["due"] else None
