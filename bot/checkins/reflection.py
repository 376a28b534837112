"""The weekly reflection: brought forward by that day's check-in, and the week it sums up."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

from bot.checkins.rules import (
    LOW_CONFIDENCE,
    LOW_MOOD,
    TREND_WINDOW,
    WeekSummary,
    period_stats,
    streak,
    trend_window,
    window_before,
)
from bot.clock import Clock
from bot.journey.rules import Journey, journey_marks
from bot.localtime.schedule import local_date, local_moment, weekday_on_or_before
from bot.localtime.zones import zone_of
from storage import checkins as checkin_rows
from storage import circles as circle_rows
from storage import goals as goal_rows
from storage import journey as journey_rows
from storage import members as member_rows
from storage.db import Database, Session

__all__ = [
    "ReflectionService",
    "WeekSummary",
    "due_after_checkin",
    "milestones_between",
    "week_summary",
]


def due_after_checkin(
    next_due: datetime | None, day: date, now: datetime, weekday: int, zone: tzinfo
) -> bool:
    """True when finishing the check-in of `day` should bring that day's reflection
    forward to now: it is today, the reflection's day, and the reflection is still to come."""
    return (
        next_due is not None
        and next_due > now
        and day == local_date(now, zone)
        # a late check-in time plus the wait can fall after midnight
        and weekday_on_or_before(next_due, weekday, zone) == day
    )


def milestones_between(journeys: list[Journey], first: date, last: date) -> int:
    """Milestones reached from `first` to `last`, both included, on any journey: the ones
    the member's chart marks for those days."""
    return sum(not mark.setback for mark in journey_marks(journeys, first, last))


async def week_summary(
    session: Session, user_id: int, day: date, zone: tzinfo, now: datetime
) -> WeekSummary:
    """The seven days up to and including `day`, and the seven before, for the reflection."""
    week = trend_window(day, TREND_WINDOW)
    before = window_before(week)
    first = week.first
    history = await checkin_rows.since(session, user_id, before.first)
    days = await checkin_rows.streak_dates(session, user_id)
    journeys = [
        Journey(r.started_on, r.ended_on) for r in await journey_rows.all_for(session, user_id)
    ]
    given, received = await circle_rows.encouragement_counts(
        session, user_id, local_moment(first, time(0, 0), zone), now
    )
    checkins = [c for c in history if first <= c.local_date <= day]
    return WeekSummary(
        this_week=period_stats(history, first, day),
        last_week=period_stats(history, before.first, before.last),
        streak=streak([d for d in days if d <= day], day),
        low_days=sum(1 for c in checkins if c.mood <= LOW_MOOD or c.confidence <= LOW_CONFIDENCE),
        setback=any(j.ended_on is not None and first <= j.ended_on <= day for j in journeys),
        goals_done=await goal_rows.done_count(session, user_id, first, day),
        milestones=milestones_between(journeys, first, day),
        encouragement_given=given,
        encouragement_received=received,
    )


class ReflectionService:
    """Brings the weekly reflection forward when the member finishes that day's check-in."""

    def __init__(self, db: Database, clock: Clock, weekday: int) -> None:
        self._db = db
        self._clock = clock
        self._weekday = weekday

    async def after_checkin(self, user_id: int, day: date) -> None:
        """The member has seen the reply to their check-in of `day`: if that is today and
        the reflection's day, the reflection comes at the next sweep, not an hour after
        their check-in time."""
        now = self._clock.now()
        async with self._db.read() as session:
            row = await member_rows.get(session, user_id)
        if row is None:
            return
        zone = zone_of(row.timezone)
        if not due_after_checkin(row.next_weekly_at, day, now, self._weekday, zone):
            return
        async with self._db.transaction() as session:
            await member_rows.update(session, user_id, next_weekly_at=now)
