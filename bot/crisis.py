"""Spotting crisis language in free text, so the crisis resources go back at once.

Deliberately broad: a false alarm costs a kind message; a miss can cost far more.
"""

from __future__ import annotations

import re

_PHRASES = (
    r"kill(ing)? my ?self",
    r"end(ing)? (it all|my life|things)",
    r"suicid(e|al)",
    r"(want|wanna|going) to die",
    r"better off dead",
    r"no reason to live",
    r"don'?t want to (live|be alive|wake up)",
    r"self[- ]?harm",
    r"hurt(ing)? my ?self",
    r"cut(ting)? my ?self",
    r"overdos(e|ing)",
    r"can'?t go on",
    r"take my (own )?life",
)
_CRISIS = re.compile(r"\b(" + "|".join(_PHRASES) + r")", re.IGNORECASE)


def mentions_crisis(text: str) -> bool:
    """True when the text holds language that may signal a crisis."""
    return bool(_CRISIS.search(text.replace("\u2019", "'")))
