"""What can come back about goals: the buttons (callback data "gl:<code>:<goal>:...") and the
answers a member's next text is waiting for (members.awaiting "goal_<step>:<goal>:...").

The wire strings are the ones the bot has always written; tests/test_goals_callbacks.py
holds a sample of each. Days travel as YYYYMMDD.

A schedule still being chosen travels as a short code beside the goal id, so nothing
half-chosen is stored: "d" every day, "m<bitmask>" chosen weekdays (bit 0 is Monday),
"w<weekday>" once a week. The database keeps its own longer form ("daily", "days:0,2,4",
"weekly:3"): GoalSchedule.encode and GoalSchedule.parse in bot/goals/rules.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from typing import Self

from bot.callbacks import Button, Pending
from bot.goals.rules import GoalKind, GoalSchedule, LimitPeriod
from bot.localtime.hhmm import parse_hhmm

# GiveReason's reason when the member would rather not say.
NO_REASON = "-"

_GOAL_ID = re.compile(r"-?[0-9]{1,19}")


def schedule_code(schedule: GoalSchedule) -> str:
    """The button form of a schedule: "d", "m<bitmask>" or "w<weekday>"."""
    if schedule.weekly:
        return f"w{min(schedule.weekdays)}"
    if schedule == GoalSchedule.daily():
        return "d"
    return f"m{sum(1 << d for d in schedule.weekdays)}"


def parse_schedule_code(code: str) -> GoalSchedule | None:
    """The schedule a button code names; None for anything else."""
    if code == "d":
        return GoalSchedule.daily()
    if len(code) < 2 or not code[1:].isdigit():
        return None
    number = int(code[1:])
    if code[0] == "w":
        return GoalSchedule.once_a_week(number)
    if code[0] == "m":
        return GoalSchedule.from_mask(number)
    return None


def _goal_id(part: str) -> int | None:
    return int(part) if _GOAL_ID.fullmatch(part) else None


class ScheduleChoice(StrEnum):
    """The first schedule question's answers."""

    DAILY = "daily"
    DAYS = "days"
    WEEKLY = "weekly"


@dataclass(frozen=True)
class GoalButton(Button):
    """A button about one of the member's goals: the goal's id comes first."""

    goal: int


@dataclass(frozen=True)
class NudgeButton(GoalButton):
    """An answer to a goal's nudge, about one day."""

    day: date


# -- setting up -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StartNewGoal(Button, prefix="gl:new"):
    """Under the goals list: set up another goal."""


@dataclass(frozen=True)
class ShowGoals(Button, prefix="gl:l"):
    """Back from one goal to the list of goals."""


@dataclass(frozen=True)
class ChooseKind(GoalButton, prefix="gl:k"):
    kind: GoalKind


@dataclass(frozen=True)
class ChoosePeriod(GoalButton, prefix="gl:p"):
    period: LimitPeriod


@dataclass(frozen=True)
class ChooseSchedule(GoalButton, prefix="gl:s"):
    choice: ScheduleChoice


@dataclass(frozen=True)
class ToggleWeekday(GoalButton, prefix="gl:wd"):
    """A weekday in the picker: carries the bitmask the tap leaves behind."""

    mask: int


@dataclass(frozen=True)
class ConfirmWeekdays(GoalButton, prefix="gl:wk"):
    """The picker's Done: the weekdays chosen so far, as a bitmask (0: none yet)."""

    mask: int


@dataclass(frozen=True)
class ChooseWeekday(GoalButton, prefix="gl:o"):
    """The day of a once-a-week goal (0 is Monday)."""

    weekday: int


@dataclass(frozen=True)
class ChooseTime(GoalButton, prefix="gl:t"):
    """A nudge time, with the schedule chosen before it: gl:t:<goal>:<code>:<HHMM>."""

    schedule: GoalSchedule
    at: time

    def _values(self) -> tuple[str, ...]:
        return str(self.goal), schedule_code(self.schedule), self.at.strftime("%H%M")

    @classmethod
    def _from_values(cls, parts: list[str]) -> Self | None:
        if len(parts) != 3 or len(parts[2]) != 4:
            return None
        goal, schedule = _goal_id(parts[0]), parse_schedule_code(parts[1])
        at = parse_hhmm(f"{parts[2][:2]}:{parts[2][2:]}")
        if goal is None or schedule is None or at is None:
            return None
        return cls(goal, schedule, at)


@dataclass(frozen=True)
class SkipWhy(GoalButton, prefix="gl:y"):
    """The last set-up step skipped: the goal starts without a "why"."""


# -- answering a nudge ------------------------------------------------------------------------


@dataclass(frozen=True)
class MarkDone(NudgeButton, prefix="gl:d"):
    """A habit done that day."""


@dataclass(frozen=True)
class NotToday(NudgeButton, prefix="gl:n"):
    """A habit not done that day; the reasons follow."""


@dataclass(frozen=True)
class GiveReason(NudgeButton, prefix="gl:r"):
    """What got in the way on a "not today" day; NO_REASON when the member would rather not
    say. The service refuses a reason it does not know."""

    reason: str

    @property
    def given(self) -> str | None:
        return None if self.reason == NO_REASON else self.reason


@dataclass(frozen=True)
class SnoozeNudge(NudgeButton, prefix="gl:z"):
    """Ask about the nudge again in an hour, once."""


@dataclass(frozen=True)
class LogCount(NudgeButton, prefix="gl:c"):
    """A limit's count for that day, 0 to 9, tapped."""

    amount: int


@dataclass(frozen=True)
class TypeCount(NudgeButton, prefix="gl:ct"):
    """The "10 or more: I'll type it" button: the next text is the count."""


# -- managing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ManageGoal(GoalButton, prefix="gl:m"):
    """One goal's progress, with its pause, archive and schedule buttons."""


@dataclass(frozen=True)
class ChangeSchedule(GoalButton, prefix="gl:e"):
    """A running goal's schedule and time chosen again."""


@dataclass(frozen=True)
class PauseGoal(GoalButton, prefix="gl:pa"):
    """No nudges for this goal until it is resumed."""


@dataclass(frozen=True)
class ResumeGoal(GoalButton, prefix="gl:re"):
    """Nudges for a paused goal again."""


@dataclass(frozen=True)
class AskArchive(GoalButton, prefix="gl:ar"):
    """Archive this goal? (asks first)"""


@dataclass(frozen=True)
class ArchiveGoal(GoalButton, prefix="gl:ax"):
    """Yes, archive it."""


# -- answers typed ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AwaitingGoalTitle(Pending, kind="goal_title"):
    """/newgoal: the next text is the goal's title."""


@dataclass(frozen=True)
class AwaitingGoalStep(Pending, kind="goal_step"):
    """A set-up question answered with buttons: text gets "please use the buttons"."""

    goal: int


@dataclass(frozen=True)
class AwaitingGoalTarget(Pending, kind="goal_target"):
    """A limit's most per period."""

    goal: int


@dataclass(frozen=True)
class AwaitingGoalTime(Pending, kind="goal_time"):
    """The nudge time, typed, for the schedule chosen: goal_time:<goal>:<schedule code>."""

    goal: int
    schedule: GoalSchedule

    def _values(self) -> tuple[str, ...]:
        return str(self.goal), schedule_code(self.schedule)

    @classmethod
    def _from_values(cls, parts: list[str]) -> Self | None:
        if len(parts) != 2:
            return None
        goal, schedule = _goal_id(parts[0]), parse_schedule_code(parts[1])
        if goal is None or schedule is None:
            return None
        return cls(goal, schedule)


@dataclass(frozen=True)
class AwaitingGoalWhy(Pending, kind="goal_why"):
    """Why the goal matters (the last set-up step)."""

    goal: int


@dataclass(frozen=True)
class AwaitingGoalCount(Pending, kind="goal_count"):
    """A limit's count for a day, 10 or more, typed."""

    goal: int
    day: date


GOAL_PENDING: tuple[type[Pending], ...] = (
    AwaitingGoalTitle,
    AwaitingGoalStep,
    AwaitingGoalTarget,
    AwaitingGoalTime,
    AwaitingGoalWhy,
    AwaitingGoalCount,
)
