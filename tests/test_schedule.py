"""Schedule maths across the 2026 daylight-saving transitions, and properties for any zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.localtime.schedule import (
    local_date,
    next_daily,
    next_weekly,
    next_weekly_delayed,
    weekday_on_or_before,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")


def fires(start: datetime, end: datetime, at: time, zone: ZoneInfo) -> list[datetime]:
    """Every firing between start and end, stepping as the scheduler does."""
    moments: list[datetime] = []
    due = next_daily(start, at, zone)
    while due < end:
        moments.append(due)
        due = next_daily(due, at, zone)
    return moments


def test_plain_day_in_berlin() -> None:
    after = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    assert next_daily(after, time(20, 0), BERLIN) == datetime(2026, 1, 10, 19, 0, tzinfo=UTC)
    assert next_daily(after, time(8, 0), BERLIN) == datetime(2026, 1, 11, 7, 0, tzinfo=UTC)


def test_spring_forward_berlin_fires_once_at_0330() -> None:
    # 2026-03-29: clocks go from 02:00 to 03:00 in Berlin; 02:30 does not exist.
    moments = fires(
        datetime(2026, 3, 27, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC), time(2, 30), BERLIN
    )
    on_the_day = [m for m in moments if local_date(m, BERLIN).day == 29]
    assert len(on_the_day) == 1
    assert on_the_day[0].astimezone(BERLIN).strftime("%H:%M") == "03:30"
    assert len(moments) == 4  # one a day, 27th to 30th


def test_fall_back_berlin_fires_once_at_the_first_0230() -> None:
    # 2026-10-25: 02:00-03:00 happens twice in Berlin.
    moments = fires(
        datetime(2026, 10, 24, tzinfo=UTC), datetime(2026, 10, 27, tzinfo=UTC), time(2, 30), BERLIN
    )
    on_the_day = [m for m in moments if local_date(m, BERLIN).day == 25]
    assert on_the_day == [datetime(2026, 10, 25, 0, 30, tzinfo=UTC)]  # 02:30 CEST


def test_new_york_transitions() -> None:
    spring = fires(
        datetime(2026, 3, 7, tzinfo=UTC), datetime(2026, 3, 10, tzinfo=UTC), time(2, 30), NEW_YORK
    )
    assert [m.astimezone(NEW_YORK).strftime("%d %H:%M") for m in spring] == [
        "07 02:30",
        "08 03:30",
        "09 02:30",
    ]
    fall = fires(
        datetime(2026, 10, 31, tzinfo=UTC),
        datetime(2026, 11, 3, 12, tzinfo=UTC),
        time(1, 30),
        NEW_YORK,
    )
    days = [local_date(m, NEW_YORK).day for m in fall]
    assert days == [31, 1, 2, 3]
    assert fall[1] == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT, the first one


def test_sydney_transitions() -> None:
    # Sydney falls back on 2026-04-05 (03:00 -> 02:00) and springs forward on 2026-10-04.
    fall = fires(
        datetime(2026, 4, 3, tzinfo=UTC), datetime(2026, 4, 7, tzinfo=UTC), time(2, 30), SYDNEY
    )
    assert len([m for m in fall if local_date(m, SYDNEY).day == 5]) == 1
    spring = fires(
        datetime(2026, 10, 2, tzinfo=UTC), datetime(2026, 10, 6, tzinfo=UTC), time(2, 30), SYDNEY
    )
    on_the_day = [m for m in spring if local_date(m, SYDNEY).day == 4]
    assert [m.astimezone(SYDNEY).strftime("%H:%M") for m in on_the_day] == ["03:30"]


def test_weekly_lands_on_the_weekday() -> None:
    after = datetime(2026, 3, 25, 12, tzinfo=UTC)  # a Wednesday
    due = next_weekly(after, 6, time(19, 0), BERLIN)
    assert due.astimezone(BERLIN).strftime("%a %d %H:%M") == "Sun 29 19:00"  # after DST start
    assert next_weekly(due, 6, time(19, 0), BERLIN) - due == timedelta(days=7)


ZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc"))


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    after=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)
    ),
    at=st.times(),
)
def test_next_daily_properties(zone: str, after: datetime, at: time) -> None:
    tz = ZoneInfo(zone)
    due = next_daily(after, at.replace(microsecond=0), tz)
    assert due > after
    assert due - after <= timedelta(days=1, hours=3)  # at most a day, plus a DST gap
    following = next_daily(due, at.replace(microsecond=0), tz)
    assert local_date(following, tz) > local_date(due, tz)  # never twice on one local day
    local = due.astimezone(tz).time()
    if local != at.replace(microsecond=0):  # only inside a gap, and then later that day
        assert local > at


def test_the_weekly_reflection_moment_is_checkin_time_plus_the_wait() -> None:
    sunday = 6
    hour = timedelta(hours=1)
    after = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
    due = next_weekly_delayed(after, sunday, time(20, 0), BERLIN, hour)
    assert due == datetime(2026, 3, 8, 20, 0, tzinfo=UTC)  # 21:00 in Berlin
    # At 20:30 on the Sunday the hour is not over: still today's.
    assert (
        next_weekly_delayed(due - timedelta(minutes=30), sunday, time(20, 0), BERLIN, hour) == due
    )
    # A 23:30 check-in time: the reflection falls on Monday 00:30, and still sums up Sunday.
    late = next_weekly_delayed(after, sunday, time(23, 30), BERLIN, hour)
    assert late.astimezone(BERLIN).strftime("%a %H:%M") == "Mon 00:30"
    assert weekday_on_or_before(late, sunday, BERLIN) == date(2026, 3, 8)
    assert weekday_on_or_before(due, sunday, BERLIN) == date(2026, 3, 8)
