"""Member rules that need nothing but their input: the Member value, what its next free text
answers, the onboarding order, invite codes and pause lengths, and what /forget erases."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from html import unescape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.members import MemberRow, Traces

MAX_PAUSE_DAYS = 365
# What the records keep instead of a forgotten member's pseudonym (audit rows, a ban that
# outlives /forget); said as "a former member" in the reader's language when shown. The
# audit log's trigger (storage.migrations 0015) allows exactly this value.
FORMER_MEMBER = "(a former member)"
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


# -- what /forget erases beyond the member's row ------------------------------------------------
#
# Deleting the member's row cascades to every row keyed by their id. What the cascade cannot
# reach: outbox rows for someone else that carry the member's words or name or refer to a row
# the cascade deletes (copies of their relays waiting for circle-mates, reviews and reports of
# them, crisis alerts about them, their answers to a moderator) and the Thanks and Reports
# they made, keyed by their member key, all deleted whatever their status (a sent row keeps
# its payload for a week); sanctions, kept under a salted hash of the id, of which only a ban
# in force stays, unnamed; and audit rows that name them, which the one update the audit log
# allows makes say "a former member" (MemberService.forget does each).


def forget_outbox_keys(traces: Traces, member_key: str | None) -> tuple[list[str], list[str]]:
    """(exact keys, key prefixes) of every outbox row that goes with the member. The formats
    are the ones tests/test_outbox_keys.py holds."""
    exact: list[str] = []
    prefixes: list[str] = []
    for relay in traces.relays:
        exact += [f"review:{relay}", f"rejected:{relay}"]
        prefixes += [f"relay:{relay}:", f"thanks:{relay}:", f"report:{relay}:"]
    for alert in traces.alerts:
        exact.append(f"alert:{alert.id}")
        prefixes += [f"alert:{alert.id}:", f"tell:{alert.id}:", f"answer:{alert.id}:"]
    exact += [f"reported:{report}" for report in traces.reports]
    if member_key is not None:
        exact += [f"thanks:{relay}:{member_key}" for relay in traces.thanked]
        exact += [f"report:{relay}:{member_key}" for relay in traces.reported]
    return exact, prefixes


def answer_prefixes(alert_ids: list[int]) -> list[str]:
    """Where the member's answers to a moderator wait: under their alerts' answer: keys."""
    return [f"answer:{alert_id}:" for alert_id in alert_ids]


def forgotten_alert_key(alert_id: int) -> str:
    """The moderators' notice that an open alert closed with its member's /forget."""
    return f"forgotten:{alert_id}"


def names_member(target: str, pseudonyms: set[str], forms: set[str]) -> bool:
    """Whether an audit row's target names the member: one of the forms the log names them
    by without a pseudonym ("alert 12", "moderator <id>"), or one of their pseudonyms as a
    whole ("alert 12: Quiet Otter", but not "Quiet Otters")."""
    if target in forms or target in pseudonyms:
        return True
    return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", target) for p in pseudonyms)


def plain_text(html: str) -> str:
    """A message the bot sent in HTML, as plain text (an answer to a moderator, in /mydata)."""
    return unescape(re.sub(r"<[^>]+>", "", html))
