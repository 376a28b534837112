"""The member's "today": their local calendar day now, in their own time zone."""

from __future__ import annotations

from datetime import date

from bot.clock import Clock
from bot.localtime.zones import zone_of


def member_today(clock: Clock, timezone: str) -> date:
    """The calendar day it is now where the member lives."""
    return clock.now().astimezone(zone_of(timezone)).date()
