"""The one error handler: log ids (never texts), reassure the member, keep running."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import PeerContext
from bot.texts import common as common_texts

log = logging.getLogger("peercircle.errors")


def describe(update: object) -> str:
    """Which kind of update and whose, for the log: ids only."""
    if not isinstance(update, Update):
        return f"non-update {type(update).__name__}"
    kind = next(
        (
            name
            for name in ("message", "callback_query", "edited_message", "my_chat_member")
            if getattr(update, name, None) is not None
        ),
        "other",
    )
    user = update.effective_user.id if update.effective_user else None
    chat = update.effective_chat.id if update.effective_chat else None
    return f"update_id={update.update_id} kind={kind} user_id={user} chat_id={chat}"


async def on_error(update: object, context: PeerContext) -> None:
    """Log the failure with its traceback and tell the member nothing was lost."""
    error = context.error
    if context.bot_data.running_services is not None:
        context.services.metrics.handler_errors.inc()
    log.error(
        "handler failed: %s error=%s",
        describe(update),
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    if not isinstance(update, Update) or isinstance(error, Forbidden):
        return
    chat = update.effective_chat
    try:
        # A pressed button is answered anywhere, the moderators' chat included: only the
        # presser sees the answer, and the button stops spinning.
        if update.callback_query is not None:
            await update.callback_query.answer(
                common_texts.something_went_wrong(), show_alert=True
            )
        elif chat is not None and chat.type == "private":
            await chat.send_message(common_texts.something_went_wrong())
    except TelegramError:
        log.warning("could not tell user about the failure: %s", describe(update))
