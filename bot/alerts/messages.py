"""What the crisis-alert thread sends, words and buttons: the moderator's words to the
member, the member's answer to the moderator, End conversation, and a closed alert."""

from __future__ import annotations

from bot.alerts.callbacks import AlertAction, AlertButton
from bot.outgoing import Buttons, OutgoingMessage
from bot.texts import alerts as alert_texts
from bot.texts import safety as safety_texts


def end_button(alert_id: int) -> tuple[tuple[str, str], ...]:
    """ "End conversation" under a thread's messages, for either side."""
    return (
        (safety_texts.button_end_conversation(), AlertButton(AlertAction.END, alert_id).pack()),
    )


def from_moderator(alert_id: int, text: str) -> OutgoingMessage:
    """The moderator's words to the member, as from "Moderator", with Reply and End."""
    reply = (alert_texts.button_reply_moderator(), AlertButton(AlertAction.REPLY, alert_id).pack())
    buttons: Buttons = ((reply,), end_button(alert_id))
    return OutgoingMessage(alert_texts.from_moderator(text), buttons, protect_content=True)


def member_answered(pseudonym: str, alert_id: int, text: str) -> OutgoingMessage:
    """The member's answer, to the moderator who took their alert."""
    return OutgoingMessage(
        alert_texts.member_answered(pseudonym, alert_id, text), (end_button(alert_id),)
    )


def alert_released(alert_id: int, pseudonym: str) -> OutgoingMessage:
    """To the moderators' chat: an alert whose moderator no longer moderates is nobody's."""
    return OutgoingMessage(alert_texts.alert_released(alert_id, pseudonym))


def taken_over_notice(alert_id: int, pseudonym: str) -> OutgoingMessage:
    """To the moderator who held an alert: another one has taken it over (not who)."""
    return OutgoingMessage(alert_texts.taken_over_notice(alert_id, pseudonym))
