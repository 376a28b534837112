"""Trend charts: mood and confidence per day with a rolling average; missing days are gaps.

Rendering is CPU work, so callers run `render_trend_png` in a thread. It uses matplotlib's
object API with the Agg canvas (no pyplot global state), which is safe off the main thread.
"""

from __future__ import annotations

import io
import math
from datetime import date, timedelta

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from storage.checkins import CheckinRow

ROLLING_DAYS = 7
MOOD_COLOUR = "#3b7dd8"
CONFIDENCE_COLOUR = "#2a9d6f"


def daily_series(checkins: list[CheckinRow], first: date, last: date) -> tuple[
    list[date], list[float], list[float]
]:  # fmt: skip
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


def render_trend_png(checkins: list[CheckinRow], first: date, last: date, title: str) -> bytes:
    days, mood, confidence = daily_series(checkins, first, last)
    figure = Figure(figsize=(8, 5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    mood_axes, confidence_axes = figure.subplots(2, 1, sharex=True)
    for axes, values, colour, label, top in (
        (mood_axes, mood, MOOD_COLOUR, "Mood (1-5)", 5),
        (confidence_axes, confidence, CONFIDENCE_COLOUR, "Confidence (0-10)", 10),
    ):
        axes.plot(days, values, marker="o", markersize=4, linewidth=1.5, color=colour,
                  label="daily")  # fmt: skip
        axes.plot(days, rolling_mean(values), linestyle="--", linewidth=2, color=colour,
                  alpha=0.55, label=f"{ROLLING_DAYS}-day average")  # fmt: skip
        axes.set_ylim(0 if top == 10 else 1, top)
        axes.set_ylabel(label)
        axes.grid(alpha=0.3)
        axes.legend(loc="upper left", fontsize="small", frameon=False)
    return _png(figure, title)


def render_weekly_png(weeks: dict[str, list[tuple[date, float, float]]], title: str) -> bytes:
    """Weekly mean mood and confidence, one line per group; NaN (a hidden week) is a gap."""
    figure = Figure(figsize=(8, 5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    mood_axes, confidence_axes = figure.subplots(2, 1, sharex=True)
    for name, points in weeks.items():
        starts = [start for start, _, _ in points]
        mood_axes.plot(starts, [m for _, m, _ in points], marker="o", label=name)
        confidence_axes.plot(starts, [c for _, _, c in points], marker="o", label=name)
    for axes, label, low, top in ((mood_axes, "Mean mood (1-5)", 1, 5),
                                  (confidence_axes, "Mean confidence (0-10)", 0, 10)):  # fmt: skip
        axes.set_ylim(low, top)
        axes.set_ylabel(label)
        axes.grid(alpha=0.3)
    mood_axes.legend(loc="upper left", fontsize="small", frameon=False)
    return _png(figure, title)


def _png(figure: Figure, title: str) -> bytes:
    figure.suptitle(title)
    figure.autofmt_xdate()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
