"""Time zones members can pick: IANA names, fixed offsets typed as UTC+5:30, or a city."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo
from difflib import get_close_matches
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.localtime.cities import Place, city_table, one_per_zone, zone_city

_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_MAX_NAME = 64


@lru_cache(maxsize=1)
def _names_by_lower() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def normalise_timezone(text: str) -> str | None:
    """The canonical spelling of a zone a member typed, or None when it is not one."""
    text = text.strip()
    if not text or len(text) > _MAX_NAME:
        return None
    if text.upper() in {"UTC", "GMT", "Z"}:
        return "UTC"
    match = _OFFSET.match(text)
    if match:
        sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
        if hours > 14 or minutes >= 60 or (hours == 14 and minutes):
            return None
        if hours == 0 and minutes == 0:
            return "UTC"
        return f"UTC{sign}{hours:02d}:{minutes:02d}"
    return _names_by_lower().get(text.replace(" ", "_").lower())


def zone_of(name: str) -> tzinfo:
    """The tzinfo for a stored zone name (as produced by normalise_timezone)."""
    match = _OFFSET.match(name) if name.upper().startswith("UTC") and name != "UTC" else None
    if match:
        sign = -1 if match.group(1) == "-" else 1
        delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
        return timezone(sign * delta, name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


class Found(StrEnum):
    """How a typed answer to "Which time zone are you in?" turned out."""

    ONE = "one"  # it names one zone
    SEVERAL = "several"  # a name for places in different zones ("Birmingham", "USA")
    NEAR = "near"  # no such name, but these are close: "Did you mean …?"
    NOTHING = "nothing"


@dataclass(frozen=True)
class ZoneLookup:
    found: Found
    places: tuple[Place, ...] = ()


def find_zone(text: str) -> ZoneLookup:
    """The zone a member's typed answer names: a zone name or offset as before, else a city
    or country; near misses and names shared by several zones come back to choose from."""
    text = text.strip()
    if not text or len(text) > _MAX_NAME:
        return ZoneLookup(Found.NOTHING)
    zone = normalise_timezone(text)
    if zone is not None and ("/" in text or zone.startswith("UTC")):
        return ZoneLookup(Found.ONE, (Place(zone_city(zone), zone),))
    if "/" in text:
        near = _near_zone_names(text)
        if near.found is Found.NEAR:
            return near
        # Not a zone name: "Kyiv/Ukraine" is a city all the same.
    table = city_table()
    places = one_per_zone(table.exact(text))
    if places:
        return ZoneLookup(Found.ONE if len(places) == 1 else Found.SEVERAL, places)
    if zone is not None:  # zone names without a slash: "EST", "CET", "Singapore"
        return ZoneLookup(Found.ONE, (Place(zone_city(zone), zone),))
    places = table.near(text)
    return ZoneLookup(Found.NEAR if places else Found.NOTHING, places)


def _near_zone_names(text: str) -> ZoneLookup:
    """Zone names close to a mistyped one ("Europe/Berln")."""
    names = _names_by_lower()
    typed = text.replace(" ", "_").lower()
    close = get_close_matches(typed, list(names), n=3, cutoff=0.85)
    places = tuple(Place(zone_city(names[name]), names[name]) for name in close)
    return ZoneLookup(Found.NEAR if places else Found.NOTHING, places)


def zone_place(zone: str) -> str:
    """The place to name a zone by: its city as the table spells it ("São Paulo")."""
    city = zone_city(zone)
    spelled = [place.name for place in city_table().exact(city) if place.zone == zone]
    return spelled[0] if spelled else city


# Offered as buttons, labelled with their city; anything else can be typed.
COMMON_ZONES: tuple[str, ...] = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Kyiv",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
)
