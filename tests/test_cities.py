"""The city table and the reading of a typed answer to "Which time zone are you in?"."""

from __future__ import annotations

from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from bot.localtime.cities import (
    Place,
    build_table,
    city_table,
    named_zones,
    normalise_name,
    parse_table,
    table_rows,
    zone_city,
)
from bot.localtime.zones import COMMON_ZONES, Found, find_zone


def test_every_zone_in_the_table_exists() -> None:
    rows = table_rows()
    for name, zone, _ in rows:
        assert ZoneInfo(zone).key == zone, name  # raises for a zone tzdata does not know


def test_the_table_holds_several_hundred_places_each_named_once() -> None:
    rows = table_rows()
    assert len(rows) >= 300
    assert len(city_table()) >= 600  # with the cities that zone names give
    twice = [name for name, count in Counter(name for name, _, _ in rows).items() if count > 1]
    assert twice == []


def test_every_place_answers_to_its_own_name() -> None:
    table = city_table()
    for name, zone, others in table_rows():
        for spelling in [name, *others]:
            assert Place(name, zone) in table.exact(spelling), spelling


def test_zone_names_give_cities_the_table_does_not_list() -> None:
    assert named_zones() and all(ZoneInfo(zone) for zone in named_zones())
    table = build_table([], ["Europe/Kyiv", "America/Argentina/Buenos_Aires"])
    assert table.exact("kyiv") == (Place("Kyiv", "Europe/Kyiv"),)
    assert table.exact("Buenos Aires") == (
        Place("Buenos Aires", "America/Argentina/Buenos_Aires"),
    )
    # Old zone names such as Australia/North are not places.
    assert city_table().exact("North") == ()
    assert [zone_city(zone) for zone in ("Europe/Kyiv", "UTC", "UTC+05:30")] == [
        "Kyiv",
        "UTC",
        "UTC+05:30",
    ]


def test_the_table_lists_win_over_zone_names() -> None:
    table = build_table([("Kyiv", "Europe/Kyiv", ["Kiev"])], ["Europe/Kiev", "Europe/Kyiv"])
    assert table.exact("Kiev") == (Place("Kyiv", "Europe/Kyiv"),)


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("São Paulo", "sao paulo"),
        ("  ZÜRICH ", "zurich"),
        ("Łódź", "lodz"),
        ("St. John's", "st johns"),
        ("Saint-Petersburg", "st petersburg"),
        ("Xi\u2019an", "xian"),  # a curly apostrophe
        ("КИЇВ", "киів"),  # other scripts too: their marks go the same way
    ],
)
def test_names_are_compared_without_case_accents_or_punctuation(
    typed: str, normalised: str
) -> None:
    assert normalise_name(typed) == normalised


@pytest.mark.parametrize(
    ("typed", "zone", "name"),
    [
        ("London", "Europe/London", "London"),
        ("new york", "America/New_York", "New York"),
        ("NEWYORK", "America/New_York", "New York"),
        ("São Paulo", "America/Sao_Paulo", "São Paulo"),
        ("sao paulo", "America/Sao_Paulo", "São Paulo"),
        ("Kyiv", "Europe/Kyiv", "Kyiv"),
        ("Kiev", "Europe/Kyiv", "Kyiv"),
        ("Киев", "Europe/Kyiv", "Kyiv"),
        ("Bombay", "Asia/Kolkata", "Mumbai"),
        ("Calcutta", "Asia/Kolkata", "Kolkata"),
        ("Peking", "Asia/Shanghai", "Beijing"),
        ("Saigon", "Asia/Ho_Chi_Minh", "Ho Chi Minh City"),
        ("Manchester", "Europe/London", "Manchester"),
        ("Germany", "Europe/Berlin", "Berlin"),
        ("I'm in Lisbon", "Europe/Lisbon", "Lisbon"),
        ("Paris, France", "Europe/Paris", "Paris"),
        ("Birmingham UK", "Europe/London", "Birmingham, England"),
        ("Kyiv/Ukraine", "Europe/Kyiv", "Kyiv"),
        ("Nuuk", "America/Nuuk", "Nuuk"),  # from the zone's name only
        # Zone names and offsets typed directly, as before.
        ("Europe/Berlin", "Europe/Berlin", "Berlin"),
        ("america/new york", "America/New_York", "New York"),
        ("UTC+2", "UTC+02:00", "UTC+02:00"),
        ("utc", "UTC", "UTC"),
        ("EST", "EST", "EST"),
    ],
)
def test_a_typed_place_or_zone_names_one_zone(typed: str, zone: str, name: str) -> None:
    lookup = find_zone(typed)
    assert lookup.found is Found.ONE
    assert lookup.places == (Place(name, zone),)


@pytest.mark.parametrize(
    ("typed", "zones"),
    [
        ("Birmingham", ["Europe/London", "America/Chicago"]),
        (
            "USA",
            [
                "America/New_York",
                "America/Chicago",
                "America/Denver",
                "America/Phoenix",
                "America/Los_Angeles",
                "America/Anchorage",
                "Pacific/Honolulu",
            ],
        ),
    ],
)
def test_a_name_for_several_zones_offers_them_all(typed: str, zones: list[str]) -> None:
    lookup = find_zone(typed)
    assert lookup.found is Found.SEVERAL
    assert [place.zone for place in lookup.places] == zones


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("Lodnon", "London"),
        ("Sao Polo", "São Paulo"),
        ("Kiyv", "Kyiv"),
        ("tokio", "Tokyo"),
        ("Los Angles", "Los Angeles"),
        ("Europe/Berln", "Berlin"),
        ("Lodnon, UK", "London"),
    ],
)
def test_a_near_miss_offers_the_closest_places(typed: str, first: str) -> None:
    lookup = find_zone(typed)
    assert lookup.found is Found.NEAR
    assert lookup.places[0].name == first
    assert len(lookup.places) <= 4
    assert len({place.zone for place in lookup.places}) == len(lookup.places)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "blorptastic",
        "Mars/Olympus",
        "Paris, Texas",
        "London, Canada",
        "x" * 500,
        "UTC+15",
    ],
)
def test_nonsense_finds_nothing(typed: str) -> None:
    assert find_zone(typed).found is Found.NOTHING


def test_the_common_zones_are_named_after_their_cities() -> None:
    assert [zone_city(zone) for zone in COMMON_ZONES][:3] == ["London", "Berlin", "Kyiv"]
    for zone in COMMON_ZONES:
        assert find_zone(zone_city(zone)).places[0].zone == zone


def test_a_malformed_line_is_named() -> None:
    assert parse_table(["# a comment", "", "Kyiv | Europe/Kyiv | Kiev, Kiew"]) == [
        ("Kyiv", "Europe/Kyiv", ["Kiev", "Kiew"])
    ]
    with pytest.raises(ValueError, match="line 2"):
        parse_table(["Kyiv | Europe/Kyiv", "Nowhere"])
