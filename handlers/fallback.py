"""What nothing else handled: free text, unknown commands, media, stale or forged buttons."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.context import PeerContext
from bot.texts import common as common_texts
from handlers.account import typed_text
from handlers.alerts import to_open_thread
from handlers.answers import AnswerTable
from handlers.common import button_expired, reply


async def free_text(update: Update, context: PeerContext, answers: AnswerTable) -> None:
    """Answer a pending question, go on with a moderator's open thread, or point to /help."""
    user, message = update.effective_user, update.effective_message
    if user is not None and message is not None and message.text is not None:
        member = await context.services.members.get(user.id)
        if member is not None and await answers.answer(update, context, member, message.text):
            return
    if await typed_text(update, context):
        return
    # Only a member can have a thread: no need to look the member up first.
    if (
        user is not None
        and message is not None
        and message.text is not None
        and await to_open_thread(update, context, user.id, message.text)
    ):
        return
    await reply(update, common_texts.DIDNT_UNDERSTAND)


async def not_relayable(update: Update, context: PeerContext) -> None:
    """Forwards, photos, stickers, voice and files: never passed on; say so kindly."""
    await reply(update, common_texts.MEDIA_NOT_RELAYED)


async def unknown_command(update: Update, context: PeerContext) -> None:
    """Say the command is unknown and where the list is."""
    await reply(update, common_texts.UNKNOWN_COMMAND)


async def unknown_button(update: Update, context: PeerContext) -> None:
    """A button no feature recognises: expired or forged."""
    if update.callback_query is not None:
        await button_expired(update.callback_query)


def handlers(answers: AnswerTable) -> list[BaseHandler[Any, PeerContext, Any]]:
    private = filters.ChatType.PRIVATE

    async def answer_or_point_to_help(update: Update, context: PeerContext) -> None:
        await free_text(update, context, answers)

    return [
        # Before free text: a forwarded text must never be taken as the member's own words.
        MessageHandler(private & filters.FORWARDED, not_relayable),
        MessageHandler(private & filters.COMMAND, unknown_command),
        MessageHandler(private & filters.TEXT, answer_or_point_to_help),
        MessageHandler(private & ~filters.StatusUpdate.ALL, not_relayable),
        CallbackQueryHandler(unknown_button),
    ]
