"""The burden rules of questionnaires, as pure functions: when one is asked, when it is due
again, and when a half-finished one lapses.

A questionnaire runs in cycles of `every_days` from the member's first day (its anchor: the
day they opted in). In a cycle it is asked at most twice unprompted (the invitation and one
reminder three days later), plus whenever the member pressed "Later" (the next day). Never
two different questionnaires on one local day, never on a day the member wrote crisis words,
never while paused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.localtime.schedule import local_date, local_moment

if TYPE_CHECKING:
    from bot.outcomes.questionnaire import Questionnaire

# A half-finished sitting lapses, unscored, this long after it was started.
EXPIRE_AFTER = timedelta(days=3)
# The one reminder comes this many days after the invitation, within the cycle's first week.
REMIND_AFTER_DAYS = 3
# Invitations come this long after the member's own check-in time: a moment they chose to
# hear from peercircle, without landing on top of the check-in itself.
AFTER_CHECKIN = timedelta(minutes=90)
EARLIEST_INVITE = time(8, 0)
LATEST_INVITE = time(22, 0)


# The cohort report's time points: days after a member's first score, each counting the
# score closest to it within WINDOW_DAYS either side (bot.outcomes.report).
TIMEPOINTS = (30, 60, 90)
WINDOW_DAYS = 7


def timepoint(gap: int) -> int | None:
    """The time point a score `gap` days after the first is counted at, if any."""
    return next((days for days in TIMEPOINTS if abs(gap - days) <= WINDOW_DAYS), None)


def closer(gap: int, than: int, point: int) -> bool:
    """Whether a score `gap` days after the first is closer to `point` than one `than`
    days after it (on a tie, the earlier one stays)."""
    return abs(gap - point) < abs(than - point)


class NotToday(StrEnum):
    """Why no questionnaire is asked today."""

    PAUSED = "paused"
    CRISIS = "crisis"  # the member wrote crisis words today
    ANOTHER = "another"  # a different questionnaire was asked or started today


def invite_time(checkin_time: time) -> time:
    """The local time of day invitations come, always between 08:00 and 22:00: 90 minutes
    after the check-in time, else 90 minutes before it, else at 22:00 (a night owl's
    evening rather than their morning)."""
    base = datetime.combine(date(2000, 1, 1), checkin_time)
    for moment in (base + AFTER_CHECKIN, base - AFTER_CHECKIN):
        if moment.date() == base.date() and EARLIEST_INVITE <= moment.time() <= LATEST_INVITE:
            return moment.time()
    return LATEST_INVITE


def invite_moment(day: date, checkin_time: time, zone: tzinfo) -> datetime:
    return local_moment(day, invite_time(checkin_time), zone)


def next_invite_moment(after: datetime, checkin_time: time, zone: tzinfo) -> datetime:
    """The first invitation moment after `after`: today's if still ahead, else tomorrow's."""
    today = local_date(after, zone)
    moment = invite_moment(today, checkin_time, zone)
    return (
        moment if moment > after else invite_moment(today + timedelta(days=1), checkin_time, zone)
    )


def cycle_start(anchor: date, every_days: int, day: date) -> date:
    """The first day of the cycle `day` falls in (the anchor itself before it)."""
    if day <= anchor:
        return anchor
    return anchor + timedelta(days=(day - anchor).days // every_days * every_days)


def next_cycle(anchor: date, every_days: int, day: date) -> date:
    return cycle_start(anchor, every_days, day) + timedelta(days=every_days)


def next_ask_day(anchor: date, every_days: int, asked_on: date) -> date:
    """After an invitation on `asked_on`: one reminder three days on while still in the
    cycle's first days, else the next cycle's first day."""
    start = cycle_start(anchor, every_days, asked_on)
    reminder = asked_on + timedelta(days=REMIND_AFTER_DAYS)
    if (asked_on - start).days < REMIND_AFTER_DAYS and reminder < start + timedelta(
        days=every_days
    ):
        return reminder
    return start + timedelta(days=every_days)


def not_today(
    *,
    today: date,
    questionnaire: str,
    paused: bool,
    crisis_on: date | None,
    asked_on: date | None,
    asked_what: str | None,
) -> NotToday | None:
    """Why `questionnaire` may not be asked (or started) on the member's day `today`."""
    if paused:
        return NotToday.PAUSED
    if crisis_on == today:
        return NotToday.CRISIS
    if asked_on == today and asked_what not in (None, questionnaire):
        return NotToday.ANOTHER
    return None


def lapsed(started_at: datetime, now: datetime) -> bool:
    return now - started_at >= EXPIRE_AFTER


class Refusal(StrEnum):
    """Why a questionnaire was not started or an answer not taken."""

    NOT_OPTED_IN = "not_opted_in"
    NOT_TODAY = "not_today"
    DONE = "done"  # this cycle is answered already
    UNKNOWN = "unknown"  # no such questionnaire (any more), or not the member's sitting
    STALE = "stale"  # that item is answered already, or the sitting is over
    LAPSED = "lapsed"  # started more than 3 days ago: set aside unscored


@dataclass(frozen=True)
class Sitting:
    """An open questionnaire: the next item to show is `answers` long."""

    response_id: int
    questionnaire: Questionnaire
    answers: tuple[int, ...]

    @property
    def position(self) -> int:
        return len(self.answers)


@dataclass(frozen=True)
class Result:
    """A completed questionnaire: the score, the one before it, and when the next is due."""

    questionnaire: Questionnaire
    score: float
    previous: tuple[date, float] | None
    next_on: date


@dataclass(frozen=True)
class Step:
    """What an answer led to: the next item, the result, or a refusal (with the sitting to
    show again when there is one)."""

    sitting: Sitting | None = None
    result: Result | None = None
    refusal: Refusal | None = None
    not_today: NotToday | None = None
    next_on: date | None = None  # DONE: when the next one comes


@dataclass(frozen=True)
class Standing:
    """One questionnaire for one member: their scores, and whether one is due now."""

    questionnaire: Questionnaire
    scores: tuple[tuple[date, float], ...]
    due: bool
    open: Sitting | None
    next_on: date | None


@dataclass(frozen=True)
class OutcomeView:
    consent: bool | None
    today: date
    standings: tuple[Standing, ...]
    not_today: NotToday | None

    def startable(self) -> Standing | None:
        """The first questionnaire the member could start right now."""
        if self.consent is not True or self.not_today is not None:
            return None
        return next((s for s in self.standings if s.due or s.open), None)
