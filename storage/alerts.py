"""Crisis alerts repository."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Session
from storage.timestamps import to_db


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


async def create(
    session: Session,
    *,
    user_id: int,
    source: str,
    circle_name: str | None,
    pseudonym: str,
    text: str | None,
    now: datetime,
) -> int:
    return await session.insert(
        "INSERT INTO crisis_alerts (user_id, source, circle_name, pseudonym, text, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (user_id, source, circle_name, pseudonym, text, to_db(now)),
    )


async def get(session: Session, alert_id: int) -> AlertRow | None:
    row = await session.fetch_one("SELECT * FROM crisis_alerts WHERE id = ?", (alert_id,))
    if row is None:
        return None
    return AlertRow(
        row["id"], row["user_id"], row["source"], row["circle_name"], row["pseudonym"],
        row["text"], row["taken_by"], row["taken_by_name"], row["resolved_at"] is not None,
    )  # fmt: skip


async def take(session: Session, alert_id: int, by: int, name: str, now: datetime) -> bool:
    """Mark the alert taken; False when someone already took it."""
    changed = await session.execute(
        "UPDATE crisis_alerts SET taken_by = ?, taken_by_name = ?, taken_at = ? "
        "WHERE id = ? AND taken_by IS NULL",
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
