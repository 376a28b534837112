"""/trends words: the chart's caption, title, axis words and period buttons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from bot.texts.journey import milestone_label

if TYPE_CHECKING:
    from bot.checkins.rules import PeriodStats, TrendSummary
    from bot.journey.rules import JourneyMark


def _averages(stats: PeriodStats, none: str) -> str:
    if stats.mood is None or stats.confidence is None:
        return none
    count = f"{stats.count} check-in{'s' if stats.count != 1 else ''}"
    return f"mood {stats.mood:.1f}/5, confidence {stats.confidence:.1f}/10 ({count})"


def _signed(change: float | None) -> str | None:
    return None if change is None else f"{change:+.1f}"


def chart_day(day: date) -> str:
    """A local date as "1 Dec": short enough for a chart's axis and a phone's caption."""
    return f"{day.day} {day:%b}"


MARKS_IN_CAPTION = 6  # a 90-day chart rarely has more; the newest are the ones that matter


def _marks_line(marks: Sequence[JourneyMark]) -> str:
    shown = [
        f"a setback on {chart_day(m.day)}"
        if m.setback
        else f"{milestone_label(m.days)} on {chart_day(m.day)}"
        for m in marks[-MARKS_IN_CAPTION:]
    ]
    return "Marked on the chart: " + ", ".join(shown) + "."


def trend_summary(summary: TrendSummary, marks: Sequence[JourneyMark] = ()) -> str:
    """The chart's caption: this period, the one before in plain words, the streak, and the
    journey's milestones and setbacks when the chart marks any."""
    current, previous = summary.current, summary.previous
    lines = [f"Last {summary.days} days: {_averages(current, 'no check-ins')}."]
    mood = _signed(summary.mood_change)
    confidence = _signed(summary.confidence_change)
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


def chart_file(days: int) -> str:
    """The chart's file name, as Telegram keeps it with the picture."""
    return f"trends-{days}d.png"
