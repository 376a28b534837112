"""/start, consent and the first-run steps: pseudonym, time zone, check-in time."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, TypeHandler, filters

from bot.callbacks import Pending
from bot.context import PeerContext
from bot.members import messages as member_messages
from bot.members.callbacks import (
    Agree,
    AwaitingPseudonym,
    KeepPseudonym,
    NotNow,
    RedrawPseudonym,
)
from bot.members.rules import Member, valid_invite_code
from bot.moderation.menus import refresh_menu
from bot.runtime.delivery import markup
from bot.texts import account as account_texts
from bot.texts import onboarding as onboarding_texts
from handlers.answers import TextAnswer
from handlers.common import (
    button_expired,
    close_buttons,
    command_argument,
    crisis_lines,
    join_by_code,
    offers_regions,
    prompt_next_step,
    reply,
)


async def start(update: Update, context: PeerContext) -> None:
    """Welcome a new user with the notice, or an existing member back."""
    user = update.effective_user
    if user is None:
        return
    moderation = context.services.moderation
    if await moderation.is_moderator(user.id):  # promoted before they ever wrote to the bot
        await refresh_menu(
            update.get_bot(), moderation, user.id, context.services.languages.default
        )
    member = await context.services.members.get(user.id)
    if member is None:
        # Nothing is stored yet: the invite code rides on the "I agree" button.
        code = valid_invite_code(command_argument(context))
        crisis_resources = await crisis_lines(update, context)
        notice = member_messages.welcome(crisis_resources, code)
        await reply(update, notice.text, markup(notice))
        return
    if member.blocked:  # they had blocked the bot; /start means they want messages again
        member = await context.services.members.reactivate(member.user_id)
    if member.onboarding:
        await reply(update, onboarding_texts.continue_onboarding())
        await prompt_next_step(update, context, member)
        return
    code = valid_invite_code(command_argument(context))
    if code is not None:  # an invite link opened by an existing member
        await join_by_code(update, context, member, code)
        return
    back = member_messages.welcome_back(
        member, context.services.clock.now(), offers_regions(context)
    )
    await reply(update, back.text, markup(back))


async def not_now_button(update: Update, context: PeerContext) -> None:
    """ "Not now": leave without storing anything."""
    query = update.callback_query
    if query is None:
        return
    if NotNow.parse(query.data) is None:
        await button_expired(query)
        return
    await query.answer()
    await close_buttons(query)
    await reply(update, onboarding_texts.not_now())


async def consent_button(update: Update, context: PeerContext) -> None:
    """ "I agree": record consent and start onboarding."""
    query = update.callback_query
    if query is None:
        return
    agreed = Agree.parse(query.data)
    if agreed is None:
        await button_expired(query)
        return
    members = context.services.members
    member, is_new = await members.agree(query.from_user.id, agreed.invite)
    await query.answer()
    if not is_new:
        await close_buttons(query)
        back = member_messages.welcome_back(
            member, context.services.clock.now(), offers_regions(context)
        )
        await reply(update, back.text, markup(back))
        return
    notice = onboarding_texts.welcome(await crisis_lines(update, context))
    stamp = onboarding_texts.agreed_stamp(member.consent_at, member.timezone)
    await close_buttons(query, notice + stamp)
    await prompt_next_step(update, context, member)


async def _pseudonym_step(update: Update, context: PeerContext) -> Member | None:
    """The member whose onboarding waits on the pseudonym; None (answered "expired") when
    that step is past or was never theirs."""
    query = update.callback_query
    if query is None or query.data is None:
        return None
    member = await context.services.members.get(query.from_user.id)
    if member is None or AwaitingPseudonym.parse(member.pending) is None:
        await button_expired(query)
        return None
    return member


async def redraw_button(update: Update, context: PeerContext) -> None:
    """Draw another pseudonym."""
    query = update.callback_query
    member = await _pseudonym_step(update, context)
    if query is None or member is None:
        return
    drawn = await context.services.members.redraw_pseudonym(member.user_id)
    if drawn.again_on is not None:
        limit = account_texts.pseudonym_limit_reached(drawn.member.pseudonym)
        await query.answer(limit, show_alert=True)
        return
    member = drawn.member
    await query.answer()
    redrawn = member_messages.pseudonym_redrawn(member.pseudonym)
    await close_buttons(query, redrawn.text, markup(redrawn))


async def keep_button(update: Update, context: PeerContext) -> None:
    """Keep the offered pseudonym; the time zone comes next."""
    query = update.callback_query
    member = await _pseudonym_step(update, context)
    if query is None or member is None:
        return
    kept = await context.services.members.keep_pseudonym(member.user_id)
    await query.answer()
    if kept is None:
        return
    changed = onboarding_texts.pseudonym_changed(kept.pseudonym)
    await close_buttons(query, changed)
    await prompt_next_step(update, context, kept)


async def pseudonym_typed(
    update: Update,
    context: PeerContext,
    member: Member,
    pending: AwaitingPseudonym,
    text: str,
) -> None:
    """Text while the pseudonym is offered: it is chosen with the buttons."""
    await reply(update, onboarding_texts.pseudonym_use_buttons())


async def notice_changed(update: Update, context: PeerContext) -> None:
    """After whatever a member did, tell them once what changed in the notice they agreed to."""
    user, chat = update.effective_user, update.effective_chat
    checked = context.bot_data.notice_checked
    if user is None or chat is None or chat.type != "private" or user.id in checked:
        return
    checked.add(user.id)
    if await context.services.members.notice_changed(user.id):
        await context.bot.send_message(
            chat.id, onboarding_texts.notice_changed(), parse_mode=ParseMode.HTML
        )


def notice_handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    """Registered after the features (bot.app), so the member's own answer comes first."""
    return [TypeHandler(Update, notice_changed)]


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", start, filters=private),
        CallbackQueryHandler(consent_button, pattern=Agree.route()),
        CallbackQueryHandler(not_now_button, pattern=NotNow.route()),
        CallbackQueryHandler(keep_button, pattern=KeepPseudonym.route()),
        CallbackQueryHandler(redraw_button, pattern=RedrawPseudonym.route()),
    ]


def answers() -> dict[type[Pending], TextAnswer]:
    return {AwaitingPseudonym: pseudonym_typed}
