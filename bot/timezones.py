"""Time zones members can pick: IANA names, or fixed offsets typed as UTC+5:30."""

from __future__ import annotations

import re
from datetime import timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

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


# Offered as buttons; anything else can be typed.
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
