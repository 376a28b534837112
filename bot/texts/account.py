"""Account and settings: time zone, check-in time, pause, forget."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.i18n import _, pgettext
from bot.i18n.formats import clock
from bot.localtime.cities import Place, normalise_name, zone_city
from bot.localtime.zones import zone_of
from bot.texts.common import clip, member_time


def button_other_zone() -> str:
    return pgettext("button", "Another zone: I'll type it")


def button_settings_pseudonym() -> str:
    return pgettext("button", "New pseudonym")


def pseudonym_limit_reached(pseudonym: str) -> str:
    # Translators: a pop-up (plain text, at most 200 characters) after the sixth "New
    # pseudonym" in a day; {pseudonym} is the member's pseudonym, which stays as it is.
    return _(
        "That's the most new pseudonyms for one day. You can draw another tomorrow; until "
        "then you stay {pseudonym}."
    ).format(pseudonym=pseudonym)


def button_settings_timezone() -> str:
    return pgettext("button", "Time zone")


def button_settings_time() -> str:
    return pgettext("button", "Check-in time")


def button_pause() -> str:
    return pgettext("button", "⏸ Pause")


def button_resume() -> str:
    return pgettext("button", "▶️ Resume")


def button_forget_yes() -> str:
    return pgettext("button", "Yes, delete everything")


def button_forget_no() -> str:
    return pgettext("button", "No, keep everything")


def button_forget_copy() -> str:
    # Translators: button label; forget_confirm() quotes it as “Get a copy first”.
    return pgettext("button", "📦 Get a copy first")


def button_weekly_on() -> str:
    return pgettext("button", "Weekly reflection: turn on")


def button_weekly_off() -> str:
    return pgettext("button", "Weekly reflection: turn off")


def ask_timezone() -> str:
    return _(
        "Which time zone are you in? It lets me ask about your day at a time that suits you.\n\n"
        "Tap one below, or type your city or the nearest big one (like <code>Lisbon</code>). "
        "An offset like <code>UTC+5:30</code> works too."
    )


def type_timezone() -> str:
    return _(
        "Type your city, or the nearest big one (like <code>Denver</code>). A zone name like "
        "<code>America/Denver</code> or an offset like <code>UTC+5:30</code> works too."
    )


def zone_button(name: str, zone: str, now: datetime) -> str:
    """A zone's button: the place and its clock, "London (15:57 now)"."""
    # Translators: a button; {place} is a city, {time} the time there now ("London (15:57 now)").
    return _("{place} ({time} now)").format(place=name, time=clock(now.astimezone(zone_of(zone))))


def timezone_set(zone: str, place: str | None, now: datetime) -> str:
    """The zone just chosen, with the place typed when the zone is named after another."""
    other = place is not None and normalise_name(place) != normalise_name(zone_city(zone))
    time = clock(now.astimezone(zone_of(zone)))
    if place and other:
        # Translators: {zone} is a time zone name ("Europe/Lisbon"), {place} the place the
        # member typed, {time} the time there now.
        return _("Time zone set to <b>{zone}</b> ({place}). It's {time} there now.").format(
            zone=escape(zone), place=escape(place), time=time
        )
    # Translators: {zone} is a time zone name ("Europe/Lisbon"), {time} the time there now.
    return _("Time zone set to <b>{zone}</b>. It's {time} there now.").format(
        zone=escape(zone), time=time
    )


def _typed(text: str) -> str:
    return escape(clip(text.strip(), 40))


def zone_not_found(text: str) -> str:
    # Translators: {typed} is what the member typed as their place or time zone.
    return _(
        "I couldn't find “{typed}” as a place or time zone, so nothing was changed. "
        "Try the nearest big city (like <code>Lisbon</code>) or an offset (like "
        "<code>UTC+5:30</code>), or tap one below."
    ).format(typed=_typed(text))


def zone_did_you_mean(text: str, places: tuple[Place, ...]) -> str:
    if len(places) == 1:
        # Translators: {typed} is what the member typed; {place} the one place it nearly
        # matches, shown as a button below.
        return _(
            "I couldn't find “{typed}”. Did you mean <b>{place}</b>? Tap it, or type the "
            "name again."
        ).format(typed=_typed(text), place=escape(places[0].name))
    # Translators: {typed} is what the member typed; the places it nearly matches are
    # buttons below.
    return _(
        "I couldn't find “{typed}”. Did you mean one of these? Tap it, or type the name again."
    ).format(typed=_typed(text))


def zone_which(text: str) -> str:
    # Translators: {typed} is the place the member typed; the zones it could be are buttons.
    return _("“{typed}” could be more than one time zone. Which one is yours?").format(
        typed=_typed(text)
    )


def ask_checkin_time() -> str:
    return _(
        "When would you like your daily check-in? Three quick taps: your mood, your "
        "confidence, and a private note if you want one.\n\nTap a time, or type one as HH:MM "
        "(like <code>21:30</code>)."
    )


def bad_checkin_time() -> str:
    return _(
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
        # Translators: the state of check-ins in /settings; {moment} is a date and time.
        status = pgettext("check-ins are", "paused until {moment}").format(
            moment=member_time(paused_until, timezone)
        )
    elif paused:
        status = pgettext("check-ins are", "paused until you /resume")
    else:
        status = pgettext("check-ins are", "active")
    weekly = (
        pgettext("weekly reflection is", "on")
        if weekly_reflection
        else pgettext("weekly reflection is", "off")
    )
    # Translators: the member's settings, one a line. {pseudonym} is their two-word
    # nickname, {zone} a time zone name, {time} the time there now, {checkin_time} an
    # HH:MM time, {weekly} "on" or "off", {status} "active" or "paused until …".
    return _(
        "Pseudonym: <b>{pseudonym}</b>\n"
        "Time zone: {zone} ({time} now)\n"
        "Daily check-in: {checkin_time}\n"
        "Weekly reflection: {weekly}\n"
        "Check-ins and nudges: {status}"
    ).format(
        pseudonym=escape(pseudonym),
        zone=escape(timezone),
        time=clock(now.astimezone(zone_of(timezone))),
        checkin_time=escape(checkin_time),
        weekly=weekly,
        status=status,
    )


def settings_header() -> str:
    """The heading above settings_summary(), with the blank line after it."""
    return _("<b>Your settings</b>") + "\n\n"


def checkin_time_set(time: str, zone: str) -> str:
    # Translators: {time} is an HH:MM time, {zone} a time zone name ("Europe/Lisbon").
    return _("Your daily check-in is now at <b>{time}</b> ({zone}).").format(
        time=escape(time), zone=escape(zone)
    )


def paused(until: datetime | None, timezone: str) -> str:
    if until:
        # Translators: {moment} is a date and time in the member's zone.
        return _(
            "Paused until {moment} (your time). "
            "No check-ins or nudges until then. Rest is part of recovery too. /resume starts "
            "them again sooner."
        ).format(moment=member_time(until, timezone))
    return _(
        "Paused. No check-ins or nudges until you send /resume. Take the time you need; "
        "you're still part of peercircle."
    )


def bad_pause() -> str:
    return _("Pause for how many days? Use a number from 1 to 365, like <code>/pause 7</code>.")


def resumed() -> str:
    return _("Welcome back. Check-ins and nudges are on again. 🌱")


def not_paused() -> str:
    return _("You weren't paused, so nothing changed: check-ins and nudges are on.")


def forget_confirm() -> str:
    # Translators: “Get a copy first” names the button of that name (without its emoji).
    return _(
        "This deletes <b>everything</b> peercircle stores about you, for good: your settings, "
        "check-ins, notes, goals, journey and safety plan. It cannot be undone.\n\n"
        "Would you like a copy first? Tap “Get a copy first”, or send /mydata."
    )


def forget_after_copy() -> str:
    return _("Your copy is above. Do you still want to delete everything? It cannot be undone.")


def forgotten() -> str:
    return _(
        "Done. Everything about you has been deleted. If you ever want to come back, "
        "send /start and you'll begin fresh. Take care of yourself. 💚"
    )


def forgotten_alert(alert_id: int, circle: str | None) -> str:
    """To the moderators' chat: a member whose crisis alert was still open used /forget."""
    # Translators: to the moderators' chat; "/forget" is the command's name, keep it.
    closed = _(
        "Alert #{alert_id} is closed: the member deleted all their data with /forget. "
        "Their words and pseudonym went with it, and the bot can no longer reach them."
    ).format(alert_id=alert_id)
    if not circle:
        return closed
    # Translators: {circle} is the circle the member was in when the alert was raised.
    return closed + "\n" + _("Their circle: {circle}").format(circle=escape(circle))


def forget_cancelled() -> str:
    return _("Nothing was deleted. I'm glad you're staying.")
