"""The burden rules: when invitations come, cycles, the one reminder, and the days that are
not for questions, across time zones and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.outcomes import rules
from bot.outcomes.rules import NotToday


def test_invitations_come_ninety_minutes_after_the_checkin_time_but_not_late_at_night() -> None:
    assert rules.invite_time(time(20, 0)) == time(21, 30)
    assert rules.invite_time(time(8, 15)) == time(9, 45)
    assert rules.invite_time(time(20, 30)) == time(22, 0)
    assert rules.invite_time(time(21, 0)) == time(19, 30)  # 22:30 is too late
    assert rules.invite_time(time(23, 30)) == time(22, 0)  # past midnight otherwise
    assert rules.invite_time(time(23, 59)) == time(22, 0)  # 22:29 is too late
    assert rules.invite_time(time(0, 0)) == time(22, 0)  # not 01:30 at night
    assert rules.invite_time(time(7, 0)) == time(8, 30)
    assert rules.invite_time(time(6, 0)) == time(22, 0)  # neither 07:30 nor 04:30


@given(st.times())
def test_invitations_never_come_at_night(checkin: time) -> None:
    assert time(8, 0) <= rules.invite_time(checkin.replace(tzinfo=None)) <= time(22, 0)


def test_the_moment_is_local_across_zones_and_dst() -> None:
    berlin, tokyo = ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Tokyo")
    assert rules.invite_moment(date(2026, 3, 28), time(20, 0), berlin) == datetime(
        2026, 3, 28, 20, 30, tzinfo=UTC
    )
    # Summer time from 29 March: the same local 21:30 is an hour earlier in UTC.
    assert rules.invite_moment(date(2026, 3, 29), time(20, 0), berlin) == datetime(
        2026, 3, 29, 19, 30, tzinfo=UTC
    )
    assert rules.invite_moment(date(2026, 3, 29), time(20, 0), tokyo) == datetime(
        2026, 3, 29, 12, 30, tzinfo=UTC
    )
    after = datetime(2026, 3, 29, 12, 31, tzinfo=UTC)  # 21:31 in Tokyo: tomorrow's
    assert rules.next_invite_moment(after, time(20, 0), tokyo) == datetime(
        2026, 3, 30, 12, 30, tzinfo=UTC
    )


def test_cycles_run_every_n_days_from_the_anchor() -> None:
    anchor = date(2026, 1, 10)
    assert rules.cycle_start(anchor, 14, date(2026, 1, 10)) == anchor
    assert rules.cycle_start(anchor, 14, date(2026, 1, 23)) == anchor
    assert rules.cycle_start(anchor, 14, date(2026, 1, 24)) == date(2026, 1, 24)
    assert rules.next_cycle(anchor, 30, date(2026, 2, 8)) == date(2026, 2, 9)
    assert rules.cycle_start(anchor, 30, date(2026, 1, 1)) == anchor  # before it


def test_one_reminder_three_days_on_then_the_next_cycle() -> None:
    anchor = date(2026, 1, 10)
    assert rules.next_ask_day(anchor, 14, anchor) == date(2026, 1, 13)
    assert rules.next_ask_day(anchor, 14, date(2026, 1, 13)) == date(2026, 1, 24)
    # After "Later" on day 1, the reminder is still in the first days.
    assert rules.next_ask_day(anchor, 14, date(2026, 1, 11)) == date(2026, 1, 14)
    assert rules.next_ask_day(anchor, 30, date(2026, 1, 20)) == date(2026, 2, 9)


@given(
    anchor=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    every=st.integers(min_value=7, max_value=365),
    offset=st.integers(min_value=0, max_value=2000),
)
def test_at_most_two_unprompted_asks_fall_in_a_cycle(
    anchor: date, every: int, offset: int
) -> None:
    day = anchor + timedelta(days=offset)
    start = rules.cycle_start(anchor, every, day)
    assert start <= day < start + timedelta(days=every)
    asks, ask = [], start
    while ask < start + timedelta(days=every):
        asks.append(ask)
        ask = rules.next_ask_day(anchor, every, ask)
    assert len(asks) <= 2
    assert ask == start + timedelta(days=every)


def test_not_today_paused_crisis_or_another_questionnaire() -> None:
    today = date(2026, 5, 1)

    def why(**changes: object) -> NotToday | None:
        facts: dict[str, object] = {
            "today": today,
            "questionnaire": "who5",
            "paused": False,
            "crisis_on": None,
            "asked_on": None,
            "asked_what": None,
        }
        facts.update(changes)
        return rules.not_today(**facts)  # type: ignore[arg-type]

    assert why() is None
    assert why(paused=True) is NotToday.PAUSED
    assert why(crisis_on=today) is NotToday.CRISIS
    assert why(crisis_on=today - timedelta(days=1)) is None
    assert why(asked_on=today, asked_what="gse") is NotToday.ANOTHER
    assert why(asked_on=today, asked_what="who5") is None  # the same one, picked up again
    assert why(asked_on=today - timedelta(days=1), asked_what="gse") is None


def test_a_sitting_lapses_after_three_days() -> None:
    started = datetime(2026, 5, 1, 20, 0, tzinfo=UTC)
    assert not rules.lapsed(started, started + timedelta(days=2, hours=23))
    assert rules.lapsed(started, started + timedelta(days=3))
