"""Who did a moderator action, and its audit row, written in the action's own transaction.

A row written in a second transaction after the action is lost if the process dies in
between; written with it, the action and its record commit or vanish together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage import moderation as moderation_rows
from storage.db import Session


@dataclass(frozen=True)
class Moderator:
    user_id: int
    name: str


async def audit(
    session: Session,
    by: Moderator,
    action: str,
    target: str | None,
    now: datetime,
    reason: str | None = None,
) -> None:
    """The audit row, in the caller's transaction."""
    await moderation_rows.audit(
        session,
        moderator_id=by.user_id,
        moderator_name=by.name,
        action=action,
        target=target,
        reason=reason,
        now=now,
    )
