"""The goals' due rows: regular nudges and "remind me in an hour" snoozes.

`goals.next_nudge_at` is a goal's next nudge, on its scheduled days at its time in the
member's zone (bot.goals.service.next_nudge); `goals.snooze_at` is the hour after the member
pressed "remind me in an hour". A nudge is not sent to a member who blocked the bot or is
paused, when it is too late (bot.runtime.sweeper.SkipRule), or when that day is answered
already (e.g. by /done); its due row moves on either way. The member's check-in and other
nudges due within the hour after the first come along in one message (bot.combined.due);
`NudgesAlong` lets a check-in prompt that is due first bring the nudges along. A snooze asks
the same day's question once more, alone, as the member chose.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import partial

from bot.combined.due import Along, Candidate, First, MoveOn, Push, push_together
from bot.combined.service import WINDOW, Part
from bot.goals import messages as goal_messages
from bot.goals.service import REASONS, Goal, GoalKind, next_nudge
from bot.localtime.schedule import local_date
from bot.localtime.zones import zone_of
from bot.members.rules import Member
from bot.outgoing import in_every_language
from bot.runtime.sweeper import Batch, SkipRule
from bot.texts import goals as goal_texts
from storage import goals as goal_rows
from storage import members as member_rows
from storage import outbox
from storage.db import Session
from storage.goals import GoalRow
from storage.members import MemberRow


def nudge_push(goal: Goal, day: date) -> Push:
    return Push(f"nudge:{goal.id}:{day}", "nudge", partial(_nudge_part, goal, day))


def _nudge_part(goal: Goal, day: date) -> Part:
    message = goal_messages.nudge(goal, day)
    # A limit's buttons only shrink; a habit's "not today" grows into its reasons.
    most = sum(len(row) for row in message.buttons)
    if goal.kind is GoalKind.HABIT:
        most = max(most, len(REASONS) + 1)
    return Part(f"gl:{goal.id}", goal_texts.goal_button_label(goal), message, most)


class NudgesAlong:
    """The member's active goals whose nudge is due within the hour after their first push,
    on that same local day, as candidates to go with it."""

    def __init__(self, skip: SkipRule) -> None:
        self._skip = skip

    async def along(
        self, session: Session, firsts: Sequence[First], now: datetime
    ) -> dict[int, list[Candidate]]:
        goals = await self.goals_along(session, firsts)
        members = {first.member.user_id: first.member for first in firsts}
        return {
            user_id: await self.candidates(session, members[user_id], rows, now)
            for user_id, rows in goals.items()
        }

    async def goals_along(
        self, session: Session, firsts: Sequence[First]
    ) -> dict[int, list[GoalRow]]:
        """Per member, the active goals whose nudge is due within the hour after their first
        push on that same local day."""
        starts = {first.member.user_id: first for first in firsts}
        if not starts:
            return {}
        latest = max(first.due for first in starts.values()) + WINDOW
        along: dict[int, list[GoalRow]] = {}
        for goal in await goal_rows.nudges_due_before(session, list(starts), latest):
            first = starts[goal.user_id]
            assert goal.next_nudge_at is not None
            if (
                goal.status == "active"
                and goal.next_nudge_at < first.due + WINDOW
                and local_date(goal.next_nudge_at, zone_of(first.member.timezone)) == first.day
            ):
                along.setdefault(goal.user_id, []).append(goal)
        return along

    async def candidates(
        self, session: Session, member: MemberRow, goals: list[GoalRow], now: datetime
    ) -> list[Candidate]:
        zone = zone_of(member.timezone)
        found: list[Candidate] = []
        for row in goals:
            assert row.next_nudge_at is not None
            goal, due = Goal.from_row(row), row.next_nudge_at
            day = local_date(due, zone)
            wanted = self._skip.reason(
                Member.from_row(member, now), due, now
            ) is None and not await goal_rows.answered(session, goal.id, day)
            push = nudge_push(goal, day) if wanted else None
            found.append(Candidate(due, push, _nudge_moves_on(goal, member.timezone)))
        return found


def _nudge_moves_on(goal: Goal, timezone: str) -> MoveOn:
    async def move_on(session: Session, after: datetime) -> None:
        next_at = next_nudge(goal, after, timezone)
        await goal_rows.update(session, goal.id, next_nudge_at=next_at)

    return move_on


class GoalNudges:
    """Goal nudges, with the member's check-in and other nudges due within the hour."""

    name = "nudges"

    def __init__(self, skip: SkipRule, checkin: Along) -> None:
        self._nudges = NudgesAlong(skip)
        self._checkin = checkin

    async def sweep_batch(self, session: Session, now: datetime, limit: int) -> Batch:
        enqueued = skipped = 0
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
            first = First(member, due, local_date(due, zone_of(member.timezone)))
            along = (await self._nudges.goals_along(session, [first])).get(member.user_id, [])
            goals = [row, *(g for g in along if g.id != row.id)]
            gone_along.update(g.id for g in goals)
            candidates = await self._nudges.candidates(session, member, goals, now)
            candidates += (await self._checkin.along(session, [first], now)).get(
                member.user_id, []
            )
            sent = await push_together(session, member.user_id, candidates, now)
            enqueued += sent
            skipped += 0 if sent else 1
        return Batch(enqueued, skipped, len(rows) == limit)


class GoalSnoozes:
    """ "Remind me in an hour": the same day's question once more, without a snooze."""

    name = "snoozes"

    def __init__(self, skip: SkipRule) -> None:
        self._skip = skip

    async def sweep_batch(self, session: Session, now: datetime, limit: int) -> Batch:
        enqueued = skipped = 0
        rows = await goal_rows.due_snoozes(session, now, limit)
        members = await member_rows.get_many(session, {row.user_id for row in rows})
        for row in rows:
            assert row.snooze_at is not None
            member = members.get(row.user_id)
            goal = Goal.from_row(row)
            if (
                member is not None
                and goal.status == "active"
                and row.snooze_day is not None
                and await self._ask_again(
                    session, member, goal, row.snooze_day, row.snooze_at, now
                )
            ):
                enqueued += 1
            else:
                skipped += 1
            await goal_rows.update(session, row.id, snooze_at=None)
        return Batch(enqueued, skipped, len(rows) == limit)

    async def _ask_again(
        self,
        session: Session,
        member: MemberRow,
        goal: Goal,
        day: date,
        due: datetime,
        now: datetime,
    ) -> bool:
        """One nudge on its own (a snoozed one asks again alone, as the member chose)."""
        if self._skip.reason(Member.from_row(member, now), due, now) is not None:
            return False
        if await goal_rows.answered(session, goal.id, day):
            return False
        return await outbox.enqueue(
            session,
            key=f"nudge:{goal.id}:{day}:again",
            chat_id=member.user_id,
            user_id=member.user_id,
            kind="nudge",
            payload=in_every_language(partial(goal_messages.nudge, goal, day, True)),
            not_before=now,
            now=now,
        )
