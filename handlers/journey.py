"""/journey and /setback: the recovery journey, its milestones, and setbacks kept as history."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot import texts
from bot.context import PeerContext
from bot.journey.service import SHARE_AGAIN_FROM, Sharing, is_milestone, milestone_label
from bot.members.service import Awaiting, Member
from handlers.common import (
    button_expired,
    close_buttons,
    command_argument,
    current_member,
    member_press,
    reply,
)


def _start_buttons() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.BUTTON_STARTED_TODAY, callback_data="jr:start:0")],
            [InlineKeyboardButton(texts.BUTTON_STARTED_YESTERDAY, callback_data="jr:start:1")],
        ]
    )


def _share_buttons() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.BUTTON_SHARE_MILESTONES, callback_data="jr:share:y")],
            [InlineKeyboardButton(texts.BUTTON_KEEP_MILESTONES, callback_data="jr:share:n")],
        ]
    )


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text and len(text) <= 10 else None
    except ValueError:
        return None


async def journey_command(update: Update, context: PeerContext) -> None:
    """Show the journey, or set its start: /journey YYYY-MM-DD."""
    member = await current_member(update, context)
    if member is None:
        return
    argument = command_argument(context)
    journeys = context.services.journeys
    if argument is not None:
        day = _parse_date(argument)
        if day is None or not journeys.valid_start(member.timezone, day):
            await reply(update, texts.JOURNEY_BAD_DATE)
            return
        await _set_start(update, context, member, day)
        return
    view = await journeys.view(member.user_id, member.timezone)
    if view.current is None:
        await reply(update, texts.JOURNEY_NONE, _start_buttons())
        return
    share = _share_buttons() if view.sharing is Sharing.UNASKED else None
    await reply(update, texts.journey_view(view), share)


async def _set_start(update: Update, context: PeerContext, member: Member, day: date) -> None:
    journeys = context.services.journeys
    await journeys.set_start(member.user_id, member.timezone, day)
    view = await journeys.view(member.user_id, member.timezone)
    await reply(update, texts.journey_view(view))
    if view.sharing is Sharing.UNASKED:
        await reply(update, texts.ASK_SHARE_MILESTONES, _share_buttons())


async def journey_button(update: Update, context: PeerContext) -> None:
    """Start today or yesterday; share milestones or keep them private."""
    pressed = await member_press(update, context)
    if pressed is None:
        return
    query, data, member = pressed
    journeys = context.services.journeys
    if data in ("jr:start:0", "jr:start:1"):
        today = context.services.checkins.today(member.timezone)
        await query.answer()
        await close_buttons(query)
        await _set_start(update, context, member, today - timedelta(days=int(data[-1])))
    elif data in ("jr:share:y", "jr:share:n"):
        state = await journeys.set_sharing(member.user_id, member.timezone, data.endswith("y"))
        await query.answer()
        answers = {Sharing.SHARED: texts.SHARING_ON, Sharing.HELD: texts.SHARING_HELD}
        await close_buttons(query, answers.get(state, texts.SHARING_OFF))
    elif data.startswith("jr:ms:"):
        await _share_again(query, context, member, data)
    elif data.startswith("jr:skipnote:"):
        await context.services.members.expect(member.user_id, None)
        await query.answer()
        await close_buttons(query, texts.CHECKIN_SKIPPED_NOTE)
    else:
        await button_expired(query)


async def _share_again(
    query: CallbackQuery, context: PeerContext, member: Member, data: str
) -> None:
    """After a setback, asked at a milestone: share this one with the circle, or not."""
    _, _, answer, days_text = [*data.split(":"), "", ""][:4]
    days = int(days_text) if days_text.isdigit() and len(days_text) <= 6 else 0
    if answer not in ("y", "n") or days < SHARE_AGAIN_FROM or not is_milestone(days):
        await button_expired(query)
        return
    celebration = texts.milestone(milestone_label(days))
    if answer == "n":
        await query.answer()
        await close_buttons(query, f"{celebration}\n\n{texts.KEPT_PRIVATE_AGAIN}")
        return
    if not await context.services.circles.share_milestone_again(member.user_id, days):
        await button_expired(query)
        return
    await query.answer()
    await close_buttons(query, f"{celebration}\n\n{texts.SHARED_AGAIN}")


async def setback_command(update: Update, context: PeerContext) -> None:
    """Record a setback: /setback, or /setback YYYY-MM-DD. History is kept."""
    member = await current_member(update, context)
    if member is None:
        return
    journeys = context.services.journeys
    argument = command_argument(context)
    today = context.services.checkins.today(member.timezone)
    day = _parse_date(argument) if argument is not None else today
    if day is None or day > today:
        await reply(update, texts.SETBACK_BAD_DATE)
        return
    journey_id = await journeys.setback(member.user_id, member.timezone, day)
    if journey_id is None:
        view = await journeys.view(member.user_id, member.timezone)
        await reply(update, texts.SETBACK_NONE if view.current is None else texts.SETBACK_BAD_DATE)
        return
    view = await journeys.view(member.user_id, member.timezone)
    await reply(update, texts.setback_recorded(view))
    await context.services.members.expect(member.user_id, Awaiting.SETBACK_NOTE, str(journey_id))
    skip = InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.BUTTON_SKIP, callback_data=f"jr:skipnote:{journey_id}")]]
    )
    await reply(update, texts.ASK_SETBACK_NOTE, skip)


async def save_setback_note(
    update: Update, context: PeerContext, member: Member, note: str
) -> None:
    """The member's private note about a setback."""
    await context.services.members.expect(member.user_id, None)
    journey_id = int(member.awaiting_arg or 0)
    await context.services.journeys.add_setback_note(member.user_id, journey_id, note[:4096])
    await reply(update, texts.SETBACK_NOTE_SAVED)


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("journey", journey_command, filters=private),
        CommandHandler("setback", setback_command, filters=private),
        CallbackQueryHandler(journey_button, pattern=r"^jr:"),
    ]
