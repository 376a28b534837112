"""Member rules that need nothing but their input: invite codes and pause lengths."""

from __future__ import annotations

import re

MAX_PAUSE_DAYS = 365
_INVITE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,48}$")


def valid_invite_code(code: str | None) -> str | None:
    """The invite code from /start <code>, or None when there is none or it is malformed."""
    if code and _INVITE_CODE.match(code):
        return code
    return None


def parse_pause_days(argument: str | None) -> int | None:
    """The days in `/pause <days>`: None for no argument; ValueError when it is not 1..365."""
    if argument is None or not argument.strip():
        return None
    text = argument.strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAUSE_DAYS:
        raise ValueError(text)
    return int(text)
