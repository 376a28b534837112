"""Member rules that need nothing but their input: the Member value, what its next free text
answers, the onboarding order, invite codes and pause lengths."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.members import MemberRow

MAX_PAUSE_DAYS = 365
_INVITE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,48}$")


def valid_invite_code(code: str | None) -> str | None:
    """The invite code from /start <code>, or None when there is none or it is malformed."""
    if code and _INVITE_CODE.match(code):
        return code
    return None


def parse_pause_days(argument: str | None) -> int | None:
    """The days in `/pause <days>`: None for no argument; ValueError when it is not 1..365."""
    if argument is None or not argument.strip():
        return None
    text = argument.strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAUSE_DAYS:
        raise ValueError(text)
    return int(text)


class Awaiting(StrEnum):
    """What the member's next free text answers."""

    PSEUDONYM = "pseudonym"
    TIMEZONE = "timezone"
    CHECKIN_TIME = "checkin_time"
    NOTE = "note"  # note:<YYYY-MM-DD>:<r|n>: the note's day; r when its answers replaced others
    ENCOURAGE = "encourage"
    ASK = "ask"
    REPLY = "reply"  # stored as reply:<relay id>, the message being answered
    MOD_ANSWER = "mod_answer"  # stored as mod_answer:<alert id>
    SETBACK_NOTE = "setback_note"  # stored as setback_note:<journey id>
    GOAL_TITLE = "goal_title"
    GOAL_STEP = "goal_step"  # goal_step:<goal id>: a button step of setting up a goal
    GOAL_TARGET = "goal_target"  # goal_target:<goal id>
    GOAL_TIME = "goal_time"  # goal_time:<goal id>:<schedule code>
    GOAL_WHY = "goal_why"  # goal_why:<goal id>
    GOAL_COUNT = "goal_count"  # goal_count:<goal id>:<YYYYMMDD>
    SAFETY_PLAN = "safety_plan"  # safety_plan:<part>: the step of /safetyplan being written


@dataclass(frozen=True)
class Member:
    """A member as the rest of the bot sees them."""

    user_id: int
    pseudonym: str
    timezone: str
    checkin_time: str
    consent_at: datetime
    onboarding: bool
    awaiting: Awaiting | None
    awaiting_arg: str | None
    paused: bool
    paused_until: datetime | None
    pending_invite: str | None
    weekly_reflection: bool
    blocked: bool
    language: str | None = None  # None: the configured default
    region: str | None = None  # None: crisis lines by language

    @property
    def pending(self) -> str | None:
        """The stored answer the next free text fills, as its Pending class reads it."""
        if self.awaiting is None:
            return None
        if self.awaiting_arg:
            return f"{self.awaiting.value}:{self.awaiting_arg}"
        return self.awaiting.value

    @classmethod
    def from_row(cls, row: MemberRow, now: datetime) -> Member:
        paused = row.paused and (row.paused_until is None or row.paused_until > now)
        awaiting, _, awaiting_arg = (row.awaiting or "").partition(":")
        return cls(
            user_id=row.user_id,
            pseudonym=row.pseudonym,
            timezone=row.timezone,
            checkin_time=row.checkin_time,
            consent_at=row.consent_at,
            onboarding=row.onboarded_at is None,
            awaiting=Awaiting(awaiting) if awaiting else None,
            awaiting_arg=awaiting_arg or None,
            paused=paused,
            paused_until=row.paused_until if paused else None,
            pending_invite=row.pending_invite,
            weekly_reflection=row.weekly_reflection,
            blocked=row.blocked_at is not None,
            language=row.language,
            region=row.region,
        )


class OnboardingStep(StrEnum):
    """The question onboarding waits on, in the order they come."""

    PSEUDONYM = "pseudonym"
    TIMEZONE = "timezone"
    CHECKIN_TIME = "checkin_time"


def onboarding_step(member: Member) -> OnboardingStep:
    """The question a member's onboarding is waiting on (the check-in time is the last)."""
    if member.awaiting is Awaiting.PSEUDONYM:
        return OnboardingStep.PSEUDONYM
    if member.awaiting is Awaiting.TIMEZONE:
        return OnboardingStep.TIMEZONE
    return OnboardingStep.CHECKIN_TIME


def pseudonym_first(member: Member) -> bool:
    """True while onboarding waits on the pseudonym: zone and time answers are out of order."""
    return member.onboarding and member.awaiting is Awaiting.PSEUDONYM
