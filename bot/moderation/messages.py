"""What moderation sends, words and buttons: reports as the moderators see them, and the
private messages a member gets from the moderators."""

from __future__ import annotations

from bot.moderation.callbacks import ReportAction, ReportButton
from bot.outgoing import OutgoingMessage
from bot.texts import moderation as moderation_texts


def report_message(report_id: int, circle: str, pseudonym: str, text: str) -> OutgoingMessage:
    """A report as the moderators see it, with what they can do about it."""

    def button(label: str, action: ReportAction) -> tuple[str, str]:
        return label, ReportButton(action, report_id).pack()

    return OutgoingMessage(
        moderation_texts.report_text(report_id, circle, pseudonym, text),
        (
            (
                button(moderation_texts.BUTTON_DISMISS, ReportAction.DISMISS),
                button(moderation_texts.BUTTON_DELETE, ReportAction.DELETE),
            ),
            (
                button(moderation_texts.BUTTON_WARN, ReportAction.WARN),
                button(moderation_texts.BUTTON_MUTE, ReportAction.MUTE),
                button(moderation_texts.BUTTON_BAN, ReportAction.BAN),
            ),
        ),
    )


def to_member(text: str) -> OutgoingMessage:
    """A private message from the moderators to one member (a warning, a mute, a ban...)."""
    return OutgoingMessage(text, protect_content=True)


def announcement(text: str) -> OutgoingMessage:
    """A message from "Moderators" to everyone in a circle."""
    return OutgoingMessage(moderation_texts.announcement(text), protect_content=True)
