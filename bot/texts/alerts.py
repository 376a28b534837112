"""Every text of crisis alerts after they are raised: taking them, and the private thread
between a moderator and the member. HTML parse mode."""

from __future__ import annotations

from html import escape

from bot.texts.common import clip

BUTTON_REPLY_MODERATOR = "Reply to Moderator"
ALERT_ALREADY_TAKEN = "{name} has already taken this one."
ALERT_ALREADY_CLOSED = "{name} has already closed this one."
TELL_USAGE = "Write it as <code>/tell &lt;alert number&gt; &lt;message&gt;</code>."
TELL_NOT_YOURS = 'Take that alert first ("I\'ll reach out"); then you can write to them.'
TELL_SENT = 'Sent. They see it from "Moderator".'
ANSWER_MODERATOR = (
    "Write your answer as one message; it goes only to the moderator who wrote to you."
)
ANSWER_SENT = "Sent to the moderator. 💚"


def alert_taken(original: str, name: str, at: str) -> str:
    return f"{original}\n\n🤝 Taken by {escape(name)} at {at} UTC."


def alert_resolved(original: str, name: str, at: str) -> str:
    return f"{original}\n\n✅ Resolved by {escape(name)} at {at} UTC."


def reach_out_instructions(alert_id: int, pseudonym: str) -> str:
    return (
        f"You're reaching out to <b>{escape(pseudonym)}</b> (alert #{alert_id}). Write to "
        f"them with <code>/tell {alert_id} your message</code>; they see it from "
        '"Moderator" and can answer you here. Press Resolved on the alert when done.'
    )


# A member's or moderator's words with a short header must fit one Telegram message.
_THREAD_TEXT_LIMIT = 3900


def from_moderator(text: str) -> str:
    return f"<b>Moderator</b>: {escape(clip(text, _THREAD_TEXT_LIMIT))}"


def member_answered(pseudonym: str, alert_id: int, text: str) -> str:
    words = escape(clip(text, _THREAD_TEXT_LIMIT))
    return f"<b>{escape(pseudonym)}</b> (alert #{alert_id}) answered:\n{words}"
