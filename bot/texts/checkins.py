"""Check-in words: the questions, the replies after a check-in, support on a hard day,
and the weekly reflection. HTML parse mode. Each is a function rendered in the current
language (bot.i18n); MOOD_WORDS keeps the English mood words, translated by mood_word."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bot.checkins.rules import STEADY_BELOW
from bot.i18n import N_, _, formats, ngettext, npgettext, pgettext

if TYPE_CHECKING:
    from bot.checkins.rules import CheckinReflection, SupportOffer, WeekSummary

MOOD_EMOJI = {1: "😞", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"}
# The mood scale's words, translated by mood_word.
MOOD_WORDS = {
    # Translators: the worst mood of five, on a button as "1 😞 awful".
    1: N_("awful"),
    # Translators: mood 2 of five (1 is the worst), on a button as "2 🙁 bad".
    2: N_("bad"),
    # Translators: mood 3 of five (1 is the worst), on a button as "3 😐 okay".
    3: N_("okay"),
    # Translators: mood 4 of five (1 is the worst), on a button as "4 🙂 good".
    4: N_("good"),
    # Translators: the best mood of five, on a button as "5 😄 great".
    5: N_("great"),
}


def mood_word(mood: int) -> str:
    """The word for a mood of 1 to 5 ("good"); "" for any other value."""
    word = MOOD_WORDS.get(mood)
    return _(word) if word is not None else ""


def ask_mood() -> str:
    return _("How is your mood today?")


def button_add_note() -> str:
    return _("📝 Add a note")


def button_skip() -> str:
    return pgettext("button: skip writing a private note", "Skip")


def button_crisis() -> str:
    return _("Crisis resources")


def button_talk_moderator() -> str:
    return _("Talk to a moderator")


def button_show_plan() -> str:
    return _("📋 My safety plan")


def button_make_plan() -> str:
    return _("📋 Make a safety plan")


def type_note() -> str:
    return _(
        "Write your note as one message. It is private: only you will ever see it. If it "
        "sounds like a crisis, I'll share support and let a peer moderator know, without your "
        "words. /cancel if you'd rather not."
    )


def note_saved_text() -> str:
    return _("Your note is saved, privately.")


def note_too_late() -> str:
    return _("That check-in has closed, so the note wasn't attached. /checkin starts today's.")


def button_use_for_today() -> str:
    return _("Use it for today")


def checkin_usage() -> str:
    # Translators: keep "/checkin yesterday" and the date 2026-03-01 as they are: the bot
    # reads the command's word and date in this form only.
    return _(
        "/checkin checks in for today. To fill in a day you missed, send "
        "<code>/checkin yesterday</code> (or a date like <code>/checkin 2026-03-01</code>): days "
        "can be filled in up to 2 days later."
    )


def day_label(day: date) -> str:
    return formats.weekday_day_month(day)


def ask_mood_for(day: date) -> str:
    """The mood question for a day already over, filled in later."""
    # Translators: {day} is a past day, such as "Mon 07 Dec".
    return _("Filling in {day}: how was your mood that day?").format(day=day_label(day))


def checkin_too_old(day: date, kept: bool, offer_today: bool) -> str:
    """An old prompt's button: closed kindly, saying what is kept and what can still be."""
    if kept:
        # Translators: {day} is a past day, such as "Mon 07 Dec".
        text = _(
            "This check-in was for {day}. Days can be filled in up to 2 days later, so it has "
            "closed; the answers you gave for that day are kept."
        )
    else:
        # Translators: {day} is a past day, such as "Mon 07 Dec".
        text = _(
            "This check-in was for {day}. Days can be filled in up to 2 days later, so it has "
            "closed. Nothing was lost."
        )
    text = text.format(day=day_label(day))
    if offer_today:
        # Translators: under it, a button "Use it for today".
        text += " " + _("If that's how you feel today, your answer can count for today instead.")
    return text


def backfill_too_old(day: date) -> str:
    # Translators: {day} is a past day, such as "Mon 07 Dec".
    return _(
        "{day} is more than 2 days ago, so it can't be filled in now. Everything you recorded "
        "is kept; /checkin records today's."
    ).format(day=day_label(day))


def mood_label(mood: int) -> str:
    return f"{mood} {MOOD_EMOJI[mood]} {mood_word(mood)}"


def ask_confidence(mood: int, past: date | None = None) -> str:
    """`past` names the day being filled in later; None for today."""
    if past is not None:
        # Translators: {day} is a past day ("Mon 07 Dec"), {mood} the answer ("2 🙁 bad").
        heading = _("{day}, mood: {mood}").format(day=day_label(past), mood=mood_label(mood))
        question = _(
            "That day, how confident did you feel that you could handle what it brought?\n"
            "0 = not at all, 10 = completely."
        )
        return f"{heading}\n\n{question}"
    # Translators: {mood} is the answer just given, such as "2 🙁 bad".
    heading = _("Mood: {mood}").format(mood=mood_label(mood))
    question = _(
        "How confident do you feel that you can handle what today brings?\n"
        "0 = not at all, 10 = completely."
    )
    return f"{heading}\n\n{question}"


def hard_day() -> str:
    return _("That sounds like a hard day. Thank you for checking in anyway.")


def hard_days() -> str:
    return _("The last few days sound hard. Thank you for checking in anyway.")


def checkin_replaced() -> str:
    return _("You had already checked in today, so these answers replace those.")


def ask_note(mood: int, confidence: int, low: bool = False, past: date | None = None) -> str:
    """`past` names the day being filled in later; None for today."""
    # A hard day is acknowledged before anything else, the figures included.
    opening = f"{hard_day()}\n\n" if low else ""
    if past is not None:
        # Translators: {day} is a past day ("Mon 07 Dec"), {mood} the answer ("2 🙁 bad"),
        # {confidence} a number from 0 to 10.
        figures = _("{day}: mood {mood} · Confidence: {confidence}/10").format(
            day=day_label(past), mood=mood_label(mood), confidence=confidence
        )
        question = _("Would you like to add a private note about that day? Only you will see it.")
        return f"{opening}{figures}\n\n{question}"
    # Translators: {mood} is the answer ("2 🙁 bad"), {confidence} a number from 0 to 10.
    figures = _("Mood: {mood} · Confidence: {confidence}/10").format(
        mood=mood_label(mood), confidence=confidence
    )
    question = _("Would you like to add a private note about today? Only you will see it.")
    return f"{opening}{figures}\n\n{question}"


def _signed(value: float) -> str:
    return formats.fixed(abs(value))


def trend_line(change: float | None) -> str:
    """One line reflecting the member's own confidence trend, never judging."""
    if change is None:
        return _("Each check-in adds to your own picture of how things are going.")
    if change >= STEADY_BELOW:
        # Translators: {change} is how much the average confidence (0 to 10) rose, as "1.2".
        return _("Your confidence is up {change} on last week. That's your doing.").format(
            change=_signed(change)
        )
    if change <= -STEADY_BELOW:
        # Translators: {change} is how much the average confidence (0 to 10) fell, as "1.2".
        return _(
            "Your confidence is {change} lower than last week. Noticing that is useful; "
            "you've come through hard weeks before."
        ).format(change=_signed(change))
    return _("Your confidence is steady compared with last week.")


def streak_line(days: int) -> str:
    if days <= 1:
        return _("Check-in streak: 1 day. Every streak starts here.")
    return ngettext(
        "Check-in streak: {count} day in a row.", "Check-in streak: {count} days in a row.", days
    ).format(count=days)


def _today_line(reflection: CheckinReflection) -> str:
    """The answers, named by their day when it was filled in later."""
    mood = mood_label(reflection.mood)
    if reflection.filled_in_later:
        # Translators: {day} is a past day ("Mon 07 Dec"), {mood} the answer ("2 🙁 bad"),
        # {confidence} a number from 0 to 10.
        return _("{day}: mood {mood} · confidence {confidence}/10").format(
            day=day_label(reflection.day), mood=mood, confidence=reflection.confidence
        )
    # Translators: {mood} is the answer ("2 🙁 bad"), {confidence} a number from 0 to 10.
    return _("Today: mood {mood} · confidence {confidence}/10").format(
        mood=mood, confidence=reflection.confidence
    )


def checkin_reply(reflection: CheckinReflection, replaced: bool, note_saved: bool = False) -> str:
    if reflection.filled_in_later:
        lines = [
            # Translators: {day} is a past day, such as "Mon 07 Dec".
            _("Thank you for checking in for {day}. It's marked as filled in later. 🌱").format(
                day=day_label(reflection.day)
            ),
            _today_line(reflection),
        ]
        if replaced:
            lines.append(
                _("You had already checked in for that day; these answers replace those.")
            )
        if reflection.streak:  # filling in an older day can leave today's streak at 0
            lines.append(streak_line(reflection.streak))
        if note_saved:
            lines.insert(0, note_saved_text())
        return "\n".join(lines)
    lines = [
        _("Thank you for checking in. 🌱"),
        _today_line(reflection),
        streak_line(reflection.streak),
        trend_line(reflection.confidence_change),
    ]
    if replaced:
        lines.insert(1, checkin_replaced())
    if note_saved:
        lines.insert(0, note_saved_text())
    return "\n".join(lines)


def support_lines(offer: SupportOffer) -> str:
    """What the support buttons offer, in words: never a dead end."""
    if offer.circle:
        reach = _(
            "You don't have to carry it alone: your circle can hear that today is hard, "
            "with or without your name, and send you a few kind words."
        )
    elif offer.moderators:
        reach = _("You don't have to carry it alone: a peer moderator can write to you here.")
    else:
        reach = _("You don't have to carry it alone.")
    plan = (
        _("Your safety plan is a tap away.")
        if offer.has_plan
        else _("A safety plan, in your own words, can help on days like this.")
    )
    # Translators: shown on a hard day, above the buttons with the crisis resources.
    crisis = _("If you need someone right now, the crisis resources are below.")
    return f"{reach} {plan} {crisis}"


def hard_day_reply(
    reflection: CheckinReflection, replaced: bool, offer: SupportOffer, note_saved: bool
) -> str:
    """Support first, the figures after, and nothing cheerful: no 🌱, no streak cheer."""
    figures = [_today_line(reflection)]
    if reflection.streak >= 2:
        figures.append(
            ngettext(
                "You've checked in {count} day in a row.",
                "You've checked in {count} days in a row.",
                reflection.streak,
            ).format(count=reflection.streak)
        )
    if replaced:
        figures.insert(0, checkin_replaced())
    if note_saved:
        figures.insert(0, note_saved_text())
    opening = hard_days() if reflection.hard_days else hard_day()
    return f"{opening}\n\n{support_lines(offer)}\n\n" + "\n".join(figures)


def _times(count: int) -> str:
    # Translators: how often, put into "You sent encouragement {given} and received it
    # {received}."; English says "once" for 1.
    return npgettext("how often, inside a sentence", "once", "{count} times", count).format(
        count=count
    )


def _encouragement_line(given: int, received: int) -> str | None:
    if given and received:
        # Translators: {given} and {received} say how often, as "once" or "3 times".
        return _("You sent encouragement {given} and received it {received}.").format(
            given=_times(given), received=_times(received)
        )
    if given:
        # Translators: English says "once" for 1; put {count} in your forms as needed.
        return ngettext(
            "You sent encouragement once. It means more than it may seem.",
            "You sent encouragement {count} times. It means more than it may seem.",
            given,
        ).format(count=given)
    if received:
        # Translators: English says "once" for 1; put {count} in your forms as needed.
        return ngettext(
            "Your circle sent you encouragement once.",
            "Your circle sent you encouragement {count} times.",
            received,
        ).format(count=received)
    return None


def weekly_reflection(week: WeekSummary) -> str:
    """The week in the member's own figures, then counts only; gentle after a hard week."""
    this_week = week.this_week
    lines = [_("<b>Your week</b>"), ""]
    if week.hard:
        lines.append(_("This week sounds like it was a hard one. Thank you for staying in touch."))
    if this_week.count == 0:
        lines.append(
            _(
                "No check-ins this week, and that's okay. Whenever you're ready, /checkin "
                "takes three taps."
            )
        )
    else:
        lines.append(
            # Translators: {count} is how many of the week's 7 days had a check-in.
            ngettext(
                "You checked in on {count} of 7 days.",
                "You checked in on {count} of 7 days.",
                this_week.count,
            ).format(count=this_week.count)
        )
        lines.append(
            # Translators: averages over the week, as "3.4" and "6.0".
            _("Average mood {mood}/5, confidence {confidence}/10.").format(
                mood=formats.fixed(this_week.mood or 0.0),
                confidence=formats.fixed(this_week.confidence or 0.0),
            )
        )
        if week.confidence_change is not None:
            lines.append(trend_line(week.confidence_change))
        if week.streak > 1:
            lines.append(
                ngettext(
                    "Your check-in streak is {count} day.",
                    "Your check-in streak is {count} days.",
                    week.streak,
                ).format(count=week.streak)
            )
    if week.goals_done:
        lines.append(
            # Translators: English says "once" for 1; put {count} in your forms as needed.
            ngettext(
                "You marked a goal done once.",
                "You marked a goal done {count} times.",
                week.goals_done,
            ).format(count=week.goals_done)
        )
    if week.milestones and not week.setback:
        lines.append(
            ngettext(
                "You reached {count} milestone on your journey.",
                "You reached {count} milestones on your journey.",
                week.milestones,
            ).format(count=week.milestones)
        )
    encouragement = _encouragement_line(week.encouragement_given, week.encouragement_received)
    if encouragement is not None:
        lines.append(encouragement)
    if week.hard:
        lines.append(
            _("Go gently. If it gets heavy, /crisis has people you can talk to at any hour.")
        )
    elif this_week.count:
        lines.append(_("Showing up for yourself counts. See the picture with /trends."))
    return "\n".join(lines)
