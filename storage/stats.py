"""Aggregate queries for anonymised statistics: counts and means per circle, never rows.

Each query answers per circle (an inner join: members in no circle are left out) and, in a
second pass without any join, for everyone (circle id None). Joining every check-in to
its maybe-missing circle cost more than both passes together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from storage.db import Session
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
    monday = first_day - timedelta(days=first_day.weekday())
    found: list[WeekRow] = []
    while monday <= last_day:
        rows = []
        for group, join, grouping in _SHAPES:
            rows += await session.fetch_all(
                f"""
                SELECT {group} AS circle_id, COUNT(DISTINCT c.user_id) AS members,
                       COUNT(*) AS checkins, AVG(c.mood) AS mood,
                       AVG(c.confidence) AS confidence
                FROM checkins c INDEXED BY checkins_by_date {join.format(alias="c")}
                WHERE c.local_date BETWEEN ? AND ? {grouping}
                """,
                (monday.isoformat(), (monday + timedelta(days=6)).isoformat()),
            )
        found += [
            WeekRow(r["circle_id"], monday, r["members"], r["checkins"], r["mood"],
                    r["confidence"])
            for r in rows
            if r["checkins"]  # everyone's row exists even for a week with no check-in
        ]  # fmt: skip
        monday += timedelta(days=7)
    return found


@dataclass(frozen=True)
class ActivityRow:
    circle_id: int | None
    active_7d: int
    active_30d: int
    checkins_7d: int


async def activity(session: Session, today: date) -> list[ActivityRow]:
    """Members with a check-in in the last 7 and 30 days (today included): per circle and
    for everyone (None)."""
    d7 = date.fromordinal(today.toordinal() - 6).isoformat()
    d30 = date.fromordinal(today.toordinal() - 29).isoformat()
    rows = []
    for group, join, grouping in _SHAPES:
        rows += await session.fetch_all(
            f"""
            SELECT {group} AS circle_id,
                   COUNT(DISTINCT CASE WHEN c.local_date >= ? THEN c.user_id END) AS a7,
                   COUNT(DISTINCT c.user_id) AS a30,
                   SUM(c.local_date >= ?) AS checkins7
            FROM checkins c INDEXED BY checkins_by_date {join.format(alias="c")}
            WHERE c.local_date >= ? AND c.local_date <= ? {grouping}
            """,
            (d7, d7, d30, today.isoformat()),
        )
    return [
        ActivityRow(r["circle_id"], r["a7"], r["a30"], r["checkins7"] or 0)
        for r in rows
        if r["a30"]
    ]


async def confidence_changes(session: Session) -> list[tuple[int | None, float]]:
    """(circle id, change) per member with at least 28 days between first and last check-in:
    mean confidence of their last 14 days minus that of their first 14 days."""
    # Every lookup is a seek on the (user_id, local_date) key: first and last day per
    # member, then at most 14 rows for each average (a GROUP BY read all 3 million rows).
    rows = await session.fetch_all(
        """
        WITH span AS (
            SELECT m.user_id AS user_id,
                   (SELECT MIN(local_date) FROM checkins WHERE user_id = m.user_id) AS first,
                   (SELECT MAX(local_date) FROM checkins WHERE user_id = m.user_id) AS last
            FROM members m
        )
        SELECT cm.circle_id AS circle_id,
               (SELECT AVG(l.confidence) FROM checkins l WHERE l.user_id = s.user_id
                  AND l.local_date > date(s.last, '-14 days'))
             - (SELECT AVG(f.confidence) FROM checkins f WHERE f.user_id = s.user_id
                  AND f.local_date < date(s.first, '+14 days')) AS change
        FROM span s LEFT JOIN circle_members cm ON cm.user_id = s.user_id
        WHERE s.first IS NOT NULL AND julianday(s.last) - julianday(s.first) >= 27
        """
    )
    return [(r["circle_id"], float(r["change"])) for r in rows if r["change"] is not None]


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
                   SUM(e.outcome = 'done') AS done, COUNT(*) AS answered
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
               SUM(EXISTS (SELECT 1 FROM relay_thanks t WHERE t.relay_id = r.id)) AS thanked
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
