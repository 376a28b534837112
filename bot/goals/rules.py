"""Goal rules, pure and synchronous: kinds and schedules, when a nudge comes, progress in
the member's own terms, the order of the set-up questions, and what a refusal means.

A goal's answers are kept per local day. Habits count the days marked done; limits add up
the logged counts over the goal's period (a day, or a Monday-to-Sunday week).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.localtime.hhmm import parse_hhmm
from bot.localtime.schedule import next_on_weekdays
from bot.localtime.zones import zone_of

if TYPE_CHECKING:
    from storage.goals import EntryRow, GoalRow

MAX_OPEN_GOALS = 10
MAX_TITLE = 200
MAX_WHY = 200
MAX_TARGET = 999
MAX_COUNT = 999
SNOOZE = timedelta(hours=1)
# Nudge answers count for the day they were about, up to a week back.
ANSWER_WINDOW_DAYS = 7
DEFAULT_NUDGE_TIME = "09:00"
REASONS: tuple[str, ...] = ("craving", "stress", "no_time", "other")
ALL_DAYS = frozenset(range(7))


class GoalKind(StrEnum):
    HABIT = "habit"
    LIMIT = "limit"


class LimitPeriod(StrEnum):
    DAY = "day"
    WEEK = "week"


@dataclass(frozen=True)
class GoalSchedule:
    """Which local days a goal is nudged on. `weekly` asks about the whole week."""

    weekdays: frozenset[int]
    weekly: bool = False

    @classmethod
    def daily(cls) -> GoalSchedule:
        return cls(ALL_DAYS)

    @classmethod
    def parse(cls, text: str) -> GoalSchedule | None:
        kind, _, days = text.partition(":")
        if kind == "daily" and not days:
            return cls.daily()
        try:
            numbers = frozenset(int(d) for d in days.split(",")) if days else frozenset()
        except ValueError:
            return None
        if not numbers or not numbers <= ALL_DAYS:
            return None
        if kind == "weekly" and len(numbers) == 1:
            return cls(numbers, weekly=True)
        if kind == "days":
            return cls(numbers)
        return None

    @classmethod
    def once_a_week(cls, weekday: int) -> GoalSchedule | None:
        """Asked about the week on one weekday (0 is Monday); None for no such day."""
        return cls(frozenset({weekday}), weekly=True) if 0 <= weekday <= 6 else None

    @classmethod
    def from_mask(cls, mask: int) -> GoalSchedule | None:
        """Chosen weekdays from a bitmask (bit 0 is Monday); None unless 1..127."""
        if not 0 < mask < 128:
            return None
        return cls(frozenset(d for d in range(7) if mask & (1 << d)))

    def encode(self) -> str:
        if self.weekly:
            return f"weekly:{min(self.weekdays)}"
        if self.weekdays == ALL_DAYS:
            return "daily"
        return "days:" + ",".join(str(d) for d in sorted(self.weekdays))

    def nudges_on(self, day: date) -> bool:
        return day.weekday() in self.weekdays


@dataclass(frozen=True)
class Goal:
    id: int
    user_id: int
    number: int | None
    title: str
    why: str | None
    kind: GoalKind
    limit_target: int | None
    limit_period: LimitPeriod | None
    schedule: GoalSchedule
    nudge_time: str
    status: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: GoalRow) -> Goal:
        return cls(
            id=row.id,
            user_id=row.user_id,
            number=row.number,
            title=row.title,
            why=row.why,
            kind=GoalKind(row.kind),
            limit_target=row.limit_target,
            limit_period=LimitPeriod(row.limit_period) if row.limit_period else None,
            schedule=GoalSchedule.parse(row.schedule) or GoalSchedule.daily(),
            nudge_time=row.nudge_time,
            status=row.status,
            created_at=row.created_at,
        )

    @property
    def paused(self) -> bool:
        return self.status == "paused"

    @property
    def draft(self) -> bool:
        return self.status == "draft"

    @property
    def at(self) -> time:
        parsed = parse_hhmm(self.nudge_time)
        assert parsed is not None
        return parsed


def next_nudge(goal: Goal, after: datetime, timezone: str) -> datetime:
    return next_on_weekdays(after, goal.schedule.weekdays, goal.at, zone_of(timezone))


# -- progress -------------------------------------------------------------------------------


def habit_streak(
    schedule: GoalSchedule, done_newest_first: list[date], today: date, first_day: date
) -> int:
    """Planned days done in a row, back from today (today may still be open)."""
    done = set(done_newest_first)
    count = 0
    day = today
    while day >= first_day:
        if schedule.nudges_on(day):
            if day in done:
                count += 1
            elif day != today:
                break
        elif day in done:
            count += 1  # an extra day done off-plan still counts
        day -= timedelta(days=1)
    return count


def done_between(done: set[date], first: date, last: date) -> int:
    return sum(1 for day in done if first <= day <= last)


def planned_between(schedule: GoalSchedule, first: date, last: date) -> int:
    return sum(
        1 for n in range((last - first).days + 1) if schedule.nudges_on(first + timedelta(days=n))
    )


@dataclass(frozen=True)
class HabitProgress:
    last7: int
    planned7: int
    last30: int
    streak: int
    best_week: bool  # more done days in the last 7 than in any earlier 7-day block


def habit_progress(
    schedule: GoalSchedule, done_newest_first: list[date], today: date, first_day: date
) -> HabitProgress:
    done = set(done_newest_first)
    last7 = done_between(done, today - timedelta(days=6), today)
    earlier: list[int] = []
    end = today - timedelta(days=7)
    while end >= first_day:  # the first, partial week counts too
        earlier.append(done_between(done, end - timedelta(days=6), end))
        end -= timedelta(days=7)
    return HabitProgress(
        last7=last7,
        planned7=planned_between(schedule, max(first_day, today - timedelta(days=6)), today),
        last30=done_between(done, today - timedelta(days=29), today),
        streak=habit_streak(schedule, done_newest_first, today, first_day),
        best_week=bool(earlier) and last7 > 0 and last7 > max(earlier),
    )


def period_start(period: LimitPeriod, day: date) -> date:
    """The first day of the limit period holding `day`: itself, or that week's Monday."""
    return day if period is LimitPeriod.DAY else day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class LimitProgress:
    period: LimitPeriod
    target: int
    total: int  # logged this period
    within: int  # of the last few periods with a count, how many stayed within the target
    counted: int  # how many of the last few periods had a count
    logged: bool = False  # a count was logged this period: "0 logged" is not "not logged yet"

    @property
    def over(self) -> bool:
        return self.total > self.target


LIMIT_LOOKBACK = {LimitPeriod.DAY: 30, LimitPeriod.WEEK: 4}


def limit_progress(
    period: LimitPeriod, target: int, entries: list[EntryRow], today: date
) -> LimitProgress:
    """This period's total against the target, and how the last periods went."""
    totals: Counter[date] = Counter()
    for entry in entries:
        if entry.outcome == "count" and entry.amount is not None:
            totals[period_start(period, entry.local_date)] += entry.amount
    counted_starts = {period_start(period, e.local_date) for e in entries if e.outcome == "count"}
    current = period_start(period, today)
    step = timedelta(days=1 if period is LimitPeriod.DAY else 7)
    recent = [current - step * n for n in range(LIMIT_LOOKBACK[period])]
    counted = [start for start in recent if start in counted_starts]
    return LimitProgress(
        period=period,
        target=target,
        total=totals[current],
        within=sum(1 for start in counted if totals[start] <= target),
        counted=len(counted),
        logged=current in counted_starts,
    )


def reasons_given(entries: list[EntryRow]) -> dict[str, int]:
    """How often each "not today" reason was given, most frequent first."""
    counts = Counter(e.reason for e in entries if e.outcome == "not_today" and e.reason)
    return dict(counts.most_common())


@dataclass(frozen=True)
class NewGoal:
    """A goal on its first day, not answered yet: its first nudge is what there is to say."""

    first_nudge: datetime | None  # in the member's zone; None while the goal is paused
    asked: bool  # that nudge has come already


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    today: date
    habit: HabitProgress | None
    limit: LimitProgress | None
    reasons: dict[str, int]  # last 30 days
    new: NewGoal | None = None
    days_so_far: int = 0  # since the goal was set, today included


def new_goal(
    goal: Goal, entries: list[EntryRow], today: date, first_day: date, now: datetime, timezone: str
) -> NewGoal | None:
    """Until a day has passed (or anything was answered) a goal is new, not "0 of 7"."""
    if first_day != today or entries:
        return None
    if goal.status != "active":
        return NewGoal(None, False)
    first = next_nudge(goal, goal.created_at, timezone)
    return NewGoal(first.astimezone(zone_of(timezone)), first <= now)


def answerable(today: date, day: date) -> bool:
    """A nudge about `day` may still be answered: it is at most a week old, not ahead."""
    return today - timedelta(days=ANSWER_WINDOW_DAYS - 1) <= day <= today


# -- refusals ---------------------------------------------------------------------------------


class GoalRefusal(StrEnum):
    """Why a goal action did not happen; bot/texts/goals.py says it in words."""

    FULL = "full"  # MAX_OPEN_GOALS open already
    GONE = "gone"  # no such goal (any more), or not in a state for this
    TOO_OLD = "too_old"  # the day asked about is outside the answer window
    SNOOZED = "snoozed"  # this nudge was put off once already
    BAD_TIME = "bad_time"  # not a time of day
    BAD_TARGET = "bad_target"  # a limit outside 0..MAX_TARGET
    BAD_COUNT = "bad_count"  # a count outside 0..MAX_COUNT
    NO_DAY = "no_day"  # "days I choose" with no day chosen


@dataclass(frozen=True)
class TypeAgain:
    """Words typed for a goal that it cannot keep as they are: none at all (length 0, for a
    title), or more than `most` characters. The member is asked to send them again."""

    length: int
    most: int


def chosen_days(mask: int) -> GoalSchedule | GoalRefusal:
    """The schedule behind the weekday picker's bitmask (bit 0 is Monday)."""
    if mask == 0:
        return GoalRefusal.NO_DAY
    return GoalSchedule.from_mask(mask) or GoalRefusal.GONE


# -- setting a goal up ------------------------------------------------------------------------


class SetupStep(StrEnum):
    """The questions a new goal goes through; a running goal's schedule change reuses the
    schedule and time questions."""

    TITLE = "title"  # typed
    KIND = "kind"  # a habit or a limit? (buttons)
    PERIOD = "period"  # a limit per day or per week? (buttons)
    TARGET = "target"  # a limit: at most how many? (typed)
    SCHEDULE = "schedule"  # every day, days I choose, once a week? (buttons)
    TIME = "time"  # at what time? (buttons, or typed)
    WHY = "why"  # why it matters (typed, or Skip)
    SET = "set"  # a new goal is running
    CHANGED = "changed"  # a running goal's schedule is changed


@dataclass(frozen=True)
class GoalSetup:
    """A goal after one set-up question was answered."""

    goal: Goal
    answered: SetupStep

    def next_step(self) -> SetupStep:
        """The question that follows the one answered."""
        match self.answered:
            case SetupStep.TITLE:
                return SetupStep.KIND
            case SetupStep.KIND:
                return SetupStep.PERIOD if self.goal.kind is GoalKind.LIMIT else SetupStep.SCHEDULE
            case SetupStep.PERIOD:
                return SetupStep.TARGET
            case SetupStep.TARGET:
                return SetupStep.SCHEDULE
            case SetupStep.SCHEDULE:
                return SetupStep.TIME
            case SetupStep.TIME:
                return SetupStep.WHY if self.goal.draft else SetupStep.CHANGED
            case _:
                return SetupStep.SET
