"""What the crisis-alert thread sends, words and buttons: the moderator's words to the
member, the member's answer to the moderator, End conversation, and a closed alert."""

from __future__ import annotations

from bot.alerts.callbacks import AlertAction, AlertButton
from bot.outgoing import Buttons, OutgoingMessage
from bot.safety.service import alert_row_message
from bot.texts import alerts as alert_texts
from bot.texts import safety as safety_texts
from storage.alerts import AlertRow


def end_button(alert_id: int) -> tuple[tuple[str, str], ...]:
    """ "End conversation" under a thread's messages, for either side."""
    return ((safety_texts.BUTTON_END_CONVERSATION, AlertButton(AlertAction.END, alert_id).pack()),)


def from_moderator(alert_id: int, text: str) -> OutgoingMessage:
    """The moderator's words to the member, as from "Moderator", with Reply and End."""
    reply = (alert_texts.BUTTON_REPLY_MODERATOR, AlertButton(AlertAction.REPLY, alert_id).pack())
    buttons: Buttons = ((reply,), end_button(alert_id))
    return OutgoingMessage(alert_texts.from_moderator(text), buttons, protect_content=True)


def member_answered(pseudonym: str, alert_id: int, text: str) -> OutgoingMessage:
    """The member's answer, to the moderator who took their alert."""
    return OutgoingMessage(
        alert_texts.member_answered(pseudonym, alert_id, text), (end_button(alert_id),)
    )


def closed_alert_text(alert: AlertRow) -> str:
    """The alert as it reads once closed: who took it, who closed it and how."""
    shown = alert_row_message(alert).text
    closed_at = alert.resolved_at.strftime("%H:%M") if alert.resolved_at else ""
    name = alert.resolved_by_name or ""
    if alert.false_alarm:
        return safety_texts.false_alarm_text(shown, name, closed_at)
    if alert.taken_by_name and alert.taken_at is not None:
        taken_at = alert.taken_at.strftime("%H:%M")
        shown = alert_texts.alert_taken(shown, alert.taken_by_name, taken_at)
    return alert_texts.alert_resolved(shown, name, closed_at)
