"""Combined messages: a press redraws only its own part; a part's heading explains itself."""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, MaybeInaccessibleMessage, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.combined.callbacks import PartHeading
from bot.combined.service import HEADING_DATA, part_id
from bot.context import PeerContext
from bot.outgoing import OutgoingMessage
from bot.runtime.delivery import markup
from bot.texts import combined as combined_texts
from handlers.common import button_expired, close_buttons


async def show(query: CallbackQuery, context: PeerContext, message: OutgoingMessage) -> None:
    """Edit the message the button sits on to `message`; inside a combined message only
    the pressed part changes, and the other parts keep their buttons."""
    part = part_id(query.data or "")
    if part is not None and query.message is not None and _may_be_combined(query.message):
        combined = await context.services.combined.with_part(
            query.message.chat.id, query.message.message_id, part, message
        )
        message = combined or message
    await close_buttons(query, message.text, markup(message))


def _may_be_combined(message: MaybeInaccessibleMessage) -> bool:
    """A combined message shows a heading above every part that has buttons, so a message
    Telegram shows us without one is not combined: no database read for most presses."""
    if not isinstance(message, Message):
        return True  # too old for Telegram to include its buttons: ask the database
    keyboard = message.reply_markup.inline_keyboard if message.reply_markup else ()
    return any(button.callback_data == HEADING_DATA for row in keyboard for button in row)


async def heading_pressed(update: Update, context: PeerContext) -> None:
    """Say what a part's heading is for; nothing changes."""
    query = update.callback_query
    if query is None:
        return
    if PartHeading.parse(query.data) is None:
        await button_expired(query)
        return
    await query.answer(combined_texts.PART_HEADING_TAPPED)


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    return [CallbackQueryHandler(heading_pressed, pattern=PartHeading.route())]
