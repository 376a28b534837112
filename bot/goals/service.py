"""Goal rules: kinds and schedules, progress in the member's own terms, and the GoalService.

A goal's answers are kept per local day. Habits count the days marked done; limits add up
the logged counts over the goal's period (a day, or a Monday-to-Sunday week).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.localtime.hhmm import parse_hhmm
from bot.localtime.schedule import local_date, next_on_weekdays
from bot.localtime.zones import zone_of
from storage import goals as goal_rows
from storage import members as member_rows
from storage.db import Database, Session
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
            id=row.id, user_id=row.user_id, number=row.number, title=row.title, why=row.why,
            kind=GoalKind(row.kind), limit_target=row.limit_target,
            limit_period=LimitPeriod(row.limit_period) if row.limit_period else None,
            schedule=GoalSchedule.parse(row.schedule) or GoalSchedule.daily(),
            nudge_time=row.nudge_time, status=row.status, created_at=row.created_at,
        )  # fmt: skip

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


def habit_streak(schedule: GoalSchedule, done_newest_first: list[date], today: date,
                 first_day: date) -> int:  # fmt: skip
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


def new_goal(goal: Goal, entries: list[EntryRow], today: date, first_day: date,
             now: datetime, timezone: str) -> NewGoal | None:  # fmt: skip
    """Until a day has passed (or anything was answered) a goal is new, not "0 of 7"."""
    if first_day != today or entries:
        return None
    if goal.status != "active":
        return NewGoal(None, False)
    first = next_nudge(goal, goal.created_at, timezone)
    return NewGoal(first.astimezone(zone_of(timezone)), first <= now)


# -- the service ----------------------------------------------------------------------------


class GoalError(Exception):
    """A goal action that cannot happen; `reason` is a key the handler turns into text."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class GoalService:
    """Everything that changes goals, each change one short transaction."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def today(self, timezone: str) -> date:
        return local_date(self._clock.now(), zone_of(timezone))

    def answerable(self, timezone: str, day: date) -> bool:
        today = self.today(timezone)
        return today - timedelta(days=ANSWER_WINDOW_DAYS - 1) <= day <= today

    # creating and changing goals

    async def start_draft(self, user_id: int, title: str) -> Goal:
        """A new goal with its title; the other steps follow. Raises GoalError('full')."""
        async with self._db.transaction() as session:
            if await goal_rows.count_open(session, user_id) >= MAX_OPEN_GOALS:
                raise GoalError("full")
            await goal_rows.delete_drafts(session, user_id)
            goal_id = await goal_rows.create_draft(
                session, user_id, title.strip()[:MAX_TITLE], "daily", DEFAULT_NUDGE_TIME,
                self._clock.now(),
            )  # fmt: skip
            return await self._get(session, user_id, goal_id)

    async def room_for_another(self, user_id: int) -> bool:
        async with self._db.read() as session:
            return await goal_rows.count_open(session, user_id) < MAX_OPEN_GOALS

    async def discard_drafts(self, user_id: int) -> bool:
        async with self._db.transaction() as session:
            return await goal_rows.delete_drafts(session, user_id) > 0

    async def get(self, user_id: int, goal_id: int) -> Goal | None:
        async with self._db.read() as session:
            row = await goal_rows.get(session, user_id, goal_id)
        return Goal.from_row(row) if row and row.status != "archived" else None

    async def set_kind(self, user_id: int, goal_id: int, kind: GoalKind) -> Goal:
        return await self._edit_draft(user_id, goal_id, kind=kind.value)

    async def set_limit_period(self, user_id: int, goal_id: int, period: LimitPeriod) -> Goal:
        return await self._edit_draft(
            user_id, goal_id, kind=GoalKind.LIMIT.value, limit_period=period.value
        )

    async def set_limit_target(self, user_id: int, goal_id: int, target: int) -> Goal:
        if not 0 <= target <= MAX_TARGET:
            raise GoalError("bad_target")
        return await self._edit_draft(user_id, goal_id, limit_target=target)

    async def set_why(self, user_id: int, goal_id: int, why: str | None) -> Goal:
        """The last step of a new goal: it becomes active with the next free number."""
        async with self._db.transaction() as session:
            goal = await self._get(session, user_id, goal_id)
            if not goal.draft:
                raise GoalError("gone")
            if await goal_rows.count_open(session, user_id) >= MAX_OPEN_GOALS:
                raise GoalError("full")
            taken = {g.number for g in await goal_rows.open_goals(session, user_id)}
            number = next(n for n in range(1, MAX_OPEN_GOALS + 1) if n not in taken)
            text = why.strip()[:MAX_WHY] if why and why.strip() else None
            await goal_rows.update(session, goal_id, why=text, number=number, status="active")
            await self._schedule(session, user_id, goal_id)
            return await self._get(session, user_id, goal_id)

    async def set_plan(self, user_id: int, goal_id: int, schedule: GoalSchedule, at: str) -> Goal:
        """When to nudge; for a goal already running this also moves its next nudge."""
        parsed = parse_hhmm(at)
        if parsed is None:
            raise GoalError("bad_time")
        return await self._edit(
            user_id, goal_id, schedule=schedule.encode(), nudge_time=parsed.strftime("%H:%M")
        )

    async def pause(self, user_id: int, goal_id: int) -> Goal:
        return await self._set_status(user_id, goal_id, "paused")

    async def resume(self, user_id: int, goal_id: int) -> Goal:
        return await self._set_status(user_id, goal_id, "active")

    async def archive(self, user_id: int, goal_id: int) -> Goal:
        return await self._set_status(user_id, goal_id, "archived")

    async def _set_status(self, user_id: int, goal_id: int, status: str) -> Goal:
        async with self._db.transaction() as session:
            goal = await self._get(session, user_id, goal_id)
            if goal.status not in goal_rows.OPEN:
                raise GoalError("gone")
            extra = (
                {"archived_at": self._clock.now(), "number": None} if status == "archived" else {}
            )
            await goal_rows.update(session, goal_id, status=status, **extra)
            await self._schedule(session, user_id, goal_id)
            return await self._get(session, user_id, goal_id)

    async def _edit_draft(self, user_id: int, goal_id: int, **fields: object) -> Goal:
        async with self._db.transaction() as session:
            if not (await self._get(session, user_id, goal_id)).draft:
                raise GoalError("gone")
            await goal_rows.update(session, goal_id, **fields)
            return await self._get(session, user_id, goal_id)

    async def _edit(self, user_id: int, goal_id: int, **fields: object) -> Goal:
        async with self._db.transaction() as session:
            if (await self._get(session, user_id, goal_id)).status == "archived":
                raise GoalError("gone")
            await goal_rows.update(session, goal_id, **fields)
            await self._schedule(session, user_id, goal_id)
            return await self._get(session, user_id, goal_id)

    async def _get(self, session: Session, user_id: int, goal_id: int) -> Goal:
        row = await goal_rows.get(session, user_id, goal_id)
        if row is None:
            raise GoalError("gone")
        return Goal.from_row(row)

    async def _schedule(self, session: Session, user_id: int, goal_id: int) -> None:
        """Point the goal's due row at its next nudge (none unless it is active)."""
        row = await goal_rows.get(session, user_id, goal_id)
        timezone = await _timezone(session, user_id)
        if row is not None and timezone is not None:
            await self._point_due_row(session, Goal.from_row(row), timezone)

    async def _point_due_row(self, session: Session, goal: Goal, timezone: str) -> None:
        if goal.status != "active":
            await goal_rows.update(session, goal.id, next_nudge_at=None, snooze_at=None)
            return
        await goal_rows.update(
            session, goal.id, next_nudge_at=next_nudge(goal, self._clock.now(), timezone)
        )

    async def reschedule_all(self, session: Session, user_id: int) -> None:
        """Move every active goal's next nudge, e.g. after a change of time zone."""
        timezone = await _timezone(session, user_id)
        if timezone is None:
            return
        for row in await goal_rows.open_goals(session, user_id):
            await self._point_due_row(session, Goal.from_row(row), timezone)

    # answers

    async def mark_done(self, user_id: int, goal_id: int, day: date) -> GoalProgress:
        return await self._answer(user_id, goal_id, day, "done")

    async def not_today(
        self, user_id: int, goal_id: int, day: date, reason: str | None = None
    ) -> GoalProgress:
        if reason is not None and reason not in REASONS:
            raise GoalError("gone")
        return await self._answer(user_id, goal_id, day, "not_today", reason=reason)

    async def log_count(self, user_id: int, goal_id: int, day: date, amount: int) -> GoalProgress:
        if not 0 <= amount <= MAX_COUNT:
            raise GoalError("bad_count")
        return await self._answer(user_id, goal_id, day, "count", amount=amount)

    async def _answer(
        self,
        user_id: int,
        goal_id: int,
        day: date,
        outcome: str,
        reason: str | None = None,
        amount: int | None = None,
    ) -> GoalProgress:
        async with self._db.transaction() as session:
            goal = await self._get(session, user_id, goal_id)
            timezone = await _timezone(session, user_id)
            if goal.status not in goal_rows.OPEN or timezone is None:
                raise GoalError("gone")
            if not self.answerable(timezone, day):
                raise GoalError("too_old")
            if (outcome == "count") != (goal.kind is GoalKind.LIMIT):
                raise GoalError("gone")
            now = self._clock.now()
            await goal_rows.record(session, goal_id, day, outcome, now, reason, amount)
            return await self._progress(session, goal, timezone)

    async def snooze(self, user_id: int, goal_id: int, day: date) -> datetime:
        """Ask again in an hour, once per nudge; returns when. GoalError('snoozed') twice."""
        async with self._db.transaction() as session:
            row = await goal_rows.get(session, user_id, goal_id)
            timezone = await _timezone(session, user_id)
            if row is None or row.status != "active" or timezone is None:
                raise GoalError("gone")
            if not self.answerable(timezone, day):
                raise GoalError("too_old")
            if row.snooze_day == day:
                raise GoalError("snoozed")
            when = self._clock.now() + SNOOZE
            await goal_rows.update(session, goal_id, snooze_at=when, snooze_day=day)
            return when

    # reading

    async def open_goals(self, user_id: int) -> list[GoalProgress]:
        async with self._db.read() as session:
            timezone = await _timezone(session, user_id)
            if timezone is None:
                return []
            return [
                await self._progress(session, Goal.from_row(row), timezone)
                for row in await goal_rows.open_goals(session, user_id)
            ]

    async def by_number(self, user_id: int, number: int) -> Goal | None:
        async with self._db.read() as session:
            row = await goal_rows.by_number(session, user_id, number)
        return Goal.from_row(row) if row else None

    async def progress(self, user_id: int, goal_id: int) -> GoalProgress:
        async with self._db.read() as session:
            goal = await self._get(session, user_id, goal_id)
            timezone = await _timezone(session, user_id)
            return await self._progress(session, goal, timezone or "UTC")

    async def _progress(self, session: Session, goal: Goal, timezone: str) -> GoalProgress:
        """Progress as of today in the member's zone (the caller has read the zone)."""
        today = self.today(timezone)
        first_day = local_date(goal.created_at, zone_of(timezone))
        month = await goal_rows.entries_since(session, goal.id, today - timedelta(days=34))
        habit = limit = None
        if goal.kind is GoalKind.HABIT:
            done = await goal_rows.done_dates(session, goal.id)
            habit = habit_progress(goal.schedule, done, today, first_day)
        else:
            limit = limit_progress(
                goal.limit_period or LimitPeriod.DAY, goal.limit_target or 0, month, today
            )
        recent = [e for e in month if e.local_date > today - timedelta(days=30)]
        new = new_goal(goal, month, today, first_day, self._clock.now(), timezone)
        days_so_far = (today - first_day).days + 1
        return GoalProgress(goal, today, habit, limit, reasons_given(recent), new, days_so_far)

    async def export(self, user_id: int) -> list[dict[str, object]]:
        async with self._db.read() as session:
            return await goal_rows.export(session, user_id)


async def _timezone(session: Session, user_id: int) -> str | None:
    row = await member_rows.get(session, user_id)
    return row.timezone if row else None
