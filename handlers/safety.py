"""The safety net in Telegram: the crisis screen that runs before every feature, the
"ask a moderator" button, and /safetyplan."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import PeerContext
from bot.members.service import Awaiting, Member
from bot.safety.places import Place, place_of
from bot.safety.screen import Verdict
from bot.safety.service import MAX_PLAN_PART, Response
from bot.texts import safety as texts
from bot.texts.safety import PLAN_PARTS, Told
from handlers.common import (
    button_expired,
    close_buttons,
    current_member,
    member_press,
    reply,
    row_id,
)
from storage.safety_plans import PlanRow

log = logging.getLogger("peercircle.safety")
LONG_TEXT = 1000
_PART_NAMES = [name for name, _, _ in PLAN_PARTS]
_MODERATOR_COMMANDS = frozenset({
    "tell", "announce", "warn", "mute", "unmute", "ban", "unban", "reject", "newcircle",
    "circlemode", "circlesize", "invite", "promote", "demote",
})  # fmt: skip


@dataclass(frozen=True)
class Typed:
    """What a person typed in a private chat. For a command, `text` includes the command's
    own word ("/kill myself" screens "kill myself") and `words` leaves it out."""

    text: str
    command: str | None
    edited: bool
    caption: bool

    @property
    def words(self) -> str:
        return self.text.split(" ", 1)[1] if self.command else self.text


def typed_words(update: Update) -> Typed | None:
    """What a person typed in a private chat; None for anything else."""
    message: Message | None = update.message or update.edited_message
    if message is None or message.chat.type != "private" or message.forward_origin:
        return None
    text, caption = message.text, False
    if text is None:
        text, caption = message.caption, message.caption is not None
    if not text:
        return None
    command = None
    if not caption and text.startswith("/"):
        head = text.split(maxsplit=1)[0]
        command = head[1:].split("@")[0].lower()
        text = f"{command} {text[len(head) :].strip()}"
    return Typed(text, command, update.edited_message is not None, caption)


async def screen_text(update: Update, context: PeerContext) -> None:
    """Screen every text first; on crisis language answer at once, before any feature.

    Edited messages stop here either way: an edit is never a new answer to a question."""
    await _screen(update, context)
    if update.edited_message is not None:
        raise ApplicationHandlerStop


async def _screen(update: Update, context: PeerContext) -> None:
    typed = typed_words(update)
    user = update.effective_user
    if typed is None or user is None:
        return
    if typed.command in _MODERATOR_COMMANDS and await context.services.moderation.is_moderator(
        user.id
    ):
        return  # a moderator's words to members ("are you thinking of suicide?" is good care)
    safety = context.services.safety
    # A long text takes milliseconds to screen (bench/RESULTS.md): off the event loop, so
    # other members' updates go on meanwhile.
    text = typed.text
    long_text = len(text) > LONG_TEXT
    verdict = await asyncio.to_thread(safety.screen, text) if long_text else safety.screen(text)
    if verdict is None:
        return
    context.crisis = verdict
    place, response = await _let_know(update, context, user.id, verdict, typed)
    resources = context.services.settings.safety.crisis_resources
    parts = texts.crisis_reply(verdict.tier, place, response.told, response.plan, resources)
    for part in parts[:-1]:
        await reply(update, part)
    await reply(update, parts[-1], _ask_button(response.alert_id))
    if not place.feature_goes_on:
        raise ApplicationHandlerStop


async def _let_know(
    update: Update,
    context: PeerContext,
    user_id: int,
    verdict: Verdict,
    typed: Typed,
) -> tuple[Place, Response]:
    """Where it was typed, and the alert. A database that fails here must not cost the
    member the resources: they are told honestly that no moderator could be let know."""
    safety = context.services.safety
    try:
        member = await context.services.members.get(user_id)
        thread = None
        plain = not (typed.command or typed.edited or typed.caption)
        if member is not None and member.awaiting is None and plain:
            thread = await safety.open_thread(user_id)
        place = place_of(
            awaiting=member.awaiting if member else None,
            onboarding=bool(member and member.onboarding),
            command=typed.command, edited=typed.edited, caption=typed.caption,
            thread_open=thread is not None,
        )  # fmt: skip
        if member is None:
            # Nothing about them is kept, not even in the log.
            log.info("crisis screen: someone not a member, tier=%s", verdict.tier)
            return place, Response(Told.NOT_A_MEMBER, None, None)
        log.info("crisis screen: user_id=%s tier=%s place=%s", user_id, verdict.tier, place)
        return place, await safety.respond(user_id, verdict, place, typed.words)
    except Exception:
        log.exception("crisis screen: could not alert for user_id=%s", user_id)
        return Place.MESSAGE, Response(Told.FAILED, None, None)


def _ask_button(alert_id: int | None) -> InlineKeyboardMarkup | None:
    if alert_id is None:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.BUTTON_ASK_MODERATOR, callback_data=f"sf:ask:{alert_id}")]]
    )


async def ask_moderator_button(update: Update, context: PeerContext) -> None:
    """The member asked for a peer moderator to reach out."""
    pressed = await member_press(update, context)
    if pressed is None:
        return
    query, data, member = pressed
    alert_id = row_id(data.removeprefix("sf:ask:"))
    if alert_id is None or not await context.services.safety.request_contact(
        member.user_id, alert_id
    ):
        await button_expired(query)
        return
    await query.answer()
    await close_buttons(query, None, None)
    await reply(update, texts.CONTACT_REQUESTED)


# -- /safetyplan ----------------------------------------------------------------------------

PLAN_INTRO = (
    "A safety plan is a short list, in your own words, of what helps when things get very "
    "hard. It is private: nobody else ever sees it. If something you write to me ever "
    "sounds like a crisis, I'll show you your plan first.\n\nSeven short questions; skip "
    "any of them. /cancel keeps nothing new."
)
PLAN_SAVED = (
    "Your safety plan is saved. It's here whenever you need it with /safetyplan, and I'll "
    "show it to you first if things ever get really hard."
)
PLAN_EMPTY = "Nothing was written, so there's no plan saved. /safetyplan whenever you like."
PLAN_CANCELLED = "Okay, nothing new was kept. Your plan is as it was."
PLAN_DELETE_CONFIRM = "Delete your safety plan for good?"
PLAN_DELETED = "Your safety plan is deleted. /safetyplan to write a new one any time."
PLAN_KEPT = "Your plan is kept as it is."
PLAN_PAUSED = (
    "I've kept your safety plan as it was. We can come back to your safety plan whenever "
    "you're ready: /safetyplan."
)


def plan_part_too_long(length: int) -> str:
    return (
        f"That's {length} characters; each part holds up to {MAX_PLAN_PART}, so it stays "
        "quick to read on a hard day. Could you write a shorter version? Your message is "
        "still above to copy from, and the question is still open."
    )


async def safetyplan_command(update: Update, context: PeerContext) -> None:
    """Show the member's plan with Edit and Delete, or start writing one."""
    member = await current_member(update, context)
    if member is not None:
        await show_or_start_plan(update, context, member)


async def show_or_start_plan(update: Update, context: PeerContext, member: Member) -> None:
    """The plan with Edit and Delete, or its first question (also from a hard check-in)."""
    plan = await context.services.safety.plan(member.user_id)
    if plan is None or plan.empty:
        await reply(update, PLAN_INTRO)
        await _start(update, context, member)
        return
    buttons = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Edit my plan", callback_data="sp:edit"),
          InlineKeyboardButton("Delete it", callback_data="sp:del")]]
    )  # fmt: skip
    await reply(update, texts.plan_text(plan), buttons)


async def _start(update: Update, context: PeerContext, member: Member) -> None:
    draft = await context.services.safety.start_plan(member.user_id)
    await _ask_part(update, context, member, 0, draft)


async def _ask_part(
    update: Update, context: PeerContext, member: Member, index: int, draft: PlanRow
) -> None:
    name, title, question = PLAN_PARTS[index]
    await context.services.members.expect(member.user_id, Awaiting.SAFETY_PLAN, name)
    current = draft.part(name)
    text = f"<b>{index + 1}/{len(PLAN_PARTS)} · {title}</b>\n{question}"
    if current:
        text += f"\n\n<i>Now:</i> {escape(current)}"
        row = [InlineKeyboardButton("Keep as it is", callback_data=f"sp:skip:{name}"),
               InlineKeyboardButton("Clear it", callback_data=f"sp:clear:{name}")]  # fmt: skip
    else:
        row = [InlineKeyboardButton("Skip", callback_data=f"sp:skip:{name}")]
    await reply(update, text, InlineKeyboardMarkup([row]))


async def _next(update: Update, context: PeerContext, member: Member, name: str) -> None:
    """After one part: the next question, or the plan saved."""
    index = _PART_NAMES.index(name) + 1
    safety = context.services.safety
    if index < len(PLAN_PARTS):
        draft = await safety.draft(member.user_id)
        if draft is not None:
            await _ask_part(update, context, member, index, draft)
            return
    await context.services.members.expect(member.user_id, None)
    plan = await safety.finish_plan(member.user_id)
    if plan is None or plan.empty:
        await reply(update, PLAN_EMPTY)
        return
    await reply(update, f"{texts.plan_text(plan)}\n\n{PLAN_SAVED}")


async def save_plan_part(update: Update, context: PeerContext, member: Member, text: str) -> None:
    """The member typed one part of their plan."""
    name = member.awaiting_arg or ""
    if name not in _PART_NAMES:
        await context.services.members.expect(member.user_id, None)
        await reply(update, PLAN_CANCELLED)
        return
    if context.crisis is not None:
        # Crisis words are not kept as the plan, to be shown back on a hard day.
        await context.services.safety.cancel_plan(member.user_id)
        await context.services.members.expect(member.user_id, None)
        await reply(update, PLAN_PAUSED)
        return
    if len(text.strip()) > MAX_PLAN_PART:
        await reply(update, plan_part_too_long(len(text.strip())))
        return
    if await context.services.safety.set_part(member.user_id, name, text) is None:
        await context.services.members.expect(member.user_id, None)
        await reply(update, PLAN_CANCELLED)
        return
    await _next(update, context, member, name)


async def cancel_plan(update: Update, context: PeerContext, member: Member) -> bool:
    """/cancel while writing the plan: keep nothing new. False when not writing one."""
    if member.awaiting is not Awaiting.SAFETY_PLAN:
        return False
    await context.services.safety.cancel_plan(member.user_id)
    await context.services.members.expect(member.user_id, None)
    await reply(update, PLAN_CANCELLED)
    return True


async def plan_button(update: Update, context: PeerContext) -> None:
    """Skip, keep or clear a part; edit or delete the plan."""
    pressed = await member_press(update, context)
    if pressed is None:
        return
    query, data, member = pressed
    action, _, name = data.removeprefix("sp:").partition(":")
    safety = context.services.safety
    writing = member.awaiting is Awaiting.SAFETY_PLAN and member.awaiting_arg == name
    if action in ("skip", "clear") and writing:
        if action == "clear" and await safety.set_part(member.user_id, name, None) is None:
            await button_expired(query)
            return
        await query.answer()
        await close_buttons(query, None, None)
        await _next(update, context, member, name)
    elif action == "edit" and not name:
        await query.answer()
        await close_buttons(query, None, None)
        await _start(update, context, member)
    elif action == "del" and not name:
        await query.answer()
        buttons = InlineKeyboardMarkup(
            [[InlineKeyboardButton("Yes, delete it", callback_data="sp:delyes"),
              InlineKeyboardButton("No, keep it", callback_data="sp:delno")]]
        )  # fmt: skip
        await close_buttons(query, PLAN_DELETE_CONFIRM, buttons)
    elif action == "delyes" and not name:
        await safety.delete_plan(member.user_id)
        if member.awaiting is Awaiting.SAFETY_PLAN:
            await context.services.members.expect(member.user_id, None)
        await query.answer()
        await close_buttons(query, PLAN_DELETED)
    elif action == "delno" and not name:
        await query.answer()
        await close_buttons(query, PLAN_KEPT)
    else:
        await button_expired(query)


def screen_handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    """Registered in a group of their own ahead of every feature (bot.app)."""
    typed = filters.ChatType.PRIVATE & (filters.TEXT | filters.CAPTION)
    return [MessageHandler(typed | filters.UpdateType.EDITED, screen_text)]


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    return [
        CommandHandler("safetyplan", safetyplan_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(ask_moderator_button, pattern=r"^sf:ask:"),
        CallbackQueryHandler(plan_button, pattern=r"^sp:"),
    ]
