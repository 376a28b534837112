"""Crisis alerts in the moderators' chat: take, resolve, read whole, and the private thread."""

from __future__ import annotations

from functools import partial
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.alerts.callbacks import AlertAction, AlertButton, ModeratorAnswerPending
from bot.alerts.messages import end_button
from bot.alerts.service import (
    Taken,
    TakenOver,
    TakeOver,
    closed_alert_message,
    taken_alert_message,
)
from bot.callbacks import Pending
from bot.context import PeerContext
from bot.i18n.formats import clock
from bot.members.rules import Member
from bot.moderation.audit import Moderator
from bot.outgoing import OutgoingMessage
from bot.runtime.delivery import markup
from bot.texts import alerts as alert_texts
from bot.texts import common as common_texts
from bot.texts import safety as safety_texts
from handlers.answers import PlainText, TextAnswer
from handlers.common import (
    button_expired,
    close_buttons,
    current_member,
    in_language_of,
    moderator_only,
    moderator_press,
    reply,
    row_id,
)


async def alert_button(update: Update, context: PeerContext) -> None:
    """'I'll reach out' and 'Resolved' on an alert; 'Reply to Moderator' for the member."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    button = AlertButton.parse(query.data)
    if button is None or row_id(str(button.alert_id)) is None:
        await button_expired(query)
        return
    alert_id = button.alert_id
    alerts = context.services.alerts
    if button.action is AlertAction.END:
        await _end_thread(update, context, alert_id)
        return
    if button.action is AlertAction.REPLY:
        member = await current_member(update, context)
        alert = await alerts.get(alert_id)
        if member is None or alert is None or alert.user_id != member.user_id:
            await button_expired(query)
            return
        await context.services.members.wait_for(member.user_id, ModeratorAnswerPending(alert_id))
        await query.answer()
        await reply(update, alert_texts.answer_moderator())
        return
    pressed = await moderator_press(update, context)
    if pressed is None:
        return
    moderator = pressed[2]
    if button.action is AlertAction.READ:
        await _read_whole(update, context, alert_id, moderator)
    elif button.action is AlertAction.TAKE_OVER:
        await _take_over_pressed(update, context, alert_id, moderator)
    elif button.action is AlertAction.TAKE:
        taken = await alerts.take(alert_id, moderator)
        if taken is None:
            await button_expired(query)
            return
        if taken.alert.resolved:
            await _show_closed(update, taken)
            return
        if not taken.first:
            await query.answer(alert_texts.alert_already_taken(taken.alert.taken_by_name))
            return
        await query.answer()
        await _show_taken(update, context, taken, moderator)
    else:
        # Resolved, or "Not a crisis" (a false alarm, counted): audited, buttons removed.
        done = button.action is AlertAction.RESOLVED
        close = alerts.resolve if done else alerts.false_alarm
        closed = await close(alert_id, moderator)
        if closed is None:
            await button_expired(query)
            return
        if not closed.first:
            await _show_closed(update, closed)
            return
        await query.answer()
        await _edit_to_closed(update, closed)


async def _read_whole(
    update: Update, context: PeerContext, alert_id: int, moderator: Moderator
) -> None:
    """ "Read the whole message": every word of the alert, in the chat it was pressed in
    (the last step before Telegram splits it into as many messages as it takes)."""
    query = update.callback_query
    assert query is not None
    alert = await context.services.alerts.read_whole(alert_id, moderator)
    if alert is None or alert.text is None or query.message is None:
        await button_expired(query)
        return
    await query.answer()
    whole = alert_texts.whole_alert(alert.id, alert.pseudonym, alert.text)
    await context.bot.send_message(query.message.chat.id, whole, parse_mode=ParseMode.HTML)


async def _take_over_pressed(
    update: Update, context: PeerContext, alert_id: int, moderator: Moderator
) -> None:
    """ "Take over" on an alert another moderator holds (or nobody does any more)."""
    query = update.callback_query
    assert query is not None
    taken = await context.services.alerts.take_over(alert_id, moderator)
    if taken.alert is None:
        await button_expired(query)
    elif taken.outcome is TakeOver.ALREADY_YOURS:
        await query.answer(alert_texts.take_over_already_yours())
    elif taken.outcome is TakeOver.CLOSED:
        await _show_closed(update, Taken(taken.alert, first=False))
    else:
        await query.answer()
        await _show_taken(update, context, Taken(taken.alert, first=True), moderator)


async def _show_taken(
    update: Update, context: PeerContext, taken: Taken, moderator: Moderator
) -> None:
    """The alert pressed on, shown taken (with "Take over" for the others), and how to
    reach out, in the moderator's own chat."""
    query = update.callback_query
    assert query is not None
    alert = taken.alert
    shown = taken_alert_message(alert)
    now = clock(context.services.clock.now())
    await query.edit_message_text(
        alert_texts.alert_taken(shown.text, moderator.name, now),
        parse_mode=ParseMode.HTML,
        reply_markup=markup(shown),
    )
    await _send_instructions(context, moderator, alert.id, alert.pseudonym)


async def _send_instructions(
    context: PeerContext, moderator: Moderator, alert_id: int, pseudonym: str
) -> None:
    """To the moderator's own chat, in their language (the group reads the operator's)."""
    instructions = await in_language_of(
        context,
        moderator.user_id,
        partial(alert_texts.reach_out_instructions, alert_id, pseudonym),
    )
    await context.bot.send_message(moderator.user_id, instructions, parse_mode=ParseMode.HTML)


async def takeover_command(update: Update, context: PeerContext) -> None:
    """Take over an alert, or its conversation, from another moderator: /takeover <alert>."""
    moderator = await moderator_only(update, context)
    if moderator is None:
        return
    args = context.args or []
    alert_id = row_id(args[0]) if len(args) == 1 else None
    if alert_id is None:
        await reply(update, alert_texts.takeover_usage())
        return
    taken: TakenOver = await context.services.alerts.take_over(alert_id, moderator)
    if taken.outcome is TakeOver.ALREADY_YOURS:
        await reply(update, alert_texts.take_over_already_yours())
    elif taken.outcome is TakeOver.CLOSED or taken.alert is None:
        await reply(update, alert_texts.take_over_closed(alert_id))
    else:
        chat = update.effective_chat
        if chat is not None and chat.type != "private":
            await reply(update, alert_texts.taken_over_here(alert_id, moderator.name))
        await _send_instructions(context, moderator, alert_id, taken.alert.pseudonym)


async def _show_closed(update: Update, closed: Taken) -> None:
    """A tap on a stale copy of an alert someone already closed: say so, and show this copy
    closed too (no buttons), instead of acting on it again."""
    query = update.callback_query
    assert query is not None
    await query.answer(alert_texts.alert_already_closed(closed.alert.resolved_by_name))
    await _edit_to_closed(update, closed)


async def _edit_to_closed(update: Update, closed: Taken) -> None:
    """The alert pressed on, shown closed: no buttons but "Read the whole message"."""
    query = update.callback_query
    assert query is not None
    shown = closed_alert_message(closed.alert)
    await query.edit_message_text(
        shown.text, parse_mode=ParseMode.HTML, reply_markup=markup(shown)
    )


async def _end_thread(update: Update, context: PeerContext, alert_id: int) -> None:
    """ "End conversation", from the member or the moderator who took the alert."""
    query = update.callback_query
    assert query is not None
    user = query.from_user
    alert = await context.services.alerts.get(alert_id)
    if alert is None or user.id not in (alert.user_id, alert.taken_by):
        await button_expired(query)
        return
    ended = await context.services.safety.end_thread(alert_id)
    await query.answer()
    await close_buttons(query, None, None)
    if ended is None:
        return
    by_member = user.id == alert.user_id
    if by_member:
        await reply(update, safety_texts.thread_ended_member())
        if alert.taken_by is not None:
            note = await in_language_of(
                context,
                alert.taken_by,
                partial(safety_texts.thread_ended_by_member, alert.pseudonym, alert_id),
            )
            await context.bot.send_message(alert.taken_by, note)
    else:
        await reply(update, safety_texts.thread_ended_moderator(alert_id))
        told = await in_language_of(context, alert.user_id, safety_texts.thread_ended_member)
        await context.bot.send_message(alert.user_id, told)


async def to_open_thread(update: Update, context: PeerContext, user_id: int, text: str) -> bool:
    """A plain message while a moderator's thread is open goes to that moderator; the
    member is told so once. False when no thread is open."""
    thread = await context.services.safety.open_thread(user_id)
    if thread is None:
        return False
    if not await context.services.alerts.answer_moderator(user_id, thread.id, text):
        return False
    if await context.services.safety.notice_thread(thread.id):
        notice = OutgoingMessage(safety_texts.thread_notice(), (end_button(thread.id),))
        await reply(update, notice.text, markup(notice))
    elif context.crisis is None:
        await reply(update, alert_texts.answer_sent())
    return True


async def tell_command(update: Update, context: PeerContext) -> None:
    """Write to the member behind an alert you took: /tell <alert number> <message>."""
    moderator = await moderator_only(update, context)
    if moderator is None:
        return
    args = context.args or []
    if len(args) < 2 or row_id(args[0]) is None:
        await reply(update, alert_texts.tell_usage())
        return
    if not await context.services.alerts.tell_member(int(args[0]), moderator, " ".join(args[1:])):
        await reply(update, alert_texts.tell_not_yours())
        return
    await reply(update, alert_texts.tell_sent())


async def answer_moderator(
    update: Update,
    context: PeerContext,
    member: Member,
    pending: ModeratorAnswerPending,
    text: str,
) -> None:
    """The member typed their answer to the moderator."""
    await context.services.members.wait_for(member.user_id, None)
    if not await context.services.alerts.answer_moderator(member.user_id, pending.alert_id, text):
        await reply(update, common_texts.button_expired())
        return
    await reply(update, alert_texts.answer_sent())


def answers() -> dict[type[Pending], TextAnswer]:
    return {ModeratorAnswerPending: answer_moderator}


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    moderation = filters.ChatType.PRIVATE | filters.ChatType.GROUPS
    return [
        CommandHandler("tell", tell_command, filters=filters.ChatType.PRIVATE),
        CommandHandler("takeover", takeover_command, filters=moderation),
        CallbackQueryHandler(alert_button, pattern=AlertButton.route()),
    ]


def plain_text() -> PlainText:
    return to_open_thread
