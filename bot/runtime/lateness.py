"""How late each kind of outbox message may still go: one table, read by the delivery worker.

After downtime the due sweep skips rows more than `scheduler.grace_hours` late (see
bot.runtime.sweeper.SkipRule); messages already queued in the outbox follow the same rule
when they belong to a moment that has passed. Whatever keeps someone safe or answers what a
person did goes however late.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import Enum


class Lateness(Enum):
    WITHIN_GRACE = "within the grace window"  # tied to a moment: dropped once it has passed
    ANY_TIME = "any time"  # still worth reading however late it comes


# Every outbox kind the bot writes (tests/test_outbox_keys.py holds each one's key format).
KIND_LATENESS: Mapping[str, Lateness] = {
    # Pushes the due sweep makes for a member's day: a prompt for a day that has closed is
    # noise at best and a message at 3 a.m. at worst.
    "checkin": Lateness.WITHIN_GRACE,
    "combined": Lateness.WITHIN_GRACE,  # a check-in prompt and nudges in one message
    "nudge": Lateness.WITHIN_GRACE,
    "weekly": Lateness.WITHIN_GRACE,
    "milestone": Lateness.WITHIN_GRACE,  # "today you reached 60 days"
    "outcome_offer": Lateness.WITHIN_GRACE,
    "outcome_invitation": Lateness.WITHIN_GRACE,
    # Crisis alerts and their repeats, and the moderator's thread with a member.
    "alert": Lateness.ANY_TIME,
    "moderator": Lateness.ANY_TIME,
    # What members said to each other, and what came of it.
    "relay": Lateness.ANY_TIME,
    "thanks": Lateness.ANY_TIME,
    "report": Lateness.ANY_TIME,
    # Moderators' work: held messages to review, decisions, warnings, announcements.
    "review": Lateness.ANY_TIME,
    "rejected": Lateness.ANY_TIME,
    "moderation": Lateness.ANY_TIME,
    "announce": Lateness.ANY_TIME,
}


def lateness_of(kind: str) -> Lateness:
    """A kind nobody has decided about goes late rather than vanish unsent."""
    return KIND_LATENESS.get(kind, Lateness.ANY_TIME)


def too_late(kind: str, queued_for: datetime, now: datetime, grace: timedelta) -> bool:
    """Whether a message queued for `queued_for` has missed its moment by `now`."""
    return lateness_of(kind) is Lateness.WITHIN_GRACE and now - queued_for > grace
