"""Charts read on a phone: a member's mood and confidence by day, and /stats' weekly means.

Telegram shows a photo about 360 px wide on a phone. Every chart is WIDTH_IN wide with all
its text at TEXT_PT, so there its text is TEXT_PT / 72 * 360 / WIDTH_IN = 16.7 px (digits
and capitals about 12 px of ink); `text_px` says it for any width. Rendering is CPU work,
so callers run the render functions in a thread. They use matplotlib's object API with
the Agg canvas and set every size on the artist itself (rcParams are process-wide state,
not safe across threads).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bot.journey.rules import JourneyMark
from bot.texts import trends as trend_texts
from storage.checkins import CheckinRow

ROLLING_DAYS = 7
PHONE_PX = 360  # the width Telegram shows a photo at on a phone
WIDTH_IN = 4.5
DPI = 200  # 900 px wide: sharp on 2-3x phone screens, within Telegram's 1280-px photos
TEXT_PT = 15.0  # every text on a chart: ticks, headings, legend
TITLE_PT = 16.0
TREND_HEIGHT_IN = 5.4  # plus two legend rows: 4.5 x 6 in, portrait as a phone is held
WEEKLY_HEIGHT_IN = 5.4  # plus a legend row per group
LEGEND_ROW_IN = 0.3
DOT_PT = 7
MOST_DATE_LABELS = 5
LEGEND_NAME_CHARS = 24

INK = "#222222"  # text: the darkest thing on a chart, so its size can be measured
FRAME = "#9a9a9a"
GRID = "#e4e4e4"
MOOD_COLOUR = "#3b7dd8"
CONFIDENCE_COLOUR = "#2a9d6f"
MILESTONE_COLOUR = "#e0a526"
SETBACK_COLOUR = "#8a7fb0"
GROUP_COLOURS = (
    "#1f4e79",
    "#d9822b",
    "#2a9d6f",
    "#c0504d",
    "#7b5ea7",
    "#3b9fc4",
    "#8c6d31",
    "#d46a9f",
)

# Half a step of room beyond each scale's ends, so a dot at 1 or 5 (0 or 10) is whole.
MOOD_SCALE = (1, 5, range(1, 6))
CONFIDENCE_SCALE = (0, 10, range(0, 11, 2))
EDGE_ROOM = 0.45


def text_px(
    width_px: int, shown_px: float = PHONE_PX, size_pt: float = TEXT_PT, dpi: float = DPI
) -> float:
    """The height (em) in screen px of `size_pt` text on a `width_px`-wide chart PNG shown
    `shown_px` wide."""
    return size_pt * dpi / 72 * shown_px / width_px


def daily_series(
    checkins: list[CheckinRow], first: date, last: date
) -> tuple[list[date], list[float], list[float]]:
    """One value a day from `first` to `last`; NaN where there was no check-in."""
    by_day = {c.local_date: c for c in checkins}
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    mood = [float(by_day[d].mood) if d in by_day else math.nan for d in days]
    confidence = [float(by_day[d].confidence) if d in by_day else math.nan for d in days]
    return days, mood, confidence


def rolling_mean(values: list[float], window: int = ROLLING_DAYS) -> list[float]:
    """Mean of the values present in the last `window` days; NaN where there are none."""
    out: list[float] = []
    for i in range(len(values)):
        present = [v for v in values[max(0, i - window + 1) : i + 1] if not math.isnan(v)]
        out.append(sum(present) / len(present) if present else math.nan)
    return out


def label_positions(count: int, most: int = MOST_DATE_LABELS) -> list[int]:
    """Which of `count` evenly spaced points get a date label: the last one (today, or
    this week) and back from it in steps of a day, two days, a week or four weeks, no
    more than `most` labels, so "28 Feb" never crowds its neighbour at phone width."""
    step = next((s for s in (1, 2, 7, 14, 28) if (count - 1) // s + 1 <= most), count)
    return list(range(count - 1, -1, -step))[::-1]


def trend_figure(
    checkins: list[CheckinRow],
    first: date,
    last: date,
    title: str,
    marks: Sequence[JourneyMark] = (),
) -> Figure:
    """Mood above, confidence below, a dot per check-in with the 7-day average; gaps where
    there was none; milestones and setbacks as vertical lines through both."""
    days, mood, confidence = daily_series(checkins, first, last)
    x = list(range(len(days)))
    figure, legend_axes, mood_axes, confidence_axes = _panels(TREND_HEIGHT_IN, 2)
    for axes, values, colour, heading, scale in (
        (mood_axes, mood, MOOD_COLOUR, trend_texts.chart_mood(), MOOD_SCALE),
        (
            confidence_axes,
            confidence,
            CONFIDENCE_COLOUR,
            trend_texts.chart_confidence(),
            CONFIDENCE_SCALE,
        ),
    ):
        _scale(axes, heading, scale)
        axes.plot(
            x,
            values,
            linestyle="none",
            marker="o",
            markersize=DOT_PT,
            color=colour,
            clip_on=False,
            zorder=3,
        )
        axes.plot(
            x,
            rolling_mean(values),
            linewidth=2.5,
            color=colour,
            alpha=0.55,
            clip_on=False,
            zorder=2,
        )
        if all(math.isnan(v) for v in values):
            axes.text(
                0.5,
                0.5,
                trend_texts.chart_no_checkins(),
                transform=axes.transAxes,
                ha="center",
                va="center",
                fontsize=TEXT_PT,
                color=INK,
            )
        for mark in marks:
            if first <= mark.day <= last:
                axes.axvline((mark.day - first).days, zorder=1, **_mark_style(mark.setback))
    _date_axis(confidence_axes, days)
    confidence_axes.set_xlim(-0.6, len(days) - 0.4)
    legend = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=DOT_PT,
            color=INK,
            label=trend_texts.chart_daily(),
        ),
        Line2D([], [], linewidth=2.5, color=INK, alpha=0.55, label=trend_texts.chart_average()),
    ]
    for setback, label in (
        (False, trend_texts.chart_milestone()),
        (True, trend_texts.chart_setback()),
    ):
        if any(m.setback == setback and first <= m.day <= last for m in marks):
            legend.append(Line2D([], [], label=label, **_mark_style(setback)))
    _title_and_legend(figure, legend_axes, title, legend, columns=2)
    return figure


def render_trend_png(
    checkins: list[CheckinRow],
    first: date,
    last: date,
    title: str,
    marks: Sequence[JourneyMark] = (),
) -> bytes:
    return png_bytes(trend_figure(checkins, first, last, title, marks))


def weekly_figure(
    weeks: dict[str, list[tuple[date, float, float]]],
    title: str,
    headings: tuple[str, str] | None = None,
) -> Figure:
    """Weekly mean mood and confidence, one line per group; NaN (a hidden week) is a gap.
    `headings` name the two panels (the /trends chart's own by default)."""
    if headings is None:
        headings = (trend_texts.chart_mood(), trend_texts.chart_confidence())
    starts = sorted({start for points in weeks.values() for start, _, _ in points})
    position = {start: i for i, start in enumerate(starts)}
    figure, legend_axes, mood_axes, confidence_axes = _panels(WEEKLY_HEIGHT_IN, len(weeks))
    _scale(mood_axes, headings[0], MOOD_SCALE)
    _scale(confidence_axes, headings[1], CONFIDENCE_SCALE)
    legend = []
    for index, (name, points) in enumerate(weeks.items()):
        colour = GROUP_COLOURS[index % len(GROUP_COLOURS)]
        x = [position[start] for start, _, _ in points]
        for axes, values in (
            (mood_axes, [m for _, m, _ in points]),
            (confidence_axes, [c for _, _, c in points]),
        ):
            axes.plot(
                x,
                values,
                marker="o",
                markersize=DOT_PT,
                linewidth=2.2,
                color=colour,
                clip_on=False,
                zorder=3,
            )
        legend.append(
            Line2D(
                [],
                [],
                marker="o",
                markersize=DOT_PT,
                linewidth=2.2,
                color=colour,
                label=_shortened(name),
            )
        )
    _date_axis(confidence_axes, starts)
    confidence_axes.set_xlim(-0.4, max(len(starts) - 0.6, 0.4))
    _title_and_legend(figure, legend_axes, title, legend, columns=1)
    return figure


def render_weekly_png(
    weeks: dict[str, list[tuple[date, float, float]]],
    title: str,
    headings: tuple[str, str] | None = None,
) -> bytes:
    return png_bytes(weekly_figure(weeks, title, headings))


def png_bytes(figure: Figure) -> bytes:
    """The PNG at the figure's own dpi (DPI for every chart here)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi="figure", facecolor="white")
    return buffer.getvalue()


def _panels(height_in: float, legend_rows: int) -> tuple[Figure, Axes, Axes, Axes]:
    """A figure with room for the legend on top (under the title), then the mood and the
    confidence panels sharing their dates."""
    legend_in = LEGEND_ROW_IN * legend_rows
    figure = Figure(figsize=(WIDTH_IN, height_in + legend_in), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    panel_in = (height_in - 1.0) / 2  # what the title and the date labels leave
    grid = figure.add_gridspec(3, 1, height_ratios=(legend_in, panel_in, panel_in))
    legend_axes = figure.add_subplot(grid[0])
    legend_axes.axis("off")
    mood_axes = figure.add_subplot(grid[1])
    confidence_axes = figure.add_subplot(grid[2], sharex=mood_axes)
    mood_axes.tick_params(labelbottom=False)
    return figure, legend_axes, mood_axes, confidence_axes


def _scale(axes: Axes, heading: str, scale: tuple[float, float, Sequence[float]]) -> None:
    """A panel's heading, its value axis from low to top (room at both ends so points at
    the limits are not clipped) with these ticks, and the charts' common style."""
    low, top, ticks = scale
    axes.set_ylim(low - EDGE_ROOM * (top - low) / 4, top + EDGE_ROOM * (top - low) / 4)
    axes.set_yticks(list(ticks), [f"{tick:g}" for tick in ticks])
    axes.set_title(heading, loc="left", fontsize=TEXT_PT, color=INK, pad=8)
    axes.tick_params(labelsize=TEXT_PT, labelcolor=INK, color=FRAME, length=4)
    axes.grid(axis="y", color=GRID, linewidth=1)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(FRAME)


def _date_axis(axes: Axes, days: list[date]) -> None:
    shown = label_positions(len(days))
    axes.set_xticks(shown, [trend_texts.chart_day(days[i]) for i in shown])


def _shortened(name: str) -> str:
    """A circle's name (up to 40 characters) cut to what fits across the chart."""
    return name if len(name) <= LEGEND_NAME_CHARS else name[: LEGEND_NAME_CHARS - 1] + "…"


def _mark_style(setback: bool) -> dict[str, Any]:
    if setback:
        return {"color": SETBACK_COLOUR, "linewidth": 2, "linestyle": (0, (2, 1.5))}
    return {"color": MILESTONE_COLOUR, "linewidth": 2, "linestyle": "-", "alpha": 0.8}


def _title_and_legend(
    figure: Figure, legend_axes: Axes, title: str, legend: list[Line2D], columns: int
) -> None:
    figure.suptitle(title, fontsize=TITLE_PT, color=INK, weight="bold")
    legend_axes.legend(
        handles=legend,
        loc="center",
        ncols=columns,
        frameon=False,
        fontsize=TEXT_PT,
        labelcolor=INK,
        handlelength=1.6,
        columnspacing=1.2,
        borderaxespad=0,
        borderpad=0,
    )


MEASURES_PANEL_IN = 2.3


def measures_figure(
    series: Sequence[tuple[str, tuple[float, float], Sequence[tuple[date, float]]]],
    title: str,
) -> Figure:
    """One small panel per questionnaire (name, scale, scores by day), each on its own scale,
    sharing the dates: a member's own scores over time (/measures)."""
    days = sorted({day for _, _, points in series for day, _ in points})
    first = days[0]
    figure = Figure(
        figsize=(WIDTH_IN, 1.0 + MEASURES_PANEL_IN * len(series)), dpi=DPI, layout="constrained"
    )
    FigureCanvasAgg(figure)
    figure.suptitle(title, fontsize=TITLE_PT, color=INK, weight="bold")
    panels = figure.subplots(len(series), 1, sharex=True, squeeze=False)
    for index, (name, (low, high), points) in enumerate(series):
        axes = panels[index][0]
        _scale(axes, name, (low, high, _even_ticks(low, high)))
        axes.plot(
            [(day - first).days for day, _ in points],
            [value for _, value in points],
            marker="o",
            markersize=DOT_PT,
            linewidth=2.2,
            color=GROUP_COLOURS[index % len(GROUP_COLOURS)],
            clip_on=False,
            zorder=3,
        )
    bottom = panels[-1][0]
    span = max((days[-1] - first).days, 1)
    shown = _spaced_days(days, span / (MOST_DATE_LABELS - 1))
    bottom.set_xticks(
        [(day - first).days for day in shown], [trend_texts.chart_day(day) for day in shown]
    )
    bottom.set_xlim(-0.05 * span, span * 1.05)
    return figure


def _even_ticks(low: float, high: float) -> list[float]:
    """Ticks at whole steps where a scale allows (10 to 40 in tens, 0 to 100 in 25s)."""
    for parts in (4, 3, 5, 2):
        step = (high - low) / parts
        if step == int(step):
            return [low + step * i for i in range(parts + 1)]
    return [low, high]


def _spaced_days(days: Sequence[date], gap: float) -> list[date]:
    """Days to label, at least `gap` days apart, the first always (scores come at uneven
    intervals, so evenly spaced positions would crowd labels together)."""
    shown = [days[0]]
    for day in days[1:]:
        if (day - shown[-1]).days >= gap:
            shown.append(day)
    return shown


def render_measures_png(
    series: Sequence[tuple[str, tuple[float, float], Sequence[tuple[date, float]]]],
    title: str,
) -> bytes:
    return png_bytes(measures_figure(series, title))
