"""The safety net's buttons and pending answer: asking a moderator to reach out, and the
steps of /safetyplan. Each packs into the wire string the bot has always written."""

from __future__ import annotations

from dataclasses import dataclass

from bot.callbacks import Button, Pending


@dataclass(frozen=True)
class AskModerator(Button, prefix="sf:ask"):
    """Under the crisis reply: ask for a peer moderator to reach out about this alert."""

    alert: int


@dataclass(frozen=True)
class RequestTalk(Button, prefix="sf:talk"):
    """Under the reply to a message the bot did not understand: ask a peer moderator to
    write, in case the words were a cry for help the screen did not know."""


@dataclass(frozen=True)
class SkipPlanPart(Button, prefix="sp:skip"):
    """ "Skip" (or "Keep as it is") under a /safetyplan question."""

    part: str


@dataclass(frozen=True)
class ClearPlanPart(Button, prefix="sp:clear"):
    """ "Clear it" under a /safetyplan question that already has an answer."""

    part: str


@dataclass(frozen=True)
class EditPlan(Button, prefix="sp:edit"):
    """ "Edit my plan" under the plan."""


@dataclass(frozen=True)
class DeletePlan(Button, prefix="sp:del"):
    """ "Delete it" under the plan: asks first."""


@dataclass(frozen=True)
class ConfirmDeletePlan(Button, prefix="sp:delyes"):
    """ "Yes, delete it"."""


@dataclass(frozen=True)
class KeepPlan(Button, prefix="sp:delno"):
    """ "No, keep it"."""


@dataclass(frozen=True)
class AwaitingPlanPart(Pending, kind="safety_plan"):
    """The /safetyplan question being answered, by its part's name."""

    part: str | None = None
