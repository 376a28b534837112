"""Goal messages with their buttons, as pure functions. Callback data: gl:<action>:<goal>[:...].

A schedule still being chosen travels in the button data as a short code ("d" every day,
"m<bitmask>" chosen weekdays, "w<weekday>" once a week), so nothing half-chosen is stored.
"""

from __future__ import annotations

from datetime import date

from bot.checkins.service import day_code
from bot.goals.service import REASONS, Goal, GoalKind, GoalProgress, GoalSchedule
from bot.outgoing import Buttons, OutgoingMessage, rows
from bot.texts import goals as t

NUDGE_TIMES = ("07:00", "08:00", "09:00", "12:00", "18:00", "20:00", "21:00", "22:00")
QUICK_COUNTS = range(10)


def schedule_code(schedule: GoalSchedule) -> str:
    if schedule.weekly:
        return f"w{min(schedule.weekdays)}"
    if schedule == GoalSchedule.daily():
        return "d"
    return f"m{sum(1 << d for d in schedule.weekdays)}"


def parse_schedule_code(code: str) -> GoalSchedule | None:
    if code == "d":
        return GoalSchedule.daily()
    if len(code) < 2 or not code[1:].isdigit():
        return None
    number = int(code[1:])
    if code[0] == "w" and 0 <= number <= 6:
        return GoalSchedule(frozenset({number}), weekly=True)
    if code[0] == "m" and 0 < number < 128:
        return GoalSchedule(frozenset(d for d in range(7) if number & (1 << d)))
    return None


def kind_question(goal: Goal) -> OutgoingMessage:
    return OutgoingMessage(
        t.kind_question(goal.title),
        (
            ((t.BUTTON_HABIT, f"gl:k:{goal.id}:habit"),),
            ((t.BUTTON_LIMIT, f"gl:k:{goal.id}:limit"),),
        ),
    )


def period_question(goal: Goal) -> OutgoingMessage:
    return OutgoingMessage(
        t.ASK_LIMIT_PERIOD,
        (
            (
                (t.BUTTON_PER_DAY, f"gl:p:{goal.id}:day"),
                (t.BUTTON_PER_WEEK, f"gl:p:{goal.id}:week"),
            ),
        ),
    )


def schedule_question(goal: Goal) -> OutgoingMessage:
    return OutgoingMessage(
        t.ASK_SCHEDULE,
        (
            ((t.BUTTON_EVERY_DAY, f"gl:s:{goal.id}:daily"),),
            ((t.BUTTON_SOME_DAYS, f"gl:s:{goal.id}:days"),),
            ((t.BUTTON_ONCE_A_WEEK, f"gl:s:{goal.id}:weekly"),),
        ),
    )


def days_picker(goal: Goal, mask: int) -> OutgoingMessage:
    """Weekday toggles: each button carries the mask it would leave behind."""
    days = [
        (("✓ " if mask & (1 << d) else "") + t.WEEKDAYS[d], f"gl:wd:{goal.id}:{mask ^ (1 << d)}")
        for d in range(7)
    ]
    buttons = (*rows(days, 4), ((t.BUTTON_DAYS_DONE, f"gl:wk:{goal.id}:{mask}"),))
    return OutgoingMessage(t.ASK_DAYS, buttons)


def weekday_picker(goal: Goal) -> OutgoingMessage:
    days = [(t.WEEKDAYS[d], f"gl:o:{goal.id}:{d}") for d in range(7)]
    return OutgoingMessage(t.ASK_WEEKDAY, rows(days, 4))


def time_question(goal: Goal, schedule: GoalSchedule, zone: str) -> OutgoingMessage:
    code = schedule_code(schedule)
    times = [(at, f"gl:t:{goal.id}:{code}:{at.replace(':', '')}") for at in NUDGE_TIMES]
    return OutgoingMessage(t.ask_time(zone), rows(times, 4))


def why_question(goal: Goal) -> OutgoingMessage:
    return OutgoingMessage(t.ASK_WHY, (((t.BUTTON_SKIP_WHY, f"gl:y:{goal.id}"),),))


def _answer_buttons(goal: Goal, day: date, snooze: bool) -> Buttons:
    code = day_code(day)
    if goal.kind is GoalKind.LIMIT:
        counts = [(str(n), f"gl:c:{goal.id}:{code}:{n}") for n in QUICK_COUNTS]
        buttons = (*rows(counts, 5), ((t.BUTTON_TYPE_COUNT, f"gl:ct:{goal.id}:{code}"),))
    else:
        buttons = (
            (
                (t.BUTTON_DONE, f"gl:d:{goal.id}:{code}"),
                (t.BUTTON_NOT_TODAY, f"gl:n:{goal.id}:{code}"),
            ),
        )
    if snooze:
        buttons += (((t.BUTTON_SNOOZE, f"gl:z:{goal.id}:{code}"),),)
    return buttons


def nudge(goal: Goal, day: date, snoozed: bool = False) -> OutgoingMessage:
    """The nudge at the goal's time; a snoozed one cannot be put off again."""
    return OutgoingMessage(t.nudge(goal, day, snoozed), _answer_buttons(goal, day, not snoozed))


def ask_now(goal: Goal, day: date) -> OutgoingMessage:
    """The nudge's question on demand (e.g. /done on a limit goal), without a snooze."""
    return OutgoingMessage(t.nudge(goal, day, snoozed=False), _answer_buttons(goal, day, False))


def answer_buttons_after_snooze(goal: Goal, day: date) -> Buttons:
    return _answer_buttons(goal, day, snooze=False)


def reasons(goal: Goal, day: date) -> OutgoingMessage:
    code = day_code(day)
    options = [(t.REASON_LABELS[r], f"gl:r:{goal.id}:{code}:{r}") for r in REASONS]
    buttons = (*rows(options, 2), ((t.BUTTON_NO_REASON, f"gl:r:{goal.id}:{code}:-"),))
    return OutgoingMessage(t.NOT_TODAY_REPLY, buttons)


def overview(progresses: list[GoalProgress], room: bool) -> OutgoingMessage:
    goals = [(t.goal_button_label(p.goal), f"gl:m:{p.goal.id}") for p in progresses]
    buttons = rows(goals, 1)
    if room:
        buttons += (((t.BUTTON_NEW_GOAL, "gl:new"),),)
    return OutgoingMessage(t.goals_list(progresses), buttons)


def manage(progress: GoalProgress) -> OutgoingMessage:
    goal = progress.goal
    pause = (
        (t.BUTTON_RESUME_GOAL, f"gl:re:{goal.id}")
        if goal.paused
        else (t.BUTTON_PAUSE_GOAL, f"gl:pa:{goal.id}")
    )
    return OutgoingMessage(
        t.goal_detail(progress),
        (
            ((t.BUTTON_CHANGE_SCHEDULE, f"gl:e:{goal.id}"),),
            (pause, (t.BUTTON_ARCHIVE_GOAL, f"gl:ar:{goal.id}")),
            ((t.BUTTON_ALL_GOALS, "gl:l"),),
        ),
    )


def archive_confirm(goal: Goal) -> OutgoingMessage:
    return OutgoingMessage(
        t.archive_confirm(goal),
        (
            ((t.BUTTON_ARCHIVE_YES, f"gl:ax:{goal.id}"),),
            ((t.BUTTON_ARCHIVE_NO, f"gl:m:{goal.id}"),),
        ),
    )


def done_choices(goals: list[Goal], today: date) -> OutgoingMessage:
    """/done without a number: one button per habit goal, for today."""
    habits = [g for g in goals if g.kind is GoalKind.HABIT]
    if not habits:
        return OutgoingMessage(t.DONE_NONE)
    code = day_code(today)
    buttons = [("✅ " + t.goal_button_label(g), f"gl:d:{g.id}:{code}") for g in habits]
    return OutgoingMessage(t.DONE_WHICH, rows(buttons, 1))
