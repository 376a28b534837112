"""What can come back from questionnaire messages: their buttons.

Wire strings:
    oc:in:<y|n>                   OptIn           (the offer, /measures, /settings)
    oc:go:<questionnaire>         StartMeasure    (an invitation, /measures)
    oc:later:<questionnaire>      LaterMeasure    (an invitation, or between items)
    oc:a:<sitting>:<item>:<value> AnswerItem      (item is 0-based: a second tap on an
                                                   answered item is stale)
    oc:stop:<k|d|c>               StopMeasures    (keep answers, delete them, or carry on)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.callbacks import Button
from bot.journey.callbacks import Choice


@dataclass(frozen=True)
class OptIn(Button, prefix="oc:in"):
    choice: Choice


@dataclass(frozen=True)
class StartMeasure(Button, prefix="oc:go"):
    questionnaire: str


@dataclass(frozen=True)
class LaterMeasure(Button, prefix="oc:later"):
    questionnaire: str


@dataclass(frozen=True)
class AnswerItem(Button, prefix="oc:a"):
    sitting: int
    item: int
    value: int


class Stop(StrEnum):
    KEEP = "k"  # stop, keep my answers
    DELETE = "d"  # stop, delete my answers
    CANCEL = "c"  # carry on


@dataclass(frozen=True)
class StopMeasures(Button, prefix="oc:stop"):
    choice: Stop
