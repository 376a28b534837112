"""The GoalService: everything that changes goals, each change one short transaction.

The rules it applies (kinds, schedules, progress, the order of the set-up questions) are in
bot/goals/rules.py. An action that cannot happen returns a GoalRefusal instead of a result.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from functools import wraps
from typing import ParamSpec, TypeVar

from bot.clock import Clock
from bot.goals.rules import (
    DEFAULT_NUDGE_TIME,
    MAX_COUNT,
    MAX_OPEN_GOALS,
    MAX_TARGET,
    MAX_TITLE,
    MAX_WHY,
    REASONS,
    SNOOZE,
    Goal,
    GoalKind,
    GoalProgress,
    GoalRefusal,
    GoalSchedule,
    GoalSetup,
    LimitPeriod,
    SetupStep,
    TypeAgain,
    answerable,
    habit_progress,
    limit_progress,
    new_goal,
    next_nudge,
    reasons_given,
)
from bot.localtime.hhmm import parse_hhmm
from bot.localtime.schedule import local_date
from bot.localtime.zones import zone_of
from storage import goals as goal_rows
from storage import members as member_rows
from storage.db import Database, Session

# Names other modules still import from here (the sweeper; texts/export.py).
__all__ = [
    "REASONS",
    "Goal",
    "GoalKind",
    "GoalSchedule",
    "GoalService",
    "LimitPeriod",
    "next_nudge",
]

P = ParamSpec("P")
T = TypeVar("T")


class _Refused(Exception):
    """Unwinds a transaction (rolling it back) to the public method that returns `refusal`."""

    def __init__(self, refusal: GoalRefusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


def _refusable(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T | GoalRefusal]]:
    """The method's result, or the GoalRefusal that stopped it (nothing was changed)."""

    @wraps(method)
    async def returning_refusal(*args: P.args, **kwargs: P.kwargs) -> T | GoalRefusal:
        try:
            return await method(*args, **kwargs)
        except _Refused as refused:
            return refused.refusal

    return returning_refusal


class GoalService:
    """Everything that changes goals, each change one short transaction."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def today(self, timezone: str) -> date:
        return local_date(self._clock.now(), zone_of(timezone))

    def answerable(self, timezone: str, day: date) -> bool:
        """A nudge about `day` may still be answered in the member's zone."""
        return answerable(self.today(timezone), day)

    # creating and changing goals

    @_refusable
    async def start_draft(self, user_id: int, title: str) -> GoalSetup | TypeAgain:
        """A new goal with its title; the other steps follow. FULL at MAX_OPEN_GOALS; an
        empty or too long title is to be typed again."""
        title = title.strip()
        if not title or len(title) > MAX_TITLE:
            return TypeAgain(len(title), MAX_TITLE)
        async with self._db.transaction() as session:
            if await goal_rows.count_open(session, user_id) >= MAX_OPEN_GOALS:
                raise _Refused(GoalRefusal.FULL)
            await goal_rows.delete_drafts(session, user_id)
            goal_id = await goal_rows.create_draft(
                session,
                user_id,
                title.strip()[:MAX_TITLE],
                "daily",
                DEFAULT_NUDGE_TIME,
                self._clock.now(),
            )
            return GoalSetup(await self._get(session, user_id, goal_id), SetupStep.TITLE)

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

    @_refusable
    async def set_kind(self, user_id: int, goal_id: int, kind: GoalKind) -> GoalSetup:
        goal = await self._edit_draft(user_id, goal_id, kind=kind.value)
        return GoalSetup(goal, SetupStep.KIND)

    @_refusable
    async def set_limit_period(self, user_id: int, goal_id: int, period: LimitPeriod) -> GoalSetup:
        goal = await self._edit_draft(
            user_id, goal_id, kind=GoalKind.LIMIT.value, limit_period=period.value
        )
        return GoalSetup(goal, SetupStep.PERIOD)

    @_refusable
    async def set_limit_target(self, user_id: int, goal_id: int, target: int) -> GoalSetup:
        if not 0 <= target <= MAX_TARGET:
            raise _Refused(GoalRefusal.BAD_TARGET)
        goal = await self._edit_draft(user_id, goal_id, limit_target=target)
        return GoalSetup(goal, SetupStep.TARGET)

    @_refusable
    async def set_why(self, user_id: int, goal_id: int, why: str | None) -> GoalSetup | TypeAgain:
        """The last step of a new goal: it becomes active with the next free number. A "why"
        longer than MAX_WHY is to be typed again."""
        if why is not None and len(why.strip()) > MAX_WHY:
            return TypeAgain(len(why.strip()), MAX_WHY)
        async with self._db.transaction() as session:
            goal = await self._get(session, user_id, goal_id)
            if not goal.draft:
                raise _Refused(GoalRefusal.GONE)
            if await goal_rows.count_open(session, user_id) >= MAX_OPEN_GOALS:
                raise _Refused(GoalRefusal.FULL)
            taken = {g.number for g in await goal_rows.open_goals(session, user_id)}
            number = next(n for n in range(1, MAX_OPEN_GOALS + 1) if n not in taken)
            text = why.strip()[:MAX_WHY] if why and why.strip() else None
            await goal_rows.update(session, goal_id, why=text, number=number, status="active")
            await self._schedule(session, user_id, goal_id)
            return GoalSetup(await self._get(session, user_id, goal_id), SetupStep.WHY)

    @_refusable
    async def set_plan(
        self, user_id: int, goal_id: int, schedule: GoalSchedule, at: str
    ) -> GoalSetup:
        """When to nudge; for a goal already running this also moves its next nudge."""
        parsed = parse_hhmm(at)
        if parsed is None:
            raise _Refused(GoalRefusal.BAD_TIME)
        goal = await self._edit(
            user_id, goal_id, schedule=schedule.encode(), nudge_time=parsed.strftime("%H:%M")
        )
        return GoalSetup(goal, SetupStep.TIME)

    @_refusable
    async def pause(self, user_id: int, goal_id: int) -> Goal:
        return await self._set_status(user_id, goal_id, "paused")

    @_refusable
    async def resume(self, user_id: int, goal_id: int) -> Goal:
        return await self._set_status(user_id, goal_id, "active")

    @_refusable
    async def archive(self, user_id: int, goal_id: int) -> Goal:
        return await self._set_status(user_id, goal_id, "archived")

    async def _set_status(self, user_id: int, goal_id: int, status: str) -> Goal:
        async with self._db.transaction() as session:
            goal = await self._get(session, user_id, goal_id)
            if goal.status not in goal_rows.OPEN:
                raise _Refused(GoalRefusal.GONE)
            extra = (
                {"archived_at": self._clock.now(), "number": None} if status == "archived" else {}
            )
            await goal_rows.update(session, goal_id, status=status, **extra)
            await self._schedule(session, user_id, goal_id)
            return await self._get(session, user_id, goal_id)

    async def _edit_draft(self, user_id: int, goal_id: int, **fields: object) -> Goal:
        async with self._db.transaction() as session:
            if not (await self._get(session, user_id, goal_id)).draft:
                raise _Refused(GoalRefusal.GONE)
            await goal_rows.update(session, goal_id, **fields)
            return await self._get(session, user_id, goal_id)

    async def _edit(self, user_id: int, goal_id: int, **fields: object) -> Goal:
        async with self._db.transaction() as session:
            if (await self._get(session, user_id, goal_id)).status == "archived":
                raise _Refused(GoalRefusal.GONE)
            await goal_rows.update(session, goal_id, **fields)
            await self._schedule(session, user_id, goal_id)
            return await self._get(session, user_id, goal_id)

    async def _get(self, session: Session, user_id: int, goal_id: int) -> Goal:
        row = await goal_rows.get(session, user_id, goal_id)
        if row is None:
            raise _Refused(GoalRefusal.GONE)
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

    @_refusable
    async def mark_done(self, user_id: int, goal_id: int, day: date) -> GoalProgress:
        return await self._answer(user_id, goal_id, day, "done")

    @_refusable
    async def not_today(
        self, user_id: int, goal_id: int, day: date, reason: str | None = None
    ) -> GoalProgress:
        if reason is not None and reason not in REASONS:
            raise _Refused(GoalRefusal.GONE)
        return await self._answer(user_id, goal_id, day, "not_today", reason=reason)

    @_refusable
    async def log_count(self, user_id: int, goal_id: int, day: date, amount: int) -> GoalProgress:
        if not 0 <= amount <= MAX_COUNT:
            raise _Refused(GoalRefusal.BAD_COUNT)
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
                raise _Refused(GoalRefusal.GONE)
            if not answerable(self.today(timezone), day):
                raise _Refused(GoalRefusal.TOO_OLD)
            if (outcome == "count") != (goal.kind is GoalKind.LIMIT):
                raise _Refused(GoalRefusal.GONE)
            now = self._clock.now()
            await goal_rows.record(session, goal_id, day, outcome, now, reason, amount)
            return await self._progress(session, goal, timezone)

    @_refusable
    async def snooze(self, user_id: int, goal_id: int, day: date) -> datetime:
        """Ask again in an hour, once per nudge; returns when. SNOOZED the second time."""
        async with self._db.transaction() as session:
            row = await goal_rows.get(session, user_id, goal_id)
            timezone = await _timezone(session, user_id)
            if row is None or row.status != "active" or timezone is None:
                raise _Refused(GoalRefusal.GONE)
            if not answerable(self.today(timezone), day):
                raise _Refused(GoalRefusal.TOO_OLD)
            if row.snooze_day == day:
                raise _Refused(GoalRefusal.SNOOZED)
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

    @_refusable
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
