"""The daily check-in: /checkin, the mood and confidence buttons, the optional private note."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from telegram import CallbackQuery, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.callbacks import Pending
from bot.checkins.callbacks import (
    AddNote,
    Answers,
    ChooseConfidence,
    ChooseMood,
    CrisisResources,
    NotePending,
    SkipNote,
    TalkToModerator,
)
from bot.checkins.messages import (
    checkin_reply,
    closed_step,
    confidence_question,
    mood_question,
    note_question,
)
from bot.checkins.rules import (
    fillable,
    parse_checkin_day,
    valid_answers,
)
from bot.context import PeerContext
from bot.members.rules import Member
from bot.outgoing import OutgoingMessage
from bot.runtime.delivery import markup
from bot.texts import checkins as checkin_texts
from bot.texts import common as common_texts
from bot.texts import onboarding as onboarding_texts
from bot.texts import safety as safety_texts
from handlers.answers import TextAnswer
from handlers.common import (
    button_expired,
    command_argument,
    crisis_lines,
    current_member,
    press,
    prompt_next_step,
    reply,
    show,
    support_offer,
)

StepT = TypeVar("StepT", ChooseMood, ChooseConfidence, AddNote, SkipNote)


async def checkin_command(update: Update, context: PeerContext) -> None:
    """Start today's check-in now, or a missed day's: `/checkin yesterday`."""
    member = await current_member(update, context)
    if member is None:
        return
    if member.onboarding:
        await reply(update, onboarding_texts.continue_onboarding())
        await prompt_next_step(update, context, member)
        return
    today = context.services.checkins.today(member.timezone)
    day = parse_checkin_day(command_argument(context), today)
    if day is None or day > today:
        await reply(update, checkin_texts.checkin_usage())
        return
    if not fillable(day, today):
        await reply(update, checkin_texts.backfill_too_old(day))
        return
    question = mood_question(day, today)
    await reply(update, question.text, markup(question))


def _well_formed(step: ChooseMood | ChooseConfidence | AddNote | SkipNote) -> bool:
    """A mood and a confidence within their ranges (a note's flag is checked by parsing)."""
    if isinstance(step, ChooseMood):
        return valid_answers(step.mood)
    if isinstance(step, ChooseConfidence):
        return valid_answers(step.mood, step.confidence)
    return True


async def _open_step(
    update: Update, context: PeerContext, kind: type[StepT]
) -> tuple[CallbackQuery, StepT, Member, date] | None:
    """A press on a step of a check-in that can still be answered, with the member's
    today; None when it has been answered already (expired, or closed kindly)."""
    pressed = await press(update, context, kind)
    if pressed is None:
        return None
    query, step, member = pressed
    today = context.services.checkins.today(member.timezone)
    if step.day > today or not _well_formed(step):
        await button_expired(query)
        return None
    if not fillable(step.day, today):
        # Older than the back-fill window: closed, keeping what was given. A mood or both
        # answers can still count for today, with one more tap.
        kept = await context.services.checkins.has_checked_in(member.user_id, step.day)
        await _answer_and_edit(query, context, closed_step(step, today, kept))
        return None
    return query, step, member, today


async def mood_chosen(update: Update, context: PeerContext) -> None:
    """Mood, then confidence: each press edits the same message."""
    opened = await _open_step(update, context, ChooseMood)
    if opened is None:
        return
    query, step, _, today = opened
    await _answer_and_edit(query, context, confidence_question(step.day, step.mood, today))


async def confidence_chosen(update: Update, context: PeerContext) -> None:
    """Both answers are in: record the day, then offer a note."""
    opened = await _open_step(update, context, ChooseConfidence)
    if opened is None:
        return
    query, step, member, today = opened
    replaced = await context.services.checkins.record(
        member.user_id, step.day, step.mood, step.confidence, member.timezone
    )
    question = note_question(step.day, step.mood, step.confidence, replaced, today)
    await _answer_and_edit(query, context, question)


async def note_skipped(update: Update, context: PeerContext) -> None:
    """No note: the day's reflection at once."""
    opened = await _open_step(update, context, SkipNote)
    if opened is None:
        return
    query, step, member, _ = opened
    await query.answer()
    await show(query, context, await _reply_for(context, member, step.day, step.answers.replaced))
    await context.services.reflections.after_checkin(member.user_id, step.day)


async def note_wanted(update: Update, context: PeerContext) -> None:
    """A note: the member's next message is it."""
    opened = await _open_step(update, context, AddNote)
    if opened is None:
        return
    query, step, member, _ = opened
    await context.services.members.wait_for(member.user_id, NotePending(step.day, step.answers))
    await query.answer()
    await show(query, context, OutgoingMessage(checkin_texts.type_note()))


async def crisis_pressed(update: Update, context: PeerContext) -> None:
    """The crisis resources, from a hard day's reply."""
    pressed = await press(update, context, CrisisResources)
    if pressed is None:
        return
    await pressed[0].answer()
    await reply(update, common_texts.crisis(await crisis_lines(update, context)))


async def talk_pressed(update: Update, context: PeerContext) -> None:
    """Ask a peer moderator to write to the member."""
    pressed = await press(update, context, TalkToModerator)
    if pressed is None:
        return
    query, _, member = pressed
    await query.answer()
    asked = await context.services.safety.request_talk(member.user_id)
    await reply(update, safety_texts.talk_requested() if asked else safety_texts.no_moderators())


async def _answer_and_edit(
    query: CallbackQuery, context: PeerContext, message: OutgoingMessage
) -> None:
    """Both at once: a tap costs one round trip to Telegram instead of two."""
    await asyncio.gather(query.answer(), show(query, context, message))


async def _reply_for(
    context: PeerContext, member: Member, day: date, replaced: bool, note_saved: bool = False
) -> OutgoingMessage:
    checkins = context.services.checkins
    reflection = await checkins.reflect(member.user_id, day, checkins.today(member.timezone))
    if reflection is None:
        return OutgoingMessage(checkin_texts.note_too_late())
    # Only a hard day needs to know what the member can reach for.
    offer = await support_offer(context, member) if reflection.support else None
    return checkin_reply(reflection, replaced, offer, note_saved)


async def save_note(
    update: Update, context: PeerContext, member: Member, pending: NotePending, note: str
) -> None:
    """The member typed their private note: store it, then the day's reflection."""
    await context.services.members.wait_for(member.user_id, None)
    if not await context.services.checkins.add_note(member.user_id, pending.day, note):
        await reply(update, checkin_texts.note_too_late())
        return
    if context.crisis is not None:
        # The crisis answer has gone out: no streak, no figures, nothing cheerful after it.
        await reply(update, checkin_texts.note_saved_text())
        return
    replaced = pending.answers is Answers.REPLACED
    answer = await _reply_for(context, member, pending.day, replaced, note_saved=True)
    await reply(update, answer.text, markup(answer))
    await context.services.reflections.after_checkin(member.user_id, pending.day)


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    return [
        CommandHandler("checkin", checkin_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(confidence_chosen, pattern=ChooseConfidence.route()),
        CallbackQueryHandler(mood_chosen, pattern=ChooseMood.route()),
        CallbackQueryHandler(note_skipped, pattern=SkipNote.route()),
        CallbackQueryHandler(note_wanted, pattern=AddNote.route()),
        CallbackQueryHandler(talk_pressed, pattern=TalkToModerator.route()),
        CallbackQueryHandler(crisis_pressed, pattern=CrisisResources.route()),
    ]


def answers() -> Mapping[type[Pending], TextAnswer]:
    return {NotePending: save_note}
