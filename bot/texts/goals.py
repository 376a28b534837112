"""Every text about goals, in one place to review and translate. HTML parse mode."""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from bot.goals.rules import (
    Goal,
    GoalKind,
    GoalProgress,
    GoalRefusal,
    GoalSchedule,
    LimitPeriod,
    LimitProgress,
    NewGoal,
    TypeAgain,
)

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
REASON_LABELS = {
    "craving": "A craving",
    "stress": "Stress",
    "no_time": "No time",
    "other": "Something else",
}

ASK_TITLE = (
    "Let's set a small goal. 🌱 What is it, in your own words? Up to 200 characters, "
    "for example “Walk 20 minutes”, “Call my sponsor” or “No drinks on weekdays”.\n\n"
    "/cancel stops at any step; nothing is kept until the last one."
)
EMPTY_TITLE = "A goal needs a few words. What would you like to work on? (/cancel stops.)"
GOALS_FULL = (
    "You have 10 goals already, which is the most at once. Archive one in /goals to make "
    "room; fewer goals are often easier to keep, too."
)
ASK_LIMIT_PERIOD = "Is that limit per day or per week?"
BUTTON_HABIT = "✅ A habit: done or not, each day"
BUTTON_LIMIT = "🔢 A limit: at most so many"
BUTTON_PER_DAY = "Per day"
BUTTON_PER_WEEK = "Per week"
BAD_TARGET = "Please send a whole number from 0 to 999, like <code>3</code>. (/cancel stops.)"
ASK_SCHEDULE = "When should I ask you how it went?"
BUTTON_EVERY_DAY = "Every day"
BUTTON_SOME_DAYS = "On days I choose"
BUTTON_ONCE_A_WEEK = "Once a week"
ASK_DAYS = "Tap the days to ask on, then <b>Done</b>."
PICK_A_DAY = "Pick at least one day first."
BUTTON_DAYS_DONE = "Done ✔"
ASK_WEEKDAY = "Which day of the week?"
BAD_TIME = "Please write the time as HH:MM, like <code>08:30</code>. (/cancel stops.)"
ASK_WHY = (
    "Last step, and it's optional: why does this goal matter to you? I can remind you of "
    "it now and then. Type it (up to 200 characters), or tap Skip."
)
BUTTON_SKIP_WHY = "Skip"
USE_THE_BUTTONS = "Please choose with the buttons above, or send /cancel to stop."
GOAL_NOT_SAVED = "Okay, that goal wasn't saved. Nothing was kept."
EDIT_CANCELLED = "Okay, the goal is unchanged."
NO_GOALS = (
    "You have no goals yet. /newgoal sets one in a minute: a habit (like a daily walk) or "
    "a limit (like at most 3 drinks a week). I'll nudge you at a time you choose."
)
BUTTON_NEW_GOAL = "🌱 New goal"
BUTTON_CHANGE_SCHEDULE = "🗓 Change schedule"
BUTTON_PAUSE_GOAL = "⏸ Pause"
BUTTON_RESUME_GOAL = "▶️ Resume"
BUTTON_ARCHIVE_GOAL = "🗄 Archive"
BUTTON_ARCHIVE_YES = "Yes, archive it"
BUTTON_ARCHIVE_NO = "No, keep it"
BUTTON_ALL_GOALS = "« All goals"
BUTTON_DONE = "✅ Done"
BUTTON_NOT_TODAY = "Not today"
BUTTON_SNOOZE = "⏰ Remind me in an hour"
BUTTON_TYPE_COUNT = "10 or more: I'll type it"
BUTTON_NO_REASON = "I'd rather not say"
ASK_COUNT = "Send the number, like <code>12</code>."
BAD_COUNT = "Please send a whole number from 0 to 999. (/cancel stops.)"
GOAL_GONE = "That goal isn't there any more. /goals shows your goals."
TOO_OLD = "That question is more than a week old now, so I've left it as it was."
ALREADY_SNOOZED = "I've already put this one off once. Tap an answer whenever you're ready."
NOT_TODAY_REPLY = (
    "That's okay. A day like this is information, not failure. If you like, what got "
    "in the way? Only you see this, in /goals."
)
REASON_NOTED = "Noted. Thank you for being honest with yourself. Tomorrow is a new chance. 💚"
NO_REASON = "That's okay. Tomorrow is a new chance. 💚"
DONE_WHICH = "Which goal did you do today? Tap it, or send <code>/done &lt;number&gt;</code>."
DONE_NONE = "There are no habit goals to mark done. /goals shows yours; /newgoal adds one."


# What a refusal says; GONE has no words of its own here: a button then answers "This
# button has expired", a typed answer GOAL_GONE.
_REFUSALS = {
    GoalRefusal.FULL: GOALS_FULL,
    GoalRefusal.TOO_OLD: TOO_OLD,
    GoalRefusal.SNOOZED: ALREADY_SNOOZED,
    GoalRefusal.BAD_TIME: BAD_TIME,
    GoalRefusal.BAD_TARGET: BAD_TARGET,
    GoalRefusal.BAD_COUNT: BAD_COUNT,
    GoalRefusal.NO_DAY: PICK_A_DAY,
}


def refused(refusal: GoalRefusal) -> str | None:
    """Why a goal action did not happen, or None for GONE (the caller knows which words)."""
    return _REFUSALS.get(refusal)


def refused_or_gone(refusal: GoalRefusal) -> str:
    """Why a typed goal answer did not count; GONE reads GOAL_GONE."""
    return _REFUSALS.get(refusal, GOAL_GONE)


def too_long(length: int, most: int) -> str:
    return (
        f"That's {length} characters; please keep it to {most} and send it again. (/cancel stops.)"
    )


def type_again(problem: TypeAgain) -> str:
    """A goal's title or "why" to be sent again: empty, or too long."""
    if problem.length == 0:
        return EMPTY_TITLE
    return too_long(problem.length, problem.most)


def no_goal_number(text: str) -> str:
    return (
        f"There's no goal number {escape(text[:20])}. /goals shows your goals with their "
        "numbers, then send for example <code>/done 1</code>."
    )


def describe_schedule(schedule: GoalSchedule, at: str) -> str:
    if schedule.weekly:
        return f"every {WEEKDAY_NAMES[min(schedule.weekdays)]} at {at}"
    if schedule.weekdays == frozenset(range(7)):
        return f"every day at {at}"
    return "on " + ", ".join(WEEKDAYS[d] for d in sorted(schedule.weekdays)) + f" at {at}"


def describe_limit(target: int, period: LimitPeriod) -> str:
    return f"at most {target} a {period.value}"


def kind_question(title: str) -> str:
    return f"“{escape(title)}”: what kind of goal is it?"


def ask_target(period: LimitPeriod) -> str:
    return (
        f"What's the most you want to allow per {period.value}? Send a number, like "
        "<code>3</code>. Zero is fine too."
    )


def ask_time(zone: str) -> str:
    return f"At what time? Tap one, or type it as HH:MM in your time zone ({escape(zone)})."


def goal_created(goal: Goal, zone: str) -> str:
    lines = [
        f"Goal {goal.number} is set: <b>{escape(goal.title)}</b> 🌱",
        f"I'll ask {describe_schedule(goal.schedule, goal.nudge_time)} ({escape(zone)}).",
    ]
    if goal.kind is GoalKind.LIMIT and goal.limit_period is not None:
        lines.append(f"Your limit: {describe_limit(goal.limit_target or 0, goal.limit_period)}.")
    else:
        lines.append(f"Did it early? Send /done {goal.number} and I won't ask that day.")
    lines.append("/goals shows your progress.")
    return "\n".join(lines)


def schedule_changed(goal: Goal, zone: str) -> str:
    return (
        f"Updated: I'll ask about <b>{escape(goal.title)}</b> "
        f"{describe_schedule(goal.schedule, goal.nudge_time)} ({escape(zone)})."
    )


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _habit_line(progress: GoalProgress) -> str:
    habit = progress.habit
    assert habit is not None
    young = 0 < progress.days_so_far < 7  # "of the last 7 days" would count days before it
    so_far = _days(progress.days_so_far) + " so far" if young else "the last 7 days"
    text = f"Done {habit.last7} of {so_far}"
    if habit.planned7 != (progress.days_so_far if young else 7):
        text += f" ({habit.planned7} planned)"
    if not young:
        text += f", {habit.last30} of the last 30"
    if habit.streak >= 2:
        text += f". Streak: {habit.streak}"
    return text + "."


def _limit_line(limit: LimitProgress) -> str:
    this = "Today" if limit.period is LimitPeriod.DAY else "This week"
    # Nothing logged yet is not the same as a day of none.
    logged = f"{limit.total} logged" if limit.logged else "not logged yet"
    text = f"{this}: {logged}, at most {limit.target}"
    if limit.counted:
        periods = "days" if limit.period is LimitPeriod.DAY else "weeks"
        text += f". Within your limit on {limit.within} of the last {limit.counted} {periods}"
        text += " you logged"
    return text + "."


def _new_line(new: NewGoal, today: date) -> str:
    at = new.first_nudge
    if at is None:
        return "New today, and paused: no nudges until you resume it."
    if at.date() == today:
        day = "today"
    elif at.date() == today + timedelta(days=1):
        day = "tomorrow"
    else:
        day = f"on {at:%a %d %b}"
    if new.asked:
        return f"New: first asked {day} at {at:%H:%M}; answer whenever you're ready."
    return f"New: first nudge {day} at {at:%H:%M}."


def progress_block(progress: GoalProgress) -> str:
    goal = progress.goal
    head = f"<b>{goal.number}. {escape(goal.title)}</b>"
    if goal.paused:
        head += " (paused)"
    lines = [head]
    if goal.kind is GoalKind.LIMIT and goal.limit_period is not None:
        lines.append(f"Limit: {describe_limit(goal.limit_target or 0, goal.limit_period)}")
    lines.append("Asked " + describe_schedule(goal.schedule, goal.nudge_time))
    if progress.new is not None:
        lines.append(_new_line(progress.new, progress.today))
    elif progress.habit is not None:
        lines.append(_habit_line(progress))
    elif progress.limit is not None:
        lines.append(_limit_line(progress.limit))
    if progress.reasons:
        reasons = ", ".join(
            f"{REASON_LABELS.get(r, r).lower()} {n}" for r, n in progress.reasons.items()
        )
        lines.append(f"Not-today reasons, last 30 days: {reasons}")
    return "\n".join(lines)


def goals_list(progresses: list[GoalProgress]) -> str:
    if not progresses:
        return NO_GOALS
    blocks = [progress_block(p) for p in progresses]
    return (
        "<b>Your goals</b>\n\n" + "\n\n".join(blocks) + "\n\nTap a goal to change its "
        "schedule, pause or archive it."
    )


def goal_detail(progress: GoalProgress) -> str:
    text = progress_block(progress)
    if progress.goal.why:
        text += f"\n<i>Why it matters: {escape(progress.goal.why)}</i>"
    return text


def goal_button_label(goal: Goal) -> str:
    title = goal.title if len(goal.title) <= 28 else goal.title[:27] + "…"
    return f"{goal.number} · {title}"


def archive_confirm(goal: Goal) -> str:
    return (
        f"Archive <b>{escape(goal.title)}</b>? I'll stop asking about it. Its history stays "
        "in /mydata."
    )


def archived(goal: Goal) -> str:
    return f"Archived <b>{escape(goal.title)}</b>. Well done for knowing what you need."


def nudge(goal: Goal, day: date, snoozed: bool) -> str:
    lines = [f"🌱 <b>{escape(goal.title)}</b>: how did it go?"]
    if goal.kind is GoalKind.LIMIT:
        lines.append("How many this week, in all?" if goal.schedule.weekly else "How many today?")
        if goal.limit_period is not None:
            lines.append(
                f"<i>Your aim: {describe_limit(goal.limit_target or 0, goal.limit_period)}.</i>"
            )
    if goal.why:
        lines.append(f"<i>You said it matters because: {escape(goal.why)}</i>")
    if snoozed:
        lines.append("(As you asked, an hour later.)")
    lines.append(f"<i>{day:%a %d %b}</i>")
    return "\n".join(lines)


def done_reply(progress: GoalProgress) -> str:
    habit = progress.habit
    assert habit is not None
    text = (
        f"✅ <b>{escape(progress.goal.title)}</b>: done. That's {habit.last7} of the last 7 days"
    )
    text += ", your best week so far! 🎉" if habit.best_week else "."
    if habit.streak >= 2:
        text += f" {habit.streak} in a row."
    return text


def count_reply(progress: GoalProgress, amount: int, day: date) -> str:
    limit = progress.limit
    assert limit is not None
    when = "today" if day == progress.today else f"{day:%a %d %b}"
    this = "Today" if limit.period is LimitPeriod.DAY else "This week"
    text = f"Logged {amount} for {when}. {this}: {limit.total} of at most {limit.target}"
    if limit.over:
        fresh = (
            "Tomorrow starts a fresh count."
            if limit.period is LimitPeriod.DAY
            else "A new week starts on Monday."
        )
        # No question here: the member could only answer it with buttons that aren't there.
        return (
            f"{text}. That's above your aim. Writing it down honestly takes courage, and "
            f"noticing is how change starts. {fresh} 💚"
        )
    return text + ": within your limit. 💚"


def snoozed_until(text: str, when_local: str) -> str:
    return f"{text}\n\n⏰ I'll ask again at {when_local}."


GOAL_SAVED_QUIETLY = "Your goal is saved. /goals shows it whenever you want."
