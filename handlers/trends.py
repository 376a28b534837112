"""/trends: a chart of the member's own mood and confidence, with a two-line summary."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot import texts
from bot.charts import render_trend_png
from bot.context import PeerContext
from bot.members import Member
from handlers.common import button_expired, current_member, member_press, reply

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30


def period_buttons() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(f"{days} days", callback_data=f"tr:{days}") for days in PERIODS]]
    )


async def send_trends(update: Update, context: PeerContext, member: Member, days: int) -> None:
    checkins = context.services.checkins
    summary = await checkins.trend(member.user_id, checkins.today(member.timezone), days)
    if not summary.checkins and summary.previous.count == 0:
        await reply(update, texts.NO_CHECKINS_YET)
        return
    png = await asyncio.to_thread(
        render_trend_png,
        summary.checkins,
        summary.first_day,
        summary.last_day,
        texts.chart_title(days, summary.last_day),
    )
    chat = update.effective_chat
    if chat is not None:
        await chat.send_photo(
            InputFile(png, filename=f"trends-{days}d.png"),
            caption=texts.trend_summary(summary),
            reply_markup=period_buttons(),
            protect_content=True,
        )


async def trends_command(update: Update, context: PeerContext) -> None:
    """Send the last 30 days as a chart."""
    member = await current_member(update, context)
    if member is not None:
        await send_trends(update, context, member, DEFAULT_PERIOD)


async def period_button(update: Update, context: PeerContext) -> None:
    """7, 30 or 90 days."""
    pressed = await member_press(update, context)
    if pressed is None:
        return
    query, data, member = pressed
    days_text = data.removeprefix("tr:")
    if not days_text.isdigit() or int(days_text) not in PERIODS:
        await button_expired(query)
        return
    await query.answer()
    await send_trends(update, context, member, int(days_text))


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    return [
        CommandHandler("trends", trends_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(period_button, pattern=r"^tr:"),
    ]
