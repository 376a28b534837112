"""Aggregate queries for anonymised statistics: counts and means per circle, never rows.

Each query answers per circle (an inner join: members in no circle are left out) and, in a
second pass without any join, for everyone (circle id None). Joining every row to its
maybe-missing circle cost more than both passes together. Check-in figures read the
per-member summaries that triggers keep (migration 0010), not the check-ins themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from storage.db import Session, without
from storage.timestamps import to_db


@dataclass(frozen=True)
class WeekRow:
    circle_id: int | None
    week_start: date
    members: int  # distinct members who checked in that week
    checkins: int
    mood: float
    confidence: float


# Per circle, or (no join) for everyone: the two shapes every query below comes in.
_PER_CIRCLE = "JOIN circle_members cm ON cm.user_id = {alias}.user_id"
# (group column, join, grouping): grouping everyone by a constant would add a sort.
_SHAPES = (("cm.circle_id", _PER_CIRCLE, "GROUP BY 1"), ("NULL", "", ""))


async def checkin_weeks(session: Session, first_day: date, last_day: date) -> list[WeekRow]:
    """Per circle and for everyone (None), per Monday-to-Sunday week from `first_day`'s."""
    first_monday = first_day - timedelta(days=first_day.weekday())
    rows = []
    for group, join, grouping in _SHAPES:
        # One row per member and week (see migration 0010), so no DISTINCT is needed.
        by_week = "GROUP BY 1, 2" if grouping else "GROUP BY 2"
        rows += await session.fetch_all(
            f"""
            SELECT {group} AS circle_id, w.week_start AS week_start, COUNT(*) AS members,
                   SUM(w.checkins) AS checkins,
                   CAST(SUM(w.mood_sum) AS DOUBLE PRECISION) / SUM(w.checkins) AS mood,
                   CAST(SUM(w.confidence_sum) AS DOUBLE PRECISION) / SUM(w.checkins)
                     AS confidence
            FROM member_weeks w {join.format(alias="w")}
            WHERE w.week_start BETWEEN ? AND ? {by_week}
            """,
            (first_monday.isoformat(), last_day.isoformat()),
        )
    return [
        WeekRow(
            r["circle_id"],
            date.fromisoformat(r["week_start"]),
            r["members"],
            r["checkins"],
            r["mood"],
            r["confidence"],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class ActivityRow:
    circle_id: int | None
    active_7d: int
    active_30d: int
    checkins_7d: int


async def activity(session: Session, today: date) -> list[ActivityRow]:
    """Members with a check-in in the last 7 and 30 days, and check-ins in the last 7 days
    (today included): per circle and for everyone (None)."""
    d7 = date.fromordinal(today.toordinal() - 6).isoformat()
    d30 = date.fromordinal(today.toordinal() - 29).isoformat()
    # A member is active when their last check-in day is recent (see migration 0010). No
    # upper bound: a member whose zone is already in tomorrow has checked in, too.
    members: dict[int | None, tuple[int, int]] = {}
    for group, join, grouping in _SHAPES:
        for r in await session.fetch_all(
            f"""
            SELECT {group} AS circle_id,
                   SUM(CASE WHEN s.last_date >= ? THEN 1 ELSE 0 END) AS a7, COUNT(*) AS a30
            FROM member_spans s {join.format(alias="s")} WHERE s.last_date >= ? {grouping}
            """,
            (d7, d30),
        ):
            members[r["circle_id"]] = (r["a7"] or 0, r["a30"])
    # Everyone's count reads the date index alone; circles read their members' keys.
    checkins = {
        r["circle_id"]: r["n"]
        for r in await session.fetch_all(
            """
            SELECT cm.circle_id AS circle_id, COUNT(*) AS n
            FROM circle_members cm JOIN checkins c ON c.user_id = cm.user_id
            WHERE c.local_date >= ? GROUP BY 1
            """,
            (d7,),
        )
    }
    everyone = await session.fetch_one(
        f"SELECT COUNT(*) AS n FROM checkins {session.dialect.indexed_by('checkins_by_day')} "
        "WHERE local_date >= ?",
        (d7,),
    )
    checkins[None] = everyone["n"] if everyone else 0
    return [
        ActivityRow(circle_id, a7, a30, checkins.get(circle_id, 0))
        for circle_id, (a7, a30) in members.items()
        if a30
    ]


async def confidence_changes(session: Session) -> list[tuple[int | None, float]]:
    """(circle id, change) per member with at least 28 days between first and last check-in:
    mean confidence of their last 14 days minus that of their first 14 days."""
    days = session.dialect.days_between("s.last_date", "s.first_date")
    rows = await session.fetch_all(
        f"""
        SELECT cm.circle_id AS circle_id, s.last_confidence - s.first_confidence AS change
        FROM member_spans s LEFT JOIN circle_members cm ON cm.user_id = s.user_id
        WHERE {days} >= 27
        """
    )
    return [(r["circle_id"], float(r["change"])) for r in rows]


@dataclass(frozen=True)
class GoalRateRow:
    circle_id: int | None
    members: int
    done: int
    answered: int


async def goal_answers(session: Session, first_day: date) -> list[GoalRateRow]:
    """Habit answers since `first_day`: how many were "done" out of all given, per circle
    and for everyone (None)."""
    rows = []
    for group, join, grouping in _SHAPES:
        rows += await session.fetch_all(
            f"""
            SELECT {group} AS circle_id, COUNT(DISTINCT g.user_id) AS members,
                   SUM(CASE WHEN e.outcome = 'done' THEN 1 ELSE 0 END) AS done,
                   COUNT(*) AS answered
            FROM goal_entries e JOIN goals g ON g.id = e.goal_id {join.format(alias="g")}
            WHERE e.local_date >= ? AND g.kind = 'habit' {grouping}
            """,
            (first_day.isoformat(),),
        )
    return [
        GoalRateRow(r["circle_id"], r["members"], r["done"] or 0, r["answered"])
        for r in rows
        if r["answered"]
    ]


@dataclass(frozen=True)
class EncouragementRow:
    circle_id: int
    sent: int
    thanked: int  # of those, how many were thanked at least once


async def encouragement(session: Session, since: datetime) -> list[EncouragementRow]:
    rows = await session.fetch_all(
        """
        SELECT r.circle_id AS circle_id, COUNT(*) AS sent,
               SUM(CASE WHEN EXISTS (SELECT 1 FROM relay_thanks t WHERE t.relay_id = r.id)
                   THEN 1 ELSE 0 END) AS thanked
        FROM relays r
        WHERE r.kind IN ('encourage', 'reply') AND r.status = 'sent' AND r.created_at >= ?
        GROUP BY r.circle_id
        """,
        (to_db(since),),
    )
    return [EncouragementRow(r["circle_id"], r["sent"], r["thanked"] or 0) for r in rows]


async def member_count(session: Session) -> int:
    row = await session.fetch_one(
        "SELECT COUNT(*) AS n FROM members WHERE onboarded_at IS NOT NULL"
    )
    return int(row["n"]) if row else 0


async def export_summaries(session: Session, user_id: int) -> dict[str, Any]:
    """The per-member summaries kept from the member's check-ins, for /mydata."""
    weeks = await session.fetch_all(
        "SELECT * FROM member_weeks WHERE user_id = ? ORDER BY week_start", (user_id,)
    )
    span = await session.fetch_one("SELECT * FROM member_spans WHERE user_id = ?", (user_id,))
    return {
        "weeks": [without(w, "user_id") for w in weeks],
        "span": without(span, "user_id") if span else None,
    }
