"""Words of a combined message: pushes due within the same hour, as one message."""

from __future__ import annotations

from bot.i18n import _, ngettext, pgettext


def checkin_part_title() -> str:
    # Translators: a heading button above the check-in's own buttons, in a message that
    # also holds goal reminders.
    return pgettext("heading of a part of a message", "Check-in")


def part_heading_tapped() -> str:
    # Translators: a brief notice when a member taps a heading button ("⬇ Check-in").
    return _("A heading: the buttons under it answer that question.")


def part_heading(title: str) -> str:
    return f"⬇ {title}"


def combined_intro(checkin: bool, goals: int) -> str:
    """The first line of a combined message: what it holds, and that order doesn't matter."""
    if checkin and goals:
        # Translators: a check-in and goal reminders, sent together as one message.
        holds = ngettext(
            "Your check-in and a goal, together in one message.",
            "Your check-in and {count} goals, together in one message.",
            goals,
        )
    elif checkin:
        holds = _("Your check-in, together in one message.")
    else:
        # Translators: goal reminders, sent together as one message.
        holds = ngettext(
            "Your {count} goal, together in one message.",
            "Your {count} goals, together in one message.",
            goals,
        )
    answer = _("Answer in any order: each one's buttons are under its name.")
    return f"{holds.format(count=goals)} {answer}"
