"""Check-in words: the questions, the replies after a check-in, support on a hard day,
and the weekly reflection. HTML parse mode."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bot.checkins.rules import STEADY_BELOW

if TYPE_CHECKING:
    from bot.checkins.rules import CheckinReflection, SupportOffer, WeekSummary

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
    if change >= STEADY_BELOW:
        return f"Your confidence is up {_signed(change)} on last week. That's your doing."
    if change <= -STEADY_BELOW:
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
    this_week = week.this_week
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
        if week.confidence_change is not None:
            lines.append(trend_line(week.confidence_change))
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
