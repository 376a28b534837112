"""Inline keyboards, as pure functions of what they offer. Callback data: feature:action[:arg]."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.localtime.cities import Place
from bot.localtime.zones import COMMON_ZONES, zone_place
from bot.members.service import Member

CHECKIN_TIMES: tuple[str, ...] = ("07:00", "08:00", "12:00", "18:00", "20:00", "21:00", "22:00")


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def consent(invite_code: str | None) -> InlineKeyboardMarkup:
    agree = "onb:agree" + (f":{invite_code}" if invite_code else "")
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.BUTTON_AGREE, callback_data=agree)],
            [InlineKeyboardButton(texts.BUTTON_NOT_NOW, callback_data="onb:later")],
        ]
    )


def pseudonym_choice(pseudonym: str) -> InlineKeyboardMarkup:
    keep = texts.BUTTON_KEEP_PSEUDONYM.format(pseudonym=pseudonym)
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(keep, callback_data="onb:keep")],
            [InlineKeyboardButton(texts.BUTTON_REDRAW, callback_data="onb:redraw")],
        ]
    )


def _zone_button(place: Place, now: datetime) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        texts.zone_button(place.name, place.zone, now), callback_data=f"tz:set:{place.zone}"
    )


def timezone_picker(now: datetime) -> InlineKeyboardMarkup:
    """The common zones, each by its city and the time there now."""
    zones = [_zone_button(Place(zone_place(zone), zone), now) for zone in COMMON_ZONES]
    rows = _rows(zones, 2)
    rows.append([InlineKeyboardButton(texts.BUTTON_OTHER_ZONE, callback_data="tz:type")])
    return InlineKeyboardMarkup(rows)


def place_choice(places: tuple[Place, ...], now: datetime) -> InlineKeyboardMarkup:
    """Places to choose from, one a row: their names can be long."""
    return InlineKeyboardMarkup([[_zone_button(place, now)] for place in places])


def checkin_time_picker() -> InlineKeyboardMarkup:
    times = [InlineKeyboardButton(t, callback_data=f"time:set:{t}") for t in CHECKIN_TIMES]
    return InlineKeyboardMarkup(_rows(times, 4))


def settings(member: Member) -> InlineKeyboardMarkup:
    pause = (
        InlineKeyboardButton(texts.BUTTON_RESUME, callback_data="set:resume")
        if member.paused
        else InlineKeyboardButton(texts.BUTTON_PAUSE, callback_data="set:pause")
    )
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.BUTTON_SETTINGS_PSEUDONYM, callback_data="set:pseudo")],
            [
                InlineKeyboardButton(texts.BUTTON_SETTINGS_TIMEZONE, callback_data="set:tz"),
                InlineKeyboardButton(texts.BUTTON_SETTINGS_TIME, callback_data="set:time"),
            ],
            [
                InlineKeyboardButton(
                    texts.BUTTON_WEEKLY_OFF
                    if member.weekly_reflection
                    else texts.BUTTON_WEEKLY_ON,
                    callback_data="set:weekly",
                )
            ],
            [pause],
        ]
    )


def forget_confirm(offer_copy: bool = True) -> InlineKeyboardMarkup:
    """The safe answer first, where a thumb lands; deleting last."""
    rows = [[InlineKeyboardButton(texts.BUTTON_FORGET_NO, callback_data="forget:no")]]
    if offer_copy:
        rows.append([InlineKeyboardButton(texts.BUTTON_FORGET_COPY, callback_data="forget:copy")])
    rows.append([InlineKeyboardButton(texts.BUTTON_FORGET_YES, callback_data="forget:yes")])
    return InlineKeyboardMarkup(rows)
