"""Databases of onboarded members, for the benchmarks and the reliability tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import members
from storage.db import Database
from storage.sealed import Keys


async def seed_members(
    database: Path | str,
    user_ids: list[int],
    next_checkin_in: timedelta,
    *,
    keys: Keys | None = None,
    password: str | None = None,
) -> None:
    """Members who finished onboarding yesterday; each check-in falls due `next_checkin_in`
    from now (negative: already overdue). `database`: a SQLite file, or a PostgreSQL URL with
    its key (and password, if it asks for one)."""
    db = await Database.open(database, keys=keys, password=password)
    now = datetime.now(UTC)
    due = now + next_checkin_in
    async with db.transaction() as session:
        for user_id in user_ids:
            await members.create(
                session,
                user_id=user_id,
                pseudonym="Calm Otter",
                timezone="UTC",
                checkin_time=due.strftime("%H:%M"),
                consent_version=1,
                pending_invite=None,
                awaiting=None,
                now=now - timedelta(days=1),
            )
            await members.update(
                session, user_id, onboarded_at=now - timedelta(days=1), next_checkin_at=due
            )
    await db.close()


async def seed_due_members(
    database: Path | str,
    user_ids: list[int],
    overdue: timedelta,
    *,
    keys: Keys | None = None,
    password: str | None = None,
) -> None:
    """Members whose check-in fell due `overdue` ago."""
    await seed_members(database, user_ids, -overdue, keys=keys, password=password)
