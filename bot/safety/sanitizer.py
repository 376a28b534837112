"""The relay sanitizer: nothing that could pull a member off-platform reaches another member.

Links, @usernames, e-mail addresses and phone numbers (bot.safety.contact_details finds them,
however they are disguised) are replaced by a marker, and the sender is told what was removed
and why. Text that is mostly removed is not sent at all.

Only what is found changes: everything else keeps the member's own letters, spacing and line
breaks (folding look-alikes or full-width forms would garble Russian and Ukrainian, and joining
spaces once turned a spaced-out number back into a clean one). Invisible characters and
direction overrides are the one exception: they show nothing, and dropping them means the reader
sees the characters in the order they were screened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.safety.confusables import INVISIBLE
from bot.safety.contact_details import KINDS, Found, find_contact_details

MAX_RELAY_CHARS = 1000
# Removing more than this share of the visible characters means the message was mostly
# contact details; it is held back rather than sent as a husk.
MOSTLY_REMOVED = 0.5

_DROP_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))


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
    found = find_contact_details(original)
    cleaned = _without(original, found).strip()
    removed = tuple(kind for kind in KINDS if any(f.kind == kind for f in found))
    visible_before = len(re.sub(r"\s", "", original))
    visible_after = len(re.sub(r"\s|\[removed\]", "", cleaned))
    mostly = (
        bool(removed)
        and visible_before > 0
        and (visible_after < visible_before * (1 - MOSTLY_REMOVED))
    )
    return Sanitized(cleaned, removed, mostly, False)


def _without(text: str, found: list[Found]) -> str:
    """`text` with each detail replaced by the marker and invisible characters dropped."""
    pieces: list[str] = []
    position = 0
    for detail in found:
        pieces.append(text[position : detail.start].translate(_DROP_INVISIBLE))
        pieces.append(REMOVED)
        position = detail.end
    pieces.append(text[position:].translate(_DROP_INVISIBLE))
    return "".join(pieces)
