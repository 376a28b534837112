"""Every text the bot sends, in one place to review and translate. HTML parse mode."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from typing import TYPE_CHECKING

from bot.journey.service import Sharing, milestone_label, next_milestone_date

if TYPE_CHECKING:
    from bot.checkins.reflection import WeekSummary
    from bot.checkins.service import CheckinReflection, PeriodStats, SupportOffer, TrendSummary
    from bot.journey.service import JourneyMark, JourneyView


# -- check-ins ---------------------------------------------------------------------------

MOOD_EMOJI = {1: "😞", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"}
MOOD_WORDS = {1: "awful", 2: "bad", 3: "okay", 4: "good", 5: "great"}
ASK_MOOD = "How is your mood today?"
BUTTON_ADD_NOTE = "📝 Add a note"
BUTTON_SKIP = "Skip"
BUTTON_CRISIS = "Crisis resources"
BUTTON_TALK_MODERATOR = "Talk to a moderator"
BUTTON_SHOW_PLAN = "📋 My safety plan"
BUTTON_MAKE_PLAN = "📋 Make a safety plan"
TYPE_NOTE = (
    "Write your note as one message. It is private: only you will ever see it. If it "
    "sounds like a crisis, I'll share support and let a peer moderator know, without your "
    "words. /cancel if you'd rather not."
)

NOTE_SAVED = "Your note is saved, privately."
NOTE_TOO_LATE = "That check-in has closed, so the note wasn't attached. /checkin starts today's."
BUTTON_USE_FOR_TODAY = "Use it for today"
CHECKIN_USAGE = (
    "/checkin checks in for today. To fill in a day you missed, send "
    "<code>/checkin yesterday</code> (or a date like <code>/checkin 2026-03-01</code>): days "
    "can be filled in up to 2 days later."
)


def day_label(day: date) -> str:
    return f"{day:%a %d %b}"


def ask_mood_for(day: date) -> str:
    """The mood question for a day already over, filled in later."""
    return f"Filling in {day_label(day)}: how was your mood that day?"


def checkin_too_old(day: date, kept: bool, offer_today: bool) -> str:
    """An old prompt's button: closed kindly, saying what is kept and what can still be."""
    text = (
        f"This check-in was for {day_label(day)}. Days can be filled in up to 2 days later, "
        "so it has closed"
    )
    text += "; the answers you gave for that day are kept." if kept else ". Nothing was lost."
    if offer_today:
        text += " If that's how you feel today, your answer can count for today instead."
    return text


def backfill_too_old(day: date) -> str:
    return (
        f"{day_label(day)} is more than 2 days ago, so it can't be filled in now. Everything "
        "you recorded is kept; /checkin records today's."
    )


def mood_label(mood: int) -> str:
    return f"{mood} {MOOD_EMOJI[mood]} {MOOD_WORDS[mood]}"


def ask_confidence(mood: int, past: date | None = None) -> str:
    """`past` names the day being filled in later; None for today."""
    if past is not None:
        return (
            f"{day_label(past)}, mood: {mood_label(mood)}\n\n"
            "That day, how confident did you feel that you could handle what it brought?\n"
            "0 = not at all, 10 = completely."
        )
    return (
        f"Mood: {mood_label(mood)}\n\n"
        "How confident do you feel that you can handle what today brings?\n"
        "0 = not at all, 10 = completely."
    )


HARD_DAY = "That sounds like a hard day. Thank you for checking in anyway."
HARD_DAYS = "The last few days sound hard. Thank you for checking in anyway."
CHECKIN_REPLACED = "You had already checked in today, so these answers replace those."


def ask_note(mood: int, confidence: int, low: bool = False, past: date | None = None) -> str:
    """`past` names the day being filled in later; None for today."""
    # A hard day is acknowledged before anything else, the figures included.
    opening = f"{HARD_DAY}\n\n" if low else ""
    if past is not None:
        return (
            f"{opening}{day_label(past)}: mood {mood_label(mood)} · Confidence: {confidence}/10"
            "\n\nWould you like to add a private note about that day? Only you will see it."
        )
    return (
        f"{opening}Mood: {mood_label(mood)} · Confidence: {confidence}/10\n\n"
        "Would you like to add a private note about today? Only you will see it."
    )


def _signed(value: float) -> str:
    return f"{abs(value):.1f}"


def trend_line(change: float | None) -> str:
    """One line reflecting the member's own confidence trend, never judging."""
    if change is None:
        return "Each check-in adds to your own picture of how things are going."
    if change >= 0.5:
        return f"Your confidence is up {_signed(change)} on last week. That's your doing."
    if change <= -0.5:
        return (
            f"Your confidence is {_signed(change)} lower than last week. Noticing that is "
            "useful; you've come through hard weeks before."
        )
    return "Your confidence is steady compared with last week."


def streak_line(days: int) -> str:
    if days <= 1:
        return "Check-in streak: 1 day. Every streak starts here."
    return f"Check-in streak: {days} days in a row."


def _today_line(reflection: CheckinReflection) -> str:
    """The answers, named by their day when it was filled in later."""
    figures = f"mood {mood_label(reflection.mood)} · confidence {reflection.confidence}/10"
    if reflection.filled_in_later:
        return f"{day_label(reflection.day)}: {figures}"
    return f"Today: {figures}"


def checkin_reply(reflection: CheckinReflection, replaced: bool, note_saved: bool = False) -> str:
    if reflection.filled_in_later:
        day = day_label(reflection.day)
        lines = [
            f"Thank you for checking in for {day}. It's marked as filled in later. 🌱",
            _today_line(reflection),
        ]
        if replaced:
            lines.append("You had already checked in for that day; these answers replace those.")
        if reflection.streak:  # filling in an older day can leave today's streak at 0
            lines.append(streak_line(reflection.streak))
        if note_saved:
            lines.insert(0, NOTE_SAVED)
        return "\n".join(lines)
    lines = [
        "Thank you for checking in. 🌱",
        _today_line(reflection),
        streak_line(reflection.streak),
        trend_line(reflection.confidence_change),
    ]
    if replaced:
        lines.insert(1, CHECKIN_REPLACED)
    if note_saved:
        lines.insert(0, NOTE_SAVED)
    return "\n".join(lines)


def support_lines(offer: SupportOffer) -> str:
    """What the support buttons offer, in words: never a dead end."""
    if offer.circle:
        reach = (
            "You don't have to carry it alone: your circle can hear that today is hard, "
            "with or without your name, and send you a few kind words."
        )
    elif offer.moderators:
        reach = "You don't have to carry it alone: a peer moderator can write to you here."
    else:
        reach = "You don't have to carry it alone."
    plan = (
        "Your safety plan is a tap away."
        if offer.has_plan
        else "A safety plan, in your own words, can help on days like this."
    )
    return f"{reach} {plan} If you need someone right now, the crisis resources are below."


def hard_day_reply(
    reflection: CheckinReflection, replaced: bool, offer: SupportOffer, note_saved: bool
) -> str:
    """Support first, the figures after, and nothing cheerful: no 🌱, no streak cheer."""
    figures = [_today_line(reflection)]
    if reflection.streak >= 2:
        figures.append(f"You've checked in {reflection.streak} days in a row.")
    if replaced:
        figures.insert(0, CHECKIN_REPLACED)
    if note_saved:
        figures.insert(0, NOTE_SAVED)
    opening = HARD_DAYS if reflection.hard_days else HARD_DAY
    return f"{opening}\n\n{support_lines(offer)}\n\n" + "\n".join(figures)


TALK_REQUESTED = (
    "I've asked a peer moderator to write to you here. They are peers, not professionals, "
    "and it may take a little while. If you need someone sooner, /crisis has people who "
    "answer straight away."
)


def _averages(stats: PeriodStats, none: str) -> str:
    if stats.mood is None or stats.confidence is None:
        return none
    count = f"{stats.count} check-in{'s' if stats.count != 1 else ''}"
    return f"mood {stats.mood:.1f}/5, confidence {stats.confidence:.1f}/10 ({count})"


def _difference(current: float | None, previous: float | None) -> str | None:
    return None if current is None or previous is None else f"{current - previous:+.1f}"


def chart_day(day: date) -> str:
    """A local date as "1 Dec": short enough for a chart's axis and a phone's caption."""
    return f"{day.day} {day:%b}"


MARKS_IN_CAPTION = 6  # a 90-day chart rarely has more; the newest are the ones that matter


def _marks_line(marks: Sequence[JourneyMark]) -> str:
    shown = [
        f"a setback on {chart_day(m.day)}" if m.setback
        else f"{milestone_label(m.days)} on {chart_day(m.day)}"
        for m in marks[-MARKS_IN_CAPTION:]
    ]  # fmt: skip
    return "Marked on the chart: " + ", ".join(shown) + "."


def trend_summary(summary: TrendSummary, marks: Sequence[JourneyMark] = ()) -> str:
    """The chart's caption: this period, the one before in plain words, the streak, and the
    journey's milestones and setbacks when the chart marks any."""
    current, previous = summary.current, summary.previous
    lines = [f"Last {summary.days} days: {_averages(current, 'no check-ins')}."]
    mood = _difference(current.mood, previous.mood)
    confidence = _difference(current.confidence, previous.confidence)
    if mood is None or confidence is None:  # one of the two periods had no check-ins
        lines.append(f"The {summary.days} days before: {_averages(previous, CHART_NO_CHECKINS)}.")
    else:
        lines.append(
            f"Compared with the {summary.days} days before: mood {mood}, confidence {confidence}."
        )
    lines.append(f"Streak: {summary.streak} day{'s' if summary.streak != 1 else ''}.")
    if marks:
        lines.append(_marks_line(marks))
    return "\n".join(lines)


NO_CHECKINS_YET = "There's nothing to chart yet. Your first check-in starts your trend: /checkin."


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _encouragement_line(given: int, received: int) -> str | None:
    if given and received:
        return f"You sent encouragement {_times(given)} and received it {_times(received)}."
    if given:
        return f"You sent encouragement {_times(given)}. It means more than it may seem."
    if received:
        return f"Your circle sent you encouragement {_times(received)}."
    return None


def weekly_reflection(week: WeekSummary) -> str:
    """The week in the member's own figures, then counts only; gentle after a hard week."""
    this_week, last_week = week.this_week, week.last_week
    lines = ["<b>Your week</b>", ""]
    if week.hard:
        lines.append("This week sounds like it was a hard one. Thank you for staying in touch.")
    if this_week.count == 0:
        lines.append(
            "No check-ins this week, and that's okay. Whenever you're ready, /checkin takes "
            "three taps."
        )
    else:
        lines.append(f"You checked in on {this_week.count} of 7 days.")
        lines.append(
            f"Average mood {this_week.mood:.1f}/5, confidence {this_week.confidence:.1f}/10."
        )
        if last_week.confidence is not None and this_week.confidence is not None:
            lines.append(trend_line(round(this_week.confidence - last_week.confidence, 1)))
        if week.streak > 1:
            lines.append(f"Your check-in streak is {week.streak} days.")
    if week.goals_done:
        lines.append(f"You marked a goal done {_times(week.goals_done)}.")
    if week.milestones and not week.setback:
        plural = "milestone" if week.milestones == 1 else "milestones"
        lines.append(f"You reached {week.milestones} {plural} on your journey.")
    encouragement = _encouragement_line(week.encouragement_given, week.encouragement_received)
    if encouragement is not None:
        lines.append(encouragement)
    if week.hard:
        lines.append(
            "Go gently. If it gets heavy, /crisis has people you can talk to at any hour."
        )
    elif this_week.count:
        lines.append("Showing up for yourself counts. See the picture with /trends.")
    return "\n".join(lines)


# -- pushes due within the same hour, as one message -------------------------------------

CHECKIN_PART_TITLE = "Check-in"
PART_HEADING_TAPPED = "A heading: the buttons under it answer that question."


def part_heading(title: str) -> str:
    return f"⬇ {title}"


def combined_intro(checkin: bool, goals: int) -> str:
    """The first line of a combined message: what it holds, and that order doesn't matter."""
    goal_words = "a goal" if goals == 1 else f"{goals} goals"
    holds = f"Your check-in and {goal_words}" if checkin and goals else f"Your {goals} goals"
    if checkin and not goals:
        holds = "Your check-in"
    return (
        f"{holds}, together in one message. Answer in any order: each one's buttons are "
        "under its name."
    )


def chart_title(days: int, last_day: date) -> str:
    return f"Your {days} days to {chart_day(last_day)}"


# Words on the /trends chart itself; it is read at phone width, so they stay short.
CHART_MOOD = "Mood, 1 to 5"
CHART_CONFIDENCE = "Confidence, 0 to 10"
CHART_DAILY = "check-in"
CHART_AVERAGE = "7-day average"
CHART_MILESTONE = "milestone"
CHART_SETBACK = "setback"
CHART_NO_CHECKINS = "no check-ins then"


def period_label(days: int, shown: bool) -> str:
    """A period button; the one on screen is ticked, as the chart is edited in place."""
    return f"✓ {days} days" if shown else f"{days} days"


# -- the recovery journey ----------------------------------------------------------------

BUTTON_STARTED_TODAY = "It starts today"
BUTTON_STARTED_YESTERDAY = "It started yesterday"
BUTTON_SHARE_MILESTONES = "Share them with my circle"
BUTTON_KEEP_MILESTONES = "Keep them private"
JOURNEY_NONE = (
    "Your recovery journey isn't set yet. When did it start? Tap a button, or send "
    "<code>/journey YYYY-MM-DD</code>."
)
JOURNEY_BAD_DATE = (
    "That doesn't look like a start date I can use. Write it as YYYY-MM-DD, not in the "
    "future, for example <code>/journey 2026-01-15</code>."
)
ASK_SHARE_MILESTONES = (
    "I'll celebrate your milestones with you (1 day, a week, a month and on). Would you "
    "like your circle to hear about them too, under your pseudonym? You can change your "
    "mind by sending /journey."
)
SHARING_ON = "Your circle will hear about your milestones. 🎉"
SHARING_OFF = "Your milestones stay between you and me."
SHARING_HELD = (
    "Thank you. Your milestones stay between us for now; at 7 days I'll ask you again "
    "before your circle hears about one."
)
ASK_SHARE_AGAIN = (
    "Since your setback I've kept your milestones between us. Would you like your circle "
    "to hear about this one?"
)
BUTTON_SHARE_THIS_ONE = "Share it with my circle"
BUTTON_KEEP_THIS_PRIVATE = "Keep it private"
SHARED_AGAIN = "Your circle will hear about it, and about your next milestones. 💚"
KEPT_PRIVATE_AGAIN = "It stays between you and me. I'll ask again at your next milestone."
HELD_NOTE = (
    "Since your setback, your milestones stay between us until you say yes again at 7 days "
    "or more."
)
SETBACK_NONE = "There's no journey to record a setback in yet. /journey starts one."
SETBACK_BAD_DATE = (
    "Please give the setback's date as YYYY-MM-DD, on or after your journey's start and "
    "not in the future, or just /setback for today."
)
ASK_SETBACK_NOTE = (
    "If you like, write a private note about what happened; only you will ever see it. "
    "Or tap Skip."
)
CHECKIN_SKIPPED_NOTE = "No note, that's fine."
SETBACK_NOTE_SAVED = "Your note is saved, privately. Be gentle with yourself today."


def journey_view(view: JourneyView) -> str:
    current = view.current
    if current is None:
        return JOURNEY_NONE
    milestone, on = next_milestone_date(current.started_on, view.today)
    lines = [
        "<b>Your recovery journey</b>",
        f"Started {current.started_on:%d %b %Y}: <b>{view.days} day"
        f"{'s' if view.days != 1 else ''}</b> so far.",
        f"Next milestone: {milestone_label(milestone)} on {on:%a %d %b %Y}.",
    ]
    if view.sharing is Sharing.HELD:
        lines.append(HELD_NOTE)
    if view.history:
        stats = view.stats
        lines += [
            "",
            f"Journeys: {stats.journeys}. Longest stretch: {stats.longest} days. "
            f"Days this month: {stats.days_this_month}; this year: {stats.days_this_year}.",
            "Earlier: "
            + "; ".join(
                f"{j.started_on:%d %b %Y} to {j.ended_on:%d %b %Y} "
                f"({j.clean_days(view.today)} days)"
                for j in view.history[-5:]
                if j.ended_on is not None
            ),
        ]
    return "\n".join(lines)


def setback_recorded(view: JourneyView) -> str:
    stats = view.stats
    # A member who shares milestones may fear the circle will notice: say plainly it won't.
    circle = (
        "\n\nYour circle won't hear about it. I'll keep your milestones between us until "
        "you say yes again, at 7 days or more."
        if view.sharing is Sharing.HELD
        else ""
    )
    return (
        "Thank you for telling me. A setback is part of many recoveries, not the end of "
        "yours: everything you built is still here.\n\n"
        f"Days this month: {stats.days_this_month}. This year: {stats.days_this_year}. "
        f"Longest stretch: {stats.longest} days. Journeys: {stats.journeys}.\n"
        f"A new count starts tomorrow.{circle}"
    )


def milestone(label: str) -> str:
    return f"🎉 <b>{escape(label)}</b> on your recovery journey, today. That's yours: well done."


def milestone_shared(pseudonym: str, label: str) -> str:
    return f"🎉 {pseudonym} reached {label}."
