"""Small helpers every handler module uses: replying, finding the member, expired buttons,
and the onboarding question that several features ask again."""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable
from typing import TypeVar

from telegram import CallbackQuery, MaybeInaccessibleMessage, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.warnings import PTBUserWarning

from bot.callbacks import Button
from bot.checkins.rules import SupportOffer
from bot.circles.service import JoinOutcome
from bot.combined.service import HEADING_DATA, part_id
from bot.context import PeerContext
from bot.i18n import current_language, speaking
from bot.members import messages as member_messages
from bot.members.rules import Member, onboarding_step
from bot.moderation.audit import Moderator
from bot.outcomes import messages as outcome_messages
from bot.outgoing import OutgoingMessage
from bot.runtime.delivery import TelegramMarkup, markup
from bot.safety import resources
from bot.texts import circles as circle_texts
from bot.texts import common as common_texts
from bot.texts import moderation as moderation_texts
from bot.texts import outcomes as outcome_texts

log = logging.getLogger("peercircle.moderation")
ButtonT = TypeVar("ButtonT", bound=Button)

# Button edits go through Bot.do_api_request (see edit_text), which warns that
# edit_message_text exists; we know. pyproject.toml ignores it in tests the same way.
warnings.filterwarnings(
    "ignore", message="Please use 'Bot.edit_message_text'", category=PTBUserWarning
)


async def reply(update: Update, text: str, markup: TelegramMarkup | None = None) -> Message | None:
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
            await update.callback_query.answer(common_texts.not_a_member(), show_alert=True)
        else:
            await reply(update, common_texts.not_a_member())
    return member


async def prompt_next_step(update: Update, context: PeerContext, member: Member) -> None:
    """Ask the question the member's onboarding is waiting on (after /start, an answer out
    of order, or /cancel, which onboarding does not take)."""
    now = context.services.clock.now()
    question = member_messages.onboarding_question(onboarding_step(member), member, now)
    await reply(update, question.text, markup(question))


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


async def press(
    update: Update, context: PeerContext, kind: type[ButtonT]
) -> tuple[CallbackQuery, ButtonT, Member] | None:
    """A member's press of a `kind` button, parsed; None when there is none (a non-member
    has been told how to join; stale or forged data has been answered "expired")."""
    pressed = await member_press(update, context)
    if pressed is None:
        return None
    query, data, member = pressed
    button = kind.parse(data)
    if button is None:
        await button_expired(query)
        return None
    return query, button, member


async def moderator_button(
    update: Update, context: PeerContext, kind: type[ButtonT]
) -> tuple[CallbackQuery, ButtonT, Moderator] | None:
    """A moderator's press of a `kind` button, parsed; others are told it is for
    moderators, and stale or forged data is answered "expired"."""
    pressed = await moderator_press(update, context)
    if pressed is None:
        return None
    query, data, moderator = pressed
    button = kind.parse(data)
    if button is None:
        await button_expired(query)
        return None
    return query, button, moderator


def plain_answer(html: str) -> str:
    """A reply text for a button's pop-up answer: plain text, within Telegram's 200."""
    return html.replace("<code>", "").replace("</code>", "")[:200]


async def button_expired(query: CallbackQuery) -> None:
    """Answer a stale or forged button press kindly; nothing changes."""
    await query.answer(common_texts.button_expired(), show_alert=False)


async def close_buttons(
    query: CallbackQuery, text: str | None = None, markup: TelegramMarkup | None = None
) -> None:
    """Rewrite the message a button was pressed on: new text and buttons, or none."""
    try:
        if text is not None:
            await edit_text(query, text, markup)
        else:
            await query.edit_message_reply_markup(reply_markup=markup)
    except BadRequest as error:
        # A double tap edits a message that is already edited; that is not a failure.
        if "not modified" not in str(error) and "not found" not in str(error):
            raise


async def edit_text(query: CallbackQuery, text: str, markup: TelegramMarkup | None = None) -> None:
    """Edit the message a button was pressed on, without reading Telegram's copy back.

    edit_message_text turns the edited message Telegram returns into python-telegram-bot
    objects, keyboard and all: a fifth of a check-in tap's CPU, for a result no handler
    reads (bench/RESULTS.md). do_api_request returns it as plain JSON instead.
    """
    message = query.message
    if message is None:  # too old for Telegram to include; let the library say so
        await query.edit_message_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
        )
        return
    fields: dict[str, object] = {
        "chat_id": message.chat.id,
        "message_id": message.message_id,
        "text": text,
        "parse_mode": ParseMode.HTML,
        "link_preview_options": {"is_disabled": True},
    }
    if markup is not None:
        fields["reply_markup"] = markup
    await query.get_bot().do_api_request("edit_message_text", api_kwargs=fields)


_ROW_ID = re.compile(r"[0-9]{1,15}")


def row_id(text: str) -> int | None:
    """A row number from callback data or a command: ASCII digits that fit SQLite's
    integers ("²" passes str.isdigit, 40 nines overflow); None for anything else."""
    return int(text) if _ROW_ID.fullmatch(text) else None


def command_argument(context: PeerContext) -> str | None:
    """Everything after the command, or None when there is nothing."""
    args = context.args or []
    text = " ".join(args).strip()
    return text or None


async def moderator_only(update: Update, context: PeerContext) -> Moderator | None:
    """The moderator behind a command; anyone else is told plainly and the attempt logged.

    Moderator commands work in a private chat and in the moderators' chat; other groups
    are ignored, as the bot ignores groups.
    """
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    if (
        chat.type != "private"
        and chat.id != context.services.settings.moderation.moderator_chat_id
    ):
        return None
    if await context.services.moderation.is_moderator(user.id):
        return Moderator(user.id, user.first_name)
    log.warning("refused moderator command: user_id=%s", user.id)
    await reply(update, common_texts.for_moderators())
    return None


async def moderator_press(
    update: Update, context: PeerContext
) -> tuple[CallbackQuery, str, Moderator] | None:
    """A moderator's button press; anyone else gets "This is for moderators." """
    query = update.callback_query
    if query is None or query.data is None:
        return None
    user = query.from_user
    if not await context.services.moderation.is_moderator(user.id):
        log.warning("refused moderator button: user_id=%s", user.id)
        await query.answer(common_texts.for_moderators(), show_alert=True)
        return None
    return query, query.data, Moderator(user.id, user.first_name)


# -- shared by several features' handlers ------------------------------------------------


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


async def join_by_code(update: Update, context: PeerContext, member: Member, code: str) -> None:
    """Join the circle behind an invite code and say how it went."""
    joined = await context.services.circles.join(member.user_id, code)
    circle = joined.circle
    if joined.outcome is JoinOutcome.JOINED and circle is not None and joined.pseudonym:
        await reply(
            update, circle_texts.joined_circle(circle.name, joined.pseudonym, circle.member_count)
        )
    elif joined.outcome is JoinOutcome.FULL:
        await reply(update, circle_texts.circle_full())
    elif joined.outcome is JoinOutcome.BANNED:
        await reply(update, moderation_texts.banned_from_circles())
    elif joined.outcome is JoinOutcome.UNKNOWN_CODE:
        await reply(update, circle_texts.unknown_invite())
    elif joined.outcome is JoinOutcome.RETIRED_CODE:
        await reply(update, circle_texts.invite_retired())
    elif circle is not None:
        said = (
            circle_texts.already_in_this_circle(circle.name)
            if joined.outcome is JoinOutcome.ALREADY_HERE
            else circle_texts.in_another_circle(circle.name)
        )
        await reply(update, said)


async def support_offer(context: PeerContext, member: Member) -> SupportOffer:
    """What this member can reach for on a hard day (bot.checkins.messages.support_buttons)."""
    services = context.services
    plan = await services.safety.plan(member.user_id)
    return SupportOffer(
        circle=await services.circles.open_to(member.user_id),
        moderators=bool(services.settings.moderation.moderator_chat_id),
        has_plan=plan is not None and not plan.empty,
    )


async def crisis_lines(update: Update, context: PeerContext) -> str:
    """The crisis lines for whoever sent this update, in the language being spoken."""
    user = update.effective_user
    region = await context.services.languages.region_of(user.id) if user is not None else None
    return resources.crisis_lines(context.services.settings.safety, current_language(), region)


def offers_regions(context: PeerContext) -> bool:
    """Whether members pick the region of their crisis lines (more than one configured)."""
    return len(context.services.settings.safety.crisis_resources_by_region) > 1


async def in_language_of(context: PeerContext, user_id: int, render: Callable[[], str]) -> str:
    """Words for someone other than the sender (sent straight to them), in their language."""
    with speaking(await context.services.languages.language_of(user_id, None)):
        return render()


async def start_taking_part(
    update: Update, context: PeerContext, member: Member, query_text: bool
) -> None:
    """Opted in to the questionnaires (from their offer, or from /settings): thanks, and the
    first invitation when today is a day for it."""
    first = await context.services.outcomes.opt_in(member.user_id)
    said_text = outcome_texts.opted_in() if first else outcome_texts.opted_in_later()
    query = update.callback_query
    if query_text and query is not None:
        await close_buttons(query, said_text)
    else:
        await reply(update, said_text)
    if first is not None:
        invitation = outcome_messages.invitation(first)
        await reply(update, invitation.text, markup(invitation))
