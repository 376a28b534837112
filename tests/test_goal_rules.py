"""Goal rules without Telegram: schedules across DST, streaks, progress and limit periods."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.clock import ManualClock
from bot.config import Settings
from bot.goals.callbacks import parse_schedule_code, schedule_code
from bot.goals.rules import (
    Goal,
    GoalKind,
    GoalRefusal,
    GoalSchedule,
    GoalSetup,
    LimitPeriod,
    SetupStep,
    TypeAgain,
    chosen_days,
    habit_progress,
    habit_streak,
    limit_progress,
    period_start,
)
from bot.goals.service import GoalService
from bot.localtime.schedule import next_on_weekdays
from bot.services import Services
from storage import goals as goal_rows
from storage import members as member_rows
from storage import outbox
from storage.db import Database
from storage.goals import EntryRow
from tests.engines import OpenDb, storage_settings

BERLIN = ZoneInfo("Europe/Berlin")
MON_WED_FRI = GoalSchedule(frozenset({0, 2, 4}))


def d(text: str) -> date:
    return date.fromisoformat(text)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def set_up(result: GoalSetup | GoalRefusal) -> Goal:
    assert isinstance(result, GoalSetup), result
    return result.goal


# -- schedules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "weekdays", "weekly"),
    [("daily", set(range(7)), False), ("days:0,2,4", {0, 2, 4}, False), ("weekly:6", {6}, True)],
)
def test_schedule_parses_and_encodes(text: str, weekdays: set[int], weekly: bool) -> None:
    schedule = GoalSchedule.parse(text)
    assert schedule == GoalSchedule(frozenset(weekdays), weekly)
    assert schedule.encode() == text


@pytest.mark.parametrize("text", ["", "days:", "days:7", "days:x", "weekly:1,2", "monthly:1"])
def test_schedule_refuses_nonsense(text: str) -> None:
    assert GoalSchedule.parse(text) is None


@given(st.frozensets(st.integers(0, 6), min_size=1), st.booleans())
def test_schedule_codes_round_trip(days: frozenset[int], weekly: bool) -> None:
    schedule = GoalSchedule(frozenset({min(days)}) if weekly else days, weekly)
    assert parse_schedule_code(schedule_code(schedule)) == schedule


@pytest.mark.parametrize("code", ["", "m0", "m128", "w7", "x3", "mx", "w"])
def test_schedule_codes_refuse_forgeries(code: str) -> None:
    assert parse_schedule_code(code) is None


def test_weekday_nudges_skip_other_days() -> None:
    at = time(8, 0)
    # Monday 2 March 2026, 10:00 in Berlin: the next is Wednesday 08:00 (07:00 UTC).
    first = next_on_weekdays(utc("2026-03-02T09:00"), MON_WED_FRI.weekdays, at, BERLIN)
    assert first == utc("2026-03-04T07:00")
    second = next_on_weekdays(first, MON_WED_FRI.weekdays, at, BERLIN)
    assert second == utc("2026-03-06T07:00")
    third = next_on_weekdays(second, MON_WED_FRI.weekdays, at, BERLIN)
    assert third == utc("2026-03-09T07:00")


def test_weekly_nudges_across_both_daylight_saving_changes() -> None:
    sunday = frozenset({6})
    # Berlin springs forward on Sunday 29 March 2026 at 02:00: 02:30 does not exist that day
    # and the nudge comes at 03:30 local (01:30 UTC), once.
    at = time(2, 30)
    march = next_on_weekdays(utc("2026-03-23T00:00"), sunday, at, BERLIN)
    assert march == utc("2026-03-29T01:30")
    assert next_on_weekdays(march, sunday, at, BERLIN) == utc("2026-04-05T00:30")
    # It falls back on Sunday 25 October: 02:30 happens twice; the first is used, once.
    october = next_on_weekdays(utc("2026-10-19T00:00"), sunday, at, BERLIN)
    assert october == utc("2026-10-25T00:30")
    assert next_on_weekdays(october, sunday, at, BERLIN) == utc("2026-11-01T01:30")


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("America/New_York", "2026-03-09T23:00"),  # after the 8 March change: UTC-4
        ("Asia/Tokyo", "2026-03-09T10:00"),  # no daylight saving
        ("Australia/Sydney", "2026-04-06T09:00"),  # DST ends 5 April: UTC+10 again
    ],
)
def test_daily_nudges_keep_local_time_in_several_zones(zone: str, expected: str) -> None:
    tz = ZoneInfo(zone)
    at = time(19, 0)
    start = datetime(
        int(expected[:4]), int(expected[5:7]), int(expected[8:10]) - 1, 20, 0, tzinfo=tz
    )
    moment = next_on_weekdays(start, frozenset(range(7)), at, tz)
    assert moment == utc(expected)
    assert moment.astimezone(tz).time() == at


# -- streaks and progress ----------------------------------------------------------------------


def test_streak_counts_planned_days_and_leaves_today_open() -> None:
    done = [d("2026-03-06"), d("2026-03-04"), d("2026-03-02")]  # Fri, Wed, Mon
    assert habit_streak(MON_WED_FRI, done, d("2026-03-09"), d("2026-03-01")) == 3  # Mon open
    assert habit_streak(MON_WED_FRI, done, d("2026-03-10"), d("2026-03-01")) == 0  # Mon missed
    daily = GoalSchedule.daily()
    assert habit_streak(daily, done, d("2026-03-06"), d("2026-03-01")) == 1
    # An extra day done off-plan adds to the streak instead of breaking it.
    extra = [d("2026-03-07"), *done]
    assert habit_streak(MON_WED_FRI, extra, d("2026-03-08"), d("2026-03-01")) == 4


def test_habit_progress_and_best_week() -> None:
    first = d("2026-03-02")
    week_one = [first + timedelta(days=n) for n in (0, 1, 3, 5, 6)]
    week_two = [first + timedelta(days=n) for n in range(7, 14)]
    on_day_seven = habit_progress(GoalSchedule.daily(), week_one[::-1], d("2026-03-08"), first)
    assert (on_day_seven.last7, on_day_seven.planned7, on_day_seven.last30) == (5, 7, 5)
    assert not on_day_seven.best_week  # nothing earlier to beat
    both = (week_one + week_two)[::-1]
    later = habit_progress(GoalSchedule.daily(), both, d("2026-03-15"), first)
    assert (later.last7, later.last30, later.streak, later.best_week) == (7, 12, 9, True)
    planned = habit_progress(MON_WED_FRI, both, d("2026-03-15"), first)
    assert planned.planned7 == 3


def count(day: str, amount: int) -> EntryRow:
    return EntryRow(d(day), "count", None, amount)


def test_limit_periods_by_day_and_by_monday_week() -> None:
    assert period_start(LimitPeriod.WEEK, d("2026-03-08")) == d("2026-03-02")  # Sunday
    assert period_start(LimitPeriod.WEEK, d("2026-03-09")) == d("2026-03-09")  # Monday
    entries = [count("2026-03-03", 2), count("2026-03-07", 3), count("2026-03-10", 1)]
    week = limit_progress(LimitPeriod.WEEK, 3, entries, d("2026-03-11"))
    assert (week.total, week.within, week.counted, week.over) == (1, 1, 2, False)
    last_week = limit_progress(LimitPeriod.WEEK, 3, entries, d("2026-03-08"))
    assert (last_week.total, last_week.over) == (5, True)
    day = limit_progress(LimitPeriod.DAY, 2, entries, d("2026-03-07"))
    assert (day.total, day.within, day.counted) == (3, 1, 2)


# -- the service: answers land on the member's local day -----------------------------------------


async def member_in(db: Database, user_id: int, zone: str, now: datetime) -> None:
    async with db.transaction() as session:
        await member_rows.create(
            session,
            user_id=user_id,
            pseudonym=f"P{user_id}",
            timezone=zone,
            checkin_time="20:00",
            consent_version=1,
            pending_invite=None,
            awaiting=None,
            now=now,
        )


@pytest.mark.parametrize(
    ("zone", "local_day"),
    [
        ("Asia/Tokyo", "2026-03-09"),
        ("America/Los_Angeles", "2026-03-08"),
        ("Europe/London", "2026-03-08"),
    ],
)
async def test_a_limit_week_follows_the_members_zone(
    zone: str, local_day: str, open_db: OpenDb
) -> None:
    # Sunday 8 March 23:30 UTC is already Monday in Tokyo: a new week there.
    clock = ManualClock(utc("2026-03-02T12:00"))
    db = await open_db()
    try:
        await member_in(db, 1, zone, clock.now())
        goals = GoalService(db, clock)
        goal = set_up(await goals.start_draft(1, "At most 3 drinks a week"))
        await goals.set_limit_period(1, goal.id, LimitPeriod.WEEK)
        await goals.set_limit_target(1, goal.id, 3)
        await goals.set_plan(1, goal.id, GoalSchedule.daily(), "21:00")
        goal = set_up(await goals.set_why(1, goal.id, None))
        assert (goal.kind, goal.number, goal.status) == (GoalKind.LIMIT, 1, "active")
        clock.set(utc("2026-03-04T12:00"))
        await goals.log_count(1, goal.id, d("2026-03-04"), 2)
        clock.set(utc("2026-03-08T23:30"))
        today = goals.today(zone)
        assert today == d(local_day)
        progress = await goals.log_count(1, goal.id, today, 2)
        assert not isinstance(progress, GoalRefusal) and progress.limit is not None
        expected = 2 if local_day == "2026-03-09" else 4
        assert progress.limit.total == expected
        too_old = await goals.log_count(1, goal.id, today - timedelta(days=7), 1)
        assert too_old is GoalRefusal.TOO_OLD
        # a limit is counted, not done
        assert await goals.mark_done(1, goal.id, today) is GoalRefusal.GONE
        # someone else's goal
        assert await goals.log_count(2, goal.id, today, 1) is GoalRefusal.GONE
    finally:
        await db.close()


async def test_a_nudge_is_queued_once_even_when_its_due_row_comes_round_again(
    storage_url: str, storage_key: bytes | None
) -> None:
    settings = Settings(storage=storage_settings(storage_url, storage_key))
    clock = ManualClock(utc("2026-03-02T12:00"))
    services = await Services.open(settings, clock, random.Random(1))
    try:
        await member_in(services.db, 1, "Europe/Berlin", clock.now())
        goals = services.goals
        goal = set_up(await goals.start_draft(1, "Walk"))
        await goals.set_kind(1, goal.id, GoalKind.HABIT)
        await goals.set_plan(1, goal.id, GoalSchedule.daily(), "18:00")
        await goals.set_why(1, goal.id, None)
        clock.set(utc("2026-03-02T17:01"))
        assert (await services.sweeper.sweep()).enqueued == 1
        # As if a crash had put the due row back: the idempotency key holds.
        async with services.db.transaction() as session:
            await goal_rows.update(session, goal.id, next_nudge_at=utc("2026-03-02T17:00"))
        assert (await services.sweeper.sweep()).enqueued == 0
        async with services.db.read() as session:
            row = await goal_rows.get(session, 1, goal.id)
            assert row is not None and row.next_nudge_at == utc("2026-03-03T17:00")
            assert await outbox.pending_count(session) == 1
    finally:
        await services.close()


def test_the_stock_kind_phrase_is_said_in_one_place_only() -> None:
    # Said after every over-limit count, "not today" and hard day, it stopped being kind.
    root = Path(__file__).resolve().parents[1] / "bot"
    said = sum(
        path.read_text("utf-8").count("information, not failure") for path in root.rglob("*.py")
    )
    assert said == 1


def test_limit_lines_tell_none_logged_from_not_logged_yet() -> None:
    none_yet = limit_progress(LimitPeriod.DAY, 2, [count("2026-03-06", 1)], d("2026-03-07"))
    zero = limit_progress(LimitPeriod.DAY, 2, [count("2026-03-07", 0)], d("2026-03-07"))
    assert (none_yet.logged, none_yet.total, zero.logged, zero.total) == (False, 0, True, 0)


# -- setting a goal up ------------------------------------------------------------------------


def a_goal(kind: GoalKind = GoalKind.HABIT, status: str = "draft") -> Goal:
    return Goal(
        id=1,
        user_id=1,
        number=None,
        title="Walk",
        why=None,
        kind=kind,
        limit_target=None,
        limit_period=None,
        schedule=GoalSchedule.daily(),
        nudge_time="09:00",
        status=status,
        created_at=utc("2026-03-02T12:00"),
    )


@pytest.mark.parametrize(
    ("answered", "goal", "next_step"),
    [
        (SetupStep.TITLE, a_goal(), SetupStep.KIND),
        (SetupStep.KIND, a_goal(GoalKind.HABIT), SetupStep.SCHEDULE),
        (SetupStep.KIND, a_goal(GoalKind.LIMIT), SetupStep.PERIOD),
        (SetupStep.PERIOD, a_goal(GoalKind.LIMIT), SetupStep.TARGET),
        (SetupStep.TARGET, a_goal(GoalKind.LIMIT), SetupStep.SCHEDULE),
        (SetupStep.SCHEDULE, a_goal(), SetupStep.TIME),
        (SetupStep.TIME, a_goal(), SetupStep.WHY),
        (SetupStep.TIME, a_goal(status="active"), SetupStep.CHANGED),
        (SetupStep.TIME, a_goal(status="paused"), SetupStep.CHANGED),
        (SetupStep.WHY, a_goal(status="active"), SetupStep.SET),
    ],
)
def test_set_up_questions_follow_in_order(
    answered: SetupStep, goal: Goal, next_step: SetupStep
) -> None:
    assert GoalSetup(goal, answered).next_step() is next_step


def test_the_weekday_picker_refuses_no_day_and_reads_its_bitmask() -> None:
    assert chosen_days(0) is GoalRefusal.NO_DAY
    assert chosen_days(128) is GoalRefusal.GONE
    assert chosen_days(0b10101) == MON_WED_FRI


async def test_words_a_goal_cannot_keep_are_to_be_typed_again(open_db: OpenDb) -> None:
    clock = ManualClock(utc("2026-03-02T12:00"))
    db = await open_db()
    try:
        await member_in(db, 1, "Europe/Berlin", clock.now())
        goals = GoalService(db, clock)
        assert await goals.start_draft(1, "   ") == TypeAgain(0, 200)
        assert await goals.start_draft(1, "x" * 201) == TypeAgain(201, 200)
        goal = set_up(await goals.start_draft(1, " " + "x" * 200 + " "))
        assert goal.title == "x" * 200
        assert await goals.set_why(1, goal.id, "y" * 201) == TypeAgain(201, 200)
        assert (await goals.get(1, goal.id)) == goal  # still a draft, nothing kept
        assert set_up(await goals.set_why(1, goal.id, " because ")).why == "because"
    finally:
        await db.close()
