"""Words every feature uses: who may press what, what was not understood, urgent help."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.localtime.zones import zone_of

NOT_A_MEMBER = "You haven't joined yet. Send /start to begin; it takes a minute."
BUTTON_EXPIRED = "This button has expired. Nothing was changed."
UNKNOWN_COMMAND = "I don't know that command. /help lists everything I can do."
DIDNT_UNDERSTAND = (
    "I'm not sure what to do with that message. /help lists what I can do, "
    "and /crisis has urgent-help resources."
)
MEDIA_NOT_RELAYED = (
    "I can only work with text you write yourself here. Photos, stickers, voice messages, "
    "files and forwarded messages are never passed on to anyone, so that nobody can be "
    "identified. Nothing was sent. /help lists what I can do."
)
CANCELLED = "Okay, cancelled. Nothing was changed."
NOTHING_TO_CANCEL = "There's nothing to cancel right now."
SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on my side. Nothing was lost; please try again in a moment."
)

FOR_MODERATORS = "This is for moderators."


def crisis(resources: str) -> str:
    return (
        "<b>If you need help right now</b>\n\n"
        f"{escape(resources)}\n\n"
        "peercircle is peer support, not a crisis service. Reaching out is a strong thing "
        "to do."
    )


def member_time(moment: datetime, zone: str) -> str:
    """A moment as the member reads it, in their own zone: "Thu 05 Mar 2026 at 18:00"."""
    local = moment.astimezone(zone_of(zone))
    return f"{local:%a %d %b %Y} at {local:%H:%M}"


def clip(text: str, limit: int) -> str:
    """Someone's words cut to `limit` characters (with "…"), to fit beside the bot's own."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
