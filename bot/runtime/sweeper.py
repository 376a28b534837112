"""The due-row sweep: turns due check-ins and weekly reflections into outbox messages.

One job calls `sweep()` every few seconds. Each batch is one transaction that writes the
message (with an idempotency key) and advances the due row, so a crash loses nothing and a
restart sends nothing twice. A member's check-in prompt and goal nudges due within the same
hour go as one combined message (bot.combined.service); each part still holds its own key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.checkins.reflection import week_summary
from bot.checkins.service import CONFIDENCES, mood_question
from bot.circles.service import circle_open_to, share_milestone
from bot.clock import Clock
from bot.combined.service import WINDOW, Combined, Part, group
from bot.config import Settings
from bot.goals import messages as goal_messages
from bot.goals.service import REASONS, Goal, GoalKind, GoalService, next_nudge
from bot.journey import messages as journey_messages
from bot.journey.service import SHARE_AGAIN_FROM, JourneyService, is_milestone
from bot.localtime.hhmm import parse_hhmm
from bot.localtime.schedule import (
    local_date,
    local_moment,
    next_daily,
    next_weekly_delayed,
    weekday_on_or_before,
)
from bot.localtime.zones import zone_of
from bot.members.service import Member
from bot.outgoing import OutgoingMessage
from bot.texts import checkins as checkin_texts
from bot.texts import combined as combined_texts
from bot.texts import goals as goal_texts
from storage import checkins as checkin_rows
from storage import goals as goal_rows
from storage import journeys as journey_rows
from storage import members as member_rows
from storage import outbox
from storage.db import Database, Session
from storage.goals import GoalRow
from storage.members import MemberRow

log = logging.getLogger("peercircle.scheduler")

# Sent messages are kept this long (their idempotency keys guard against repeats), then go.
KEEP_FINISHED = timedelta(days=8)
PRUNE_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class Push:
    """A check-in prompt or goal nudge on its way: alone, or as a part of a combined one."""

    key: str
    kind: str
    part: Part

    def alone(self, user_id: int) -> outbox.NewMessage:
        payload = self.part.message.to_json()
        return outbox.NewMessage(self.key, user_id, user_id, self.kind, payload)


def checkin_push(user_id: int, day: date) -> Push:
    # Answering grows the five mood buttons to eleven for confidence.
    part = Part("ci", combined_texts.CHECKIN_PART_TITLE, mood_question(day), len(CONFIDENCES))
    return Push(f"checkin:{user_id}:{day}", "checkin", part)


def nudge_push(goal: Goal, day: date) -> Push:
    message = goal_messages.nudge(goal, day)
    # A limit's buttons only shrink; a habit's "not today" grows into its reasons.
    most = sum(len(row) for row in message.buttons)
    if goal.kind is GoalKind.HABIT:
        most = max(most, len(REASONS) + 1)
    part = Part(f"gl:{goal.id}", goal_texts.goal_button_label(goal), message, most)
    return Push(f"nudge:{goal.id}:{day}", "nudge", part)


@dataclass(frozen=True)
class Candidate:
    """A member's push due now, or within the hour after their first one that is."""

    due: datetime
    push: Push | None  # None when it need not go: answered already, paused, too late
    goal: GoalRow | None = None  # a nudge's goal, whose due row moves on when it is taken
    moves_checkin: bool = False  # the check-in's due row moves on when it is taken


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
            wanted = [(row, day) for row, day in wanted if (row.user_id, day) not in done]
            along = await self._nudges_along(
                session, [(row, row.next_checkin_at, day) for row, day in wanted]
            )
            messages: list[outbox.NewMessage] = []
            enqueued = 0
            for row, day in wanted:
                prompt = checkin_push(row.user_id, day)
                if row.user_id in along:
                    assert row.next_checkin_at is not None  # moved on in bulk, below
                    candidates = [Candidate(row.next_checkin_at, prompt)]
                    candidates += await self._goal_candidates(
                        session, row, along[row.user_id], now
                    )
                    enqueued += await self._push_together(session, row, candidates, now)
                else:
                    messages.append(prompt.alone(row.user_id))
            enqueued += await outbox.enqueue_many(session, messages, now, now)
            await member_rows.set_next_checkins(session, advanced)
        return SweepResult(enqueued, max(0, len(rows) - enqueued)), len(rows) == limit

    async def _weekly_batch(self) -> tuple[SweepResult, bool]:
        """Weekly reflections: due an hour after the check-in time on the day, or earlier
        when that day's check-in brought them forward (bot.checkins.reflection)."""
        result = SweepResult()
        limit = self._settings.scheduler.batch_size
        weekly = self._settings.checkins
        wait = weekly.weekly_reflection_wait
        async with self._db.transaction() as session:
            now = self._clock.now()
            rows = await member_rows.due_weekly(session, now, limit)
            for row in rows:
                assert row.next_weekly_at is not None
                due = row.next_weekly_at
                zone = zone_of(row.timezone)
                at = parse_hhmm(row.checkin_time)
                assert at is not None
                day = weekday_on_or_before(due, weekly.weekly_weekday, zone)
                if self._skip_reason(row, due, now) is None and await self._enqueue(
                    session,
                    f"weekly:{row.user_id}:{day}",
                    row,
                    "weekly",
                    await self._reflection(session, row, day, now),
                ):
                    result.enqueued += 1
                else:
                    result.skipped += 1
                # Past this day's latest moment too: one brought forward is not due again.
                after = max(due, now, local_moment(day, at, zone) + wait)
                next_at = next_weekly_delayed(after, weekly.weekly_weekday, at, zone, wait)
                await member_rows.update(session, row.user_id, next_weekly_at=next_at)
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
        """Goal nudges: skipped when that day is answered already (e.g. by /done). The
        member's check-in and other nudges due within the hour come along in one message."""
        result = SweepResult()
        limit = self._settings.scheduler.batch_size
        async with self._db.transaction() as session:
            now = self._clock.now()
            rows = await goal_rows.due_nudges(session, now, limit)
            members = await member_rows.get_many(session, {row.user_id for row in rows})
            gone_along: set[int] = set()  # goals already sent with an earlier one
            for row in rows:
                assert row.next_nudge_at is not None
                if row.id in gone_along:
                    continue
                member = members.get(row.user_id)
                if member is None or row.status != "active":
                    await goal_rows.update(session, row.id, next_nudge_at=None)
                    continue
                due = row.next_nudge_at
                zone = zone_of(member.timezone)
                day = local_date(due, zone)
                along = (await self._nudges_along(session, [(member, due, day)])).get(
                    member.user_id, []
                )
                goals = [row, *(g for g in along if g.id != row.id)]
                gone_along.update(g.id for g in goals)
                candidates = await self._goal_candidates(session, member, goals, now)
                candidates += await self._checkin_along(session, member, due, day, now)
                sent = await self._push_together(session, member, candidates, now)
                result.add(SweepResult(sent, 0 if sent else 1))
        return result, len(rows) == limit

    async def _nudges_along(
        self, session: Session, firsts: list[tuple[MemberRow, datetime | None, date]]
    ) -> dict[int, list[GoalRow]]:
        """Per member, the active goals whose nudge is due within the hour after their first
        push (`firsts`: member, its due moment, its local day) on that same local day."""
        starts = {row.user_id: (row, due, day) for row, due, day in firsts if due is not None}
        if not starts:
            return {}
        latest = max(due for _, due, _ in starts.values()) + WINDOW
        along: dict[int, list[GoalRow]] = {}
        for goal in await goal_rows.nudges_due_before(session, list(starts), latest):
            row, due, day = starts[goal.user_id]
            assert goal.next_nudge_at is not None
            if (
                goal.status == "active"
                and goal.next_nudge_at < due + WINDOW
                and local_date(goal.next_nudge_at, zone_of(row.timezone)) == day
            ):
                along.setdefault(goal.user_id, []).append(goal)
        return along

    async def _checkin_along(
        self, session: Session, member: MemberRow, first: datetime, day: date, now: datetime
    ) -> list[Candidate]:
        """The member's check-in, when it is due within the hour after `first` that day."""
        due = member.next_checkin_at
        if (
            due is None
            or due >= first + WINDOW
            or local_date(due, zone_of(member.timezone)) != day
        ):
            return []
        wanted = self._skip_reason(member, due, now) is None and not await checkin_rows.exists(
            session, member.user_id, day
        )
        push = checkin_push(member.user_id, day) if wanted else None
        return [Candidate(due, push, moves_checkin=True)]

    async def _goal_candidates(
        self, session: Session, member: MemberRow, goals: list[GoalRow], now: datetime
    ) -> list[Candidate]:
        zone = zone_of(member.timezone)
        candidates: list[Candidate] = []
        for row in goals:
            assert row.next_nudge_at is not None
            goal, due = Goal.from_row(row), row.next_nudge_at
            day = local_date(due, zone)
            wanted = self._skip_reason(member, due, now) is None and not await goal_rows.answered(
                session, goal.id, day
            )
            candidates.append(Candidate(due, nudge_push(goal, day) if wanted else None, row))
        return candidates

    async def _push_together(
        self, session: Session, member: MemberRow, candidates: list[Candidate], now: datetime
    ) -> int:
        """Move the due rows on and queue the pushes still wanted: one message when it is
        one push, else combined (as few as fit). Returns how many messages were queued."""
        due_now = [c for c in candidates if c.due <= now]
        early = [c for c in candidates if c.due > now and c.push is not None]
        # A push not yet due comes early only to join one that is, never on its own; one
        # that needn't go is left to its own moment.
        taken = due_now + early if early and any(c.push for c in due_now) else due_now
        for candidate in taken:
            await self._move_on(session, member, candidate, now)
        pushes = [c.push for c in taken if c.push is not None]
        held = await outbox.existing_keys(session, [push.key for push in pushes])
        pushes = [push for push in pushes if push.key not in held]
        by_part = {push.part.id: push for push in pushes}
        queued = 0
        for parts in group([push.part for push in pushes]):
            together = [by_part[part.id] for part in parts]
            user_id = member.user_id
            if len(together) == 1:
                queued += await outbox.enqueue_one(session, together[0].alone(user_id), now)
                continue
            key = f"combined:{together[0].key}"
            await outbox.mark_combined(session, [p.alone(user_id) for p in together], key, now)
            checkin = any(push.kind == "checkin" for push in together)
            intro = combined_texts.combined_intro(checkin, len(together) - checkin)
            payload = Combined(intro, tuple(parts)).to_json()
            message = outbox.NewMessage(key, user_id, user_id, "combined", payload)
            queued += await outbox.enqueue_one(session, message, now)
        return queued

    async def _move_on(
        self, session: Session, member: MemberRow, candidate: Candidate, now: datetime
    ) -> None:
        """Advance the candidate's due row past this occurrence."""
        after = max(candidate.due, now)
        if candidate.goal is not None:
            goal = Goal.from_row(candidate.goal)
            next_at = next_nudge(goal, after, member.timezone)
            await goal_rows.update(session, goal.id, next_nudge_at=next_at)
        if candidate.moves_checkin:
            at = parse_hhmm(member.checkin_time)
            assert at is not None
            next_at = next_daily(after, at, zone_of(member.timezone))
            await member_rows.update(session, member.user_id, next_checkin_at=next_at)

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
        """One nudge on its own (a snoozed one asks again alone, as the member chose)."""
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

    async def _reflection(
        self, session: Session, row: MemberRow, day: date, now: datetime
    ) -> OutgoingMessage:
        week = await week_summary(session, row.user_id, day, zone_of(row.timezone), now)
        return OutgoingMessage(checkin_texts.weekly_reflection(week))

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
