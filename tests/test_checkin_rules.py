"""Check-in rules: streaks, averages, gentle support, trend lines, charts, filling in a day
later, and the weekly reflection."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.charts import daily_series, render_trend_png, rolling_mean
from bot.checkins.reflection import WeekSummary, milestones_between
from bot.checkins.service import (
    CheckinReflection,
    PeriodStats,
    SupportOffer,
    TrendSummary,
    change,
    checkin_reply,
    confidence_question,
    day_code,
    fillable,
    is_low,
    mood_question,
    needs_gentle_support,
    note_question,
    parse_checkin_day,
    parse_day_code,
    period_stats,
    streak,
    support_buttons,
)
from bot.journey.service import Journey, JourneyMark
from bot.texts import checkins as checkin_texts
from bot.texts import trends as trend_texts
from storage.checkins import CheckinRow

TODAY = date(2026, 3, 10)


def row(days_ago: int, mood: int = 3, confidence: int = 5) -> CheckinRow:
    return CheckinRow(TODAY - timedelta(days=days_ago), mood, confidence, False)


def test_streak_counts_consecutive_days_to_today_or_yesterday() -> None:
    day = TODAY
    assert streak([], day) == 0
    assert streak([day, day - timedelta(1), day - timedelta(2)], day) == 3
    assert streak([day - timedelta(1), day - timedelta(2)], day) == 2  # today still open
    assert streak([day - timedelta(2)], day) == 0
    assert streak([day, day - timedelta(2)], day) == 1


@given(st.sets(st.integers(0, 60)))
def test_streak_never_exceeds_the_days_given(offsets: set[int]) -> None:
    days = sorted((TODAY - timedelta(days=o) for o in offsets), reverse=True)
    result = streak(days, TODAY)
    assert 0 <= result <= len(days)
    if result:
        assert all(
            TODAY - timedelta(days=i) in days or TODAY - timedelta(days=i + 1) in days
            for i in range(result)
        )


def test_period_stats_and_change() -> None:
    rows = [row(0, 4, 8), row(1, 2, 6), row(8, 3, 5), row(9, 3, 3)]
    this_week = period_stats(rows, TODAY - timedelta(6), TODAY)
    last_week = period_stats(rows, TODAY - timedelta(13), TODAY - timedelta(7))
    assert (this_week.count, this_week.mood, this_week.confidence) == (2, 3.0, 7.0)
    assert (last_week.count, last_week.confidence) == (2, 4.0)
    assert change(this_week.confidence, last_week.confidence) == 3.0
    assert change(None, 4.0) is None


@pytest.mark.parametrize(
    ("recent", "expected"),
    [
        ([row(0, 2, 3), row(1, 1, 0), row(2, 5, 9)], True),
        ([row(0, 2, 3), row(1, 3, 3), row(2, 2, 2)], True),
        ([row(0, 2, 3), row(1, 3, 3), row(2, 4, 2)], True),  # confidence 2 is a hard day
        ([row(0, 2, 4), row(1, 3, 4), row(2, 4, 3)], False),
        ([row(0, 2, 9), row(1, 5, 2)], True),
        ([row(0, 1, 1)], False),
        ([row(0, 5, 9), row(1, 5, 9), row(2, 1, 1), row(3, 1, 1)], False),  # only the last 3
    ],
)
def test_gentle_support(recent: list[CheckinRow], expected: bool) -> None:
    assert needs_gentle_support(recent) is expected


def test_one_low_answer_is_a_hard_day() -> None:
    assert is_low(2, 9) and is_low(5, 2) and is_low(1, 0)
    assert not is_low(3, 3) and not is_low(5, 10)


def _offered(offer: SupportOffer) -> list[str]:
    return [label for r in support_buttons(offer) for label, _ in r]


def test_support_offers_the_circle_only_to_members_in_one() -> None:
    in_circle = _offered(SupportOffer(circle=True, moderators=True, has_plan=True))
    assert in_circle == [
        "Let my circle know",
        "Let my circle know it's me",
        "📋 My safety plan",
        "Crisis resources",
    ]
    alone = _offered(SupportOffer(circle=False, moderators=True, has_plan=False))
    assert alone == ["Talk to a moderator", "📋 Make a safety plan", "Crisis resources"]
    # No circle and no moderators: still the plan and the resources, never nothing.
    nobody = _offered(SupportOffer(circle=False, moderators=False, has_plan=True))
    assert nobody == ["📋 My safety plan", "Crisis resources"]
    for offer in (SupportOffer(True, True, True), SupportOffer(False, False, False)):
        assert "circle" not in checkin_texts.support_lines(offer) or offer.circle


def test_trend_lines_reflect_without_judging() -> None:
    assert "up 1.2 on last week" in checkin_texts.trend_line(1.2)
    assert "steady" in checkin_texts.trend_line(0.3)
    down = checkin_texts.trend_line(-1.5)
    assert "1.5 lower" in down and "fail" not in down.lower() and "bad" not in down.lower()
    assert "picture" in checkin_texts.trend_line(None)


def test_questions_carry_the_day_and_fit_telegram_limits() -> None:
    for message in (
        mood_question(TODAY),
        confidence_question(TODAY, 3),
        note_question(TODAY, 3, 10, True),
    ):
        for row_ in message.buttons:
            for _, data in row_:
                assert len(data.encode()) <= 64 and "20260310" in data
    assert [label for r in mood_question(TODAY).buttons for label, _ in r] == [
        "1 😞 awful",
        "2 🙁 bad",
        "3 😐 okay",
        "4 🙂 good",
        "5 😄 great",
    ]
    assert max(len(r) for r in mood_question(TODAY).buttons) <= 3  # whole words on a phone
    labels = [label for r in confidence_question(TODAY, 3).buttons for label, _ in r]
    assert labels == [str(n) for n in range(11)]
    assert parse_day_code("20260310") == TODAY
    # Too short or long, no such month or day, separators, words, full-width digits.
    forged = ["2026031", "202603100", "20261310", "20260230", "2026-3-1", "garbage", ""]
    forged.append("".join(chr(0xFF10 + int(d)) for d in "20260310"))
    for forged_code in forged:
        assert parse_day_code(forged_code) is None, forged_code


@given(st.dates())
def test_day_codes_round_trip(day: date) -> None:
    assert len(day_code(day)) == 8 and parse_day_code(day_code(day)) == day


def test_series_has_gaps_and_rolling_mean_skips_them() -> None:
    days, mood, _ = daily_series([row(0, 4, 8), row(2, 2, 6)], TODAY - timedelta(3), TODAY)
    assert len(days) == 4
    assert math.isnan(mood[0]) and mood[1] == 2.0 and math.isnan(mood[2]) and mood[3] == 4.0
    rolling = rolling_mean(mood, 7)
    assert math.isnan(rolling[0]) and rolling[1] == 2.0 and rolling[3] == 3.0


def test_chart_is_a_png() -> None:
    png = render_trend_png([row(0), row(3)], TODAY - timedelta(29), TODAY, "title")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(png[16:20], "big")
    assert width == 900  # 4.5 inches at 200 dpi: see tests/test_charts.py for why


def test_trend_summary_says_missing_periods_in_plain_words() -> None:
    def summary(current: PeriodStats, previous: PeriodStats) -> TrendSummary:
        return TrendSummary(7, current, previous, 2, [], TODAY - timedelta(6), TODAY)

    both = trend_texts.trend_summary(summary(PeriodStats(3, 4.0, 5.0), PeriodStats(2, 3.0, 7.0)))
    assert both == (
        "Last 7 days: mood 4.0/5, confidence 5.0/10 (3 check-ins).\n"
        "Compared with the 7 days before: mood +1.0, confidence -2.0.\nStreak: 2 days."
    )
    quiet_week = trend_texts.trend_summary(
        summary(PeriodStats(0, None, None), PeriodStats(1, 3.0, 0.0))
    )
    assert quiet_week.startswith(
        "Last 7 days: no check-ins.\n"
        "The 7 days before: mood 3.0/5, confidence 0.0/10 (1 check-in).\n"
    )
    first_week = trend_texts.trend_summary(
        summary(PeriodStats(1, 2.0, 3.0), PeriodStats(0, None, None))
    )
    assert "The 7 days before: no check-ins then." in first_week and "n/a" not in first_week
    marks = [
        JourneyMark(date(2026, 3, 4), setback=False, days=1),
        JourneyMark(date(2026, 3, 6), setback=True),
        JourneyMark(date(2026, 3, 8), setback=False, days=1),
    ]
    marked = trend_texts.trend_summary(
        summary(PeriodStats(1, 2.0, 3.0), PeriodStats(0, None, None)), marks
    )
    assert marked.endswith(
        "Marked on the chart: 1 day on 4 Mar, a setback on 6 Mar, 1 day on 8 Mar."
    )


def test_a_day_can_be_filled_in_up_to_two_days_later() -> None:
    assert [fillable(TODAY - timedelta(days=n), TODAY) for n in (-1, 0, 1, 2, 3)] == [
        False,
        True,
        True,
        True,
        False,
    ]
    assert parse_checkin_day(None, TODAY) == TODAY
    assert parse_checkin_day(" Yesterday ", TODAY) == TODAY - timedelta(days=1)
    assert parse_checkin_day("2026-03-08", TODAY) == date(2026, 3, 8)
    for text in ("someday", "2026-02-30", "20260308", "last week"):
        assert parse_checkin_day(text, TODAY) is None, text


def test_questions_for_a_day_filled_in_later_name_that_day() -> None:
    yesterday = TODAY - timedelta(days=1)
    assert mood_question(TODAY, TODAY).text == checkin_texts.ask_mood()
    assert mood_question(yesterday, TODAY).text.startswith("Filling in Mon 09 Mar")
    assert "That day" in confidence_question(yesterday, 3, TODAY).text
    assert "about that day" in note_question(yesterday, 3, 5, False, TODAY).text
    assert "what today brings" in confidence_question(TODAY, 3, TODAY).text


def week(**changes: object) -> WeekSummary:
    fields: dict[str, object] = {
        "this_week": PeriodStats(7, 3.6, 6.1),
        "last_week": PeriodStats(5, 3.4, 5.0),
        "streak": 9,
        "low_days": 0,
        "setback": False,
        "goals_done": 4,
        "milestones": 1,
        "encouragement_given": 2,
        "encouragement_received": 1,
    }
    fields.update(changes)
    return WeekSummary(**fields)  # type: ignore[arg-type]


def test_the_weekly_reflection_counts_the_week_kindly() -> None:
    text = checkin_texts.weekly_reflection(week())
    assert "You checked in on 7 of 7 days." in text
    assert "Your confidence is up 1.1 on last week" in text
    assert "You marked a goal done 4 times." in text
    assert "You reached 1 milestone on your journey." in text
    assert "You sent encouragement 2 times and received it once." in text
    assert "hard one" not in text
    quiet = checkin_texts.weekly_reflection(
        week(goals_done=0, milestones=0, encouragement_given=0, encouragement_received=0)
    )
    assert "goal" not in quiet and "milestone" not in quiet and "encouragement" not in quiet


def test_a_hard_week_is_met_gently_and_nothing_celebrates() -> None:
    assert not week(low_days=3).hard and week(low_days=4).hard and week(setback=True).hard
    text = checkin_texts.weekly_reflection(week(setback=True, this_week=PeriodStats(4, 2.0, 2.5)))
    assert text.index("hard one") < text.index("You checked in on 4 of 7 days.")
    assert "milestone" not in text  # a milestone before the setback is not held up now
    assert "Showing up" not in text and "/crisis" in text
    nothing = checkin_texts.weekly_reflection(
        week(setback=True, this_week=PeriodStats(0, None, None))
    )
    assert "No check-ins this week, and that's okay." in nothing


def test_milestones_are_counted_on_the_days_they_fall() -> None:
    monday, sunday = date(2026, 3, 2), date(2026, 3, 8)
    assert milestones_between([Journey(date(2026, 3, 1), None)], monday, sunday) == 2
    # A setback on Wednesday closes the journey: its day 7 never came; day 1 of the next did.
    journeys = [Journey(date(2026, 3, 1), date(2026, 3, 4)), Journey(date(2026, 3, 5), None)]
    assert milestones_between(journeys, monday, sunday) == 2
    assert milestones_between([Journey(date(2025, 3, 8), None)], monday, sunday) == 1  # a year


def test_a_hard_day_filled_in_later_names_its_day_and_cheers_nothing() -> None:
    yesterday = TODAY - timedelta(days=1)
    reflection = CheckinReflection(
        day=yesterday,
        mood=1,
        confidence=2,
        streak=3,
        confidence_change=None,
        low_today=True,
        hard_days=False,
        filled_in_later=True,
    )
    offer = SupportOffer(circle=False, moderators=True, has_plan=False)
    reply = checkin_reply(reflection, replaced=False, offer=offer)
    assert reply.text.startswith(checkin_texts.hard_day())
    assert f"{checkin_texts.day_label(yesterday)}: mood 1" in reply.text
    assert "Today:" not in reply.text and "🌱" not in reply.text
