"""What can come back from the journey's messages: its buttons, and the setback note a
member is typing.

Wire strings (unchanged):
    jr:start:<0|1>           StartJourney       (it starts today, or started yesterday)
    jr:share:<y|n>           ShareMilestones    (the first "share them with my circle?")
    jr:ms:<y|n>:<days>       ShareMilestoneAgain (asked at a milestone after a setback)
    jr:skipnote:<journey>    SkipSetbackNote
    setback_note:<journey>   SetbackNotePending (members.awaiting)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.callbacks import Button, Pending


class Choice(StrEnum):
    YES = "y"
    NO = "n"

    @property
    def yes(self) -> bool:
        return self is Choice.YES


class StartDay(StrEnum):
    """The day a journey started, as its button names it: how many days ago."""

    TODAY = "0"
    YESTERDAY = "1"

    @property
    def days_ago(self) -> int:
        return int(self.value)


@dataclass(frozen=True)
class StartJourney(Button, prefix="jr:start"):
    day: StartDay


@dataclass(frozen=True)
class ShareMilestones(Button, prefix="jr:share"):
    choice: Choice


@dataclass(frozen=True)
class ShareMilestoneAgain(Button, prefix="jr:ms"):
    choice: Choice
    days: int  # the milestone it was asked at


@dataclass(frozen=True)
class SkipSetbackNote(Button, prefix="jr:skipnote"):
    journey: int  # the journey the setback closed


@dataclass(frozen=True)
class SetbackNotePending(Pending, kind="setback_note"):
    """The member's next text is their private note on the setback that closed `journey`."""

    journey: int
