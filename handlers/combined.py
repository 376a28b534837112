"""Combined messages: a press redraws only its own part; a part's heading explains itself."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.combined.callbacks import PartHeading
from bot.context import PeerContext
from bot.texts import combined as combined_texts
from handlers.common import button_expired


async def heading_pressed(update: Update, context: PeerContext) -> None:
    """Say what a part's heading is for; nothing changes."""
    query = update.callback_query
    if query is None:
        return
    if PartHeading.parse(query.data) is None:
        await button_expired(query)
        return
    await query.answer(combined_texts.part_heading_tapped())


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    return [CallbackQueryHandler(heading_pressed, pattern=PartHeading.route())]
