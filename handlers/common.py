"""Small helpers every handler module uses: replying, finding the member, expired buttons."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot import texts
from bot.context import PeerContext
from bot.members import Member


async def reply(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Send an HTML message to the chat the update came from."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(
        text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
    )


async def current_member(update: Update, context: PeerContext) -> Member | None:
    """The member behind the update, or None after telling a non-member how to join."""
    user = update.effective_user
    if user is None:
        return None
    member = await context.services.members.get(user.id)
    if member is None:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.NOT_A_MEMBER, show_alert=True)
        else:
            await reply(update, texts.NOT_A_MEMBER)
    return member


async def member_press(
    update: Update, context: PeerContext
) -> tuple[CallbackQuery, str, Member] | None:
    """The button press, its data and the member who pressed it; None when there is none
    (a non-member has been told how to join)."""
    query = update.callback_query
    if query is None or query.data is None:
        return None
    member = await current_member(update, context)
    if member is None:
        return None
    return query, query.data, member


async def button_expired(query: CallbackQuery) -> None:
    """Answer a stale or forged button press kindly; nothing changes."""
    await query.answer(texts.BUTTON_EXPIRED, show_alert=False)


async def close_buttons(
    query: CallbackQuery, text: str | None = None, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Rewrite the message a button was pressed on: new text and buttons, or none."""
    try:
        if text is not None:
            await query.edit_message_text(
                text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
            )
        else:
            await query.edit_message_reply_markup(reply_markup=markup)
    except BadRequest as error:
        # A double tap edits a message that is already edited; that is not a failure.
        if "not modified" not in str(error) and "not found" not in str(error):
            raise


def command_argument(context: PeerContext) -> str | None:
    """Everything after the command, or None when there is nothing."""
    args = context.args or []
    text = " ".join(args).strip()
    return text or None
