"""Charts read at phone width: text size measured in the PNG, whole dots, dates, marks."""

from __future__ import annotations

import io
import itertools
import warnings
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from bot.charts import (
    DOT_PT,
    DPI,
    PHONE_PX,
    label_positions,
    png_bytes,
    text_px,
    trend_figure,
    weekly_figure,
)
from bot.i18n import speaking
from bot.i18n.languages import SHIPPED, SOURCE_LANGUAGE
from bot.journey.service import JourneyMark
from bot.texts import trends as trend_texts
from storage.checkins import CheckinRow

LAST = date(2026, 12, 1)
INK_BELOW = 128  # a pixel darker than mid-grey is ink: text is #222, frame and grid lighter


def checkins(days: int) -> list[CheckinRow]:
    """A check-in on most days, at every value of both scales, the ends included."""
    return [
        CheckinRow(LAST - timedelta(days=ago), 1 + ago % 5, (ago * 3) % 11, False)
        for ago in range(days)
        if ago % 4 != 2
    ]


def trend(days: int, marks: list[JourneyMark] | None = None) -> Figure:
    first = LAST - timedelta(days=days - 1)
    return trend_figure(
        checkins(days), first, LAST, trend_texts.chart_title(days, LAST), marks or []
    )


def weekly() -> Figure:
    starts = [LAST - timedelta(days=LAST.weekday(), weeks=w) for w in range(7, -1, -1)]
    groups = ["All members", "Morning Walkers", "A circle with a forty-character long name"]
    return weekly_figure(
        {
            name: [(s, 1 + (i + g) % 5, (i * 3 + g) % 11) for i, s in enumerate(starts)]
            for g, name in enumerate(groups)
        },
        "Weekly means by group",
    )


def shown_texts(figure: Figure) -> list[Text]:
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    return [
        t
        for t in figure.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.get_window_extent(renderer).width > 0
    ]


def ink_heights_at_phone_width(figure: Figure) -> dict[str, float]:
    """Each text's ink height, in px, in the PNG scaled down to 360 px wide as a phone shows
    it: rows holding ink inside the text's box, from its first to its last."""
    png = png_bytes(figure)  # draws the figure, so the boxes below are where the text went
    image = Image.open(io.BytesIO(png)).convert("L")
    scale = PHONE_PX / image.width
    phone = np.asarray(
        image.resize((PHONE_PX, round(image.height * scale)), Image.Resampling.LANCZOS)
    )
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    heights: dict[str, float] = {}
    for text in shown_texts(figure):
        box = text.get_window_extent(renderer)  # natural px, y up from the bottom
        top = int((image.height - box.y1) * scale) - 1
        bottom = int((image.height - box.y0) * scale) + 2
        left, right = int(box.x0 * scale), int(box.x1 * scale) + 1
        rows = np.flatnonzero(
            (phone[max(top, 0) : bottom, max(left, 0) : right] < INK_BELOW).any(axis=1)
        )
        heights[text.get_text()] = float(rows[-1] - rows[0] + 1) if rows.size else 0.0
    return heights


def test_every_text_is_at_least_10_px_tall_at_phone_width() -> None:
    for figure in (trend(7), trend(30), trend(90, [JourneyMark(LAST, setback=True)]), weekly()):
        width_px = figure.get_figwidth() * DPI
        # The font size says how tall the text is set (its em)...
        for text in shown_texts(figure):
            assert text_px(int(width_px), PHONE_PX, text.get_fontsize()) >= 10, text
        # ...and the PNG says how tall it came out: ink from the top of a digit or capital
        # to the bottom of the lowest glyph, measured after scaling to 360 px wide.
        heights = ink_heights_at_phone_width(figure)
        assert heights and min(heights.values()) >= 10, heights
        # Dates and scales are digits and capitals: ink about 0.73 of the em, 12 px.
        assert min(heights[t.get_text()] for t in figure.axes[2].get_xticklabels()) >= 11
        assert min(heights[t.get_text()] for t in figure.axes[2].get_yticklabels()) >= 11


def test_the_measurement_finds_the_4_px_labels_the_issue_saw() -> None:
    """The same measurement on the chart as it was (8 x 5 in at 100 dpi, 10 pt labels)."""
    before = Figure(figsize=(8, 5), dpi=100, layout="constrained")
    FigureCanvasAgg(before)
    mood_axes, confidence_axes = before.subplots(2, 1, sharex=True)
    mood_axes.plot([0, 1, 2], [1, 5, 3])
    confidence_axes.plot([0, 1, 2], [0, 10, 4])
    mood_axes.set_ylim(1, 5)
    confidence_axes.set_ylim(0, 10)
    heights = ink_heights_at_phone_width(before)
    labels = [t.get_text() for t in mood_axes.get_yticklabels() if t.get_text() in heights]
    assert labels and max(heights[label] for label in labels) <= 5, heights


def test_dates_are_short_local_days_back_from_the_last() -> None:
    labels = [t.get_text() for t in trend(30).axes[2].get_xticklabels()]
    assert labels == ["3 Nov", "10 Nov", "17 Nov", "24 Nov", "1 Dec"]
    assert [t.get_text() for t in trend(7).axes[2].get_xticklabels()] == [
        "25 Nov",
        "27 Nov",
        "29 Nov",
        "1 Dec",
    ]


@given(st.integers(min_value=1, max_value=400))
def test_at_most_five_evenly_spaced_date_labels_ending_at_the_last(count: int) -> None:
    shown = label_positions(count)
    assert 1 <= len(shown) <= 5 and shown[-1] == count - 1 and shown[0] >= 0
    assert len({b - a for a, b in itertools.pairwise(shown)}) <= 1


def test_dots_at_the_ends_of_both_scales_are_whole() -> None:
    first = LAST - timedelta(days=29)
    rows = [
        CheckinRow(first, 1, 0, False),
        CheckinRow(first + timedelta(1), 5, 10, False),
        CheckinRow(LAST - timedelta(1), 5, 0, False),
        CheckinRow(LAST, 1, 10, False),
    ]
    figure = trend_figure(rows, first, LAST, "ends")
    png = np.asarray(Image.open(io.BytesIO(png_bytes(figure))).convert("RGB")).astype(int)
    radius = DOT_PT / 2 * DPI / 72
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    for axes in figure.axes[1:]:
        frame = axes.get_window_extent(renderer)
        dots = axes.lines[0]
        centres = axes.transData.transform(dots.get_xydata())  # type: ignore[no-untyped-call]
        colour = np.array([int(dots.get_color()[i : i + 2], 16) for i in (1, 3, 5)])
        for x, y in centres[~np.isnan(centres).any(axis=1)]:
            # The whole dot lies inside the panel, so nothing clips it...
            assert frame.x0 <= x - radius and x + radius <= frame.x1
            assert frame.y0 <= y - radius and y + radius <= frame.y1
            # ...and the PNG shows it: its colour near its top and bottom edges.
            for edge in (y - 0.8 * radius, y + 0.8 * radius):
                pixel = png[png.shape[0] - int(edge) - 1, int(x)]
                assert np.abs(pixel - colour).max() < 40, (x, y, pixel)


def test_milestones_and_setbacks_are_lines_through_both_panels_with_a_legend() -> None:
    marks = [
        JourneyMark(LAST - timedelta(days=20), setback=False, days=7),
        JourneyMark(LAST - timedelta(days=5), setback=True),
    ]
    figure = trend(30, marks)
    for axes in figure.axes[1:]:
        upright = sorted(line.get_xdata()[0] for line in axes.lines[2:])  # type: ignore[index]
        assert upright == [9, 24]  # days from the first of the 30
    legend = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]  # type: ignore[union-attr]
    assert legend == [
        trend_texts.chart_daily(),
        trend_texts.chart_average(),
        trend_texts.chart_milestone(),
        trend_texts.chart_setback(),
    ]
    plain = [t.get_text() for t in trend(30).axes[0].get_legend().get_texts()]  # type: ignore[union-attr]
    assert plain == [trend_texts.chart_daily(), trend_texts.chart_average()]


def test_a_period_without_check_ins_says_so_in_words() -> None:
    first = LAST - timedelta(days=6)
    figure = trend_figure([], first, LAST, "empty")
    said = [t.get_text() for t in shown_texts(figure)]
    assert said.count("no check-ins then") == 2


def test_a_long_circle_name_is_cut_to_fit_the_legend() -> None:
    legend = [t.get_text() for t in weekly().axes[0].get_legend().get_texts()]  # type: ignore[union-attr]
    assert legend[:2] == ["All members", "Morning Walkers"]
    assert legend[2] == "A circle with a forty-c…" and len(legend[2]) == 24


def test_the_measures_chart_ticks_whole_steps_and_spreads_its_date_labels() -> None:
    from bot.charts import _even_ticks, _spaced_days

    assert _even_ticks(10, 40) == [10, 20, 30, 40]
    assert _even_ticks(0, 100) == [0, 25, 50, 75, 100]
    days = [date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 20), date(2026, 2, 1)]
    # Two scores a day apart do not both get a label (they printed over each other).
    assert _spaced_days(days, 31 / 4) == [date(2026, 1, 1), date(2026, 1, 20), date(2026, 2, 1)]


def chart_words(days: int) -> set[str]:
    """Every word of ours a /trends chart with a milestone and a setback shows."""
    return {
        trend_texts.chart_title(days, LAST),
        trend_texts.chart_mood(),
        trend_texts.chart_confidence(),
        trend_texts.chart_daily(),
        trend_texts.chart_average(),
        trend_texts.chart_milestone(),
        trend_texts.chart_setback(),
        trend_texts.chart_day(LAST),
    }


@pytest.mark.parametrize("language", [x for x in SHIPPED if x != SOURCE_LANGUAGE])
def test_a_chart_speaks_the_members_language_with_every_glyph(language: str) -> None:
    """Title, headings, legend and dates in the member's language, every letter drawn (a
    font without Cyrillic would draw boxes and warn "Glyph … missing")."""
    marks = [
        JourneyMark(LAST - timedelta(days=20), setback=False, days=7),
        JourneyMark(LAST - timedelta(days=5), setback=True),
    ]
    with speaking(language):
        figure = trend(30, marks)
        expected = chart_words(30)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            png_bytes(figure)
    said = {t.get_text() for t in shown_texts(figure)}
    assert expected <= said, expected - said
    # No English left ("check-in" is the word Spanish and Portuguese apps use, too).
    left = said & chart_words(30) - {trend_texts.chart_daily()}
    assert not left, left
    assert [str(w.message) for w in caught if "missing" in str(w.message)] == []
