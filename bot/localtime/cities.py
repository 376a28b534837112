"""Places members type for their time zone: a city table, forgiving of case, accents, typos."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from functools import lru_cache
from importlib import resources

# Letters that NFKD does not split into a base letter and an accent.
_FOLD = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "\u0131": "i"}
)
_APOSTROPHES = re.compile("['`\u2018\u2019\u02bc]")  # straight, back, curly, modifier
_SEPARATORS = re.compile(r"[\W_]+")
# "St. Petersburg", "Saint Petersburg" and "Sankt-Peterburg" are one name.
_WORDS = {"saint": "st", "sankt": "st"}
# What people put before a city when asked where they are.
_LEAD_INS = ("i live in ", "i am in ", "im in ", "i am from ", "im from ", "in ", "near ")
# difflib's ratio: "lodnon" is 0.83 of "london", "sao polo" 0.82 of "sao paulo", "kiyv"
# 0.75 of "kyiv"; unrelated words score well under 0.6.
_NEAR = 0.75
_MOST_NEAR = 4


@dataclass(frozen=True)
class Place:
    """A place a member can pick, and the IANA zone (or offset) its clocks follow."""

    name: str
    zone: str


def normalise_name(text: str) -> str:
    """A name as the table compares it: casefolded, accents and punctuation gone."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(_FOLD)
    words = _SEPARATORS.sub(" ", _APOSTROPHES.sub("", text)).split()
    return " ".join(_WORDS.get(word, word) for word in words)


def zone_city(zone: str) -> str:
    """The place a zone is named after: "Europe/Kyiv" is Kyiv; "UTC+05:30" stays itself."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


class CityTable:
    """Normalised names to the places they may mean, in the table's order."""

    def __init__(self, places_by_name: Mapping[str, tuple[Place, ...]]) -> None:
        self._places = dict(places_by_name)
        self._names = list(self._places)

    def __len__(self) -> int:
        return len({place for places in self._places.values() for place in places})

    def exact(self, text: str) -> tuple[Place, ...]:
        """The places `text` names: "London", "I'm in London", "Paris, France"."""
        name = _without_lead_in(normalise_name(text))
        if name in self._places:
            return self._places[name]
        # A place, then where it is ("Paris France", "Birmingham, UK"): the second part
        # picks among the first's places, and a place that is not there is no answer.
        words = name.split()
        for cut in range(len(words) - 1, 0, -1):
            place, where = " ".join(words[:cut]), " ".join(words[cut:])
            if place in self._places and where in self._places:
                zones = {known.zone for known in self._places[where]}
                return tuple(known for known in self._places[place] if known.zone in zones)
        if "," in text:  # "Manchester, NH": what comes after the comma is unknown
            return self._places.get(_without_lead_in(normalise_name(text.split(",")[0])), ())
        return ()

    def near(self, text: str) -> tuple[Place, ...]:
        """Places whose names are close to `text`, the closest first, one per zone."""
        found = self._close(text)
        if "," in text:  # "Lodnon, UK": close to the place, and in the country if known
            place, where = text.split(",", 1)
            zones = {known.zone for known in self._places.get(normalise_name(where), ())}
            found += [near for near in self._close(place) if not zones or near.zone in zones]
        return one_per_zone(found)[:_MOST_NEAR]

    def _close(self, text: str) -> list[Place]:
        name = _without_lead_in(normalise_name(text))
        close = get_close_matches(name, self._names, n=_MOST_NEAR * 2, cutoff=_NEAR)
        return [place for match in close for place in self._places[match]]


def one_per_zone(places: Iterable[Place]) -> tuple[Place, ...]:
    """The first place of each zone, in order."""
    seen: dict[str, Place] = {}
    for place in places:
        seen.setdefault(place.zone, place)
    return tuple(seen.values())


def _without_lead_in(name: str) -> str:
    for lead_in in _LEAD_INS:
        if name.startswith(lead_in):
            return name.removeprefix(lead_in)
    return name


def parse_table(lines: Iterable[str]) -> list[tuple[str, str, list[str]]]:
    """The lines of cities.txt as (name, zone, other names); ValueError names a bad line."""
    rows: list[tuple[str, str, list[str]]] = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            raise ValueError(f"cities.txt line {number}: expected 'name | zone | other names'")
        others = [name.strip() for name in parts[2].split(",")] if len(parts) == 3 else []
        rows.append((parts[0], parts[1], [name for name in others if name]))
    return rows


def build_table(rows: list[tuple[str, str, list[str]]], zones: Iterable[str]) -> CityTable:
    """The table's own rows first, then each zone's city where the rows do not name it."""
    places: dict[str, list[Place]] = {}

    def add(name: str, place: Place) -> None:
        for key in {name, name.replace(" ", "")}:  # "newyork", "saopaulo"
            found = places.setdefault(key, [])
            if place not in found:
                found.append(place)

    for name, zone, others in rows:
        place = Place(name, zone)
        for spelling in [name, name.split(",", 1)[0], *others]:
            add(normalise_name(spelling), place)
    curated = set(places)
    for zone in zones:
        name = normalise_name(zone_city(zone))
        if name not in curated:
            add(name, Place(zone_city(zone), zone))
    return CityTable({name: tuple(found) for name, found in places.items()})


def table_rows() -> list[tuple[str, str, list[str]]]:
    text = resources.files("bot").joinpath("data/cities.txt").read_text("utf-8")
    return parse_table(text.splitlines())


def named_zones() -> list[str]:
    """Every current zone named after a place, from tzdata's zone.tab (no old aliases such
    as "Australia/North" or "America/Knox_IN")."""
    tab = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    return sorted(line.split("\t")[2] for line in tab.splitlines() if not line.startswith("#"))


@lru_cache(maxsize=1)
def city_table() -> CityTable:
    """The shipped table, read once."""
    return build_table(table_rows(), named_zones())
