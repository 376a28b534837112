"""/trends: a chart of the member's own mood and confidence, with a short summary.

The 7 / 30 / 90 buttons replace the picture in the same message (editMessageMedia), as
Telegram users expect, rather than posting a new chart for every tap.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from telegram import (
    CallbackQuery,
    InputFile,
    InputMediaPhoto,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.charts import render_trend_png
from bot.checkins import messages as checkin_messages
from bot.checkins.callbacks import ShowPeriod
from bot.checkins.rules import DEFAULT_PERIOD, PERIODS
from bot.context import PeerContext
from bot.members.rules import Member
from bot.outgoing import OutgoingMessage
from bot.runtime.delivery import TelegramMarkup, markup
from bot.texts import trends as trend_texts
from handlers.common import button_expired, current_member, member_press, press, reply


def period_buttons(shown: int) -> TelegramMarkup | None:
    return markup(OutgoingMessage("", checkin_messages.period_buttons(shown)))


@dataclass(frozen=True)
class Chart:
    png: bytes
    caption: str
    days: int


async def make_chart(
    context: PeerContext, member: Member, days: int, *, even_empty: bool = False
) -> Chart | None:
    """The member's chart for the last `days` days. None when there is nothing in it or
    the period before, unless `even_empty`: a chart already on screen turns into one that
    says "no check-ins then", not into a message about the first check-in."""
    services = context.services
    summary = await services.checkins.trend(
        member.user_id, services.checkins.today(member.timezone), days
    )
    if not even_empty and not summary.checkins and summary.previous.count == 0:
        return None
    marks = await services.journeys.marks(member.user_id, summary.first_day, summary.last_day)
    png = await asyncio.to_thread(
        render_trend_png,
        summary.checkins,
        summary.first_day,
        summary.last_day,
        trend_texts.chart_title(days, summary.last_day),
        marks,
    )
    return Chart(png, trend_texts.trend_summary(summary, marks), days)


async def send_chart(update: Update, chart: Chart) -> None:
    chat = update.effective_chat
    if chat is not None:
        await chat.send_photo(
            InputFile(chart.png, filename=trend_texts.chart_file(chart.days)),
            caption=chart.caption,
            reply_markup=period_buttons(chart.days),
            protect_content=True,
        )


async def edit_chart(update: Update, query: CallbackQuery, chart: Chart) -> None:
    """Put the chart in place of the one whose button was pressed; a new message only when
    that one can no longer be edited (deleted, say)."""
    # Bytes, not an InputFile: only then does the library name the upload attach://...
    # inside the media object, which Telegram requires.
    media = InputMediaPhoto(
        chart.png, caption=chart.caption, filename=trend_texts.chart_file(chart.days)
    )
    try:
        await query.edit_message_media(media, reply_markup=period_buttons(chart.days))
    except BadRequest as error:
        if "not modified" in str(error):  # the same period tapped again, nothing new
            return
        await send_chart(update, chart)


async def trends_command(update: Update, context: PeerContext) -> None:
    """Send the last 30 days as a chart."""
    member = await current_member(update, context)
    if member is None:
        return
    chart = await make_chart(context, member, DEFAULT_PERIOD)
    if chart is None:
        await reply(update, trend_texts.no_checkins_yet())
    else:
        await send_chart(update, chart)


async def period_button(update: Update, context: PeerContext) -> None:
    """7, 30 or 90 days, in place of the chart on screen."""
    pressed = await press(update, context, ShowPeriod)
    if pressed is None:
        return
    query, button, member = pressed
    if button.days not in PERIODS:
        await button_expired(query)
        return
    await query.answer()
    chart = await make_chart(context, member, button.days, even_empty=True)
    if chart is not None:
        await edit_chart(update, query, chart)


async def stale_period_button(update: Update, context: PeerContext) -> None:
    """A /trends button of no known kind: expired or forged, nothing changes."""
    pressed = await member_press(update, context)
    if pressed is not None:
        await button_expired(pressed[0])


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    return [
        CommandHandler("trends", trends_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(period_button, pattern=ShowPeriod.route()),
        # Last: any other tr: data is stale or forged.
        CallbackQueryHandler(stale_period_button, pattern=r"^tr:"),
    ]
