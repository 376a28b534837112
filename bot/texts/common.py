"""Words every feature uses: who may press what, what was not understood, urgent help."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.i18n import _, formats
from bot.localtime.zones import zone_of
from bot.texts import fit


def not_a_member() -> str:
    return _("You haven't joined yet. Send /start to begin; it takes a minute.")


def button_expired() -> str:
    # Translators: a short pop-up over the chat when an old button is pressed.
    return _("This button has expired. Nothing was changed.")


def unknown_command() -> str:
    return _(
        "I don't know that command. /help lists everything I can do, and /crisis has people "
        "who answer straight away."
    )


def didnt_understand(moderators: bool) -> str:
    """Free text no feature took. The crisis screen may miss words it does not know, so this
    reply never ends there: it offers a person (when moderators can hear) and /crisis."""
    if moderators:
        # Translators: the reply to a message the bot did not understand; a button "Talk to
        # a moderator" follows. It may be someone in distress whose words the screen missed.
        return _(
            "I'm a bot, so I may not have understood that. If something is weighing on you, "
            "you don't have to carry it alone: a peer moderator can write to you here. "
            "/crisis has people who answer straight away, and /help lists what I can do."
        )
    # Translators: as above, where no peer moderator can be asked (no button).
    return _(
        "I'm a bot, so I may not have understood that. If something is weighing on you, "
        "/crisis has people who answer straight away. /help lists what I can do."
    )


def media_not_relayed() -> str:
    return _(
        "I can only work with text you write yourself here. Photos, stickers, voice messages, "
        "files and forwarded messages are never passed on to anyone, so that nobody can be "
        "identified. Nothing was sent. /help lists what I can do."
    )


def cancelled() -> str:
    return _("Okay, cancelled. Nothing was changed.")


def nothing_to_cancel() -> str:
    return _("There's nothing to cancel right now.")


def something_went_wrong() -> str:
    return _(
        "Sorry, something went wrong on my side. Nothing was lost; please try again in a moment."
    )


def not_saved_yet() -> str:
    # Translators: the bot's storage failed for a moment (a full disk, for example); the
    # member's message or tap was NOT saved yet, and the bot will try it again by itself.
    return _(
        "Sorry, I couldn't save that just now; the problem is on my side. I'll try again by "
        "myself in a moment, so there's no need to send it again."
    )


def for_moderators() -> str:
    return _("This is for moderators.")


def help_right_now() -> str:
    # Translators: the heading above the crisis resources (helplines), shown to a person who
    # may be in crisis; keep it warm and short.
    return _("<b>If you need help right now</b>")


def crisis(resources: str) -> str:
    return "\n\n".join(
        (
            help_right_now(),
            escape(resources),
            _(
                "peercircle is peer support, not a crisis service. Reaching out is a strong "
                "thing to do."
            ),
        )
    )


def member_time(moment: datetime, zone: str) -> str:
    """A moment as the member reads it, in their own zone: "Thu 05 Mar 2026 at 18:00"."""
    local = moment.astimezone(zone_of(zone))
    # Translators: a moment in the reader's own time zone: {date} is a day such as "Thu 05
    # Mar 2026", {time} a 24-hour time such as "18:00".
    return _("{date} at {time}").format(
        date=formats.weekday_day_month_year(local.date()), time=formats.clock(local)
    )


def clip(text: str, limit: int) -> str:
    """Someone's words cut to `limit` UTF-16 units, as Telegram counts (with "…"), to fit
    beside the bot's own."""
    return fit.clip(text, limit)
