"""Crisis alerts repository."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Row, Session
from storage.timestamps import from_db, to_db


@dataclass(frozen=True)
class AlertRow:
    id: int
    user_id: int
    source: str
    circle_name: str | None
    pseudonym: str
    text: str | None
    taken_by: int | None
    taken_by_name: str | None
    resolved: bool
    tier: str = "urgent"
    categories: str = ""
    false_alarm: bool = False
    contact_requested: bool = False
    told_at: datetime | None = None
    thread_noticed: bool = False
    thread_closed: bool = False
    taken_at: datetime | None = None
    resolved_at: datetime | None = None
    resolved_by_name: str | None = None


async def create(
    session: Session,
    *,
    user_id: int,
    source: str,
    circle_name: str | None,
    pseudonym: str,
    text: str | None,
    now: datetime,
    tier: str = "urgent",
    categories: str = "",
) -> int:
    alert_id = await session.insert(
        "INSERT INTO crisis_alerts (user_id, source, circle_name, pseudonym, text, created_at, "
        "tier, categories) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            user_id,
            source,
            circle_name,
            pseudonym,
            session.seal("crisis_alerts", "text", text),
            to_db(now),
            tier,
            categories,
        ),
    )
    await count_outcome(session, tier, "raised")
    return alert_id


def _alert(session: Session, row: Row) -> AlertRow:
    return AlertRow(
        row["id"],
        row["user_id"],
        row["source"],
        row["circle_name"],
        row["pseudonym"],
        session.unseal("crisis_alerts", "text", row["text"]),
        row["taken_by"],
        row["taken_by_name"],
        row["resolved_at"] is not None,
        row["tier"],
        row["categories"] or "",
        row["false_alarm_at"] is not None,
        row["contact_requested_at"] is not None,
        from_db(row["told_at"]) if row["told_at"] else None,
        row["thread_noticed_at"] is not None,
        row["thread_closed_at"] is not None,
        _moment(row["taken_at"]),
        _moment(row["resolved_at"]),
        row["resolved_by_name"],
    )


def _moment(value: str | None) -> datetime | None:
    return from_db(value) if value else None


async def get(session: Session, alert_id: int) -> AlertRow | None:
    row = await session.fetch_one("SELECT * FROM crisis_alerts WHERE id = ?", (alert_id,))
    return _alert(session, row) if row is not None else None


async def open_for(session: Session, user_id: int, since: datetime) -> AlertRow | None:
    """The member's newest alert raised since `since` that nobody has resolved."""
    row = await session.fetch_one(
        "SELECT * FROM crisis_alerts WHERE user_id = ? AND resolved_at IS NULL "
        "AND created_at >= ? ORDER BY id DESC LIMIT 1",
        (user_id, to_db(since)),
    )
    return _alert(session, row) if row is not None else None


async def open_thread(session: Session, user_id: int, since: datetime) -> AlertRow | None:
    """The alert whose moderator wrote to the member since `since`, thread not closed."""
    row = await session.fetch_one(
        "SELECT * FROM crisis_alerts WHERE user_id = ? AND taken_by IS NOT NULL "
        "AND told_at >= ? AND thread_closed_at IS NULL ORDER BY told_at DESC LIMIT 1",
        (user_id, to_db(since)),
    )
    return _alert(session, row) if row is not None else None


async def escalate(session: Session, alert_id: int, tier: str, categories: str) -> None:
    """A concern became urgent: its "raised" count moves to the urgent tier."""
    row = await session.fetch_one("SELECT tier FROM crisis_alerts WHERE id = ?", (alert_id,))
    await session.execute(
        "UPDATE crisis_alerts SET tier = ?, categories = ? WHERE id = ?",
        (tier, categories, alert_id),
    )
    if row is not None and row["tier"] != tier:
        await count_outcome(session, row["tier"], "raised", -1)
        await count_outcome(session, tier, "raised")


async def mark(session: Session, alert_id: int, column: str, now: datetime) -> bool:
    """Set one of the alert's moments (told_at, contact_requested_at, ...) to now."""
    if column not in _MOMENTS:
        raise ValueError(column)
    changed = await session.execute(
        f"UPDATE crisis_alerts SET {column} = ? WHERE id = ?", (to_db(now), alert_id)
    )
    return changed > 0


_MOMENTS = frozenset({"contact_requested_at", "thread_noticed_at", "thread_closed_at"})


async def mark_false_alarm(session: Session, alert_id: int, name: str, now: datetime) -> bool:
    """A moderator says it was not a crisis: resolved, and counted as a false alarm."""
    changed = await session.execute(
        "UPDATE crisis_alerts SET false_alarm_at = ?, resolved_by_name = ?, resolved_at = ? "
        "WHERE id = ? AND resolved_at IS NULL",
        (to_db(now), name, to_db(now), alert_id),
    )
    return changed > 0


async def count_outcome(session: Session, tier: str, outcome: str, by: int = 1) -> None:
    await session.execute(
        "INSERT INTO alert_outcomes (tier, outcome, count) VALUES (?, ?, ?) "
        "ON CONFLICT (tier, outcome) DO UPDATE SET count = alert_outcomes.count + excluded.count",
        (tier, outcome, by),
    )


async def reopen(session: Session, alert_id: int) -> None:
    """The member asked for a moderator after the alert was closed: open and untaken again,
    so it is repeated until someone takes it."""
    await session.execute(
        "UPDATE crisis_alerts SET resolved_at = NULL, resolved_by_name = NULL, taken_by = NULL,"
        " taken_by_name = NULL, taken_at = NULL, repeated_at = NULL WHERE id = ?",
        (alert_id,),
    )


async def told(session: Session, alert_id: int, now: datetime) -> None:
    """A moderator wrote to the member: the thread is open. One that had been ended opens
    again, and the member is told once more where plain messages go."""
    await session.execute(
        "UPDATE crisis_alerts SET told_at = ?, thread_noticed_at = CASE WHEN "
        "thread_closed_at IS NULL THEN thread_noticed_at END, thread_closed_at = NULL "
        "WHERE id = ?",
        (to_db(now), alert_id),
    )


async def outcome_counts(session: Session) -> dict[tuple[str, str], int]:
    rows = await session.fetch_all("SELECT tier, outcome, count FROM alert_outcomes")
    return {(r["tier"], r["outcome"]): int(r["count"]) for r in rows}


async def take(session: Session, alert_id: int, by: int, name: str, now: datetime) -> bool:
    """Mark the alert taken; False when someone already took it or it was closed."""
    changed = await session.execute(
        "UPDATE crisis_alerts SET taken_by = ?, taken_by_name = ?, taken_at = ? "
        "WHERE id = ? AND taken_by IS NULL AND resolved_at IS NULL",
        (by, name, to_db(now), alert_id),
    )
    return changed > 0


async def resolve(session: Session, alert_id: int, name: str, now: datetime) -> bool:
    changed = await session.execute(
        "UPDATE crisis_alerts SET resolved_by_name = ?, resolved_at = ? "
        "WHERE id = ? AND resolved_at IS NULL",
        (name, to_db(now), alert_id),
    )
    return changed > 0


# What a member's /mydata shows of an alert about them: everything but who the moderator
# was (members meet moderators only as "Moderator"). A column added later stays out until
# it is listed here, so nothing about moderators leaks by accident.
_EXPORTED = (
    "tier",
    "categories",
    "source",
    "circle_name",
    "pseudonym",
    "text",
    "created_at",
    "repeated_at",
    "taken_at",
    "told_at",
    "contact_requested_at",
    "thread_noticed_at",
    "thread_closed_at",
    "false_alarm_at",
    "resolved_at",
)


async def export(session: Session, user_id: int) -> list[dict[str, object]]:
    rows = await session.fetch_all(
        f"SELECT {', '.join(_EXPORTED)} FROM crisis_alerts WHERE user_id = ? ORDER BY id",
        (user_id,),
    )
    return [session.exported("crisis_alerts", r) for r in rows]


# -- when the moderator who took an alert no longer does --------------------------------------


def _held_by(thread_since: datetime) -> tuple[str, tuple[str]]:
    """Alerts still in a moderator's hands: open, or with a conversation still open."""
    return (
        "(resolved_at IS NULL OR (told_at >= ? AND thread_closed_at IS NULL))",
        (to_db(thread_since),),
    )


async def held_by(session: Session, moderator_id: int, thread_since: datetime) -> list[AlertRow]:
    """The alerts a moderator has taken and still holds, by id."""
    where, params = _held_by(thread_since)
    rows = await session.fetch_all(
        f"SELECT * FROM crisis_alerts WHERE taken_by = ? AND {where} ORDER BY id",
        (moderator_id, *params),
    )
    return [_alert(session, row) for row in rows]


async def release(session: Session, alert_id: int, now: datetime) -> None:
    """Nobody's alert again, open until someone takes it; repeated (if urgent) from now on,
    not at once: the moderators' chat has just been told."""
    await session.execute(
        "UPDATE crisis_alerts SET taken_by = NULL, taken_by_name = NULL, taken_at = NULL, "
        "resolved_at = NULL, resolved_by_name = NULL, repeated_at = ? WHERE id = ?",
        (to_db(now), alert_id),
    )


async def take_over(
    session: Session,
    alert_id: int,
    by: int,
    name: str,
    now: datetime,
    thread_since: datetime,
) -> bool:
    """Take an alert someone else holds (or nobody does), while it is open or its
    conversation is; False otherwise."""
    where, params = _held_by(thread_since)
    changed = await session.execute(
        "UPDATE crisis_alerts SET taken_by = ?, taken_by_name = ?, taken_at = ? "
        f"WHERE id = ? AND (taken_by IS NULL OR taken_by != ?) AND {where}",
        (by, name, to_db(now), alert_id, by, *params),
    )
    return changed > 0


async def drop_answers_to(session: Session, moderator_id: int, now: datetime) -> int:
    """Members' answers waiting to go to a moderator who no longer moderates: never sent."""
    return await session.execute(
        "UPDATE outbox SET status = 'dropped', finished_at = ? WHERE status = 'pending' "
        "AND chat_id = ? AND idempotency_key LIKE 'answer:%'",
        (to_db(now), moderator_id),
    )


async def redirect_answers(session: Session, alert_id: int, old: int, new: int) -> int:
    """A member's answers on an alert still waiting to go: to the moderator who took it over."""
    return await session.execute(
        "UPDATE outbox SET chat_id = ? WHERE status = 'pending' AND chat_id = ? "
        "AND idempotency_key LIKE ?",
        (new, old, f"answer:{alert_id}:%"),
    )
