"""Recovery-journey rules, pure: milestones, clean days, the stats kept through setbacks,
which dates a start or a setback may take, and the values the journey's words show.

Day 0 is the start date; milestone N falls N days later. A setback closes the journey on
its date and the next one starts the day after, so history is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum

MILESTONES: tuple[int, ...] = (1, 7, 14, 30, 60, 90, 180, 365)
# After a setback the circle hears of no milestone until the member says yes again at one
# of at least this many days: "reached 1 day" would tell them about the setback.
SHARE_AGAIN_FROM = 7
MILESTONE_TIME = time(9, 0)  # celebrations arrive in the member's morning
MAX_PAST_YEARS = 80
MAX_NOTE = 4096  # Telegram's own message limit, as for a check-in's note
# A milestone a button can name: six digits, 2,700 years.
MAX_MILESTONE_DAYS = 999_999


class Sharing(StrEnum):
    """Whether the member's milestones reach their circle (the values storage keeps)."""

    UNASKED = "unasked"
    PRIVATE = "private"
    SHARED = "shared"
    HELD = "held"  # after a setback, until they say yes again at 7 days or more


@dataclass(frozen=True)
class Journey:
    started_on: date
    ended_on: date | None  # the setback date; None for the current journey

    def clean_days(self, today: date) -> int:
        """Whole days completed: from the start up to the setback, or up to today."""
        end = self.ended_on if self.ended_on is not None else today
        return max(0, (end - self.started_on).days)


def milestone_after(days: int) -> int:
    """The first milestone strictly after `days`: the fixed ones, then every year."""
    for milestone in MILESTONES:
        if milestone > days:
            return milestone
    years = days // 365 + 1
    return years * 365


def is_milestone(days: int) -> bool:
    return days in MILESTONES or (days > 365 and days % 365 == 0)


def next_milestone_date(started_on: date, today: date) -> tuple[int, date]:
    """The next milestone (in days) on or after today, and its date."""
    days = (today - started_on).days
    milestone = days if is_milestone(days) else milestone_after(days)
    return milestone, started_on + timedelta(days=milestone)


def valid_start(day: date, today: date) -> bool:
    """A journey starts today or earlier, within MAX_PAST_YEARS."""
    return today - timedelta(days=365 * MAX_PAST_YEARS) <= day <= today


def valid_setback(day: date, today: date) -> bool:
    """A setback cannot be in the future."""
    return day <= today


def may_share_again(days: int) -> bool:
    """A milestone at which a member held back after a setback may share again."""
    return SHARE_AGAIN_FROM <= days <= MAX_MILESTONE_DAYS and is_milestone(days)


def _overlap(journey: Journey, first: date, today: date) -> int:
    end = journey.ended_on if journey.ended_on is not None else today
    start = max(journey.started_on, first)
    return max(0, (min(end, today) - start).days)


@dataclass(frozen=True)
class JourneyStats:
    days_this_month: int
    days_this_year: int
    longest: int
    journeys: int


def journey_stats(journeys: list[Journey], today: date) -> JourneyStats:
    """Clean days this month and year, the longest stretch, and how many journeys."""
    month, year = today.replace(day=1), today.replace(month=1, day=1)
    return JourneyStats(
        days_this_month=sum(_overlap(j, month, today) for j in journeys),
        days_this_year=sum(_overlap(j, year, today) for j in journeys),
        longest=max((j.clean_days(today) for j in journeys), default=0),
        journeys=len(journeys),
    )


@dataclass(frozen=True)
class JourneyView:
    """A member's journey as /journey and /setback show it."""

    current: Journey | None
    history: list[Journey]
    today: date
    stats: JourneyStats
    sharing: Sharing

    @property
    def days(self) -> int:
        return self.current.clean_days(self.today) if self.current else 0

    @property
    def next_milestone(self) -> int:
        """The next milestone in days, on or after today (0 without a current journey)."""
        return self._next()[0]

    @property
    def next_milestone_on(self) -> date:
        """The date of the next milestone (today without a current journey)."""
        return self._next()[1]

    def _next(self) -> tuple[int, date]:
        if self.current is None:
            return 0, self.today
        return next_milestone_date(self.current.started_on, self.today)


@dataclass(frozen=True)
class JourneyMark:
    """A milestone reached or a setback, as a member's chart marks it."""

    day: date
    setback: bool
    days: int = 0  # the milestone's days; 0 for a setback


def journey_marks(journeys: list[Journey], first: date, last: date) -> list[JourneyMark]:
    """Milestones reached and setbacks recorded from `first` to `last`, by date.

    A journey's milestones count up to its setback (or up to `last`): one reached before
    a setback stays on the chart, since that history is the member's too.
    """
    marks: list[JourneyMark] = []
    for journey in journeys:
        end = min(journey.ended_on or last, last)
        milestone = milestone_after(max(0, (first - journey.started_on).days) - 1)
        while (day := journey.started_on + timedelta(days=milestone)) <= end:
            marks.append(JourneyMark(day, setback=False, days=milestone))
            milestone = milestone_after(milestone)
        if journey.ended_on is not None and first <= journey.ended_on <= last:
            marks.append(JourneyMark(journey.ended_on, setback=True))
    return sorted(marks, key=lambda m: (m.day, m.setback))
