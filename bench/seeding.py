"""Databases of members already due, for the fan-out benchmark and the reliability tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import members
from storage.db import Database


async def seed_due_members(db_path: Path, user_ids: list[int], overdue: timedelta) -> None:
    """Members who finished onboarding and whose check-in fell due `overdue` ago."""
    db = await Database.open(db_path)
    now = datetime.now(UTC)
    async with db.transaction() as session:
        for user_id in user_ids:
            await members.create(
                session, user_id=user_id, pseudonym="Calm Otter", timezone="UTC",
                checkin_time=now.strftime("%H:%M"), consent_version=1, pending_invite=None,
                awaiting="", now=now - timedelta(days=1),
            )  # fmt: skip
            await members.update(
                session, user_id, awaiting=None, onboarded_at=now - timedelta(days=1),
                next_checkin_at=now - overdue,
            )  # fmt: skip
    await db.close()
