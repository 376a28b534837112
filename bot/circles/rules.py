"""Circle rules that need nothing but their arguments: names, sizes, moderation modes, and
the kinds of message a circle relays."""

from __future__ import annotations

import re
from enum import StrEnum

_NAME = re.compile(r"^[\w][\w .'-]{0,39}$", re.UNICODE)
# The fewest and most members a moderator may let a circle take (/circlesize).
SMALLEST_CIRCLE, LARGEST_CIRCLE = 2, 200


class RelayKind(StrEnum):
    ENCOURAGE = "encourage"
    ASK = "ask"
    REPLY = "reply"  # encouragement sent back to whoever asked or had a hard day
    HARD_DAY = "hard_day"
    MILESTONE = "milestone"  # "<pseudonym> reached 30 days", shared with consent


class CircleMode(StrEnum):
    """Whether a moderator reads a circle's messages before (pre) or after (post) they go."""

    PRE = "pre"
    POST = "post"


def valid_circle_name(name: str) -> str | None:
    """A circle name as given (trimmed), or None when it is not a plain short name."""
    name = " ".join(name.split())
    return name if _NAME.match(name) else None


def valid_circle_size(size: int) -> bool:
    return SMALLEST_CIRCLE <= size <= LARGEST_CIRCLE


def mode_possible(mode: CircleMode, moderator_chat_id: int) -> bool:
    """Pre-moderation needs a moderators' chat to review the held messages in."""
    return mode is not CircleMode.PRE or bool(moderator_chat_id)
