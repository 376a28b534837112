"""Mutes and bans as the rest of the bot sees them, keyed by a salted hash of the user id.

Only the hash is kept, so a ban outlives /forget without keeping who the person was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from storage import moderation as moderation_rows
from storage.db import Session


def id_hash(salt: str, user_id: int) -> str:
    return hashlib.sha256(f"{salt}:{user_id}".encode()).hexdigest()


async def hash_of(session: Session, user_id: int) -> str:
    return id_hash(await moderation_rows.sanction_salt(session), user_id)


@dataclass(frozen=True)
class Restriction:
    banned: bool
    until: datetime | None  # the end of a mute; None for a ban


async def restriction(session: Session, user_id: int, now: datetime) -> Restriction | None:
    """The member's ban or current mute, if any."""
    hashed = await hash_of(session, user_id)
    if await moderation_rows.active_ban(session, hashed) is not None:
        return Restriction(banned=True, until=None)
    mute = await moderation_rows.active_mute(session, hashed, now)
    if mute is not None:
        return Restriction(banned=False, until=mute.until)
    return None
