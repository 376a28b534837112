"""What the safety net sends a member with buttons: the crisis reply's last part, the reply
to a message nobody understood, the plan, and the questions of /safetyplan."""

from __future__ import annotations

from bot.outgoing import OutgoingMessage
from bot.safety.callbacks import (
    AskModerator,
    ClearPlanPart,
    ConfirmDeletePlan,
    DeletePlan,
    EditPlan,
    KeepPlan,
    RequestTalk,
    SkipPlanPart,
)
from bot.safety.rules import PART_NAMES, SafetyPlan
from bot.texts import common as common_texts
from bot.texts import safety as safety_texts


def crisis_reply_end(text: str, alert_id: int | None) -> OutgoingMessage:
    """The crisis reply's last message, with "ask a moderator" when there is an alert."""
    if alert_id is None:
        return OutgoingMessage(text)
    ask = AskModerator(alert_id).pack()
    return OutgoingMessage(text, (((safety_texts.button_ask_moderator(), ask),),))


def not_understood(moderators: bool) -> OutgoingMessage:
    """Free text no feature took: never a dead end. "Talk to a moderator" when a peer
    moderator can hear (only members: a request needs a pseudonym)."""
    if not moderators:
        return OutgoingMessage(common_texts.didnt_understand(False))
    talk = RequestTalk().pack()
    return OutgoingMessage(
        common_texts.didnt_understand(True), (((safety_texts.button_talk(), talk),),)
    )


def plan_shown(plan: SafetyPlan) -> OutgoingMessage:
    """The member's plan, with Edit and Delete."""
    return OutgoingMessage(
        safety_texts.plan_text(plan),
        (
            (
                (safety_texts.button_edit_plan(), EditPlan().pack()),
                (safety_texts.button_delete_plan(), DeletePlan().pack()),
            ),
        ),
    )


def plan_question(index: int, draft: SafetyPlan) -> OutgoingMessage:
    """One /safetyplan question: Skip, or Keep and Clear when the part has an answer."""
    name = PART_NAMES[index]
    current = draft.part(name)
    text = safety_texts.plan_question(index, current)
    row: tuple[tuple[str, str], ...]
    if current:
        row = (
            (safety_texts.button_keep_part(), SkipPlanPart(name).pack()),
            (safety_texts.button_clear_part(), ClearPlanPart(name).pack()),
        )
    else:
        row = ((safety_texts.button_skip_part(), SkipPlanPart(name).pack()),)
    return OutgoingMessage(text, (row,))


def delete_confirm() -> OutgoingMessage:
    return OutgoingMessage(
        safety_texts.plan_delete_confirm(),
        (
            (
                (safety_texts.button_confirm_delete_plan(), ConfirmDeletePlan().pack()),
                (safety_texts.button_keep_plan(), KeepPlan().pack()),
            ),
        ),
    )
