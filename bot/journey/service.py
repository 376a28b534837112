"""The recovery journey: days so far, milestones, setbacks, and the stats kept through them.

The rules are in bot/journey/rules.py; their names are imported here too, for the modules
that still look for them in the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.journey import rules as journey_rules
from bot.journey.rules import (
    MAX_NOTE,
    MAX_PAST_YEARS,
    MILESTONE_TIME,
    MILESTONES,
    SHARE_AGAIN_FROM,
    Journey,
    JourneyMark,
    JourneyStats,
    JourneyView,
    Sharing,
    is_milestone,
    journey_marks,
    journey_stats,
    milestone_after,
    next_milestone_date,
    valid_setback,
)
from bot.localtime.schedule import local_moment
from bot.localtime.today import member_today
from bot.localtime.zones import zone_of
from bot.texts.journey import milestone_label
from storage import journey as journey_rows
from storage.db import Database, Session

__all__ = [
    "MAX_NOTE",
    "MAX_PAST_YEARS",
    "MILESTONES",
    "MILESTONE_TIME",
    "SHARE_AGAIN_FROM",
    "Journey",
    "JourneyMark",
    "JourneyService",
    "JourneyStats",
    "JourneyView",
    "Setback",
    "SetbackRefusal",
    "Sharing",
    "is_milestone",
    "journey_marks",
    "journey_stats",
    "milestone_after",
    "milestone_label",
    "next_milestone_date",
]


class SetbackRefusal(StrEnum):
    """Why a setback was not recorded."""

    NO_JOURNEY = "no_journey"  # there is no journey to record it in
    BAD_DATE = "bad_date"  # in the future, or before the journey's start


@dataclass(frozen=True)
class Setback:
    """A setback recorded (the closed journey's id, for the optional note), or refused."""

    journey_id: int | None
    refusal: SetbackRefusal | None = None


class JourneyService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def today(self, timezone: str) -> date:
        """The member's local calendar day now."""
        return member_today(self._clock, timezone)

    def valid_start(self, timezone: str, day: date) -> bool:
        """A start the member may give: today or earlier, within MAX_PAST_YEARS."""
        return journey_rules.valid_start(day, self.today(timezone))

    async def view(self, user_id: int, timezone: str) -> JourneyView:
        today = self.today(timezone)
        async with self._db.read() as session:
            rows = await journey_rows.all_for(session, user_id)
            sharing = await journey_rows.sharing(session, user_id)
        journeys = [Journey(r.started_on, r.ended_on) for r in rows]
        current = next((j for j in journeys if j.ended_on is None), None)
        return JourneyView(
            current,
            [j for j in journeys if j.ended_on is not None],
            today,
            journey_stats(journeys, today),
            Sharing(sharing),
        )

    async def set_start(self, user_id: int, timezone: str, day: date) -> None:
        """Start (or move the start of) the current journey."""
        async with self._db.transaction() as session:
            current = await journey_rows.current(session, user_id)
            if current is None:
                await journey_rows.start(session, user_id, day)
            else:
                await journey_rows.move_start(session, current.id, day)
            await self._schedule(session, user_id, timezone, day)

    async def setback(self, user_id: int, timezone: str, day: date | None = None) -> Setback:
        """Close the current journey on `day` (today when None); the next starts the day
        after. Refused for a day in the future or before the journey's start, and when
        there is no journey."""
        today = self.today(timezone)
        day = today if day is None else day
        if not valid_setback(day, today):
            return Setback(None, SetbackRefusal.BAD_DATE)
        async with self._db.transaction() as session:
            current = await journey_rows.current(session, user_id)
            if current is None:
                return Setback(None, SetbackRefusal.NO_JOURNEY)
            if day < current.started_on:
                return Setback(None, SetbackRefusal.BAD_DATE)
            await journey_rows.end(session, current.id, day)
            await journey_rows.hold_sharing(session, user_id)
            next_start = day + timedelta(days=1)
            await journey_rows.start(session, user_id, next_start)
            await self._schedule(session, user_id, timezone, next_start)
            return Setback(current.id)

    async def add_setback_note(self, user_id: int, journey_id: int, note: str) -> Setback:
        """Keep the member's private note on a setback, cut to MAX_NOTE; NO_JOURNEY when
        the member has no such setback (gone with /forget, or another's)."""
        async with self._db.transaction() as session:
            if not await journey_rows.set_setback_note(
                session, journey_id, user_id, note[:MAX_NOTE]
            ):
                return Setback(None, SetbackRefusal.NO_JOURNEY)
        return Setback(journey_id)

    async def set_sharing(self, user_id: int, timezone: str, share: bool) -> Sharing:
        """The member's answer to "share them with my circle?". A yes soon after a setback
        holds until a milestone of 7 days or more, where they are asked again."""
        today = self.today(timezone)
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
        days = (self.today(timezone) - current.started_on).days
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
