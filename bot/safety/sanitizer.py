"""The relay sanitizer: nothing that could pull a member off-platform reaches another member.

Links (t.me included), @usernames, e-mail addresses and phone numbers are removed, and the
sender is told what was removed and why. Text that is mostly removed is not sent at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_RELAY_CHARS = 1000
# Removing more than this share of the visible characters means the message was mostly
# contact details; it is held back rather than sent as a husk.
MOSTLY_REMOVED = 0.5

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_LINK = re.compile(
    r"(?:(?:https?|tg|ftp)://\S+"
    r"|\bwww\.\S+"
    r"|\b(?:t|telegram)\.(?:me|dog)/\S*"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|me|ly|gg|app|co|info|biz|xyz|ru|de|uk|us|link"
    r"|site|online|chat|club)\b(?:/\S*)?)",
    re.IGNORECASE,
)
_USERNAME = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b")
# Seven or more digits, allowing the separators people type inside phone numbers.
_PHONE = re.compile(r"(?<![\w])\+?\d(?:[\s().-]{0,2}\d){6,}(?![\w])")

KINDS = (
    ("link", _LINK),
    ("e-mail address", _EMAIL),
    ("username", _USERNAME),
    ("phone number", _PHONE),
)


@dataclass(frozen=True)
class Sanitized:
    text: str  # what may be relayed
    removed: tuple[str, ...]  # the kinds removed, e.g. ("link", "phone number")
    mostly_removed: bool
    too_long: bool

    @property
    def sendable(self) -> bool:
        return bool(self.text.strip()) and not self.mostly_removed and not self.too_long


# What stands where a contact detail was taken out; each reader sees it in their language
# (bot.circles.messages).
REMOVED = "[removed]"


def sanitize(text: str) -> Sanitized:
    """Remove contact details from text meant for other members."""
    original = text.strip()
    if len(original) > MAX_RELAY_CHARS:
        return Sanitized(original[:MAX_RELAY_CHARS], (), False, True)
    removed: list[str] = []
    cleaned = original
    # E-mail before username and link: "a@b.com" must not leave "a" plus a link.
    for kind, pattern in (KINDS[1], KINDS[0], KINDS[2], KINDS[3]):
        cleaned, count = pattern.subn(REMOVED, cleaned)
        if count:
            removed.append(kind)
    visible_before = len(re.sub(r"\s", "", original))
    visible_after = len(re.sub(r"\s|\[removed\]", "", cleaned))
    mostly = (
        bool(removed)
        and visible_before > 0
        and (visible_after < visible_before * (1 - MOSTLY_REMOVED))
    )
    return Sanitized(re.sub(r"[ \t]{2,}", " ", cleaned).strip(), tuple(removed), mostly, False)
