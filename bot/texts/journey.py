"""Recovery-journey words: the journey, milestones, sharing them, setbacks."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from bot.journey.rules import Sharing

if TYPE_CHECKING:
    from bot.journey.rules import JourneyView


def milestone_label(days: int) -> str:
    if days >= 365 and days % 365 == 0:
        years = days // 365
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


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
    milestone, on = view.next_milestone, view.next_milestone_on
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
