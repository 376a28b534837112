"""The check-in's due rows: the daily prompt and the weekly reflection.

`members.next_checkin_at` is the member's next prompt, at their check-in time in their own
zone; `members.next_weekly_at` is the weekly reflection, an hour after the check-in time on
the reflection's day (or earlier, when that day's check-in brought it forward: see
bot.checkins.reflection). Each batch queues the messages still wanted and moves every due row
it took on, sent or not, so a row is never due twice. A prompt is not sent to a member who
blocked the bot or is paused, when it is too late (bot.runtime.sweeper.SkipRule), or when that
day is checked in already; goal nudges due within the hour come along in one message
(bot.combined.due), and `CheckinAlong` lets a nudge that is due first bring the prompt along.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache, partial

from bot.checkins.reflection import week_summary
from bot.checkins.service import CONFIDENCES, mood_question
from bot.combined.due import Along, Candidate, First, MoveOn, Push, push_together
from bot.combined.service import WINDOW, Part
from bot.config import CheckinSettings
from bot.localtime.hhmm import parse_hhmm
from bot.localtime.schedule import (
    local_date,
    local_moment,
    next_daily,
    next_weekly_delayed,
    weekday_on_or_before,
)
from bot.localtime.zones import zone_of
from bot.members.rules import Member
from bot.outgoing import OutgoingMessage, in_every_language
from bot.runtime.sweeper import Batch, SkipRule
from bot.texts import checkins as checkin_texts
from bot.texts import combined as combined_texts
from storage import checkins as checkin_rows
from storage import members as member_rows
from storage import outbox
from storage.db import Session
from storage.members import MemberRow


def checkin_push(user_id: int, day: date) -> Push:
    compose = partial(_checkin_part, day)
    return Push(f"checkin:{user_id}:{day}", "checkin", compose, partial(_prompt_payload, day))


@lru_cache(maxsize=8)
def _prompt_payload(day: date) -> str:
    """A day's prompt on its own, as the outbox stores it: the same for every member."""
    return in_every_language(lambda: _checkin_part(day).message)


def _checkin_part(day: date) -> Part:
    # Answering grows the five mood buttons to eleven for confidence.
    title = combined_texts.checkin_part_title()
    return Part("ci", title, mood_question(day), len(CONFIDENCES))


class CheckinPrompts:
    """The daily check-in prompt, with the goal nudges due within the hour after it."""

    name = "checkins"

    def __init__(self, skip: SkipRule, nudges: Along) -> None:
        self._skip = skip
        self._nudges = nudges

    async def sweep_batch(self, session: Session, now: datetime, limit: int) -> Batch:
        """Queue due prompts and advance every due row in the batch."""
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
            if self._skip.reason(Member.from_row(row, now), due, now) is None:
                wanted.append((row, local_date(due, zone)))
        done = await checkin_rows.existing(session, [(row.user_id, day) for row, day in wanted])
        wanted = [(row, day) for row, day in wanted if (row.user_id, day) not in done]
        firsts = [
            First(row, row.next_checkin_at, day)
            for row, day in wanted
            if row.next_checkin_at is not None
        ]
        along = await self._nudges.along(session, firsts, now)
        messages: list[outbox.NewMessage] = []
        enqueued = 0
        for row, day in wanted:
            prompt = checkin_push(row.user_id, day)
            if row.user_id in along:
                assert row.next_checkin_at is not None  # moved on in bulk, below
                candidates = [Candidate(row.next_checkin_at, prompt), *along[row.user_id]]
                enqueued += await push_together(session, row.user_id, candidates, now)
            else:
                messages.append(prompt.alone(row.user_id))
        enqueued += await outbox.enqueue_many(session, messages, now, now)
        await member_rows.set_next_checkins(session, advanced)
        return Batch(enqueued, max(0, len(rows) - enqueued), len(rows) == limit)


class CheckinAlong:
    """The member's check-in prompt, when it is due within the hour after their first push
    (a goal nudge) on that same local day: it then goes with it, and its due row moves on."""

    def __init__(self, skip: SkipRule) -> None:
        self._skip = skip

    async def along(
        self, session: Session, firsts: Sequence[First], now: datetime
    ) -> dict[int, list[Candidate]]:
        found: dict[int, list[Candidate]] = {}
        for first in firsts:
            member = first.member
            due = member.next_checkin_at
            if (
                due is None
                or due >= first.due + WINDOW
                or local_date(due, zone_of(member.timezone)) != first.day
            ):
                continue
            wanted = self._skip.reason(
                Member.from_row(member, now), due, now
            ) is None and not await checkin_rows.exists(session, member.user_id, first.day)
            push = checkin_push(member.user_id, first.day) if wanted else None
            found[member.user_id] = [Candidate(due, push, _checkin_moves_on(member))]
        return found


def _checkin_moves_on(member: MemberRow) -> MoveOn:
    async def move_on(session: Session, after: datetime) -> None:
        at = parse_hhmm(member.checkin_time)
        assert at is not None
        next_at = next_daily(after, at, zone_of(member.timezone))
        await member_rows.update(session, member.user_id, next_checkin_at=next_at)

    return move_on


class WeeklyReflections:
    """Weekly reflections: due an hour after the check-in time on the day, or earlier when
    that day's check-in brought them forward (bot.checkins.reflection)."""

    name = "weekly"

    def __init__(self, settings: CheckinSettings, skip: SkipRule) -> None:
        self._settings = settings
        self._skip = skip

    async def sweep_batch(self, session: Session, now: datetime, limit: int) -> Batch:
        enqueued = skipped = 0
        weekday = self._settings.weekly_weekday
        wait = self._settings.weekly_reflection_wait
        rows = await member_rows.due_weekly(session, now, limit)
        for row in rows:
            assert row.next_weekly_at is not None
            due = row.next_weekly_at
            zone = zone_of(row.timezone)
            at = parse_hhmm(row.checkin_time)
            assert at is not None
            day = weekday_on_or_before(due, weekday, zone)
            if self._skip.reason(Member.from_row(row, now), due, now) is None and (
                await self._reflect(session, row, day, now)
            ):
                enqueued += 1
            else:
                skipped += 1
            # Past this day's latest moment too: one brought forward is not due again.
            after = max(due, now, local_moment(day, at, zone) + wait)
            next_at = next_weekly_delayed(after, weekday, at, zone, wait)
            await member_rows.update(session, row.user_id, next_weekly_at=next_at)
        return Batch(enqueued, skipped, len(rows) == limit)

    async def _reflect(self, session: Session, row: MemberRow, day: date, now: datetime) -> bool:
        week = await week_summary(session, row.user_id, day, zone_of(row.timezone), now)
        return await outbox.enqueue(
            session,
            key=f"weekly:{row.user_id}:{day}",
            chat_id=row.user_id,
            user_id=row.user_id,
            kind="weekly",
            payload=in_every_language(
                lambda: OutgoingMessage(checkin_texts.weekly_reflection(week))
            ),
            not_before=now,
            now=now,
        )
