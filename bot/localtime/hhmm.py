"""Parsing the clock times members type."""

from __future__ import annotations

import re
from datetime import time

_HHMM = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})\s*$")


def parse_hhmm(text: str) -> time | None:
    """'20:00', '7:30', '07.30' or '7h30' as a time of day; None when it is not one."""
    if len(text) > 16:
        return None
    match = _HHMM.match(text)
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)
