"""Every text about goals, in one place to review and translate. HTML parse mode.

Each text is a function, rendered in the language being spoken when it is called
(bot.i18n). REASON_LABELS and REASON_WORDS keep their English msgids, marked for the catalog
and translated where they are used.
"""

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
from bot.i18n import N_, _, formats, ngettext, npgettext, pgettext

# A Monday: weekday d (0 is Monday) is this date plus d days, to name it with Babel.
_A_MONDAY = date(2024, 1, 1)
# "every Monday at 09:00": whole phrases, so that a language can inflect the day's name.
_EVERY_WEEKDAY = (
    # Translators: a weekly goal's schedule, within sentences such as "I'll ask every Monday
    # at 09:00"; {time} is a time of day.
    N_("every Monday at {time}"),
    N_("every Tuesday at {time}"),
    N_("every Wednesday at {time}"),
    N_("every Thursday at {time}"),
    N_("every Friday at {time}"),
    N_("every Saturday at {time}"),
    N_("every Sunday at {time}"),
)
# The "not today" reasons: as buttons (REASON_LABELS), and within a sentence (REASON_WORDS).
REASON_LABELS = {
    "craving": N_("A craving"),
    "stress": N_("Stress"),
    "no_time": N_("No time"),
    "other": N_("Something else"),
}
REASON_WORDS = {
    "craving": N_("a craving"),
    "stress": N_("stress"),
    "no_time": N_("no time"),
    "other": N_("something else"),
}


def weekday_short(weekday: int) -> str:
    """ "Mon" for 0, as the current language abbreviates it (a weekday picker's button)."""
    return formats.weekday_short(_A_MONDAY + timedelta(days=weekday))


def reason_label(reason: str) -> str:
    """A "not today" reason's button label."""
    return _(REASON_LABELS[reason])


def ask_title() -> str:
    return _(
        "Let's set a small goal. 🌱 What is it, in your own words? Up to 200 characters, "
        "for example “Walk 20 minutes”, “Call my sponsor” or “No drinks on weekdays”.\n\n"
        "/cancel stops at any step; nothing is kept until the last one."
    )


def empty_title() -> str:
    return _("A goal needs a few words. What would you like to work on? (/cancel stops.)")


def goals_full() -> str:
    return _(
        "You have 10 goals already, which is the most at once. Archive one in /goals to make "
        "room; fewer goals are often easier to keep, too."
    )


def ask_limit_period() -> str:
    return _("Is that limit per day or per week?")


def button_habit() -> str:
    return _("✅ A habit: done or not, each day")


def button_limit() -> str:
    return _("🔢 A limit: at most so many")


def button_per_day() -> str:
    return pgettext("button: a goal's limit counts per day", "Per day")


def button_per_week() -> str:
    return pgettext("button: a goal's limit counts per week", "Per week")


def bad_target() -> str:
    return _("Please send a whole number from 0 to 999, like <code>3</code>. (/cancel stops.)")


def ask_schedule() -> str:
    return _("When should I ask you how it went?")


def button_every_day() -> str:
    return pgettext("button: ask about a goal every day", "Every day")


def button_some_days() -> str:
    return pgettext("button: ask about a goal on weekdays the member picks", "On days I choose")


def button_once_a_week() -> str:
    return pgettext("button: ask about a goal once a week", "Once a week")


def ask_days() -> str:
    # Translators: "Done" is the label of the button under the weekdays ("Done ✔").
    return _("Tap the days to ask on, then <b>Done</b>.")


def pick_a_day() -> str:
    return _("Pick at least one day first.")


def button_days_done() -> str:
    # Translators: button under the weekday picker: the days chosen are complete.
    return pgettext("button: weekdays chosen", "Done ✔")


def ask_weekday() -> str:
    return _("Which day of the week?")


def bad_time() -> str:
    # Translators: HH:MM is how to type a time (24-hour, e.g. 08:30); keep the digits as shown.
    return _("Please write the time as HH:MM, like <code>08:30</code>. (/cancel stops.)")


def ask_why() -> str:
    # Translators: "Skip" is the label of the button under this question.
    return _(
        "Last step, and it's optional: why does this goal matter to you? I can remind you of "
        "it now and then. Type it (up to 200 characters), or tap Skip."
    )


def button_skip_why() -> str:
    return pgettext("button: skip the optional question why a goal matters", "Skip")


def use_the_buttons() -> str:
    return _("Please choose with the buttons above, or send /cancel to stop.")


def goal_not_saved() -> str:
    return _("Okay, that goal wasn't saved. Nothing was kept.")


def edit_cancelled() -> str:
    return _("Okay, the goal is unchanged.")


def no_goals() -> str:
    return _(
        "You have no goals yet. /newgoal sets one in a minute: a habit (like a daily walk) or "
        "a limit (like at most 3 drinks a week). I'll nudge you at a time you choose."
    )


def button_new_goal() -> str:
    return _("🌱 New goal")


def button_change_schedule() -> str:
    return _("🗓 Change schedule")


def button_pause_goal() -> str:
    return pgettext("button: pause a goal", "⏸ Pause")


def button_resume_goal() -> str:
    return pgettext("button: resume a goal", "▶️ Resume")


def button_archive_goal() -> str:
    return pgettext("button: archive a goal", "🗄 Archive")


def button_archive_yes() -> str:
    return _("Yes, archive it")


def button_archive_no() -> str:
    return _("No, keep it")


def button_all_goals() -> str:
    # Translators: button back from one goal to the list of all goals.
    return _("« All goals")


def button_done() -> str:
    # Translators: button under a habit's nudge: the member did it that day.
    return pgettext("button: a habit done that day", "✅ Done")


def button_not_today() -> str:
    # Translators: button under a habit's nudge: the member did not do it that day.
    return pgettext("button: a habit not done that day", "Not today")


def button_snooze() -> str:
    return _("⏰ Remind me in an hour")


def button_type_count() -> str:
    # Translators: button under the count buttons 0 to 9: the member will type a bigger number.
    return _("10 or more: I'll type it")


def button_no_reason() -> str:
    return _("I'd rather not say")


def ask_count() -> str:
    return _("Send the number, like <code>12</code>.")


def bad_count() -> str:
    return _("Please send a whole number from 0 to 999. (/cancel stops.)")


def goal_gone() -> str:
    return _("That goal isn't there any more. /goals shows your goals.")


def too_old() -> str:
    return _("That question is more than a week old now, so I've left it as it was.")


def already_snoozed() -> str:
    return _("I've already put this one off once. Tap an answer whenever you're ready.")


def not_today_reply() -> str:
    # Translators: after "Not today" on a habit; the reasons follow as buttons. No judgement.
    return _(
        "That's okay. A day like this is information, not failure. If you like, what got "
        "in the way? Only you see this, in /goals."
    )


def reason_noted() -> str:
    return _("Noted. Thank you for being honest with yourself. Tomorrow is a new chance. 💚")


def no_reason() -> str:
    return _("That's okay. Tomorrow is a new chance. 💚")


def done_which() -> str:
    # Translators: &lt;number&gt; shows as <number>: keep the entities as they are.
    return _("Which goal did you do today? Tap it, or send <code>/done &lt;number&gt;</code>.")


def done_none() -> str:
    return _("There are no habit goals to mark done. /goals shows yours; /newgoal adds one.")


def goal_saved_quietly() -> str:
    return _("Your goal is saved. /goals shows it whenever you want.")


# What a refusal says; GONE has no words of its own here: a button then answers "This
# button has expired", a typed answer goal_gone().
_REFUSALS = {
    GoalRefusal.FULL: goals_full,
    GoalRefusal.TOO_OLD: too_old,
    GoalRefusal.SNOOZED: already_snoozed,
    GoalRefusal.BAD_TIME: bad_time,
    GoalRefusal.BAD_TARGET: bad_target,
    GoalRefusal.BAD_COUNT: bad_count,
    GoalRefusal.NO_DAY: pick_a_day,
}


def refused(refusal: GoalRefusal) -> str | None:
    """Why a goal action did not happen, or None for GONE (the caller knows which words)."""
    words = _REFUSALS.get(refusal)
    return words() if words is not None else None


def refused_or_gone(refusal: GoalRefusal) -> str:
    """Why a typed goal answer did not count; GONE reads goal_gone()."""
    return _REFUSALS.get(refusal, goal_gone)()


def too_long(length: int, most: int) -> str:
    return ngettext(
        "That's {length} character; please keep it to {most} and send it again. (/cancel stops.)",
        "That's {length} characters; please keep it to {most} and send it again. (/cancel stops.)",
        length,
    ).format(length=length, most=most)


def type_again(problem: TypeAgain) -> str:
    """A goal's title or "why" to be sent again: empty, or too long."""
    if problem.length == 0:
        return empty_title()
    return too_long(problem.length, problem.most)


def no_goal_number(text: str) -> str:
    # Translators: {number} is what the member typed after /done.
    return _(
        "There's no goal number {number}. /goals shows your goals with their numbers, then "
        "send for example <code>/done 1</code>."
    ).format(number=escape(text[:20]))


def describe_schedule(schedule: GoalSchedule, at: str) -> str:
    """When a goal is asked about, as a phrase within a sentence ("every day at 09:00")."""
    if schedule.weekly:
        return _(_EVERY_WEEKDAY[min(schedule.weekdays)]).format(time=at)
    if schedule.weekdays == frozenset(range(7)):
        # Translators: within sentences such as "I'll ask every day at 09:00".
        return _("every day at {time}").format(time=at)
    days = ", ".join(weekday_short(d) for d in sorted(schedule.weekdays))
    # Translators: within sentences such as "I'll ask on Mon, Wed, Fri at 09:00"; {days} are
    # abbreviated weekday names.
    return _("on {days} at {time}").format(days=days, time=at)


def describe_limit(target: int, period: LimitPeriod) -> str:
    """A limit, as a phrase within a sentence ("at most 3 a day")."""
    if period is LimitPeriod.DAY:
        # Translators: a goal's limit, within sentences such as "Your limit: at most 3 a day."
        return _("at most {target} a day").format(target=target)
    # Translators: a goal's limit, within sentences such as "Your limit: at most 3 a week."
    return _("at most {target} a week").format(target=target)


def kind_question(title: str) -> str:
    # Translators: {title} is the goal in the member's own words.
    return _("“{title}”: what kind of goal is it?").format(title=escape(title))


def ask_target(period: LimitPeriod) -> str:
    if period is LimitPeriod.DAY:
        return _(
            "What's the most you want to allow per day? Send a number, like <code>3</code>. "
            "Zero is fine too."
        )
    return _(
        "What's the most you want to allow per week? Send a number, like <code>3</code>. "
        "Zero is fine too."
    )


def ask_time(zone: str) -> str:
    # Translators: {zone} is a time zone's name, like Europe/Madrid; HH:MM is how to type a
    # time (24-hour).
    return _("At what time? Tap one, or type it as HH:MM in your time zone ({zone}).").format(
        zone=escape(zone)
    )


def goal_created(goal: Goal, zone: str) -> str:
    lines = [
        _("Goal {number} is set: <b>{title}</b> 🌱").format(
            number=goal.number, title=escape(goal.title)
        ),
        # Translators: {schedule} is e.g. "every day at 09:00"; {zone} a time zone's name.
        _("I'll ask {schedule} ({zone}).").format(
            schedule=describe_schedule(goal.schedule, goal.nudge_time), zone=escape(zone)
        ),
    ]
    if goal.kind is GoalKind.LIMIT and goal.limit_period is not None:
        lines.append(
            # Translators: {limit} is e.g. "at most 3 a day".
            _("Your limit: {limit}.").format(
                limit=describe_limit(goal.limit_target or 0, goal.limit_period)
            )
        )
    else:
        lines.append(
            _("Did it early? Send /done {number} and I won't ask that day.").format(
                number=goal.number
            )
        )
    lines.append(_("/goals shows your progress."))
    return "\n".join(lines)


def schedule_changed(goal: Goal, zone: str) -> str:
    # Translators: {schedule} is e.g. "every day at 09:00"; {zone} a time zone's name.
    return _("Updated: I'll ask about <b>{title}</b> {schedule} ({zone}).").format(
        title=escape(goal.title),
        schedule=describe_schedule(goal.schedule, goal.nudge_time),
        zone=escape(zone),
    )


def _habit_line(progress: GoalProgress) -> str:
    habit = progress.habit
    assert habit is not None
    young = 0 < progress.days_so_far < 7  # "of the last 7 days" would count days before it
    planned = habit.planned7 != (progress.days_so_far if young else 7)
    days = progress.days_so_far
    if young and planned:
        # Translators: a habit goal younger than a week: done on {done} of the {count} days
        # since it was set, {planned} of them planned.
        text = ngettext(
            "Done {done} of {count} day so far ({planned} planned).",
            "Done {done} of {count} days so far ({planned} planned).",
            days,
        )
    elif young:
        text = ngettext(
            "Done {done} of {count} day so far.", "Done {done} of {count} days so far.", days
        )
    elif planned:
        # Translators: {month} is how many of the last 30 days it was done.
        text = _("Done {done} of the last 7 days ({planned} planned), {month} of the last 30.")
    else:
        # Translators: {month} is how many of the last 30 days it was done.
        text = _("Done {done} of the last 7 days, {month} of the last 30.")
    text = text.format(done=habit.last7, count=days, planned=habit.planned7, month=habit.last30)
    if habit.streak >= 2:
        # Translators: {streak} is how many planned days in a row it was done (2 or more).
        text += " " + _("Streak: {streak}.").format(streak=habit.streak)
    return text


def _limit_line(limit: LimitProgress) -> str:
    # Nothing logged yet is not the same as a day of none.
    if limit.period is LimitPeriod.DAY:
        text = (
            _("Today: {total} logged, at most {target}.")
            if limit.logged
            else _("Today: not logged yet, at most {target}.")
        )
    else:
        text = (
            _("This week: {total} logged, at most {target}.")
            if limit.logged
            else _("This week: not logged yet, at most {target}.")
        )
    text = text.format(total=limit.total, target=limit.target)
    if limit.counted:
        if limit.period is LimitPeriod.DAY:
            # Translators: of the last {count} days with a count logged, {within} stayed
            # within the limit.
            within = ngettext(
                "Within your limit on {within} of the last {count} day you logged.",
                "Within your limit on {within} of the last {count} days you logged.",
                limit.counted,
            )
        else:
            # Translators: of the last {count} weeks with a count logged, {within} stayed
            # within the limit.
            within = ngettext(
                "Within your limit on {within} of the last {count} week you logged.",
                "Within your limit on {within} of the last {count} weeks you logged.",
                limit.counted,
            )
        text += " " + within.format(within=limit.within, count=limit.counted)
    return text


def _new_line(new: NewGoal, today: date) -> str:
    at = new.first_nudge
    if at is None:
        return _("New today, and paused: no nudges until you resume it.")
    time = formats.clock(at)
    if at.date() == today:
        if new.asked:
            text = _("New: first asked today at {time}; answer whenever you're ready.")
        else:
            text = _("New: first nudge today at {time}.")
    elif at.date() == today + timedelta(days=1):
        if new.asked:
            text = _("New: first asked tomorrow at {time}; answer whenever you're ready.")
        else:
            text = _("New: first nudge tomorrow at {time}.")
    elif new.asked:
        # Translators: {day} is a date such as "Mon 07 Dec".
        text = _("New: first asked on {day} at {time}; answer whenever you're ready.")
    else:
        # Translators: {day} is a date such as "Mon 07 Dec".
        text = _("New: first nudge on {day} at {time}.")
    return text.format(day=formats.weekday_day_month(at.date()), time=time)


def _reasons_line(reasons: dict[str, int]) -> str:
    items = []
    for reason, n in reasons.items():
        words = _(REASON_WORDS[reason]) if reason in REASON_WORDS else reason.lower()
        # Translators: one "not today" reason with how often it was given, as in "stress 2".
        item = npgettext("a reason, how often", "{reason} {count}", "{reason} {count}", n)
        items.append(item.format(reason=words, count=n))
    # Translators: {reasons} is a list such as "stress 2, no time 1".
    return _("Not-today reasons, last 30 days: {reasons}").format(reasons=", ".join(items))


def progress_block(progress: GoalProgress) -> str:
    goal = progress.goal
    # Translators: a goal's heading: its number and the member's own title.
    head = _("<b>{number}. {title}</b>")
    if goal.paused:
        # Translators: a paused goal's heading: its number and the member's own title.
        head = _("<b>{number}. {title}</b> (paused)")
    lines = [head.format(number=goal.number, title=escape(goal.title))]
    if goal.kind is GoalKind.LIMIT and goal.limit_period is not None:
        lines.append(
            # Translators: {limit} is e.g. "at most 3 a day".
            _("Limit: {limit}").format(
                limit=describe_limit(goal.limit_target or 0, goal.limit_period)
            )
        )
    lines.append(
        # Translators: {schedule} is e.g. "every day at 09:00".
        _("Asked {schedule}").format(schedule=describe_schedule(goal.schedule, goal.nudge_time))
    )
    if progress.new is not None:
        lines.append(_new_line(progress.new, progress.today))
    elif progress.habit is not None:
        lines.append(_habit_line(progress))
    elif progress.limit is not None:
        lines.append(_limit_line(progress.limit))
    if progress.reasons:
        lines.append(_reasons_line(progress.reasons))
    return "\n".join(lines)


def goals_list(progresses: list[GoalProgress]) -> str:
    if not progresses:
        return no_goals()
    blocks = [progress_block(p) for p in progresses]
    return "\n\n".join(
        [
            _("<b>Your goals</b>"),
            *blocks,
            _("Tap a goal to change its schedule, pause or archive it."),
        ]
    )


def goal_detail(progress: GoalProgress) -> str:
    text = progress_block(progress)
    if progress.goal.why:
        # Translators: {why} is the member's own words.
        text += "\n" + _("<i>Why it matters: {why}</i>").format(why=escape(progress.goal.why))
    return text


def goal_button_label(goal: Goal) -> str:
    """The goal's number and the member's own title: no words of ours to translate."""
    title = goal.title if len(goal.title) <= 28 else goal.title[:27] + "…"
    return f"{goal.number} · {title}"


def archive_confirm(goal: Goal) -> str:
    return _(
        "Archive <b>{title}</b>? I'll stop asking about it. Its history stays in /mydata."
    ).format(title=escape(goal.title))


def archived(goal: Goal) -> str:
    return _("Archived <b>{title}</b>. Well done for knowing what you need.").format(
        title=escape(goal.title)
    )


def nudge(goal: Goal, day: date, snoozed: bool) -> str:
    lines = [_("🌱 <b>{title}</b>: how did it go?").format(title=escape(goal.title))]
    if goal.kind is GoalKind.LIMIT:
        lines.append(
            _("How many this week, in all?") if goal.schedule.weekly else _("How many today?")
        )
        if goal.limit_period is not None:
            lines.append(
                # Translators: {limit} is e.g. "at most 3 a day".
                _("<i>Your aim: {limit}.</i>").format(
                    limit=describe_limit(goal.limit_target or 0, goal.limit_period)
                )
            )
    if goal.why:
        lines.append(
            # Translators: {why} is the member's own words.
            _("<i>You said it matters because: {why}</i>").format(why=escape(goal.why))
        )
    if snoozed:
        lines.append(_("(As you asked, an hour later.)"))
    lines.append(f"<i>{formats.weekday_day_month(day)}</i>")
    return "\n".join(lines)


def done_reply(progress: GoalProgress) -> str:
    habit = progress.habit
    assert habit is not None
    if habit.best_week:
        text = _(
            "✅ <b>{title}</b>: done. That's {done} of the last 7 days, your best week so far! 🎉"
        )
    else:
        text = _("✅ <b>{title}</b>: done. That's {done} of the last 7 days.")
    text = text.format(title=escape(progress.goal.title), done=habit.last7)
    if habit.streak >= 2:
        # Translators: {streak} planned days done in a row (2 or more).
        text += " " + ngettext("{streak} in a row.", "{streak} in a row.", habit.streak).format(
            streak=habit.streak
        )
    return text


def count_reply(progress: GoalProgress, amount: int, day: date) -> str:
    limit = progress.limit
    assert limit is not None
    if day == progress.today:
        logged = _("Logged {amount} for today.")
    else:
        # Translators: {day} is a date such as "Mon 07 Dec".
        logged = _("Logged {amount} for {day}.")
    logged = logged.format(amount=amount, day=formats.weekday_day_month(day))
    # No question here: the member could only answer it with buttons that aren't there.
    if limit.period is LimitPeriod.DAY:
        total = (
            _(
                "Today: {total} of at most {target}. That's above your aim. Writing it down "
                "honestly takes courage, and noticing is how change starts. Tomorrow starts a "
                "fresh count. 💚"
            )
            if limit.over
            else _("Today: {total} of at most {target}: within your limit. 💚")
        )
    else:
        total = (
            _(
                "This week: {total} of at most {target}. That's above your aim. Writing it "
                "down honestly takes courage, and noticing is how change starts. A new week "
                "starts on Monday. 💚"
            )
            if limit.over
            else _("This week: {total} of at most {target}: within your limit. 💚")
        )
    return logged + " " + total.format(total=limit.total, target=limit.target)


def snoozed_until(text: str, when_local: str) -> str:
    # Translators: {time} is a time of day such as 18:00.
    return text + "\n\n" + _("⏰ I'll ask again at {time}.").format(time=when_local)
