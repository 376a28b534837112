"""Pure rules: time zones, clock times, pause days, pseudonyms, invite codes."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.localtime.hhmm import parse_hhmm
from bot.localtime.zones import COMMON_ZONES, normalise_timezone, zone_of
from bot.members.rules import parse_pause_days, valid_invite_code
from bot.safety.pseudonyms import ADJECTIVES, ANIMALS, draw_pseudonym


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        (" America/New York ", "America/New_York"),
        ("UTC+5:30", "UTC+05:30"),
        ("utc-3", "UTC-03:00"),
        ("GMT+0", "UTC"),
        ("+0545", "UTC+05:45"),
        ("utc", "UTC"),
    ],
)
def test_time_zones_are_normalised(typed: str, stored: str) -> None:
    assert normalise_timezone(typed) == stored


@pytest.mark.parametrize("typed", ["", "Mars/Base", "UTC+15", "UTC+5:75", "x" * 500, "../etc"])
def test_non_zones_are_refused(typed: str) -> None:
    assert normalise_timezone(typed) is None


def test_offsets_and_names_resolve() -> None:
    moment = datetime(2026, 7, 1, 12, tzinfo=UTC)
    assert moment.astimezone(zone_of("UTC+05:30")).hour == 17
    assert moment.astimezone(zone_of("UTC-03:00")).hour == 9
    assert moment.astimezone(zone_of("Europe/Berlin")).utcoffset() == timedelta(hours=2)
    for zone in COMMON_ZONES:
        assert normalise_timezone(zone) == zone


@given(st.integers(-14, 14), st.sampled_from([0, 15, 30, 45]))
def test_every_offset_round_trips(hours: int, minutes: int) -> None:
    if abs(hours) == 14 and minutes:
        return
    sign = "-" if hours < 0 else "+"
    name = normalise_timezone(f"UTC{sign}{abs(hours)}:{minutes:02d}")
    assert name is not None
    offset = datetime(2026, 1, 1, tzinfo=UTC).astimezone(zone_of(name)).utcoffset()
    expected = timedelta(hours=abs(hours), minutes=minutes) * (-1 if hours < 0 else 1)
    assert offset == expected


@given(st.times())
def test_clock_times_round_trip(moment: time) -> None:
    assert parse_hhmm(moment.strftime("%H:%M")) == moment.replace(second=0, microsecond=0)


@given(st.text(max_size=40))
def test_parse_hhmm_never_raises(text: str) -> None:
    parsed = parse_hhmm(text)
    assert parsed is None or isinstance(parsed, time)


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("7:30", time(7, 30)),
        ("07.30", time(7, 30)),
        ("23:59", time(23, 59)),
        ("24:00", None),
        ("7", None),
        ("noon", None),
    ],
)
def test_clock_times(typed: str, parsed: time | None) -> None:
    assert parse_hhmm(typed) == parsed


def test_pause_days() -> None:
    assert parse_pause_days(None) is None
    assert parse_pause_days(" 7 ") == 7
    for bad in ("0", "366", "-1", "two", "1.5"):
        with pytest.raises(ValueError):
            parse_pause_days(bad)


def test_pseudonyms_are_two_friendly_words_and_redraws_differ() -> None:
    rng = random.Random(1)
    name = draw_pseudonym(rng)
    adjective, animal = name.split(" ")
    assert adjective in ADJECTIVES and animal in ANIMALS
    for _ in range(200):
        assert draw_pseudonym(rng, avoid=name) != name


def test_invite_codes() -> None:
    assert valid_invite_code("abc_DEF-123") == "abc_DEF-123"
    for bad in (None, "", "has space", "x" * 49, "emoji✨", "a:b"):
        assert valid_invite_code(bad) is None
