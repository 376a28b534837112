"""Check-in rules, pure: the answers' ranges, day codes, the back-fill window, streaks,
period averages and trend windows, hard days, and the values the replies reflect."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.checkins import CheckinRow

MOODS = range(1, 6)
CONFIDENCES = range(0, 11)
MAX_NOTE = 4096  # Telegram's own message limit: a note is never cut short
TREND_WINDOW = 7
# A change in mean confidence smaller than this reads as "steady".
STEADY_BELOW = 0.5
# A missed day can be filled in this many days afterwards; older prompts stay closed.
BACKFILL_DAYS = 2
# The /trends chart's periods, in days, and the one /trends shows first.
PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
# A low day: mood 1-2 or confidence 0-2.
LOW_MOOD = 2
LOW_CONFIDENCE = 2


def day_code(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"  # strftime costs 5x as much


def parse_day_code(code: str) -> date | None:
    """The day a YYYYMMDD button code names, or None for anything else."""
    if len(code) != 8 or not (code.isascii() and code.isdigit()):
        return None
    try:
        return date(int(code[:4]), int(code[4:6]), int(code[6:]))
    except ValueError:
        return None


def fillable(day: date, today: date) -> bool:
    """Today, or a day at most BACKFILL_DAYS back: its check-in can still be given."""
    return today - timedelta(days=BACKFILL_DAYS) <= day <= today


def parse_checkin_day(argument: str | None, today: date) -> date | None:
    """The day `/checkin [today|yesterday|YYYY-MM-DD]` names; None when it names none."""
    text = (argument or "today").strip().lower()
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def past(day: date, today: date | None) -> date | None:
    """`day` when it is over (the check-in is filled in later), else None."""
    return day if today is not None and day < today else None


def streak(days_newest_first: list[date], today: date) -> int:
    """Consecutive days with a check-in, ending today (or yesterday, if today is still open)."""
    if not days_newest_first:
        return 0
    expected = today if days_newest_first[0] == today else today - timedelta(days=1)
    count = 0
    for day in days_newest_first:
        if day != expected:
            break
        count += 1
        expected -= timedelta(days=1)
    return count


@dataclass(frozen=True)
class Window:
    """The days of a period, both included."""

    first: date
    last: date


def trend_window(last: date, days: int) -> Window:
    """The `days` days up to and including `last`."""
    return Window(last - timedelta(days=days - 1), last)


def window_before(window: Window) -> Window:
    """The period of the same length just before `window`."""
    length = window.last - window.first + timedelta(days=1)
    return Window(window.first - length, window.first - timedelta(days=1))


@dataclass(frozen=True)
class PeriodStats:
    count: int
    mood: float | None
    confidence: float | None


def period_stats(checkins: Sequence[CheckinRow], first: date, last: date) -> PeriodStats:
    """Averages over the check-ins from `first` to `last`, both included."""
    inside = [c for c in checkins if first <= c.local_date <= last]
    if not inside:
        return PeriodStats(0, None, None)
    return PeriodStats(
        len(inside), fmean(c.mood for c in inside), fmean(c.confidence for c in inside)
    )


def change(current: float | None, previous: float | None) -> float | None:
    """The change in a mean, to one decimal; None when either period had no check-ins."""
    if current is None or previous is None:
        return None
    return round(current - previous, 1)


def difference(current: float | None, previous: float | None) -> float | None:
    """The change in a mean, unrounded; None when either period had no check-ins."""
    return None if current is None or previous is None else current - previous


def valid_answers(mood: int, confidence: int | None = None) -> bool:
    """A mood (and a confidence, once given) within the question's range."""
    return mood in MOODS and (confidence is None or confidence in CONFIDENCES)


def is_low(mood: int, confidence: int) -> bool:
    """A hard day, from one check-in alone: mood 1-2 or confidence 0-2."""
    return mood <= LOW_MOOD or confidence <= LOW_CONFIDENCE


def needs_gentle_support(recent_newest_first: Sequence[CheckinRow]) -> bool:
    """Two of the last three check-ins were hard days: support even on a better one."""
    low = [c for c in recent_newest_first[:3] if is_low(c.mood, c.confidence)]
    return len(low) >= 2


@dataclass(frozen=True)
class CheckinReflection:
    """What the reply after a check-in reflects back."""

    day: date
    mood: int
    confidence: int
    streak: int
    confidence_change: float | None
    low_today: bool  # this check-in alone is a hard day
    hard_days: bool  # two of the last three were
    filled_in_later: bool = False

    @property
    def support(self) -> bool:
        """Support comes first in the reply, and nothing cheerful follows it."""
        return self.low_today or self.hard_days


@dataclass(frozen=True)
class SupportOffer:
    """What a member can reach for on a hard day."""

    circle: bool  # in a circle and free to write to it
    moderators: bool  # a moderators' chat exists to hear a request
    has_plan: bool  # a safety plan to show (else: an offer to make one)


@dataclass(frozen=True)
class TrendSummary:
    days: int
    current: PeriodStats
    previous: PeriodStats
    streak: int
    checkins: list[CheckinRow]
    first_day: date
    last_day: date

    @property
    def mood_change(self) -> float | None:
        """Mean mood against the period before; None when either had no check-ins."""
        return difference(self.current.mood, self.previous.mood)

    @property
    def confidence_change(self) -> float | None:
        return difference(self.current.confidence, self.previous.confidence)


@dataclass(frozen=True)
class WeekSummary:
    """What the reflection says: the week's check-ins, then counts of the rest."""

    this_week: PeriodStats
    last_week: PeriodStats
    streak: int
    low_days: int
    setback: bool
    goals_done: int
    milestones: int
    encouragement_given: int
    encouragement_received: int

    @property
    def confidence_change(self) -> float | None:
        """Mean confidence against last week, to one decimal; None without both weeks."""
        return change(self.this_week.confidence, self.last_week.confidence)

    @property
    def hard(self) -> bool:
        """A setback, or low days on at least half of the week's check-ins: then the
        reflection is gentle and nothing in it celebrates."""
        return self.setback or (self.low_days > 0 and 2 * self.low_days >= self.this_week.count)
