"""Words of a combined message: pushes due within the same hour, as one message."""

from __future__ import annotations

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
