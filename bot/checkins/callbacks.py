"""What can come back from a check-in: its steps' buttons, the support buttons of a hard
day, and the private note a member is typing.

Wire strings (unchanged):
    ci:m:<YYYYMMDD>:<mood>                 ChooseMood
    ci:c:<YYYYMMDD>:<mood>:<confidence>    ChooseConfidence
    ci:note:<YYYYMMDD>:<r|n>               AddNote   (r: the answers replaced earlier ones)
    ci:skip:<YYYYMMDD>:<r|n>               SkipNote
    ci:circle:<anon|named>                 TellCircle
    ci:talk  ci:plan  ci:crisis            TalkToModerator, ShowSafetyPlan, CrisisResources
    tr:<days>                              ShowPeriod (the /trends chart's 7 / 30 / 90)
    note:<YYYY-MM-DD>:<r|n>                NotePending (members.awaiting)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.callbacks import ISO_DATE, Button, Pending
from bot.checkins.rules import day_code, parse_day_code


class Answers(StrEnum):
    """Whether the day's answers replaced answers given earlier for that day."""

    REPLACED = "r"
    FIRST = "n"

    @classmethod
    def of(cls, replaced: bool) -> Answers:
        return cls.REPLACED if replaced else cls.FIRST

    @property
    def replaced(self) -> bool:
        return self is Answers.REPLACED


class Naming(StrEnum):
    """Whether the circle hears who is having a hard day."""

    ANONYMOUS = "anon"
    NAMED = "named"


def _number(part: str) -> int | None:
    """A count from the wire: ASCII digits only ("²" passes str.isdigit), as the codec."""
    return int(part) if len(part) <= 19 and part.isascii() and part.isdigit() else None


@dataclass(frozen=True)
class ChooseMood(Button, prefix="ci:m"):
    day: date
    mood: int

    # The default layout, written and read directly: these are the check-in taps, the hot
    # path (bench/updates.py). A question packs 5 to 11 of them, and the generic codec's
    # strftime and regex per field cost several times what day_code and isdigit do.
    def _values(self) -> tuple[str, ...]:
        return day_code(self.day), str(self.mood)

    @classmethod
    def _from_values(cls, parts: list[str]) -> ChooseMood | None:
        if len(parts) != 2:
            return None
        day, mood = parse_day_code(parts[0]), _number(parts[1])
        return None if day is None or mood is None else cls(day, mood)


@dataclass(frozen=True)
class ChooseConfidence(Button, prefix="ci:c"):
    day: date
    mood: int
    confidence: int

    # As ChooseMood: the default layout, written and read directly (the hot path).
    def _values(self) -> tuple[str, ...]:
        return day_code(self.day), str(self.mood), str(self.confidence)

    @classmethod
    def _from_values(cls, parts: list[str]) -> ChooseConfidence | None:
        if len(parts) != 3:
            return None
        day = parse_day_code(parts[0])
        mood, confidence = _number(parts[1]), _number(parts[2])
        if day is None or mood is None or confidence is None:
            return None
        return cls(day, mood, confidence)


@dataclass(frozen=True)
class AddNote(Button, prefix="ci:note"):
    day: date
    answers: Answers

    def _values(self) -> tuple[str, ...]:
        return day_code(self.day), self.answers.value  # as ChooseMood: without strftime


@dataclass(frozen=True)
class SkipNote(Button, prefix="ci:skip"):
    day: date
    answers: Answers

    def _values(self) -> tuple[str, ...]:
        return day_code(self.day), self.answers.value  # as ChooseMood: without strftime


@dataclass(frozen=True)
class TellCircle(Button, prefix="ci:circle"):
    naming: Naming


@dataclass(frozen=True)
class TalkToModerator(Button, prefix="ci:talk"):
    pass


@dataclass(frozen=True)
class ShowSafetyPlan(Button, prefix="ci:plan"):
    pass


@dataclass(frozen=True)
class CrisisResources(Button, prefix="ci:crisis"):
    pass


# The check-in's own steps: in a combined message, a press on one redraws the check-in part.
CHECKIN_STEPS: tuple[type[Button], ...] = (ChooseMood, ChooseConfidence, AddNote, SkipNote)


@dataclass(frozen=True)
class NotePending(Pending, kind="note"):
    """The member's next text is their private note on the check-in of `day`."""

    day: date = field(metadata=ISO_DATE)
    answers: Answers | None = None  # left out by an older version: first answers


@dataclass(frozen=True)
class ShowPeriod(Button, prefix="tr"):
    """/trends: show the chart of the last `days` days (7, 30 or 90)."""

    days: int
