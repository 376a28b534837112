"""Recovery-journey words: the journey, milestones, sharing them, setbacks.

Each text is a function, rendered in the language being spoken when it is called
(bot.i18n).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from bot.i18n import _, formats, ngettext, npgettext
from bot.journey.rules import Sharing

if TYPE_CHECKING:
    from datetime import date

    from bot.journey.rules import JourneyView


def milestone_label(days: int) -> str:
    if days >= 365 and days % 365 == 0:
        years = days // 365
        # Translators: a milestone on a recovery journey, within sentences such as
        # "🎉 1 year on your recovery journey, today" or "Amber Otter reached 1 year".
        return npgettext("milestone", "{count} year", "{count} years", years).format(count=years)
    # Translators: a milestone on a recovery journey, within sentences such as
    # "🎉 30 days on your recovery journey, today" or "Amber Otter reached 30 days".
    return npgettext("milestone", "{count} day", "{count} days", days).format(count=days)


def button_started_today() -> str:
    # Translators: button: the member's recovery journey starts today.
    return _("It starts today")


def button_started_yesterday() -> str:
    # Translators: button: the member's recovery journey started yesterday.
    return _("It started yesterday")


def button_share_milestones() -> str:
    return _("Share them with my circle")


def button_keep_milestones() -> str:
    return _("Keep them private")


def journey_none() -> str:
    # Translators: YYYY-MM-DD is the date format to type; keep it as it is.
    return _(
        "Your recovery journey isn't set yet. When did it start? Tap a button, or send "
        "<code>/journey YYYY-MM-DD</code>."
    )


def journey_bad_date() -> str:
    # Translators: YYYY-MM-DD is the date format to type; keep it and the example as they are.
    return _(
        "That doesn't look like a start date I can use. Write it as YYYY-MM-DD, not in the "
        "future, for example <code>/journey 2026-01-15</code>."
    )


def ask_share_milestones() -> str:
    return _(
        "I'll celebrate your milestones with you (1 day, a week, a month and on). Would you "
        "like your circle to hear about them too, under your pseudonym? You can change your "
        "mind by sending /journey."
    )


def sharing_on() -> str:
    return _("Your circle will hear about your milestones. 🎉")


def sharing_off() -> str:
    return _("Your milestones stay between you and me.")


def sharing_held() -> str:
    # Translators: a member who said yes to sharing soon after a setback.
    return _(
        "Thank you. Your milestones stay between us for now; at 7 days I'll ask you again "
        "before your circle hears about one."
    )


def ask_share_again() -> str:
    # Translators: under a milestone's celebration, after a setback. Gentle, no pressure.
    return _(
        "Since your setback I've kept your milestones between us. Would you like your circle "
        "to hear about this one?"
    )


def button_share_this_one() -> str:
    return _("Share it with my circle")


def button_keep_this_private() -> str:
    return _("Keep it private")


def shared_again() -> str:
    return _("Your circle will hear about it, and about your next milestones. 💚")


def kept_private_again() -> str:
    return _("It stays between you and me. I'll ask again at your next milestone.")


def held_note() -> str:
    return _(
        "Since your setback, your milestones stay between us until you say yes again at 7 days "
        "or more."
    )


def setback_none() -> str:
    return _("There's no journey to record a setback in yet. /journey starts one.")


def setback_bad_date() -> str:
    # Translators: YYYY-MM-DD is the date format to type; keep it as it is.
    return _(
        "Please give the setback's date as YYYY-MM-DD, on or after your journey's start and "
        "not in the future, or just /setback for today."
    )


def ask_setback_note() -> str:
    # Translators: after a setback. "Skip" is the label of the button under this message.
    return _(
        "If you like, write a private note about what happened; only you will ever see it. "
        "Or tap Skip."
    )


def checkin_skipped_note() -> str:
    # Translators: after the member tapped Skip instead of writing a note on a setback.
    return _("No note, that's fine.")


def setback_note_saved() -> str:
    return _("Your note is saved, privately. Be gentle with yourself today.")


def _longest(days: int) -> str:
    # Translators: the longest stretch of days without a setback, over all journeys.
    return ngettext(
        "Longest stretch: {count} day.", "Longest stretch: {count} days.", days
    ).format(count=days)


def _journeys(count: int) -> str:
    # Translators: how many journeys the member has had (a setback starts a new one).
    return _("Journeys: {count}.").format(count=count)


def _earlier(started_on: date, ended_on: date, days: int) -> str:
    # Translators: one earlier journey: its start and its setback (dates such as "01 Jan
    # 2026"), and its days.
    return ngettext(
        "{start} to {end} ({count} day)", "{start} to {end} ({count} days)", days
    ).format(
        start=formats.short_day_month_year(started_on),
        end=formats.short_day_month_year(ended_on),
        count=days,
    )


def journey_view(view: JourneyView) -> str:
    current = view.current
    if current is None:
        return journey_none()
    milestone, on = view.next_milestone, view.next_milestone_on
    lines = [
        _("<b>Your recovery journey</b>"),
        # Translators: {date} is the journey's start, such as "01 Jan 2026"; {count} the
        # days since.
        ngettext(
            "Started {date}: <b>{count} day</b> so far.",
            "Started {date}: <b>{count} days</b> so far.",
            view.days,
        ).format(date=formats.short_day_month_year(current.started_on), count=view.days),
        # Translators: {milestone} is e.g. "30 days" or "1 year"; {date} e.g. "Sat 31 Jan 2026".
        _("Next milestone: {milestone} on {date}.").format(
            milestone=milestone_label(milestone), date=formats.weekday_day_month_year(on)
        ),
    ]
    if view.sharing is Sharing.HELD:
        lines.append(held_note())
    if view.history:
        stats = view.stats
        earlier = "; ".join(
            _earlier(j.started_on, j.ended_on, j.clean_days(view.today))
            for j in view.history[-5:]
            if j.ended_on is not None
        )
        lines += [
            "",
            " ".join(
                [
                    _journeys(stats.journeys),
                    _longest(stats.longest),
                    # Translators: days without a setback this calendar month and year.
                    _("Days this month: {month}; this year: {year}.").format(
                        month=stats.days_this_month, year=stats.days_this_year
                    ),
                ]
            ),
            # Translators: {journeys} is a list of earlier journeys, separated by "; ".
            _("Earlier: {journeys}").format(journeys=earlier),
        ]
    return "\n".join(lines)


def setback_recorded(view: JourneyView) -> str:
    stats = view.stats
    # Translators: right after a member records a setback. Warm, no shame, no judgement.
    text = _(
        "Thank you for telling me. A setback is part of many recoveries, not the end of "
        "yours: everything you built is still here."
    )
    counts = " ".join(
        [
            # Translators: days without a setback this calendar month and year.
            _("Days this month: {month}. This year: {year}.").format(
                month=stats.days_this_month, year=stats.days_this_year
            ),
            _longest(stats.longest),
            _journeys(stats.journeys),
        ]
    )
    text += "\n\n" + counts + "\n" + _("A new count starts tomorrow.")
    # A member who shares milestones may fear the circle will notice: say plainly it won't.
    if view.sharing is Sharing.HELD:
        text += "\n\n" + _(
            "Your circle won't hear about it. I'll keep your milestones between us until you "
            "say yes again, at 7 days or more."
        )
    return text


def milestone(label: str) -> str:
    # Translators: {label} is a milestone such as "30 days" or "1 year".
    return _("🎉 <b>{label}</b> on your recovery journey, today. That's yours: well done.").format(
        label=escape(label)
    )


def milestone_shared(pseudonym: str, label: str) -> str:
    # Translators: to the circle. {pseudonym} is a member's two-word nickname; {label} a
    # milestone such as "30 days" or "1 year".
    return _("🎉 {pseudonym} reached {label}.").format(pseudonym=pseudonym, label=label)
