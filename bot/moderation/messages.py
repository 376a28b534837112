"""What moderation sends, words and buttons: reports as the moderators see them, and the
private messages a member gets from the moderators."""

from __future__ import annotations

from datetime import datetime

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
                button(moderation_texts.button_dismiss(), ReportAction.DISMISS),
                button(moderation_texts.button_delete(), ReportAction.DELETE),
            ),
            (
                button(moderation_texts.button_warn(), ReportAction.WARN),
                button(moderation_texts.button_mute(), ReportAction.MUTE),
                button(moderation_texts.button_ban(), ReportAction.BAN),
            ),
        ),
    )


def to_member(text: str) -> OutgoingMessage:
    """A private message from the moderators to one member (a warning, a mute, a ban...)."""
    return OutgoingMessage(text, protect_content=True)


def announcement(text: str) -> OutgoingMessage:
    """A message from "Moderators" to everyone in a circle."""
    return OutgoingMessage(moderation_texts.announcement(text), protect_content=True)


def warning(reason: str | None) -> OutgoingMessage:
    return to_member(moderation_texts.warning_to_member(reason))


def muted_notice(until: datetime, zone: str, reason: str | None) -> OutgoingMessage:
    return to_member(moderation_texts.muted_to_member(until, zone, reason))


def unmuted_notice() -> OutgoingMessage:
    return to_member(moderation_texts.unmuted_to_member())


def banned_notice(reason: str | None) -> OutgoingMessage:
    return to_member(moderation_texts.banned_to_member(reason))


def rejected_notice(reason: str) -> OutgoingMessage:
    """To the author of a held message rejected with /reject and a reason."""
    return to_member(moderation_texts.rejected_to_member(reason))


def report_outcome_notice(pseudonym: str, removed: bool) -> OutgoingMessage:
    """To a member who reported a message, once a moderator has closed the report."""
    return to_member(moderation_texts.report_outcome(pseudonym, removed))


def alert_again(alert: OutgoingMessage) -> OutgoingMessage:
    """A crisis alert nobody has taken, sent to the moderators' chat again."""
    return OutgoingMessage(moderation_texts.alert_again() + alert.text, alert.buttons)
