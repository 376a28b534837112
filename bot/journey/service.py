"""The recovery journey: days so far, milestones, setbacks, and the stats kept through them.

Day 0 is the start date; milestone N falls N days later. A setback closes the journey on
its date and the next one starts the day after, so history is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.localtime.schedule import local_moment
from bot.localtime.zones import zone_of
from storage import journeys as journey_rows
from storage.db import Database, Session

MILESTONES: tuple[int, ...] = (1, 7, 14, 30, 60, 90, 180, 365)
# After a setback the circle hears of no milestone until the member says yes again at one
# of at least this many days: "reached 1 day" would tell them about the setback.
SHARE_AGAIN_FROM = 7


class Sharing(StrEnum):
    """Whether the member's milestones reach their circle."""

    UNASKED = journey_rows.UNASKED
    PRIVATE = journey_rows.PRIVATE
    SHARED = journey_rows.SHARED
    HELD = journey_rows.HELD  # after a setback, until they say yes again at 7 days or more


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


def milestone_label(days: int) -> str:
    if days >= 365 and days % 365 == 0:
        years = days // 365
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


def next_milestone_date(started_on: date, today: date) -> tuple[int, date]:
    """The next milestone (in days) on or after today, and its date."""
    days = (today - started_on).days
    milestone = days if is_milestone(days) else milestone_after(days)
    return milestone, started_on + timedelta(days=milestone)


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


MILESTONE_TIME = time(9, 0)  # celebrations arrive in the member's morning
MAX_PAST_YEARS = 80


@dataclass(frozen=True)
class JourneyView:
    current: Journey | None
    history: list[Journey]
    today: date
    stats: JourneyStats
    sharing: Sharing

    @property
    def days(self) -> int:
        return self.current.clean_days(self.today) if self.current else 0


class JourneyService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def _today(self, timezone: str) -> date:
        return self._clock.now().astimezone(zone_of(timezone)).date()

    def valid_start(self, timezone: str, day: date) -> bool:
        today = self._today(timezone)
        return today - timedelta(days=365 * MAX_PAST_YEARS) <= day <= today

    async def view(self, user_id: int, timezone: str) -> JourneyView:
        today = self._today(timezone)
        async with self._db.read() as session:
            rows = await journey_rows.all_for(session, user_id)
            sharing = await journey_rows.sharing(session, user_id)
        journeys = [Journey(r.started_on, r.ended_on) for r in rows]
        current = next((j for j in journeys if j.ended_on is None), None)
        return JourneyView(
            current, [j for j in journeys if j.ended_on is not None], today,
            journey_stats(journeys, today), Sharing(sharing),
        )  # fmt: skip

    async def set_start(self, user_id: int, timezone: str, day: date) -> None:
        """Start (or move the start of) the current journey."""
        async with self._db.transaction() as session:
            current = await journey_rows.current(session, user_id)
            if current is None:
                await journey_rows.start(session, user_id, day)
            else:
                await journey_rows.move_start(session, current.id, day)
            await self._schedule(session, user_id, timezone, day)

    async def setback(self, user_id: int, timezone: str, day: date) -> int | None:
        """Close the current journey on `day`; the next starts the day after. Returns the
        closed journey's id (for the optional note), None when there was no journey."""
        async with self._db.transaction() as session:
            current = await journey_rows.current(session, user_id)
            if current is None or day < current.started_on:
                return None
            await journey_rows.end(session, current.id, day)
            await journey_rows.hold_sharing(session, user_id)
            next_start = day + timedelta(days=1)
            await journey_rows.start(session, user_id, next_start)
            await self._schedule(session, user_id, timezone, next_start)
            return current.id

    async def add_setback_note(self, user_id: int, journey_id: int, note: str) -> bool:
        async with self._db.transaction() as session:
            return await journey_rows.set_setback_note(session, journey_id, user_id, note)

    async def set_sharing(self, user_id: int, timezone: str, share: bool) -> Sharing:
        """The member's answer to "share them with my circle?". A yes soon after a setback
        holds until a milestone of 7 days or more, where they are asked again."""
        today = self._today(timezone)
        async with self._db.transaction() as session:
            state = Sharing.SHARED if share else Sharing.PRIVATE
            journeys = await journey_rows.all_for(session, user_id)
            current = next((j for j in journeys if j.ended_on is None), None)
            after_setback = len(journeys) > 1
            if (
                share
                and after_setback
                and current is not None
                and (today - current.started_on).days < SHARE_AGAIN_FROM
            ):
                state = Sharing.HELD
            await journey_rows.set_sharing(session, user_id, state.value)
            return state

    async def _schedule(self, session: Session, user_id: int, timezone: str, start: date) -> None:
        zone = zone_of(timezone)
        now = self._clock.now()
        today = now.astimezone(zone).date()
        _, on = next_milestone_date(start, max(today, start))
        moment = local_moment(on, MILESTONE_TIME, zone)
        if moment <= now:  # today's celebration time has passed: send it now
            moment = now
        await journey_rows.set_next_milestone(session, user_id, moment)

    async def reschedule(self, session: Session, user_id: int, timezone: str) -> None:
        """Recompute the next milestone's moment, e.g. after a change of time zone."""
        current = await journey_rows.current(session, user_id)
        if current is not None:
            await self._schedule(session, user_id, timezone, current.started_on)

    async def reschedule_after(self, session: Session, user_id: int, timezone: str) -> None:
        """Point the due row at the milestone after today's."""
        current = await journey_rows.current(session, user_id)
        if current is None:
            await journey_rows.set_next_milestone(session, user_id, None)
            return
        zone = zone_of(timezone)
        today = self._clock.now().astimezone(zone).date()
        days = (today - current.started_on).days
        on = current.started_on + timedelta(days=milestone_after(days))
        await journey_rows.set_next_milestone(
            session, user_id, local_moment(on, MILESTONE_TIME, zone)
        )

    async def export(self, user_id: int) -> list[dict[str, object]]:
        async with self._db.read() as session:
            return await journey_rows.export(session, user_id)

    async def marks(self, user_id: int, first: date, last: date) -> list[JourneyMark]:
        """The milestones and setbacks a chart from `first` to `last` shows."""
        async with self._db.read() as session:
            rows = await journey_rows.all_for(session, user_id)
        return journey_marks([Journey(r.started_on, r.ended_on) for r in rows], first, last)


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
