"""The daily check-in: /checkin, the mood and confidence buttons, the optional private note."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from telegram import CallbackQuery, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot import texts
from bot.checkins.service import (
    CONFIDENCES,
    MOODS,
    SupportOffer,
    checkin_reply,
    confidence_question,
    day_code,
    fillable,
    mood_question,
    note_question,
    parse_checkin_day,
    parse_day_code,
    support_message,
)
from bot.circles.rules import RelayKind
from bot.context import PeerContext
from bot.members.service import Awaiting, Member
from bot.outgoing import OutgoingMessage
from bot.runtime.delivery import markup
from bot.texts import circles as circle_texts
from bot.texts import common as common_texts
from bot.texts import onboarding as onboarding_texts
from bot.texts import safety as safety_texts
from handlers.circles import send_relay
from handlers.combined import show
from handlers.common import (
    button_expired,
    command_argument,
    current_member,
    member_press,
    reply,
)
from handlers.onboarding import prompt_next_step
from handlers.safety import show_or_start_plan


async def checkin_command(update: Update, context: PeerContext) -> None:
    """Start today's check-in now, or a missed day's: `/checkin yesterday`."""
    member = await current_member(update, context)
    if member is None:
        return
    if member.onboarding:
        await reply(update, onboarding_texts.CONTINUE_ONBOARDING)
        await prompt_next_step(update, context, member)
        return
    today = context.services.checkins.today(member.timezone)
    day = parse_checkin_day(command_argument(context), today)
    if day is None or day > today:
        await reply(update, texts.CHECKIN_USAGE)
        return
    if not fillable(day, today):
        await reply(update, texts.backfill_too_old(day))
        return
    question = mood_question(day, today)
    await reply(update, question.text, markup(question))


async def checkin_button(update: Update, context: PeerContext) -> None:
    """Mood, then confidence, then note or skip; each press edits the same message."""
    pressed = await member_press(update, context)
    if pressed is None:
        return
    query, data, member = pressed
    parts = data.split(":")
    if parts[1:2] == ["crisis"]:
        await query.answer()
        await reply(update, common_texts.crisis(context.services.settings.safety.crisis_resources))
        return
    if parts[1:] == ["talk"]:
        await query.answer()
        asked = await context.services.safety.request_talk(member.user_id)
        await reply(update, texts.TALK_REQUESTED if asked else safety_texts.NO_MODERATORS)
        return
    if parts[1:] == ["plan"]:
        await query.answer()
        await show_or_start_plan(update, context, member)
        return
    if parts[1:2] == ["circle"] and parts[2:] in (["anon"], ["named"]):
        await query.answer()
        if not await context.services.circles.open_to(member.user_id):
            # They left, or were muted, since the offer: what else there is, not a refusal.
            support = support_message(await support_offer(context, member))
            await reply(update, support.text, markup(support))
            return
        message = (
            circle_texts.hard_day_named(member.pseudonym)
            if parts[2] == "named"
            else circle_texts.HARD_DAY_ANONYMOUS
        )
        await send_relay(update, context, member, message, RelayKind.HARD_DAY)
        return
    day = parse_day_code(parts[2]) if len(parts) > 2 else None
    if day is None:
        await button_expired(query)
        return
    today = context.services.checkins.today(member.timezone)
    action, numbers = parts[1], parts[3:]
    if day > today or not _well_formed(action, numbers):
        await button_expired(query)
        return
    if not fillable(day, today):
        # Older than the back-fill window: closed, keeping what was given. A mood or both
        # answers can still count for today, with one more tap.
        kept = await context.services.checkins.has_checked_in(member.user_id, day)
        offer = action in ("m", "c")
        closed = texts.checkin_too_old(day, kept, offer)
        today_data = ":".join(["ci", action, day_code(today), *numbers])
        buttons = (((texts.BUTTON_USE_FOR_TODAY, today_data),),) if offer else ()
        await _answer_and_edit(query, context, OutgoingMessage(closed, buttons))
        return
    if action == "m":
        await _answer_and_edit(query, context, confidence_question(day, int(numbers[0]), today))
    elif action == "c":
        mood, confidence = int(numbers[0]), int(numbers[1])
        replaced = await context.services.checkins.record(
            member.user_id, day, mood, confidence, member.timezone
        )
        question = note_question(day, mood, confidence, replaced, today)
        await _answer_and_edit(query, context, question)
    elif action == "skip":
        await query.answer()
        await show(query, context, await _reply_for(context, member, day, numbers == ["r"]))
        await context.services.reflections.after_checkin(member.user_id, day)
    else:  # note
        await context.services.members.expect(
            member.user_id, Awaiting.NOTE, f"{day.isoformat()}:{numbers[0]}"
        )
        await query.answer()
        await show(query, context, OutgoingMessage(texts.TYPE_NOTE))


def _valid(numbers: list[str], allowed: range) -> bool:
    return len(numbers) == 1 and numbers[0].isdigit() and int(numbers[0]) in allowed


def _well_formed(action: str, numbers: list[str]) -> bool:
    """The check-in step's data after the day: a mood, a mood and a confidence, or a flag."""
    if action == "m":
        return _valid(numbers, MOODS)
    if action == "c":
        return (
            len(numbers) == 2 and _valid(numbers[:1], MOODS) and _valid(numbers[1:], CONFIDENCES)
        )
    return action in ("skip", "note") and numbers in (["r"], ["n"])


async def _answer_and_edit(
    query: CallbackQuery, context: PeerContext, message: OutgoingMessage
) -> None:
    """Both at once: a tap costs one round trip to Telegram instead of two."""
    await asyncio.gather(query.answer(), show(query, context, message))


async def support_offer(context: PeerContext, member: Member) -> SupportOffer:
    """What this member can reach for on a hard day (bot.checkins.service.support_buttons)."""
    services = context.services
    plan = await services.safety.plan(member.user_id)
    return SupportOffer(
        circle=await services.circles.open_to(member.user_id),
        moderators=bool(services.settings.moderation.moderator_chat_id),
        has_plan=plan is not None and not plan.empty,
    )


async def _reply_for(
    context: PeerContext, member: Member, day: date, replaced: bool, note_saved: bool = False
) -> OutgoingMessage:
    checkins = context.services.checkins
    reflection = await checkins.reflect(member.user_id, day, checkins.today(member.timezone))
    if reflection is None:
        return OutgoingMessage(texts.NOTE_TOO_LATE)
    # Only a hard day needs to know what the member can reach for.
    offer = await support_offer(context, member) if reflection.support else None
    return checkin_reply(reflection, replaced, offer, note_saved)


async def save_note(update: Update, context: PeerContext, member: Member, note: str) -> None:
    """The member typed their private note: store it, then the day's reflection."""
    day_text, _, flag = (member.awaiting_arg or "").partition(":")
    await context.services.members.expect(member.user_id, None)
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        await reply(update, texts.NOTE_TOO_LATE)
        return
    if not await context.services.checkins.add_note(member.user_id, day, note):
        await reply(update, texts.NOTE_TOO_LATE)
        return
    if context.crisis is not None:
        # The crisis answer has gone out: no streak, no figures, nothing cheerful after it.
        await reply(update, texts.NOTE_SAVED)
        return
    answer = await _reply_for(context, member, day, flag == "r", note_saved=True)
    await reply(update, answer.text, markup(answer))
    await context.services.reflections.after_checkin(member.user_id, day)


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    return [
        CommandHandler("checkin", checkin_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(checkin_button, pattern=r"^ci:"),
    ]
