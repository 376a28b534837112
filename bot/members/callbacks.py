"""The members' buttons and pending answers: onboarding, time zone, check-in time, settings
and forgetting. Each packs into the wire string the bot has always written."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from typing import ClassVar, Self

from bot.callbacks import Button, Pending

# -- onboarding ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Agree(Button, prefix="onb:agree"):
    """ "I agree" under the notice; the invite code from /start <code> rides along."""

    invite: str | None = None


@dataclass(frozen=True)
class NotNow(Button, prefix="onb:later"):
    """ "Not now" under the notice: nothing is stored."""


@dataclass(frozen=True)
class KeepPseudonym(Button, prefix="onb:keep"):
    """Keep the pseudonym offered during onboarding."""


@dataclass(frozen=True)
class RedrawPseudonym(Button, prefix="onb:redraw"):
    """Draw another pseudonym during onboarding."""


# -- time zone and check-in time -------------------------------------------------------------


@dataclass(frozen=True)
class TypeZone(Button, prefix="tz:type"):
    """ "Another zone: I'll type it" under the zone picker."""


@dataclass(frozen=True)
class PickZone(Button, prefix="tz:set"):
    """A zone from the picker or from the places a typed name could mean."""

    zone: str


@dataclass(frozen=True)
class PickCheckinTime(Button, prefix="time:set"):
    """A time from the check-in time picker: time:set:HH:MM (the minutes a part of their own)."""

    at: time

    def _values(self) -> tuple[str, ...]:
        return (f"{self.at:%H}", f"{self.at:%M}")

    @classmethod
    def _from_values(cls, parts: list[str]) -> Self | None:
        if len(parts) != 2 or not all(
            len(part) == 2 and part.isascii() and part.isdigit() for part in parts
        ):
            return None
        return cls(time(int(parts[0]), int(parts[1])))


# -- settings and forgetting -------------------------------------------------------------------


class Setting(StrEnum):
    """What a button under /settings changes."""

    NEW_PSEUDONYM = "pseudo"
    PAUSE = "pause"
    RESUME = "resume"
    WEEKLY_REFLECTION = "weekly"
    TIMEZONE = "tz"
    CHECKIN_TIME = "time"
    LANGUAGE = "lang"
    REGION = "region"
    MEASURES = "measures"  # questionnaires on or off (bot.outcomes)


@dataclass(frozen=True)
class ChangeSetting(Button, prefix="set"):
    setting: Setting


class ForgetChoice(StrEnum):
    """The answers to "Delete everything?"."""

    YES = "yes"
    NO = "no"
    COPY = "copy"


@dataclass(frozen=True)
class ForgetAnswer(Button, prefix="forget"):
    choice: ForgetChoice


# -- pending answers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AwaitingPseudonym(Pending, kind="pseudonym"):
    """Onboarding's first step: the pseudonym is kept or redrawn with buttons, not typed."""


@dataclass(frozen=True)
class AwaitingTimezone(Pending, kind="timezone"):
    """A typed city, zone name or offset."""


@dataclass(frozen=True)
class AwaitingCheckinTime(Pending, kind="checkin_time"):
    """A typed check-in time, HH:MM."""


# -- language and crisis-line region -------------------------------------------------------


@dataclass(frozen=True)
class ChooseLanguage(Button, prefix="lang"):
    """A language under /language, by its catalog id ("es", "pt_BR"); before joining, the
    invite code from /start <code> rides along, so the notice shown again keeps it."""

    language: str
    invite: str | None = None


@dataclass(frozen=True)
class LanguageMenu(Button, prefix="langs"):
    """ "🌐 Language" under the notice: the language menu, before anything is stored."""

    invite: str | None = None


@dataclass(frozen=True)
class ChooseRegion(Button, prefix="region"):
    """A region's crisis lines under /settings, by a short digest of its name (a menu left
    open picks the same region after the operator reorders them; names may be longer than
    callback data allows); BY_LANGUAGE for "the ones for my language"."""

    key: str

    BY_LANGUAGE: ClassVar[str] = "lang"

    @staticmethod
    def key_of(region: str) -> str:
        return hashlib.sha256(region.encode()).hexdigest()[:10]
