"""What nothing else handled: free text and /cancel (routed through the features' tables),
unknown commands, media, stale or forged buttons."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import PeerContext
from bot.runtime.delivery import markup
from bot.safety import messages as safety_messages
from bot.texts import common as common_texts
from handlers.answers import AnswerTable
from handlers.common import button_expired, prompt_next_step, reply


async def free_text(update: Update, context: PeerContext, answers: AnswerTable) -> None:
    """Answer the member's open question, or give the text to the feature that takes text
    when none is open (a moderator's open thread); otherwise say so, offering a person."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.text is None:
        return
    member = await context.services.members.get(user.id)
    if member is not None and member.pending is not None:
        if await answers.answer(update, context, member, message.text):
            return
        # A stored question no feature reads (an old or damaged value): forget it.
        await context.services.members.wait_for(member.user_id, None)
    if await answers.plain(update, context, user.id, message.text):
        return
    heard = bool(context.services.settings.moderation.moderator_chat_id)
    moderators = member is not None and heard
    shown = safety_messages.not_understood(moderators)
    await reply(update, shown.text, markup(shown))


async def cancel_command(update: Update, context: PeerContext, answers: AnswerTable) -> None:
    """Stop waiting for typed input; the feature that asked says what was kept."""
    user = update.effective_user
    if user is None:
        return
    member = await context.services.members.get(user.id)
    if member is None or member.awaiting is None:
        await reply(update, common_texts.nothing_to_cancel())
        return
    if member.onboarding:
        # Onboarding cannot be skipped; there is always a sensible default to pick.
        await prompt_next_step(update, context, member)
        return
    if await answers.cancel(update, context, member):
        return
    await context.services.members.wait_for(member.user_id, None)
    await reply(update, common_texts.cancelled())


async def not_relayable(update: Update, context: PeerContext) -> None:
    """Forwards, photos, stickers, voice and files: never passed on; say so kindly."""
    await reply(update, common_texts.media_not_relayed())


async def unknown_command(update: Update, context: PeerContext) -> None:
    """Say the command is unknown and where the list is."""
    await reply(update, common_texts.unknown_command())


async def unknown_button(update: Update, context: PeerContext) -> None:
    """A button no feature recognises: expired or forged."""
    if update.callback_query is not None:
        await button_expired(update.callback_query)


def forward_handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    """Ahead of every feature (bot.app): a forward is someone else's words, never the
    member's command or answer, whatever its text ("/encourage …" included). The crisis
    screen has run before, in its own group."""
    return [MessageHandler(filters.ChatType.PRIVATE & filters.FORWARDED, not_relayable)]


def handlers(answers: AnswerTable) -> list[BaseHandler[Any, PeerContext, Any]]:
    private = filters.ChatType.PRIVATE

    async def answer_or_point_to_help(update: Update, context: PeerContext) -> None:
        await free_text(update, context, answers)

    async def cancel(update: Update, context: PeerContext) -> None:
        await cancel_command(update, context, answers)

    return [
        CommandHandler("cancel", cancel, filters=private),
        MessageHandler(private & filters.COMMAND, unknown_command),
        MessageHandler(private & filters.TEXT, answer_or_point_to_help),
        MessageHandler(private & ~filters.StatusUpdate.ALL, not_relayable),
        CallbackQueryHandler(unknown_button),
    ]
