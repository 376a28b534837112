"""Goal messages with their buttons, as pure functions. The buttons are the classes in
bot/goals/callbacks.py, packed."""

from __future__ import annotations

from datetime import date, time

from bot.goals.callbacks import (
    NO_REASON,
    ArchiveGoal,
    AskArchive,
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
from bot.goals.rules import REASONS, Goal, GoalKind, GoalProgress, GoalSchedule, LimitPeriod
from bot.outgoing import Buttons, OutgoingMessage, rows
from bot.texts import goals as goal_texts

NUDGE_TIMES = (time(7), time(8), time(9), time(12), time(18), time(20), time(21), time(22))
QUICK_COUNTS = range(10)


def kind_question(goal: Goal) -> OutgoingMessage:
    return OutgoingMessage(
        goal_texts.kind_question(goal.title),
        (
            ((goal_texts.button_habit(), ChooseKind(goal.id, GoalKind.HABIT).pack()),),
            ((goal_texts.button_limit(), ChooseKind(goal.id, GoalKind.LIMIT).pack()),),
        ),
    )


def period_question(goal: Goal) -> OutgoingMessage:
    return OutgoingMessage(
        goal_texts.ask_limit_period(),
        (
            (
                (goal_texts.button_per_day(), ChoosePeriod(goal.id, LimitPeriod.DAY).pack()),
                (goal_texts.button_per_week(), ChoosePeriod(goal.id, LimitPeriod.WEEK).pack()),
            ),
        ),
    )


def target_question(period: LimitPeriod) -> OutgoingMessage:
    return OutgoingMessage(goal_texts.ask_target(period))


def schedule_question(goal: Goal) -> OutgoingMessage:
    def choice(label: str, chosen: ScheduleChoice) -> tuple[str, str]:
        return label, ChooseSchedule(goal.id, chosen).pack()

    return OutgoingMessage(
        goal_texts.ask_schedule(),
        (
            (choice(goal_texts.button_every_day(), ScheduleChoice.DAILY),),
            (choice(goal_texts.button_some_days(), ScheduleChoice.DAYS),),
            (choice(goal_texts.button_once_a_week(), ScheduleChoice.WEEKLY),),
        ),
    )


def days_picker(goal: Goal, mask: int) -> OutgoingMessage:
    """Weekday toggles: each button carries the mask it would leave behind."""
    days = [
        (
            ("✓ " if mask & (1 << d) else "") + goal_texts.weekday_short(d),
            ToggleWeekday(goal.id, mask ^ (1 << d)).pack(),
        )
        for d in range(7)
    ]
    done = ((goal_texts.button_days_done(), ConfirmWeekdays(goal.id, mask).pack()),)
    return OutgoingMessage(goal_texts.ask_days(), (*rows(days, 4), done))


def weekday_picker(goal: Goal) -> OutgoingMessage:
    days = [(goal_texts.weekday_short(d), ChooseWeekday(goal.id, d).pack()) for d in range(7)]
    return OutgoingMessage(goal_texts.ask_weekday(), rows(days, 4))


def time_question(goal: Goal, schedule: GoalSchedule, zone: str) -> OutgoingMessage:
    times = [(f"{at:%H:%M}", ChooseTime(goal.id, schedule, at).pack()) for at in NUDGE_TIMES]
    return OutgoingMessage(goal_texts.ask_time(zone), rows(times, 4))


def why_question(goal: Goal) -> OutgoingMessage:
    return OutgoingMessage(
        goal_texts.ask_why(), (((goal_texts.button_skip_why(), SkipWhy(goal.id).pack()),),)
    )


def _answer_buttons(goal: Goal, day: date, snooze: bool) -> Buttons:
    if goal.kind is GoalKind.LIMIT:
        counts = [(str(n), LogCount(goal.id, day, n).pack()) for n in QUICK_COUNTS]
        typed = ((goal_texts.button_type_count(), TypeCount(goal.id, day).pack()),)
        buttons = (*rows(counts, 5), typed)
    else:
        buttons = (
            (
                (goal_texts.button_done(), MarkDone(goal.id, day).pack()),
                (goal_texts.button_not_today(), NotToday(goal.id, day).pack()),
            ),
        )
    if snooze:
        buttons += (((goal_texts.button_snooze(), SnoozeNudge(goal.id, day).pack()),),)
    return buttons


def nudge(goal: Goal, day: date, snoozed: bool = False) -> OutgoingMessage:
    """The nudge at the goal's time; a snoozed one cannot be put off again."""
    return OutgoingMessage(
        goal_texts.nudge(goal, day, snoozed), _answer_buttons(goal, day, not snoozed)
    )


def ask_now(goal: Goal, day: date) -> OutgoingMessage:
    """The nudge's question on demand (e.g. /done on a limit goal), without a snooze."""
    return OutgoingMessage(
        goal_texts.nudge(goal, day, snoozed=False), _answer_buttons(goal, day, False)
    )


def snoozed(goal: Goal, day: date, when_local: str) -> OutgoingMessage:
    """The nudge after "remind me in an hour": when it comes again, and no second snooze."""
    text = goal_texts.snoozed_until(goal_texts.nudge(goal, day, snoozed=False), when_local)
    return OutgoingMessage(text, _answer_buttons(goal, day, snooze=False))


def count_question(goal: Goal, day: date) -> OutgoingMessage:
    """The nudge again, asking for the count to be typed."""
    nudged = goal_texts.nudge(goal, day, snoozed=False)
    return OutgoingMessage(f"{nudged}\n\n{goal_texts.ask_count()}")


def reasons(goal: Goal, day: date) -> OutgoingMessage:
    options = [(goal_texts.reason_label(r), GiveReason(goal.id, day, r).pack()) for r in REASONS]
    rather_not = GiveReason(goal.id, day, NO_REASON).pack()
    buttons = (*rows(options, 2), ((goal_texts.button_no_reason(), rather_not),))
    return OutgoingMessage(goal_texts.not_today_reply(), buttons)


def overview(progresses: list[GoalProgress], room: bool) -> OutgoingMessage:
    goals = [
        (goal_texts.goal_button_label(p.goal), ManageGoal(p.goal.id).pack()) for p in progresses
    ]
    buttons = rows(goals, 1)
    if room:
        buttons += (((goal_texts.button_new_goal(), StartNewGoal().pack()),),)
    return OutgoingMessage(goal_texts.goals_list(progresses), buttons)


def manage(progress: GoalProgress) -> OutgoingMessage:
    goal = progress.goal
    pause = (
        (goal_texts.button_resume_goal(), ResumeGoal(goal.id).pack())
        if goal.paused
        else (goal_texts.button_pause_goal(), PauseGoal(goal.id).pack())
    )
    return OutgoingMessage(
        goal_texts.goal_detail(progress),
        (
            ((goal_texts.button_change_schedule(), ChangeSchedule(goal.id).pack()),),
            (pause, (goal_texts.button_archive_goal(), AskArchive(goal.id).pack())),
            ((goal_texts.button_all_goals(), ShowGoals().pack()),),
        ),
    )


def archive_confirm(goal: Goal) -> OutgoingMessage:
    return OutgoingMessage(
        goal_texts.archive_confirm(goal),
        (
            ((goal_texts.button_archive_yes(), ArchiveGoal(goal.id).pack()),),
            ((goal_texts.button_archive_no(), ManageGoal(goal.id).pack()),),
        ),
    )


def done_choices(goals: list[Goal], today: date) -> OutgoingMessage:
    """/done without a number: one button per habit goal, for today."""
    habits = [g for g in goals if g.kind is GoalKind.HABIT]
    if not habits:
        return OutgoingMessage(goal_texts.done_none())
    buttons = [
        ("✅ " + goal_texts.goal_button_label(g), MarkDone(g.id, today).pack()) for g in habits
    ]
    return OutgoingMessage(goal_texts.done_which(), rows(buttons, 1))
