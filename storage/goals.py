"""Goals repository: goals, their due rows, and one answer per goal per local day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from storage.db import Row, Session, without
from storage.ids import fresh_id
from storage.timestamps import from_db, to_db

OPEN = ("active", "paused")


@dataclass(frozen=True)
class GoalRow:
    id: int
    user_id: int
    number: int | None
    title: str
    why: str | None
    kind: str
    limit_target: int | None
    limit_period: str | None
    schedule: str
    nudge_time: str
    status: str
    created_at: datetime
    next_nudge_at: datetime | None
    snooze_at: datetime | None
    snooze_day: date | None


@dataclass(frozen=True)
class EntryRow:
    local_date: date
    outcome: str  # done | not_today | count
    reason: str | None
    amount: int | None


def _goal(session: Session, row: Row) -> GoalRow:
    def moment(name: str) -> datetime | None:
        return from_db(row[name]) if row[name] else None

    return GoalRow(
        id=row["id"],
        user_id=row["user_id"],
        number=row["number"],
        title=session.unseal("goals", "title", row["title"]),
        why=session.unseal("goals", "why", row["why"]),
        kind=row["kind"],
        limit_target=row["limit_target"],
        limit_period=row["limit_period"],
        schedule=row["schedule"],
        nudge_time=row["nudge_time"],
        status=row["status"],
        created_at=from_db(row["created_at"]),
        next_nudge_at=moment("next_nudge_at"),
        snooze_at=moment("snooze_at"),
        snooze_day=date.fromisoformat(row["snooze_day"]) if row["snooze_day"] else None,
    )


async def create_draft(
    session: Session, user_id: int, title: str, schedule: str, nudge_time: str, now: datetime
) -> int:
    return await session.insert(
        "INSERT INTO goals (id, user_id, title, kind, schedule, nudge_time, status, created_at) "
        f"VALUES ({fresh_id('goals')}, ?, ?, 'habit', ?, ?, 'draft', ?)",
        (user_id, session.seal("goals", "title", title), schedule, nudge_time, to_db(now)),
    )


async def delete_drafts(session: Session, user_id: int) -> int:
    return await session.execute(
        "DELETE FROM goals WHERE user_id = ? AND status = 'draft'", (user_id,)
    )


async def get(session: Session, user_id: int, goal_id: int) -> GoalRow | None:
    """The member's goal; None when it does not exist or belongs to someone else."""
    row = await session.fetch_one(
        "SELECT * FROM goals WHERE id = ? AND user_id = ?", (goal_id, user_id)
    )
    return _goal(session, row) if row else None


async def by_number(session: Session, user_id: int, number: int) -> GoalRow | None:
    row = await session.fetch_one(
        "SELECT * FROM goals WHERE user_id = ? AND number = ? AND status IN ('active', 'paused')",
        (user_id, number),
    )
    return _goal(session, row) if row else None


async def open_goals(session: Session, user_id: int) -> list[GoalRow]:
    """Active and paused goals, by number."""
    rows = await session.fetch_all(
        "SELECT * FROM goals WHERE user_id = ? AND status IN ('active', 'paused') ORDER BY number",
        (user_id,),
    )
    return [_goal(session, r) for r in rows]


async def count_open(session: Session, user_id: int) -> int:
    row = await session.fetch_one(
        "SELECT COUNT(*) AS n FROM goals WHERE user_id = ? AND status IN ('active', 'paused')",
        (user_id,),
    )
    return int(row["n"]) if row else 0


async def update(session: Session, goal_id: int, **fields: Any) -> None:
    """Set the named columns; datetimes as ISO-8601 UTC, dates as ISO dates."""
    allowed = {
        "number",
        "title",
        "why",
        "kind",
        "limit_target",
        "limit_period",
        "schedule",
        "nudge_time",
        "status",
        "archived_at",
        "next_nudge_at",
        "snooze_at",
        "snooze_day",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not an updatable goal column: {sorted(unknown)}")
    values = [
        session.seal("goals", name, v)
        if name in ("title", "why")
        else to_db(v)
        if isinstance(v, datetime)
        else v.isoformat()
        if isinstance(v, date)
        else v
        for name, v in fields.items()
    ]
    assignments = ", ".join(f"{name} = ?" for name in fields)
    await session.execute(f"UPDATE goals SET {assignments} WHERE id = ?", (*values, goal_id))


async def due_nudges(session: Session, now: datetime, limit: int) -> list[GoalRow]:
    """Goals whose regular nudge is due, oldest first."""
    rows = await session.fetch_all(
        "SELECT * FROM goals WHERE next_nudge_at <= ? ORDER BY next_nudge_at LIMIT ?",
        (to_db(now), limit),
    )
    return [_goal(session, r) for r in rows]


async def nudges_due_before(
    session: Session, user_ids: list[int], before: datetime
) -> list[GoalRow]:
    """These members' goals whose regular nudge is due before `before`, soonest first."""
    if not user_ids:
        return []
    rows = await session.fetch_all(
        f"SELECT * FROM goals WHERE user_id IN ({', '.join('?' for _ in user_ids)}) "
        "AND next_nudge_at < ? ORDER BY next_nudge_at, id",
        [*user_ids, to_db(before)],
    )
    return [_goal(session, r) for r in rows]


async def due_snoozes(session: Session, now: datetime, limit: int) -> list[GoalRow]:
    """Goals whose "remind me in an hour" is due, oldest first."""
    rows = await session.fetch_all(
        "SELECT * FROM goals WHERE snooze_at <= ? ORDER BY snooze_at LIMIT ?",
        (to_db(now), limit),
    )
    return [_goal(session, r) for r in rows]


async def record(
    session: Session,
    goal_id: int,
    day: date,
    outcome: str,
    now: datetime,
    reason: str | None = None,
    amount: int | None = None,
) -> None:
    """The day's answer, replacing an earlier one for the same day."""
    await session.execute(
        """
        INSERT INTO goal_entries (goal_id, local_date, outcome, reason, amount, answered_at)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (goal_id, local_date)
        DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason,
                      amount = excluded.amount, answered_at = excluded.answered_at
        """,
        (goal_id, day.isoformat(), outcome, reason, amount, to_db(now)),
    )


async def answered(session: Session, goal_id: int, day: date) -> bool:
    row = await session.fetch_one(
        "SELECT 1 FROM goal_entries WHERE goal_id = ? AND local_date = ?",
        (goal_id, day.isoformat()),
    )
    return row is not None


async def done_count(session: Session, user_id: int, first_day: date, last_day: date) -> int:
    """How many times the member marked any goal done between the two days, both included."""
    row = await session.fetch_one(
        "SELECT count(*) FROM goal_entries e JOIN goals g ON g.id = e.goal_id "
        "WHERE g.user_id = ? AND e.outcome = 'done' AND e.local_date BETWEEN ? AND ?",
        (user_id, first_day.isoformat(), last_day.isoformat()),
    )
    return int(row[0]) if row else 0


async def entries_since(session: Session, goal_id: int, first_day: date) -> list[EntryRow]:
    """The goal's answers from `first_day` on, oldest first."""
    rows = await session.fetch_all(
        "SELECT local_date, outcome, reason, amount FROM goal_entries "
        "WHERE goal_id = ? AND local_date >= ? ORDER BY local_date",
        (goal_id, first_day.isoformat()),
    )
    return [
        EntryRow(date.fromisoformat(r["local_date"]), r["outcome"], r["reason"], r["amount"])
        for r in rows
    ]


async def done_dates(session: Session, goal_id: int, limit: int = 400) -> list[date]:
    """The goal's most recent done days, newest first (enough for a streak)."""
    rows = await session.fetch_all(
        "SELECT local_date FROM goal_entries WHERE goal_id = ? AND outcome = 'done' "
        "ORDER BY local_date DESC LIMIT ?",
        (goal_id, limit),
    )
    return [date.fromisoformat(r["local_date"]) for r in rows]


async def export(session: Session, user_id: int) -> list[dict[str, Any]]:
    """Every goal of the member (drafts and archived ones too) with its answers."""
    goals = await session.fetch_all(
        "SELECT * FROM goals WHERE user_id = ? ORDER BY id", (user_id,)
    )
    exported: list[dict[str, Any]] = []
    for goal in goals:
        entries = await session.fetch_all(
            "SELECT * FROM goal_entries WHERE goal_id = ? ORDER BY local_date", (goal["id"],)
        )
        item = session.exported("goals", goal, "id", "user_id")
        item["answers"] = [without(e, "goal_id") for e in entries]
        exported.append(item)
    return exported
