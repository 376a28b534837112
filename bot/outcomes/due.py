"""The questionnaires' due rows: the one-time offer, and each questionnaire's invitations.

`outcome_members.offer_at` is the offer, a week after joining, at the member's invitation
time (bot.outcomes.rules.invite_time: near their check-in time, between 08:00 and 22:00).
`outcome_schedule.due_at` is a questionnaire's next invitation: the first day of each cycle,
one reminder three days on, and the day after a "Later". Neither goes to a member who
blocked the bot, and neither comes on a day that is not one for questions (paused, crisis
words that day, another questionnaire asked already: then the next day). A due moment more
than the grace period late moves to the member's next suitable moment instead of arriving
at an odd hour. Half-answered questionnaires 3 days old are set aside (LapsedSittings).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from bot.localtime.schedule import local_date
from bot.localtime.zones import zone_of
from bot.outcomes import messages as outcome_messages
from bot.outcomes import rules
from bot.outcomes.service import (
    OutcomeService,
    checkin_clock,
    not_today,
    tomorrows_invitation,
)
from bot.outgoing import in_every_language
from bot.runtime.sweeper import Batch, SkipRule
from storage import members as member_rows
from storage import outbox
from storage import outcomes as outcome_rows
from storage.db import Session
from storage.members import MemberRow
from storage.outcomes import ScheduleRow


class OutcomeOffers:
    """ "Would you like to help show whether peer support helps?", once."""

    name = "outcome_offers"

    def __init__(self, skip: SkipRule) -> None:
        self._skip = skip

    async def sweep_batch(self, session: Session, now: datetime, limit: int) -> Batch:
        enqueued = skipped = 0
        rows = await outcome_rows.due_offers(session, now, limit)
        members = await member_rows.get_many(session, {row.user_id for row in rows})
        for row in rows:
            assert row.offer_at is not None
            member = members.get(row.user_id)
            if member is None or member.blocked_at is not None or row.consent is not None:
                await outcome_rows.set_offer(session, row.user_id, None)
                skipped += 1
                continue
            zone, at = zone_of(member.timezone), checkin_clock(member)
            if now - row.offer_at > self._skip.grace:
                await outcome_rows.set_offer(
                    session, row.user_id, rules.next_invite_moment(now, at, zone)
                )
                skipped += 1
                continue
            if await not_today(session, member, "", now) is not None:
                await outcome_rows.set_offer(
                    session, row.user_id, tomorrows_invitation(member, now)
                )
                skipped += 1
                continue
            await outbox.enqueue_one(
                session,
                outbox.NewMessage(
                    f"outcomes:offer:{row.user_id}",
                    row.user_id,
                    row.user_id,
                    "outcome_offer",
                    in_every_language(outcome_messages.offer),
                ),
                now,
            )
            await outcome_rows.set_offer(session, row.user_id, None)
            enqueued += 1
        return Batch(enqueued, skipped, len(rows) == limit)


class OutcomeInvitations:
    """A questionnaire whose cycle has no answer yet: an invitation (Start / Later)."""

    name = "questionnaires"

    def __init__(self, outcomes: OutcomeService, skip: SkipRule) -> None:
        self._outcomes = outcomes
        self._skip = skip

    async def sweep_batch(self, session: Session, now: datetime, limit: int) -> Batch:
        enqueued = skipped = 0
        rows = await outcome_rows.due_schedules(session, now, limit)
        members = await member_rows.get_many(session, {row.user_id for row in rows})
        for row in rows:
            member = members.get(row.user_id)
            if member is None or not await self._wanted(session, member, row):
                await outcome_rows.set_due(session, row.user_id, row.questionnaire, None)
                skipped += 1
                continue
            later = await self._postponed(session, member, row, now)
            if later is not None:
                await outcome_rows.set_due(session, row.user_id, row.questionnaire, later)
                skipped += 1
                continue
            await self._invite(session, member, row, now)
            enqueued += 1
        return Batch(enqueued, skipped, len(rows) == limit)

    async def _wanted(self, session: Session, member: MemberRow, row: ScheduleRow) -> bool:
        """Still opted in, to a questionnaire that is still asked."""
        choice = await outcome_rows.choice(session, member.user_id)
        return (
            self._outcomes.find(row.questionnaire) is not None
            and choice is not None
            and choice.consent is True
        )

    async def _postponed(
        self, session: Session, member: MemberRow, row: ScheduleRow, now: datetime
    ) -> datetime | None:
        """When the invitation should come instead of now; None: now is the moment."""
        questionnaire = self._outcomes.find(row.questionnaire)
        assert questionnaire is not None and row.due_at is not None
        zone, at = zone_of(member.timezone), checkin_clock(member)
        today = local_date(now, zone)
        every = questionnaire.schedule.every_days
        start = rules.cycle_start(row.anchor, every, today)
        if member.blocked_at is not None or await outcome_rows.completed_since(
            session, member.user_id, questionnaire.id, start
        ):
            return rules.invite_moment(start + timedelta(days=every), at, zone)
        if now - row.due_at > self._skip.grace:
            return rules.next_invite_moment(now, at, zone)
        if await not_today(session, member, questionnaire.id, now) is not None:
            return tomorrows_invitation(member, now)
        return None

    async def _invite(
        self, session: Session, member: MemberRow, row: ScheduleRow, now: datetime
    ) -> None:
        questionnaire = self._outcomes.find(row.questionnaire)
        assert questionnaire is not None
        zone, at = zone_of(member.timezone), checkin_clock(member)
        today = local_date(now, zone)
        sitting = await outcome_rows.open_response(session, member.user_id, questionnaire.id)
        done = (
            len(sitting.answers)
            if sitting is not None and not rules.lapsed(sitting.started_at, now)
            else 0
        )
        await outbox.enqueue_one(
            session,
            outbox.NewMessage(
                f"outcomes:{questionnaire.id}:{member.user_id}:{today}",
                member.user_id,
                member.user_id,
                "outcome_invitation",
                in_every_language(partial(outcome_messages.invitation, questionnaire, done)),
            ),
            now,
        )
        await outcome_rows.mark_asked(session, member.user_id, today, questionnaire.id)
        next_day = rules.next_ask_day(row.anchor, questionnaire.schedule.every_days, today)
        await outcome_rows.set_due(
            session, member.user_id, questionnaire.id, rules.invite_moment(next_day, at, zone)
        )


class LapsedSittings:
    """Half-answered questionnaires started 3 days ago or more are set aside unscored, so
    /mydata says what became of them (answers and starts check it on their own, too)."""

    name = "lapsed_sittings"

    async def sweep_batch(self, session: Session, now: datetime, limit: int) -> Batch:
        lapsed = await outcome_rows.expire_lapsed(session, now - rules.EXPIRE_AFTER, limit)
        return Batch(0, lapsed, lapsed == limit)
