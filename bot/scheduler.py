"""The due-row sweep: turns due check-ins and weekly reflections into outbox messages.

One job calls `sweep()` every few seconds. Each batch is one transaction that writes the
message (with an idempotency key) and advances the due row, so a crash loses nothing and a
restart sends nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot import goal_messages, journey_messages, texts
from bot.checkins import TREND_WINDOW, mood_question, period_stats, streak
from bot.circles import circle_open_to, share_milestone
from bot.clock import Clock
from bot.config import Settings
from bot.goals import Goal, GoalService, next_nudge
from bot.journey import SHARE_AGAIN_FROM, JourneyService, is_milestone
from bot.members import Member
from bot.outgoing import OutgoingMessage
from bot.schedule import local_date, next_daily, next_weekly
from bot.timeparse import parse_hhmm
from bot.timezones import zone_of
from storage import checkins as checkin_rows
from storage import goals as goal_rows
from storage import journeys as journey_rows
from storage import members as member_rows
from storage import outbox
from storage.db import Database, Session
from storage.members import MemberRow

log = logging.getLogger("peercircle.scheduler")

# Sent messages are kept this long (their idempotency keys guard against repeats), then go.
KEEP_FINISHED = timedelta(days=8)
PRUNE_EVERY = timedelta(hours=1)


@dataclass
class SweepResult:
    enqueued: int = 0
    skipped: int = 0

    def add(self, other: SweepResult) -> None:
        self.enqueued += other.enqueued
        self.skipped += other.skipped


class DueSweeper:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        wake: Callable[[], None],
        journeys: JourneyService,
        goals: GoalService,
    ) -> None:
        self._journeys = journeys
        self._goals = goals
        self._db = db
        self._clock = clock
        self._settings = settings
        self._wake = wake
        self._last_prune: datetime | None = None

    @property
    def _grace(self) -> timedelta:
        return timedelta(hours=self._settings.scheduler.grace_hours)

    async def sweep(self) -> SweepResult:
        """Handle every due row; returns how many messages were queued and skipped."""
        total = SweepResult()
        batches = (self._checkin_batch, self._weekly_batch, self._milestone_batch,
                   self._nudge_batch, self._snooze_batch)  # fmt: skip
        for handle in batches:
            while True:
                result, more = await handle()
                total.add(result)
                if not more:
                    break
        if total.enqueued:
            self._wake()
        await self._prune()
        if total.enqueued or total.skipped:
            log.info("sweep: enqueued=%d skipped=%d", total.enqueued, total.skipped)
        return total

    async def _prune(self) -> None:
        now = self._clock.now()
        if self._last_prune is not None and now - self._last_prune < PRUNE_EVERY:
            return
        self._last_prune = now
        async with self._db.transaction() as session:
            removed = await outbox.prune_finished(session, now - KEEP_FINISHED)
        if removed:
            log.info("pruned %d finished outbox rows", removed)

    def _skip_reason(self, row: MemberRow, due: datetime, now: datetime) -> str | None:
        member = Member.from_row(row, now)
        if member.blocked:
            return "blocked"
        if member.paused:
            return "paused"
        if now - due > self._grace:
            return "late"
        return None

    async def _checkin_batch(self) -> tuple[SweepResult, bool]:
        """One transaction: queue due prompts and advance every due row in the batch."""
        limit = self._settings.scheduler.batch_size
        async with self._db.transaction() as session:
            now = self._clock.now()
            rows = await member_rows.due_checkins(session, now, limit)
            advanced: list[tuple[int, datetime]] = []
            wanted: list[tuple[MemberRow, date]] = []
            for row in rows:
                assert row.next_checkin_at is not None
                due = row.next_checkin_at
                zone = zone_of(row.timezone)
                at = parse_hhmm(row.checkin_time)
                assert at is not None
                advanced.append((row.user_id, next_daily(max(due, now), at, zone)))
                if self._skip_reason(row, due, now) is None:
                    wanted.append((row, local_date(due, zone)))
            done = await checkin_rows.existing(
                session, [(row.user_id, day) for row, day in wanted]
            )
            messages = [
                outbox.NewMessage(
                    key=f"checkin:{row.user_id}:{day}",
                    chat_id=row.user_id,
                    user_id=row.user_id,
                    kind="checkin",
                    payload=mood_question(day).to_json(),
                )
                for row, day in wanted
                if (row.user_id, day) not in done
            ]
            enqueued = await outbox.enqueue_many(session, messages, now, now)
            await member_rows.set_next_checkins(session, advanced)
        return SweepResult(enqueued, len(rows) - enqueued), len(rows) == limit

    async def _weekly_batch(self) -> tuple[SweepResult, bool]:
        result = SweepResult()
        limit = self._settings.scheduler.batch_size
        weekly = self._settings.checkins
        at = parse_hhmm(weekly.weekly_reflection_time)
        assert at is not None
        async with self._db.transaction() as session:
            now = self._clock.now()
            rows = await member_rows.due_weekly(session, now, limit)
            for row in rows:
                assert row.next_weekly_at is not None
                due = row.next_weekly_at
                zone = zone_of(row.timezone)
                day = local_date(due, zone)
                if self._skip_reason(row, due, now) is None and await self._enqueue(
                    session,
                    f"weekly:{row.user_id}:{day}",
                    row,
                    "weekly",
                    await self._reflection(session, row.user_id, day),
                ):
                    result.enqueued += 1
                else:
                    result.skipped += 1
                await member_rows.update(
                    session,
                    row.user_id,
                    next_weekly_at=next_weekly(max(due, now), weekly.weekly_weekday, at, zone),
                )
        return result, len(rows) == limit

    async def _milestone_batch(self) -> tuple[SweepResult, bool]:
        result = SweepResult()
        limit = self._settings.scheduler.batch_size
        async with self._db.transaction() as session:
            now = self._clock.now()
            user_ids = await journey_rows.due_milestones(session, now, limit)
            for user_id in user_ids:
                row = await member_rows.get(session, user_id)
                journey = await journey_rows.current(session, user_id)
                if row is None or journey is None or row.next_milestone_at is None:
                    await journey_rows.set_next_milestone(session, user_id, None)
                    continue
                zone = zone_of(row.timezone)
                days = (local_date(row.next_milestone_at, zone) - journey.started_on).days
                due = self._skip_reason(row, row.next_milestone_at, now) is None
                if (
                    due
                    and is_milestone(days)
                    and await self._celebrate(session, row, journey.started_on, days)
                ):
                    result.enqueued += 1
                else:
                    result.skipped += 1
                await self._journeys.reschedule_after(session, user_id, row.timezone)
        return result, len(user_ids) == limit

    async def _nudge_batch(self) -> tuple[SweepResult, bool]:
        """Goal nudges: skipped when that day is answered already (e.g. by /done)."""
        result = SweepResult()
        limit = self._settings.scheduler.batch_size
        async with self._db.transaction() as session:
            now = self._clock.now()
            rows = await goal_rows.due_nudges(session, now, limit)
            members = await member_rows.get_many(session, {row.user_id for row in rows})
            for row in rows:
                assert row.next_nudge_at is not None
                member = members.get(row.user_id)
                goal = Goal.from_row(row)
                if member is None or goal.status != "active":
                    await goal_rows.update(session, row.id, next_nudge_at=None)
                    continue
                due = row.next_nudge_at
                day = local_date(due, zone_of(member.timezone))
                if await self._nudge(session, member, goal, day, due, snoozed=False):
                    result.enqueued += 1
                else:
                    result.skipped += 1
                await goal_rows.update(
                    session, row.id, next_nudge_at=next_nudge(goal, max(due, now), member.timezone)
                )
        return result, len(rows) == limit

    async def _snooze_batch(self) -> tuple[SweepResult, bool]:
        """ "Remind me in an hour": the same day's question once more, without a snooze."""
        result = SweepResult()
        limit = self._settings.scheduler.batch_size
        async with self._db.transaction() as session:
            rows = await goal_rows.due_snoozes(session, self._clock.now(), limit)
            members = await member_rows.get_many(session, {row.user_id for row in rows})
            for row in rows:
                assert row.snooze_at is not None
                member = members.get(row.user_id)
                goal = Goal.from_row(row)
                if (
                    member is not None
                    and goal.status == "active"
                    and row.snooze_day is not None
                    and await self._nudge(
                        session, member, goal, row.snooze_day, row.snooze_at, snoozed=True
                    )
                ):
                    result.enqueued += 1
                else:
                    result.skipped += 1
                await goal_rows.update(session, row.id, snooze_at=None)
        return result, len(rows) == limit

    async def _nudge(
        self, session: Session, member: MemberRow, goal: Goal, day: date, due: datetime,
        snoozed: bool,
    ) -> bool:  # fmt: skip
        if self._skip_reason(member, due, self._clock.now()) is not None:
            return False
        if await goal_rows.answered(session, goal.id, day):
            return False
        suffix = ":again" if snoozed else ""
        message = goal_messages.nudge(goal, day, snoozed)
        return await self._enqueue(session, f"nudge:{goal.id}:{day}{suffix}", member, "nudge",
                                   message)  # fmt: skip

    async def _celebrate(
        self, session: Session, row: MemberRow, started_on: date, days: int
    ) -> bool:
        """Queue the member's celebration and, if they agreed, tell their circle. After a
        setback the circle hears nothing until the member says yes again, asked with the
        celebration of a milestone of 7 days or more."""
        now = self._clock.now()
        sharing = await journey_rows.sharing(session, row.user_id)
        ask = (
            sharing == journey_rows.HELD
            and days >= SHARE_AGAIN_FROM
            and await circle_open_to(session, row.user_id, now) is not None
        )
        added = await outbox.enqueue_one(
            session,
            outbox.NewMessage(f"milestone:{row.user_id}:{started_on}:{days}", row.user_id,
                              row.user_id, "milestone",
                              journey_messages.milestone(days, ask).to_json()),
            now,
        )  # fmt: skip
        if added and sharing == journey_rows.SHARED:
            await share_milestone(session, row.user_id, row.pseudonym, days, now)
        return added

    async def _reflection(self, session: Session, user_id: int, day: date) -> OutgoingMessage:
        history = await checkin_rows.since(session, user_id, day - timedelta(days=13))
        days = await checkin_rows.streak_dates(session, user_id)
        this_week = period_stats(history, day - timedelta(days=TREND_WINDOW - 1), day)
        last_week = period_stats(history, day - timedelta(days=13), day - timedelta(days=7))
        text = texts.weekly_reflection(this_week, last_week, streak(days, day))
        return OutgoingMessage(text)

    async def _enqueue(
        self, session: Session, key: str, row: MemberRow, kind: str, message: OutgoingMessage
    ) -> bool:
        return await outbox.enqueue(
            session,
            key=key,
            chat_id=row.user_id,
            user_id=row.user_id,
            kind=kind,
            payload=message.to_json(),
            not_before=self._clock.now(),
            now=self._clock.now(),
        )
