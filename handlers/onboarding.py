"""/start, consent and the first-run steps: pseudonym, time zone, check-in time."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, TypeHandler, filters

from bot import texts
from bot.context import PeerContext
from bot.members.service import Awaiting, Member, valid_invite_code
from bot.moderation.menus import refresh_menu
from handlers import keyboards
from handlers.circles import join_by_code
from handlers.common import button_expired, close_buttons, command_argument, reply


async def start(update: Update, context: PeerContext) -> None:
    """Welcome a new user with the notice, or an existing member back."""
    user = update.effective_user
    if user is None:
        return
    moderation = context.services.moderation
    if await moderation.is_moderator(user.id):  # promoted before they ever wrote to the bot
        await refresh_menu(update.get_bot(), moderation, user.id)
    member = await context.services.members.get(user.id)
    if member is None:
        # Nothing is stored yet: the invite code rides on the "I agree" button.
        code = valid_invite_code(command_argument(context))
        crisis_resources = context.services.settings.safety.crisis_resources
        await reply(update, texts.welcome(crisis_resources), keyboards.consent(code))
        return
    if member.blocked:  # they had blocked the bot; /start means they want messages again
        member = await context.services.members.reactivate(member.user_id)
    if member.onboarding:
        await reply(update, texts.CONTINUE_ONBOARDING)
        await prompt_next_step(update, context, member)
        return
    code = valid_invite_code(command_argument(context))
    if code is not None:  # an invite link opened by an existing member
        await join_by_code(update, context, member, code)
        return
    now = context.services.clock.now()
    await reply(update, texts.welcome_back(member, now), keyboards.settings(member))


async def prompt_next_step(update: Update, context: PeerContext, member: Member) -> None:
    """Ask the question the member's onboarding is waiting on."""
    if member.awaiting is Awaiting.PSEUDONYM:
        await reply(
            update,
            texts.pseudonym_offer(member.pseudonym),
            keyboards.pseudonym_choice(member.pseudonym),
        )
    elif member.awaiting is Awaiting.TIMEZONE:
        picker = keyboards.timezone_picker(context.services.clock.now())
        await reply(update, texts.ASK_TIMEZONE, picker)
    else:
        await reply(update, texts.ASK_CHECKIN_TIME, keyboards.checkin_time_picker())


async def consent_button(update: Update, context: PeerContext) -> None:
    """Record consent ("I agree") or leave without storing anything ("Not now")."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    _, action, *rest = query.data.split(":", 2)
    if action == "later":
        await query.answer()
        await close_buttons(query)
        await reply(update, texts.NOT_NOW)
        return
    if action != "agree":
        await button_expired(query)
        return
    members = context.services.members
    member, is_new = await members.agree(query.from_user.id, rest[0] if rest else None)
    await query.answer()
    if not is_new:
        await close_buttons(query)
        now = context.services.clock.now()
        await reply(update, texts.welcome_back(member, now), keyboards.settings(member))
        return
    notice = texts.welcome(context.services.settings.safety.crisis_resources)
    await close_buttons(query, notice + texts.agreed_stamp(member.consent_at, member.timezone))
    await prompt_next_step(update, context, member)


async def pseudonym_button(update: Update, context: PeerContext) -> None:
    """Keep the offered pseudonym, or draw another."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    members = context.services.members
    member = await members.get(query.from_user.id)
    if member is None or member.awaiting is not Awaiting.PSEUDONYM:
        await button_expired(query)
        return
    if query.data == "onb:redraw":
        member = await members.redraw_pseudonym(member.user_id)
        await query.answer()
        await close_buttons(
            query,
            texts.pseudonym_redrawn(member.pseudonym),
            keyboards.pseudonym_choice(member.pseudonym),
        )
        return
    kept = await members.keep_pseudonym(member.user_id)
    await query.answer()
    if kept is None:
        return
    await close_buttons(query, texts.PSEUDONYM_CHANGED.format(pseudonym=kept.pseudonym))
    await prompt_next_step(update, context, kept)


async def notice_changed(update: Update, context: PeerContext) -> None:
    """After whatever a member did, tell them once what changed in the notice they agreed to."""
    user, chat = update.effective_user, update.effective_chat
    checked = context.bot_data.notice_checked
    if user is None or chat is None or chat.type != "private" or user.id in checked:
        return
    checked.add(user.id)
    if await context.services.members.notice_changed(user.id):
        await context.bot.send_message(chat.id, texts.NOTICE_CHANGED, parse_mode=ParseMode.HTML)


def notice_handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    """Registered after the features (bot.app), so the member's own answer comes first."""
    return [TypeHandler(Update, notice_changed)]


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", start, filters=private),
        CallbackQueryHandler(consent_button, pattern=r"^onb:(agree|later)"),
        CallbackQueryHandler(pseudonym_button, pattern=r"^onb:(keep|redraw)$"),
    ]
