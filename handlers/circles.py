"""Circles: making and joining them, /circle and /leave, /encourage, Thanks and Report."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.callbacks import Pending
from bot.checkins.callbacks import Naming, TellCircle
from bot.checkins.messages import support_message
from bot.circles.callbacks import (
    AskPending,
    EncouragementPending,
    RelayAction,
    RelayButton,
    ReplyPending,
    ReviewButton,
    ReviewDecision,
)
from bot.circles.messages import held_for_care, relay_message
from bot.circles.rules import CircleMode, RelayKind, valid_circle_name
from bot.circles.service import ModeOutcome, RelayOutcome, ReportOutcome
from bot.context import PeerContext
from bot.members.rules import Member
from bot.runtime.delivery import markup
from bot.texts import circles as circle_texts
from bot.texts import moderation as moderation_texts
from bot.texts import safety as safety_texts
from handlers.answers import TextAnswer
from handlers.common import (
    button_expired,
    close_buttons,
    command_argument,
    current_member,
    moderator_button,
    moderator_only,
    press,
    reply,
    support_offer,
)

log = logging.getLogger("peercircle.circles")


def invite_link(context: PeerContext, code: str) -> str:
    return f"https://t.me/{context.bot.username}?start={code}"


async def newcircle_command(update: Update, context: PeerContext) -> None:
    """Make a circle: /newcircle <name>."""
    moderator = await moderator_only(update, context)
    if moderator is None:
        return
    name = valid_circle_name(command_argument(context) or "")
    if name is None:
        await reply(update, circle_texts.newcircle_usage())
        return
    circle = await context.services.circles.create(name, moderator)
    if circle is None:
        await reply(update, circle_texts.circle_name_taken(name))
        return
    await reply(
        update, circle_texts.circle_created(circle.name, invite_link(context, circle.invite_code))
    )


async def invite_command(update: Update, context: PeerContext) -> None:
    """Send a circle's invite link: /invite <name>; /invite <name> new replaces it."""
    moderator = await moderator_only(update, context)
    if moderator is None:
        return
    name = command_argument(context)
    if name is None:
        await reply(update, circle_texts.invite_usage())
        return
    circles = context.services.circles
    circle = await circles.by_name(name)
    renew = circle is None and _asks_new(name)
    if renew:
        # "/invite Morning Walkers new": a circle named with "new" at the end is shown above.
        name = name[: -len(NEW_INVITE)].strip()
        circle = await circles.new_invite(name, moderator)
    if circle is None:
        await reply(update, circle_texts.no_such_circle(name))
        return
    link = invite_link(context, circle.invite_code)
    if renew:
        await reply(update, circle_texts.invite_renewed(circle.name, link))
    elif circle.invite_revoked:
        await reply(update, circle_texts.invite_is_revoked(circle.name))
    else:
        await reply(update, circle_texts.invite(circle.name, link))


NEW_INVITE = "new"


def _asks_new(argument: str) -> bool:
    """/invite <circle> new: the last word is "new" (what moderators type, in any language)."""
    words = argument.split()
    return len(words) > 1 and words[-1].lower() == NEW_INVITE


async def revoke_command(update: Update, context: PeerContext) -> None:
    """Revoke a circle's invite link without a new one: /revoke <name>."""
    moderator = await moderator_only(update, context)
    if moderator is None:
        return
    name = command_argument(context)
    if name is None:
        await reply(update, circle_texts.revoke_usage())
        return
    circle = await context.services.circles.revoke_invite(name, moderator)
    if circle is None:
        await reply(update, circle_texts.no_such_circle(name))
        return
    await reply(update, circle_texts.invite_revoked(circle.name))


async def circles_command(update: Update, context: PeerContext) -> None:
    """List circles with their member counts."""
    if not await moderator_only(update, context):
        return
    circles = await context.services.circles.all()
    if not circles:
        await reply(update, circle_texts.no_circles())
        return
    await reply(
        update,
        circle_texts.circles_list(
            [(c.name, c.member_count, c.max_members, c.mode) for c in circles]
        ),
    )


async def circle_command(update: Update, context: PeerContext) -> None:
    """Show the member's circle: name, size and their pseudonym there."""
    member = await current_member(update, context)
    if member is None:
        return
    circle = await context.services.circles.circle_of(member.user_id)
    if circle is None:
        await reply(update, circle_texts.not_in_circle())
        return
    await reply(update, circle_texts.my_circle(circle.name, circle.member_count, member.pseudonym))


async def leave_command(update: Update, context: PeerContext) -> None:
    """Leave the circle."""
    member = await current_member(update, context)
    if member is None:
        return
    circle = await context.services.circles.leave(member.user_id)
    if circle is None:
        await reply(update, circle_texts.not_in_circle())
        return
    await reply(update, circle_texts.left_circle(circle.name))


async def encourage_command(update: Update, context: PeerContext) -> None:
    """Send encouragement to the circle: /encourage <text>, or /encourage then the text."""
    await _relay_command(update, context, RelayKind.ENCOURAGE)


async def ask_command(update: Update, context: PeerContext) -> None:
    """Ask the circle for support: /ask <text>, or /ask then the text."""
    await _relay_command(update, context, RelayKind.ASK)


async def _relay_command(update: Update, context: PeerContext, kind: RelayKind) -> None:
    member = await current_member(update, context)
    if member is None:
        return
    text = command_argument(context)
    if text is not None:
        await send_relay(update, context, member, text, kind)
        return
    if await context.services.circles.circle_of(member.user_id) is None:
        await reply(update, circle_texts.not_in_circle())
        return
    asking = kind is RelayKind.ASK
    pending = AskPending() if asking else EncouragementPending()
    await context.services.members.wait_for(member.user_id, pending)
    await reply(
        update, circle_texts.ask_for_support() if asking else circle_texts.ask_encouragement()
    )


async def send_relay(
    update: Update,
    context: PeerContext,
    member: Member,
    text: str,
    kind: RelayKind,
    reply_to: int | None = None,
    words: Callable[[], str] | None = None,
    button_message_id: int | None = None,
) -> None:
    """Relay the member's words and tell them how it went (what was removed, and why);
    `words` for the bot's own and `button_message_id` for a hard-day button's (see
    CircleService.relay)."""
    if member.awaiting is not None:
        await context.services.members.wait_for(member.user_id, None)
    if context.crisis is not None and kind is not RelayKind.HARD_DAY:
        # The crisis answer has gone out; the words stay here, the circle gets a notice.
        noticed = await context.services.circles.notice_hard_time(member.user_id)
        delivered = noticed.outcome is RelayOutcome.SENT
        if not delivered:
            await reply(update, safety_texts.relay_held_not_sent())
            return
        # Anonymous unless they choose: the check-in's "it's me" button names them.
        held = held_for_care()
        await reply(update, held.text, markup(held))
        return
    relayed = await context.services.circles.relay(
        member.user_id, text, kind, reply_to, words=words, button_message_id=button_message_id
    )
    outcome, cleaned = relayed.outcome, relayed.sanitized
    if outcome is RelayOutcome.MUTED and relayed.until is not None:
        await reply(update, circle_texts.relay_muted(relayed.until, member.timezone))
        return
    if outcome is RelayOutcome.HELD:
        await reply(update, circle_texts.relay_held())
        return
    if outcome is RelayOutcome.SENT:
        if cleaned is not None and cleaned.removed:
            await reply(update, circle_texts.removed_note(cleaned.removed))
        if kind is RelayKind.ENCOURAGE:
            sent = circle_texts.encouragement_sent(relayed.recipients)
        elif kind is RelayKind.REPLY:
            sent = circle_texts.encouragement_reply_sent()
        else:
            sent = (
                circle_texts.ask_usage_sent()
                if kind is RelayKind.ASK
                else circle_texts.circle_told()
            )
        await reply(update, sent)
        return
    if outcome is RelayOutcome.MOSTLY_REMOVED and cleaned is not None:
        await reply(update, circle_texts.relay_mostly_removed(cleaned.removed))
        return
    refusals = {
        RelayOutcome.NOT_IN_CIRCLE: circle_texts.not_in_circle(),
        RelayOutcome.ALONE: circle_texts.alone_in_circle(),
        RelayOutcome.RATE_LIMITED: circle_texts.relay_rate_limited(),
        RelayOutcome.TOO_LONG: circle_texts.relay_too_long(),
        RelayOutcome.EMPTY: circle_texts.relay_empty(),
        RelayOutcome.GONE: circle_texts.reply_gone(),
        RelayOutcome.BANNED: moderation_texts.banned_from_circles(),
        RelayOutcome.ALREADY_SENT: circle_texts.circle_already_told(),
    }
    await reply(update, refusals.get(outcome, circle_texts.relay_empty()))


async def relay_button(update: Update, context: PeerContext) -> None:
    """Thanks (tells the author once), Report (to the moderators, anonymously) and Send
    encouragement (the next text goes back to the author)."""
    pressed = await press(update, context, RelayButton)
    if pressed is None:
        return
    query, button, member = pressed
    circles = context.services.circles
    if button.action is RelayAction.ENCOURAGE_BACK:
        await context.services.members.wait_for(member.user_id, ReplyPending(button.relay_id))
        await query.answer()
        await reply(update, circle_texts.ask_reply())
    elif button.action is RelayAction.THANKS:
        thanked = await circles.thank(member.user_id, button.relay_id)
        relay = thanked.relay
        if relay is None:
            await button_expired(query)
            return
        await query.answer(
            circle_texts.thanks_sent() if thanked.first else circle_texts.thanks_already()
        )
        shown = relay_message(
            relay.id, RelayKind(relay.kind), relay.pseudonym, relay.text, thanked=True
        )
        await close_buttons(query, None, markup(shown))
    else:
        chat_id = context.services.settings.moderation.moderator_chat_id
        reported = await circles.report(member.user_id, button.relay_id, chat_id)
        if reported is ReportOutcome.EXPIRED:
            await button_expired(query)
            return
        if reported is ReportOutcome.LIMITED:
            # The message stays in their chat: they may still want to report it tomorrow.
            await query.answer(circle_texts.report_limit_reached(), show_alert=True)
            return
        await query.answer(circle_texts.report_filed(), show_alert=True)
        await _remove_reported(query)


async def _remove_reported(query: CallbackQuery) -> None:
    """The reporter need not see the message again while moderators decide."""
    message = query.message
    if message is None:
        return
    try:
        await query.get_bot().delete_message(message.chat.id, message.message_id)
    except TelegramError as error:  # older than 48 hours, or gone already
        log.info("could not remove a reported message: %s", type(error).__name__)


async def circlemode_command(update: Update, context: PeerContext) -> None:
    """Set a circle's moderation: /circlemode <circle> pre|post."""
    moderator = await moderator_only(update, context)
    if moderator is None:
        return
    args = context.args or []
    modes = {mode.value: mode for mode in CircleMode}
    if len(args) < 2 or args[-1].lower() not in modes:
        await reply(update, circle_texts.circlemode_usage())
        return
    mode, name = modes[args[-1].lower()], " ".join(args[:-1])
    done = await context.services.circles.set_mode(name, mode, moderator)
    if done.outcome is ModeOutcome.NEEDS_CHAT:
        await reply(update, circle_texts.circlemode_needs_chat())
    elif done.outcome is ModeOutcome.NO_SUCH_CIRCLE or done.circle is None:
        await reply(update, circle_texts.no_such_circle(name))
    else:
        await reply(update, circle_texts.circlemode_set(done.circle.name, mode))


async def review_button(update: Update, context: PeerContext) -> None:
    """Approve or Reject a held message (moderators only)."""
    pressed = await moderator_button(update, context, ReviewButton)
    if pressed is None:
        return
    query, button, moderator = pressed
    approve = button.decision is ReviewDecision.APPROVE
    reviewed = await context.services.circles.review(button.relay_id, approve, by=moderator)
    if reviewed is None:
        await button_expired(query)
        return
    relay, circle_name = reviewed
    await query.answer()
    shown = circle_texts.review(circle_name, relay.pseudonym, relay.text)
    await close_buttons(query, circle_texts.reviewed(shown, approve, moderator.name))


async def _encouragement_typed(
    update: Update, context: PeerContext, member: Member, _: EncouragementPending, text: str
) -> None:
    await send_relay(update, context, member, text, RelayKind.ENCOURAGE)


async def _ask_typed(
    update: Update, context: PeerContext, member: Member, _: AskPending, text: str
) -> None:
    await send_relay(update, context, member, text, RelayKind.ASK)


async def _reply_typed(
    update: Update, context: PeerContext, member: Member, pending: ReplyPending, text: str
) -> None:
    await send_relay(update, context, member, text, RelayKind.REPLY, pending.relay_id)


def answers() -> dict[type[Pending], TextAnswer]:
    return {
        EncouragementPending: _encouragement_typed,
        AskPending: _ask_typed,
        ReplyPending: _reply_typed,
    }


async def circle_told(update: Update, context: PeerContext) -> None:
    """Let the circle know today is hard, with or without the member's pseudonym."""
    pressed = await press(update, context, TellCircle)
    if pressed is None:
        return
    query, button, member = pressed
    if query.message is None:  # every copy of the button sits on a message of the chat
        await button_expired(query)
        return
    await query.answer()
    if not await context.services.circles.open_to(member.user_id):
        # They left, or were muted, since the offer: what else there is, not a refusal.
        support = support_message(await support_offer(context, member))
        await reply(update, support.text, markup(support))
        return
    words = (
        partial(circle_texts.hard_day_named, member.pseudonym)
        if button.naming is Naming.NAMED
        else circle_texts.hard_day_anonymous
    )
    # Once per button: the message it sits on says which press was the first.
    once = query.message.message_id
    await send_relay(
        update, context, member, words(), RelayKind.HARD_DAY, words=words, button_message_id=once
    )


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    private = filters.ChatType.PRIVATE
    moderation = private | filters.ChatType.GROUPS
    return [
        CommandHandler("newcircle", newcircle_command, filters=moderation),
        CommandHandler("invite", invite_command, filters=moderation),
        CommandHandler("revoke", revoke_command, filters=moderation),
        CommandHandler("circles", circles_command, filters=moderation),
        CommandHandler("circlemode", circlemode_command, filters=moderation),
        CallbackQueryHandler(review_button, pattern=ReviewButton.route()),
        CommandHandler("circle", circle_command, filters=private),
        CommandHandler("leave", leave_command, filters=private),
        CommandHandler("encourage", encourage_command, filters=private),
        CommandHandler("ask", ask_command, filters=private),
        CallbackQueryHandler(relay_button, pattern=RelayButton.route()),
        # Offered under a hard day's check-in reply (bot.checkins.messages).
        CallbackQueryHandler(circle_told, pattern=TellCircle.route()),
    ]
