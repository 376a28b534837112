"""Goal buttons and pending answers on the wire: the strings the bot has always written
(buttons sit in members' chats and in the outbox for a week; a pending answer sits in
members.awaiting across restarts), read back, and kept within Telegram's 64 bytes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callbacks import MAX_BUTTON_BYTES, Button, CodecError, Pending
from bot.goals import messages as goal_messages
from bot.goals.callbacks import (
    GOAL_PENDING,
    NO_REASON,
    ArchiveGoal,
    AskArchive,
    AwaitingGoalCount,
    AwaitingGoalStep,
    AwaitingGoalTarget,
    AwaitingGoalTime,
    AwaitingGoalTitle,
    AwaitingGoalWhy,
    ChangeSchedule,
    ChooseKind,
    ChoosePeriod,
    ChooseSchedule,
    ChooseTime,
    ChooseWeekday,
    ConfirmWeekdays,
    GiveReason,
    LogCount,
    ManageGoal,
    MarkDone,
    NotToday,
    PauseGoal,
    ResumeGoal,
    ScheduleChoice,
    ShowGoals,
    SkipWhy,
    SnoozeNudge,
    StartNewGoal,
    ToggleWeekday,
    TypeCount,
)
from bot.goals.rules import (
    Goal,
    GoalKind,
    GoalProgress,
    GoalSchedule,
    LimitPeriod,
)
from bot.outgoing import OutgoingMessage

DAY = date(2026, 3, 2)
MON_WED_FRI = GoalSchedule(frozenset({0, 2, 4}))  # bitmask 1 + 4 + 16 = 21
SUNDAYS = GoalSchedule(frozenset({6}), weekly=True)

# (the object, the exact string the bot wrote before the classes existed)
GOLDEN_BUTTONS: list[tuple[Button, str]] = [
    (StartNewGoal(), "gl:new"),
    (ShowGoals(), "gl:l"),
    (ChooseKind(17, GoalKind.HABIT), "gl:k:17:habit"),
    (ChooseKind(17, GoalKind.LIMIT), "gl:k:17:limit"),
    (ChoosePeriod(17, LimitPeriod.DAY), "gl:p:17:day"),
    (ChoosePeriod(17, LimitPeriod.WEEK), "gl:p:17:week"),
    (ChooseSchedule(17, ScheduleChoice.DAILY), "gl:s:17:daily"),
    (ChooseSchedule(17, ScheduleChoice.DAYS), "gl:s:17:days"),
    (ChooseSchedule(17, ScheduleChoice.WEEKLY), "gl:s:17:weekly"),
    (ToggleWeekday(17, 5), "gl:wd:17:5"),
    (ConfirmWeekdays(17, 21), "gl:wk:17:21"),
    (ConfirmWeekdays(17, 0), "gl:wk:17:0"),
    (ChooseWeekday(17, 6), "gl:o:17:6"),
    (ChooseTime(17, GoalSchedule.daily(), time(7)), "gl:t:17:d:0700"),
    (ChooseTime(17, MON_WED_FRI, time(21, 30)), "gl:t:17:m21:2130"),
    (ChooseTime(17, SUNDAYS, time(9)), "gl:t:17:w6:0900"),
    (SkipWhy(17), "gl:y:17"),
    (MarkDone(17, DAY), "gl:d:17:20260302"),
    (NotToday(17, DAY), "gl:n:17:20260302"),
    (GiveReason(17, DAY, "no_time"), "gl:r:17:20260302:no_time"),
    (GiveReason(17, DAY, NO_REASON), "gl:r:17:20260302:-"),
    (SnoozeNudge(17, DAY), "gl:z:17:20260302"),
    (LogCount(17, DAY, 3), "gl:c:17:20260302:3"),
    (TypeCount(17, DAY), "gl:ct:17:20260302"),
    (ManageGoal(17), "gl:m:17"),
    (ChangeSchedule(17), "gl:e:17"),
    (PauseGoal(17), "gl:pa:17"),
    (ResumeGoal(17), "gl:re:17"),
    (AskArchive(17), "gl:ar:17"),
    (ArchiveGoal(17), "gl:ax:17"),
]

# (the object, the exact members.awaiting value the bot stored before)
GOLDEN_PENDING: list[tuple[Pending, str]] = [
    (AwaitingGoalTitle(), "goal_title"),
    (AwaitingGoalStep(17), "goal_step:17"),
    (AwaitingGoalTarget(17), "goal_target:17"),
    (AwaitingGoalTime(17, GoalSchedule.daily()), "goal_time:17:d"),
    (AwaitingGoalTime(17, MON_WED_FRI), "goal_time:17:m21"),
    (AwaitingGoalTime(17, SUNDAYS), "goal_time:17:w6"),
    (AwaitingGoalWhy(17), "goal_why:17"),
    (AwaitingGoalCount(17, DAY), "goal_count:17:20260302"),
]


@pytest.mark.parametrize(("button", "wire"), GOLDEN_BUTTONS, ids=lambda v: str(v))
def test_every_goal_button_packs_to_the_string_it_always_had(button: Button, wire: str) -> None:
    assert button.pack() == wire
    assert type(button).parse(wire) == button
    assert re.match(type(button).route(), wire)


@pytest.mark.parametrize(("pending", "wire"), GOLDEN_PENDING, ids=lambda v: str(v))
def test_every_goal_pending_answer_packs_to_the_value_it_always_had(
    pending: Pending, wire: str
) -> None:
    assert pending.pack() == wire
    assert type(pending).parse(wire) == pending
    assert Pending.kind_of(wire) == type(pending).kind


def test_every_button_class_and_pending_kind_has_a_golden_sample() -> None:
    assert len({type(b) for b, _ in GOLDEN_BUTTONS}) == 22
    assert {type(p) for p, _ in GOLDEN_PENDING} == set(GOAL_PENDING)


def test_a_button_routes_to_its_own_handler_only() -> None:
    """gl:r must not catch gl:re, gl:c not gl:ct, gl:d not gl:wd: each prefix is its own."""
    for button, wire in GOLDEN_BUTTONS:
        routed = {type(other) for other, _ in GOLDEN_BUTTONS if re.match(other.route(), wire)}
        assert routed == {type(button)}, wire


@pytest.mark.parametrize(
    ("kind", "forged"),
    [
        (ChooseKind, "gl:k:17:x"),
        (ChooseKind, "gl:k:x:habit"),
        (ChoosePeriod, "gl:p:17:month"),
        (ChooseSchedule, "gl:s:17:hourly"),
        (ChooseTime, "gl:t:17:d:9999"),
        (ChooseTime, "gl:t:17:d:900"),
        (ChooseTime, "gl:t:17:m0:0900"),
        (ChooseTime, "gl:t:17:m128:0900"),
        (ChooseTime, "gl:t:17:w7:0900"),
        (ChooseTime, "gl:t:17:x:0900"),
        (ChooseTime, "gl:t:17:d"),
        (MarkDone, "gl:d:x:y"),
        (MarkDone, "gl:d:17:20261302"),
        (MarkDone, "gl:d:17"),
        (LogCount, "gl:c:17:20260302:x"),
        (LogCount, "gl:c:17:20260302:²"),
        (StartNewGoal, "gl:new:1"),
        (ManageGoal, "gl:m:17:1"),
        (ManageGoal, "gl:m:²"),
    ],
)
def test_forged_goal_buttons_parse_to_none(kind: type[Button], forged: str) -> None:
    assert kind.parse(forged) is None


@pytest.mark.parametrize(
    ("kind", "forged"),
    [
        (AwaitingGoalStep, "goal_step"),
        (AwaitingGoalTime, "goal_time:17"),
        (AwaitingGoalTime, "goal_time:17:q"),
        (AwaitingGoalCount, "goal_count:17:2026-03-02"),
        (AwaitingGoalWhy, "goal_why:x"),
    ],
)
def test_malformed_goal_pending_answers_parse_to_none(kind: type[Pending], forged: str) -> None:
    assert kind.parse(forged) is None


def _goal(kind: GoalKind = GoalKind.HABIT, status: str = "active") -> Goal:
    return Goal(
        id=17,
        user_id=1,
        number=1,
        title="Walk",
        why=None,
        kind=kind,
        limit_target=3 if kind is GoalKind.LIMIT else None,
        limit_period=LimitPeriod.WEEK if kind is GoalKind.LIMIT else None,
        schedule=GoalSchedule.daily(),
        nudge_time="09:00",
        status=status,
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
    )


def _data(message: OutgoingMessage) -> list[str]:
    return [data for row in message.buttons for _, data in row]


def test_the_messages_carry_the_old_strings() -> None:
    """What the messages' f-strings wrote before the classes, for one goal, byte for byte."""
    habit, limit = _goal(), _goal(GoalKind.LIMIT)
    assert _data(goal_messages.kind_question(habit)) == ["gl:k:17:habit", "gl:k:17:limit"]
    assert _data(goal_messages.period_question(habit)) == ["gl:p:17:day", "gl:p:17:week"]
    assert _data(goal_messages.schedule_question(habit)) == [
        "gl:s:17:daily",
        "gl:s:17:days",
        "gl:s:17:weekly",
    ]
    assert _data(goal_messages.days_picker(habit, 5)) == [
        *(f"gl:wd:17:{5 ^ (1 << d)}" for d in range(7)),
        "gl:wk:17:5",
    ]
    assert _data(goal_messages.weekday_picker(habit)) == [f"gl:o:17:{d}" for d in range(7)]
    times = ("0700", "0800", "0900", "1200", "1800", "2000", "2100", "2200")
    assert _data(goal_messages.time_question(habit, MON_WED_FRI, "UTC")) == [
        f"gl:t:17:m21:{at}" for at in times
    ]
    sundays = goal_messages.time_question(habit, SUNDAYS, "UTC")
    labels = [label for row in sundays.buttons for label, _ in row]
    assert labels == ["07:00", "08:00", "09:00", "12:00", "18:00", "20:00", "21:00", "22:00"]
    assert _data(goal_messages.why_question(habit)) == ["gl:y:17"]
    assert _data(goal_messages.nudge(habit, DAY)) == [
        "gl:d:17:20260302",
        "gl:n:17:20260302",
        "gl:z:17:20260302",
    ]
    assert _data(goal_messages.nudge(limit, DAY, snoozed=True)) == [
        *(f"gl:c:17:20260302:{n}" for n in range(10)),
        "gl:ct:17:20260302",
    ]
    assert _data(goal_messages.reasons(habit, DAY)) == [
        "gl:r:17:20260302:craving",
        "gl:r:17:20260302:stress",
        "gl:r:17:20260302:no_time",
        "gl:r:17:20260302:other",
        "gl:r:17:20260302:-",
    ]
    progress = GoalProgress(habit, DAY, None, None, {})
    assert _data(goal_messages.overview([progress], room=True)) == ["gl:m:17", "gl:new"]
    assert _data(goal_messages.manage(progress)) == ["gl:e:17", "gl:pa:17", "gl:ar:17", "gl:l"]
    paused = GoalProgress(_goal(status="paused"), DAY, None, None, {})
    assert _data(goal_messages.manage(paused))[1] == "gl:re:17"
    assert _data(goal_messages.archive_confirm(habit)) == ["gl:ax:17", "gl:m:17"]
    assert _data(goal_messages.done_choices([habit, limit], DAY)) == ["gl:d:17:20260302"]


# -- properties -------------------------------------------------------------------------------

goal_ids = st.integers(0, 10**12)
days = st.dates(date(2000, 1, 1), date(2200, 12, 31))
masks = st.integers(0, 127)
schedules = st.one_of(
    st.just(GoalSchedule.daily()),
    st.integers(1, 127).map(
        lambda mask: GoalSchedule(frozenset(d for d in range(7) if mask & (1 << d)))
    ),
    st.integers(0, 6).map(lambda day: GoalSchedule(frozenset({day}), weekly=True)),
)
times_of_day = st.builds(time, st.integers(0, 23), st.integers(0, 59))
reasons = st.sampled_from(["craving", "stress", "no_time", "other", NO_REASON])

goal_buttons = st.one_of(
    st.just(StartNewGoal()),
    st.just(ShowGoals()),
    st.builds(ChooseKind, goal_ids, st.sampled_from(GoalKind)),
    st.builds(ChoosePeriod, goal_ids, st.sampled_from(LimitPeriod)),
    st.builds(ChooseSchedule, goal_ids, st.sampled_from(ScheduleChoice)),
    st.builds(ToggleWeekday, goal_ids, masks),
    st.builds(ConfirmWeekdays, goal_ids, masks),
    st.builds(ChooseWeekday, goal_ids, st.integers(0, 6)),
    st.builds(ChooseTime, goal_ids, schedules, times_of_day),
    st.builds(SkipWhy, goal_ids),
    st.builds(MarkDone, goal_ids, days),
    st.builds(NotToday, goal_ids, days),
    st.builds(GiveReason, goal_ids, days, reasons),
    st.builds(SnoozeNudge, goal_ids, days),
    st.builds(LogCount, goal_ids, days, st.integers(0, 999)),
    st.builds(TypeCount, goal_ids, days),
    *(
        st.builds(kind, goal_ids)
        for kind in (ManageGoal, ChangeSchedule, PauseGoal, ResumeGoal, AskArchive, ArchiveGoal)
    ),
)

goal_pending = st.one_of(
    st.just(AwaitingGoalTitle()),
    st.builds(AwaitingGoalStep, goal_ids),
    st.builds(AwaitingGoalTarget, goal_ids),
    st.builds(AwaitingGoalTime, goal_ids, schedules),
    st.builds(AwaitingGoalWhy, goal_ids),
    st.builds(AwaitingGoalCount, goal_ids, days),
)


@given(goal_buttons)
def test_every_goal_button_parses_back_to_itself_within_64_bytes(button: Button) -> None:
    packed = button.pack()
    assert len(packed.encode()) <= MAX_BUTTON_BYTES
    assert type(button).parse(packed) == button
    assert re.match(type(button).route(), packed)


@given(goal_pending)
def test_every_goal_pending_answer_parses_back_to_itself(pending: Pending) -> None:
    assert type(pending).parse(pending.pack()) == pending


@given(goal_ids, days, st.text(st.characters(codec="utf-8"), max_size=40))
def test_a_reason_packs_back_or_is_refused_at_packing(goal: int, day: date, reason: str) -> None:
    button = GiveReason(goal, day, reason)
    try:
        packed = button.pack()
    except CodecError:
        return  # a ":" or too long: never sent
    assert len(packed.encode()) <= MAX_BUTTON_BYTES
    assert GiveReason.parse(packed) == button
