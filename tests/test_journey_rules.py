"""Journey rules: milestone dates, stats across setbacks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.journey.rules import (
    JourneyView,
    Sharing,
    may_share_again,
    valid_setback,
    valid_start,
)
from bot.journey.service import (
    Journey,
    is_milestone,
    journey_marks,
    journey_stats,
    milestone_after,
    milestone_label,
    next_milestone_date,
)


@pytest.mark.parametrize(
    ("days", "after"),
    [(0, 1), (1, 7), (6, 7), (7, 14), (29, 30), (90, 180), (364, 365), (365, 730), (800, 1095)],
)
def test_milestone_after(days: int, after: int) -> None:
    assert milestone_after(days) == after


def test_milestones_and_labels() -> None:
    assert [d for d in range(0, 1100) if is_milestone(d)] == [
        1,
        7,
        14,
        30,
        60,
        90,
        180,
        365,
        730,
        1095,
    ]
    assert milestone_label(30) == "30 days" and milestone_label(1) == "1 day"
    assert milestone_label(730) == "2 years" and milestone_label(365) == "1 year"


def test_next_milestone_date_counts_from_day_zero() -> None:
    start = date(2026, 3, 1)
    assert next_milestone_date(start, date(2026, 3, 1)) == (1, date(2026, 3, 2))
    assert next_milestone_date(start, date(2026, 3, 8)) == (7, date(2026, 3, 8))  # today
    assert next_milestone_date(start, date(2026, 3, 9)) == (14, date(2026, 3, 15))


@given(st.integers(0, 5000))
def test_milestone_after_is_a_later_milestone(days: int) -> None:
    after = milestone_after(days)
    assert after > days and is_milestone(after)
    assert not any(is_milestone(d) for d in range(days + 1, after))


def test_stats_keep_history_through_setbacks() -> None:
    today = date(2026, 3, 20)
    journeys = [
        Journey(date(2025, 12, 1), date(2026, 2, 10)),  # 71 days, 40 of them in 2026
        Journey(date(2026, 2, 11), date(2026, 3, 5)),  # 22 days, 4 of them in March
        Journey(date(2026, 3, 6), None),  # 14 days so far
    ]
    stats = journey_stats(journeys, today)
    assert stats.journeys == 3
    assert stats.longest == 71
    assert stats.days_this_month == 4 + 14
    assert stats.days_this_year == 40 + 22 + 14


def test_chart_marks_are_milestones_reached_and_setbacks_in_the_period() -> None:
    first, last = date(2026, 2, 1), date(2026, 3, 2)
    journeys = [
        Journey(date(2025, 12, 1), date(2026, 2, 10)),  # 30 and 60 days, then a setback
        Journey(date(2026, 2, 11), None),  # 1, 7 and 14 days so far
    ]
    marks = [(m.day, m.setback, m.days) for m in journey_marks(journeys, first, last)]
    assert marks == [
        (date(2026, 2, 10), True, 0),
        (date(2026, 2, 12), False, 1),
        (date(2026, 2, 18), False, 7),
        (date(2026, 2, 25), False, 14),
    ]  # 30 days fell on 31 Dec and 60 on 30 Jan, before the period
    assert [m.days for m in journey_marks(journeys, date(2025, 12, 1), last)] == [
        1,
        7,
        14,
        30,
        60,
        0,
        1,
        7,
        14,
    ]


@given(st.dates(date(2000, 1, 1), date(2030, 1, 1)), st.integers(0, 800), st.integers(1, 120))
def test_chart_marks_are_milestones_on_their_day_inside_the_period(
    start: date, length: int, days: int
) -> None:
    last = start + timedelta(days=length)
    first = last - timedelta(days=days - 1)
    for mark in journey_marks([Journey(start, None)], first, last):
        assert first <= mark.day <= last and not mark.setback
        assert is_milestone(mark.days) and mark.day == start + timedelta(days=mark.days)
    every = [d for d in range(1, length + 1) if is_milestone(d)]
    shown = [m.days for m in journey_marks([Journey(start, None)], first, last)]
    assert shown == [d for d in every if start + timedelta(days=d) >= first]


def test_a_setback_cannot_be_in_the_future_and_a_start_not_either() -> None:
    today = date(2026, 3, 10)
    assert valid_setback(today, today) and valid_setback(date(2026, 1, 1), today)
    assert not valid_setback(today + timedelta(days=1), today)
    assert valid_start(today, today) and not valid_start(today + timedelta(days=1), today)
    assert not valid_start(today - timedelta(days=365 * 81), today)


def test_sharing_again_is_asked_at_milestones_of_a_week_or_more() -> None:
    assert [d for d in range(0, 400) if may_share_again(d)] == [7, 14, 30, 60, 90, 180, 365]
    assert not may_share_again(365 * 2740)  # past what a button's six digits can name


def test_the_journey_view_carries_its_next_milestone() -> None:
    today = date(2026, 3, 10)
    current = Journey(date(2026, 3, 3), None)  # 7 days today: the milestone is today
    view = JourneyView(current, [], today, journey_stats([current], today), Sharing.SHARED)
    assert (view.next_milestone, view.next_milestone_on) == (7, today)
    later = JourneyView(current, [], today + timedelta(days=1), view.stats, Sharing.SHARED)
    assert (later.next_milestone, later.next_milestone_on) == (14, date(2026, 3, 17))


def test_sharing_keeps_the_values_storage_keeps() -> None:
    from storage import journey as journey_rows

    assert [s.value for s in Sharing] == [
        journey_rows.UNASKED,
        journey_rows.PRIVATE,
        journey_rows.SHARED,
        journey_rows.HELD,
    ]
