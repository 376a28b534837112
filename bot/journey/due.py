"""The journey's due rows: milestone celebrations.

`members.next_milestone_at` is the morning of the member's next milestone day (1, 7, 14, 30
... days into the current journey: bot.journey.service). When it comes, the member gets
their celebration, unless they blocked the bot, are paused or it is too late
(bot.runtime.sweeper.SkipRule); the row then points at the milestone after it. If the member
agreed, their circle hears too, through the circle's own relay fan-out
(CircleService.share_milestone, which keeps it to the member when they are muted or banned).
After a setback the circle hears nothing until the member says yes again, asked with the
celebration of a milestone of 7 days or more.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from bot.circles.service import CircleService, circle_open_to
from bot.journey import messages as journey_messages
from bot.journey.service import SHARE_AGAIN_FROM, JourneyService, is_milestone
from bot.localtime.schedule import local_date
from bot.localtime.zones import zone_of
from bot.members.rules import Member
from bot.outgoing import in_every_language
from bot.runtime.sweeper import Batch, SkipRule
from storage import journey as journey_rows
from storage import members as member_rows
from storage import outbox
from storage.db import Session
from storage.members import MemberRow


class Milestones:
    name = "milestones"

    def __init__(self, journeys: JourneyService, circles: CircleService, skip: SkipRule) -> None:
        self._journeys = journeys
        self._circles = circles
        self._skip = skip

    async def sweep_batch(self, session: Session, now: datetime, limit: int) -> Batch:
        enqueued = skipped = 0
        user_ids = await journey_rows.due_milestones(session, now, limit)
        for user_id in user_ids:
            row = await member_rows.get(session, user_id)
            journey = await journey_rows.current(session, user_id)
            if row is None or journey is None or row.next_milestone_at is None:
                await journey_rows.set_next_milestone(session, user_id, None)
                continue
            zone = zone_of(row.timezone)
            days = (local_date(row.next_milestone_at, zone) - journey.started_on).days
            due = self._skip.reason(Member.from_row(row, now), row.next_milestone_at, now) is None
            if (
                due
                and is_milestone(days)
                and await self._celebrate(session, row, journey.started_on, days, now)
            ):
                enqueued += 1
            else:
                skipped += 1
            await self._journeys.reschedule_after(session, user_id, row.timezone)
        return Batch(enqueued, skipped, len(user_ids) == limit)

    async def _celebrate(
        self, session: Session, row: MemberRow, started_on: date, days: int, now: datetime
    ) -> bool:
        """Queue the member's celebration and, if they agreed, tell their circle."""
        sharing = await journey_rows.sharing(session, row.user_id)
        ask = (
            sharing == journey_rows.HELD
            and days >= SHARE_AGAIN_FROM
            and await circle_open_to(session, row.user_id, now) is not None
        )
        message = in_every_language(partial(journey_messages.milestone, days, ask))
        added = await outbox.enqueue_one(
            session,
            outbox.NewMessage(
                f"milestone:{row.user_id}:{started_on}:{days}",
                row.user_id,
                row.user_id,
                "milestone",
                message,
            ),
            now,
        )
        if added and sharing == journey_rows.SHARED:
            await self._circles.share_milestone(session, row.user_id, row.pseudonym, days)
        return added
