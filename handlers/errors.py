"""The one error handler: log ids (never texts), tell the member honestly, keep running."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.context import PeerContext
from bot.runtime.faults import (
    UpdateHandledElsewhere,
    is_storage_fault,
    screening_only,
    update_not_saved,
)
from bot.texts import common as common_texts

log = logging.getLogger("peercircle.errors")

# Telegram's expected answers about a chat that cannot be written to: nothing to fix here,
# and replying would meet the same answer.
_GONE_CHAT = ("chat not found", "user is deactivated", "peer_id_invalid", "bot was kicked")


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


def _gone_chat(error: BaseException | None) -> bool:
    if isinstance(error, Forbidden):
        return True
    return isinstance(error, BadRequest) and any(
        words in error.message.lower() for words in _GONE_CHAT
    )


async def on_error(update: object, context: PeerContext) -> None:
    """Log the failure and tell the member what happened to what they sent."""
    error = context.error
    if isinstance(error, UpdateHandledElsewhere):
        # Another worker had this update first; it answers. Not a failure: no word here,
        # and no later handler group runs for it.
        raise ApplicationHandlerStop
    if context.bot_data.running_services is not None:
        context.services.metrics.handler_errors.inc()
    if screening_only.get():
        # An update held behind its member's unsaved one, read by the crisis screen alone:
        # it is handled in full in its turn, and the member hears then.
        log.info("held update: %s error=%s", describe(update), type(error).__name__)
        return
    if _gone_chat(error):
        # Expected: the member blocked the bot or the chat is gone. One line, no traceback.
        log.info("chat unreachable: %s error=%s", describe(update), error)
        return
    if error is not None and is_storage_fault(error):
        retry = update_not_saved(error)
        # Intake logs the fault once, with SQLite's words; this line is per update.
        log.debug("not saved, will retry: %s", describe(update))
        if not retry:
            await _tell(update, common_texts.not_saved_yet())
        return
    log.error(
        "handler failed: %s error=%s",
        describe(update),
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    await _tell(update, common_texts.something_went_wrong())


async def _tell(update: object, text: str) -> None:
    if not isinstance(update, Update):
        return
    chat = update.effective_chat
    try:
        # A pressed button is answered anywhere, the moderators' chat included: only the
        # presser sees the answer, and the button stops spinning.
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif chat is not None and chat.type == "private":
            await chat.send_message(text)
    except TelegramError:
        log.warning("could not tell user about the failure: %s", describe(update))
