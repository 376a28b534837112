"""/trends words: the chart's caption, title, axis words and period buttons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from bot.i18n import _, formats, ngettext, npgettext, pgettext
from bot.texts.journey import milestone_label

if TYPE_CHECKING:
    from bot.checkins.rules import PeriodStats, TrendSummary
    from bot.journey.rules import JourneyMark


def _last_days(days: int, stats: PeriodStats) -> str:
    """This period's averages, or that it had no check-ins."""
    if stats.mood is None or stats.confidence is None:
        return ngettext(
            "Last {days} day: no check-ins.", "Last {days} days: no check-ins.", days
        ).format(days=days)
    # Translators: {days} is the chart's period (7, 30 or 90 days); {mood} and {confidence}
    # are averages, as "3.4"; {count} is the number of check-ins in those days.
    return ngettext(
        "Last {days} days: mood {mood}/5, confidence {confidence}/10 ({count} check-in).",
        "Last {days} days: mood {mood}/5, confidence {confidence}/10 ({count} check-ins).",
        stats.count,
    ).format(
        days=days,
        mood=formats.fixed(stats.mood),
        confidence=formats.fixed(stats.confidence),
        count=stats.count,
    )


def _days_before(days: int, stats: PeriodStats) -> str:
    """The period before's averages, or that it had no check-ins."""
    if stats.mood is None or stats.confidence is None:
        return ngettext(
            "The {days} day before: no check-ins then.",
            "The {days} days before: no check-ins then.",
            days,
        ).format(days=days)
    # Translators: {days} is the chart's period (7, 30 or 90 days); {mood} and {confidence}
    # are averages, as "3.4"; {count} is the number of check-ins in those days.
    return ngettext(
        "The {days} days before: mood {mood}/5, confidence {confidence}/10 ({count} check-in).",
        "The {days} days before: mood {mood}/5, confidence {confidence}/10 ({count} check-ins).",
        stats.count,
    ).format(
        days=days,
        mood=formats.fixed(stats.mood),
        confidence=formats.fixed(stats.confidence),
        count=stats.count,
    )


def _signed(change: float | None) -> str | None:
    return None if change is None else formats.fixed(change, signed=True)


def chart_day(day: date) -> str:
    """A local date as "1 Dec": short enough for a chart's axis and a phone's caption."""
    return formats.day_month(day)


MARKS_IN_CAPTION = 6  # a 90-day chart rarely has more; the newest are the ones that matter


def _mark(mark: JourneyMark) -> str:
    if mark.setback:
        # Translators: an item of "Marked on the chart: …"; {day} is a date as "6 Mar".
        return _("a setback on {day}").format(day=chart_day(mark.day))
    # Translators: an item of "Marked on the chart: …"; {milestone} is a time in recovery,
    # as "30 days" or "1 year", {day} a date as "6 Mar".
    return _("{milestone} on {day}").format(
        milestone=milestone_label(mark.days), day=chart_day(mark.day)
    )


def _marks_line(marks: Sequence[JourneyMark]) -> str:
    # Translators: separates the items of "Marked on the chart: …".
    separator = pgettext("list separator", ", ")
    shown = separator.join(_mark(m) for m in marks[-MARKS_IN_CAPTION:])
    # Translators: {marks} lists milestones and setbacks, as "30 days on 4 Mar, a setback
    # on 6 Mar".
    return _("Marked on the chart: {marks}.").format(marks=shown)


def trend_summary(summary: TrendSummary, marks: Sequence[JourneyMark] = ()) -> str:
    """The chart's caption: this period, the one before in plain words, the streak, and the
    journey's milestones and setbacks when the chart marks any."""
    current, previous = summary.current, summary.previous
    lines = [_last_days(summary.days, current)]
    mood = _signed(summary.mood_change)
    confidence = _signed(summary.confidence_change)
    if mood is None or confidence is None:  # one of the two periods had no check-ins
        lines.append(_days_before(summary.days, previous))
    else:
        lines.append(
            # Translators: {mood} and {confidence} are changes in the averages, as "+0.4"
            # or "-1.2"; {days} is the chart's period (7, 30 or 90 days).
            ngettext(
                "Compared with the {days} day before: mood {mood}, confidence {confidence}.",
                "Compared with the {days} days before: mood {mood}, confidence {confidence}.",
                summary.days,
            ).format(days=summary.days, mood=mood, confidence=confidence)
        )
    lines.append(
        ngettext("Streak: {count} day.", "Streak: {count} days.", summary.streak).format(
            count=summary.streak
        )
    )
    if marks:
        lines.append(_marks_line(marks))
    return "\n".join(lines)


def no_checkins_yet() -> str:
    return _("There's nothing to chart yet. Your first check-in starts your trend: /checkin.")


def chart_title(days: int, last_day: date) -> str:
    # Translators: the chart's title; {day} is its last day, as "7 Dec".
    return ngettext("Your {days} day to {day}", "Your {days} days to {day}", days).format(
        days=days, day=chart_day(last_day)
    )


# Words on the /trends chart itself; it is read at phone width, so they stay short.
def chart_mood() -> str:
    # Translators: a chart's heading; keep it short (the chart is read on a phone).
    return _("Mood, 1 to 5")


def chart_confidence() -> str:
    # Translators: a chart's heading; keep it short (the chart is read on a phone).
    return _("Confidence, 0 to 10")


def chart_daily() -> str:
    # Translators: the chart's legend for a dot, one a check-in; a word or two.
    return pgettext("chart legend", "check-in")


def chart_average() -> str:
    # Translators: the chart's legend for the line through the dots; a word or two.
    return pgettext("chart legend", "7-day average")


def chart_milestone() -> str:
    # Translators: the chart's legend for a line marking a milestone in recovery.
    return pgettext("chart legend", "milestone")


def chart_setback() -> str:
    # Translators: the chart's legend for a line marking a setback in recovery.
    return pgettext("chart legend", "setback")


def chart_no_checkins() -> str:
    # Translators: written across an empty chart panel: no check-ins in that period.
    return pgettext("chart label", "no check-ins then")


def period_label(days: int, shown: bool) -> str:
    """A period button; the one on screen is ticked, as the chart is edited in place."""
    # Translators: a button choosing the chart's period (7, 30 or 90 days).
    label = npgettext("chart period button", "{count} day", "{count} days", days).format(
        count=days
    )
    return f"✓ {label}" if shown else label


def chart_file(days: int) -> str:
    """The chart's file name, as Telegram keeps it with the picture."""
    return f"trends-{days}d.png"
