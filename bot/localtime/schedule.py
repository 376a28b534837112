"""Schedule maths: the next UTC moment of a local wall-clock time, correct across DST.

A local time that does not exist (spring forward) is moved forward by the gap; an
ambiguous one (fall back) takes its first occurrence. Each is fired once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo


def local_moment(day: date, at: time, zone: tzinfo) -> datetime:
    """`day` at `at` in `zone`, as an aware UTC moment."""
    # fold=0 is the first occurrence of an ambiguous time; for a time inside a gap it uses
    # the offset before the change, which lands the same distance after the gap: 02:30 in a
    # 02:00-03:00 gap becomes 03:30.
    return datetime.combine(day, at, tzinfo=zone).replace(fold=0).astimezone(UTC)


def next_daily(after: datetime, at: time, zone: tzinfo) -> datetime:
    """The first moment strictly after `after` when the local clock in `zone` shows `at`."""
    day = after.astimezone(zone).date() - timedelta(days=1)
    while True:
        candidate = local_moment(day, at, zone)
        if candidate > after:
            return candidate
        day += timedelta(days=1)


def next_on_weekdays(
    after: datetime, weekdays: frozenset[int], at: time, zone: tzinfo
) -> datetime:
    """The first moment after `after` on one of `weekdays` (Monday=0) at `at` in `zone`."""
    if not weekdays:
        raise ValueError("at least one weekday is needed")
    day = after.astimezone(zone).date() - timedelta(days=1)
    while True:
        if day.weekday() in weekdays:
            candidate = local_moment(day, at, zone)
            if candidate > after:
                return candidate
        day += timedelta(days=1)


def next_weekly(after: datetime, weekday: int, at: time, zone: tzinfo) -> datetime:
    """The first moment after `after` that is `weekday` (Monday=0) at `at` in `zone`."""
    return next_on_weekdays(after, frozenset({weekday}), at, zone)


def next_weekly_delayed(
    after: datetime, weekday: int, at: time, zone: tzinfo, delay: timedelta
) -> datetime:
    """The first moment after `after` that is `weekday` at `at` in `zone` plus `delay`."""
    return next_weekly(after - delay, weekday, at, zone) + delay


def weekday_on_or_before(moment: datetime, weekday: int, zone: tzinfo) -> date:
    """The last `weekday` (Monday=0) on or before the day it is in `zone` at `moment`."""
    day = local_date(moment, zone)
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def local_date(moment: datetime, zone: tzinfo) -> date:
    """The calendar day it is in `zone` at `moment`."""
    return moment.astimezone(zone).date()
