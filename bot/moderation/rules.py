"""Moderation rules that need nothing but their arguments, and the plain values moderation
reports back: what an action did (an Outcome) and a line of the audit log."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

MAX_REASON = 300
MAX_MUTE = timedelta(days=365)
_DURATION = re.compile(r"^(\d{1,4})([mhdw])$")
_UNITS = {
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}


def parse_duration(text: str) -> timedelta | None:
    """`30m`, `2h`, `3d` or `1w`; None for anything else, zero, or more than a year."""
    match = _DURATION.match(text.strip().lower())
    if match is None:
        return None
    duration = int(match.group(1)) * _UNITS[match.group(2)]
    return duration if timedelta(0) < duration <= MAX_MUTE else None


def split_pseudonym(args: list[str]) -> tuple[str, str | None] | None:
    """A two-word pseudonym, then the rest (a reason or a duration and a reason)."""
    if len(args) < 2:
        return None
    rest = " ".join(args[2:]).strip()
    return f"{args[0]} {args[1]}", rest or None


def short_reason(reason: str | None) -> str | None:
    """A reason as kept and shown: trimmed, at most MAX_REASON characters, None if blank."""
    if reason is None or not reason.strip():
        return None
    return reason.strip()[:MAX_REASON]


class Result(StrEnum):
    """What a moderator action came to; bot.texts.moderation says it in words."""

    PROMOTED = "promoted"
    ALREADY_MODERATOR = "already_moderator"
    DEMOTED = "demoted"
    NOT_MODERATOR = "not_moderator"  # or one by the config only: operators stay
    NO_SUCH_MEMBER = "no_such_member"
    WARNED = "warned"
    WARNED_AND_MUTED = "warned_and_muted"
    MUTED = "muted"
    NOT_MUTED = "not_muted"
    UNMUTED = "unmuted"
    ALREADY_BANNED = "already_banned"
    BANNED = "banned"
    NO_BAN = "no_ban"
    SEVERAL_BANS = "several_bans"
    UNBANNED = "unbanned"
    NO_CIRCLE = "no_circle"
    SIZE_OUT_OF_RANGE = "size_out_of_range"
    CIRCLE_SIZE = "circle_size"
    NOTHING_TO_ANNOUNCE = "nothing_to_announce"
    ANNOUNCED = "announced"
    NOT_HELD = "not_held"
    REJECTED = "rejected"
    DISMISSED = "dismissed"
    REPORT_CLOSED = "report_closed"
    ALREADY_DELETED = "already_deleted"
    DELETED = "deleted"


_DONE = frozenset(
    {
        Result.PROMOTED,
        Result.DEMOTED,
        Result.WARNED,
        Result.WARNED_AND_MUTED,
        Result.MUTED,
        Result.UNMUTED,
        Result.BANNED,
        Result.UNBANNED,
        Result.CIRCLE_SIZE,
        Result.ANNOUNCED,
        Result.REJECTED,
        Result.DISMISSED,
        Result.DELETED,
    }
)


@dataclass(frozen=True)
class Outcome:
    """What an action did, with what the reply names, and messages to delete."""

    result: Result
    pseudonym: str = ""  # the member acted on
    circle: str = ""  # the circle acted on, or the name asked for
    asked: str = ""  # what the moderator typed, when nothing matched it
    count: int = 0  # warnings in the window, members told, chats deleted from, alerts released
    until: datetime | None = None  # the end of a mute
    size: int = 0  # a circle's new most members
    members: int = 0  # a circle's members now
    code: str = ""  # a ban code, for /unban
    codes: tuple[str, ...] = ()  # the ban codes that match
    gone: int = 0  # copies that went when their readers reported them
    delete: tuple[tuple[int, int], ...] = ()  # (chat id, message id) to delete

    @property
    def done(self) -> bool:
        return self.result in _DONE


@dataclass(frozen=True)
class AuditLine:
    """One moderator action as /audit shows it."""

    at: datetime
    moderator_name: str
    action: str
    target: str | None
    reason: str | None
