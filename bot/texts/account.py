"""Account and settings: time zone, check-in time, pause, forget."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.localtime.cities import Place, normalise_name, zone_city
from bot.localtime.zones import zone_of
from bot.texts.common import clip, member_time

BUTTON_OTHER_ZONE = "Another zone: I'll type it"
BUTTON_SETTINGS_PSEUDONYM = "New pseudonym"
BUTTON_SETTINGS_TIMEZONE = "Time zone"
BUTTON_SETTINGS_TIME = "Check-in time"
BUTTON_PAUSE = "⏸ Pause"
BUTTON_RESUME = "▶️ Resume"
BUTTON_FORGET_YES = "Yes, delete everything"
BUTTON_FORGET_NO = "No, keep everything"
BUTTON_FORGET_COPY = "📦 Get a copy first"
BUTTON_WEEKLY_ON = "Weekly reflection: turn on"
BUTTON_WEEKLY_OFF = "Weekly reflection: turn off"
ASK_TIMEZONE = (
    "Which time zone are you in? It lets me ask about your day at a time that suits you.\n\n"
    "Tap one below, or type your city or the nearest big one (like <code>Lisbon</code>). "
    "An offset like <code>UTC+5:30</code> works too."
)
TYPE_TIMEZONE = (
    "Type your city, or the nearest big one (like <code>Denver</code>). A zone name like "
    "<code>America/Denver</code> or an offset like <code>UTC+5:30</code> works too."
)


def zone_button(name: str, zone: str, now: datetime) -> str:
    """A zone's button: the place and its clock, "London (15:57 now)"."""
    return f"{name} ({now.astimezone(zone_of(zone)):%H:%M} now)"


def timezone_set(zone: str, place: str | None, now: datetime) -> str:
    """The zone just chosen, with the place typed when the zone is named after another."""
    other = place is not None and normalise_name(place) != normalise_name(zone_city(zone))
    named = f" ({escape(place)})" if place and other else ""
    return (
        f"Time zone set to <b>{escape(zone)}</b>{named}. "
        f"It's {now.astimezone(zone_of(zone)):%H:%M} there now."
    )


def _typed(text: str) -> str:
    return escape(clip(text.strip(), 40))


def zone_not_found(text: str) -> str:
    return (
        f"I couldn't find “{_typed(text)}” as a place or time zone, so nothing was changed. "
        "Try the nearest big city (like <code>Lisbon</code>) or an offset (like "
        "<code>UTC+5:30</code>), or tap one below."
    )


def zone_did_you_mean(text: str, places: tuple[Place, ...]) -> str:
    question = (
        f"Did you mean <b>{escape(places[0].name)}</b>?"
        if len(places) == 1
        else "Did you mean one of these?"
    )
    return f"I couldn't find “{_typed(text)}”. {question} Tap it, or type the name again."


def zone_which(text: str) -> str:
    return f"“{_typed(text)}” could be more than one time zone. Which one is yours?"


ASK_CHECKIN_TIME = (
    "When would you like your daily check-in? Three quick taps: your mood, your "
    "confidence, and a private note if you want one.\n\nTap a time, or type one as HH:MM "
    "(like <code>21:30</code>)."
)
BAD_CHECKIN_TIME = (
    "That doesn't look like a time, and nothing was changed. Please write it as HH:MM, "
    "for example <code>07:30</code> or <code>20:00</code>."
)


def settings_summary(
    *,
    pseudonym: str,
    timezone: str,
    checkin_time: str,
    weekly_reflection: bool,
    paused: bool,
    paused_until: datetime | None,
    now: datetime,
) -> str:
    if paused and paused_until:
        status = f"paused until {member_time(paused_until, timezone)}"
    elif paused:
        status = "paused until you /resume"
    else:
        status = "active"
    return (
        f"Pseudonym: <b>{escape(pseudonym)}</b>\n"
        f"Time zone: {escape(timezone)} "
        f"({now.astimezone(zone_of(timezone)):%H:%M} now)\n"
        f"Daily check-in: {escape(checkin_time)}\n"
        f"Weekly reflection: {'on' if weekly_reflection else 'off'}\n"
        f"Check-ins and nudges: {status}"
    )


SETTINGS_HEADER = "<b>Your settings</b>\n\n"
CHECKIN_TIME_SET = "Your daily check-in is now at <b>{time}</b> ({zone})."


def paused(until: datetime | None, timezone: str) -> str:
    if until:
        return (
            f"Paused until {member_time(until, timezone)} (your time). "
            "No check-ins or nudges until then. Rest is part of recovery too. /resume starts "
            "them again sooner."
        )
    return (
        "Paused. No check-ins or nudges until you send /resume. Take the time you need; "
        "you're still part of peercircle."
    )


BAD_PAUSE = "Pause for how many days? Use a number from 1 to 365, like <code>/pause 7</code>."
RESUMED = "Welcome back. Check-ins and nudges are on again. 🌱"
NOT_PAUSED = "You weren't paused, so nothing changed: check-ins and nudges are on."
FORGET_CONFIRM = (
    "This deletes <b>everything</b> peercircle stores about you, for good: your settings, "
    "check-ins, notes, goals, journey and safety plan. It cannot be undone.\n\n"
    "Would you like a copy first? Tap “Get a copy first”, or send /mydata."
)
FORGET_AFTER_COPY = (
    "Your copy is above. Do you still want to delete everything? It cannot be undone."
)
FORGOTTEN = (
    "Done. Everything about you has been deleted. If you ever want to come back, "
    "send /start and you'll begin fresh. Take care of yourself. 💚"
)
FORGET_CANCELLED = "Nothing was deleted. I'm glad you're staying."
