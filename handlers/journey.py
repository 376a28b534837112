"""/journey and /setback: the recovery journey, its milestones, and setbacks kept as history."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.callbacks import Pending
from bot.circles.service import ShareOutcome
from bot.context import PeerContext
from bot.journey import messages as journey_messages
from bot.journey.callbacks import (
    SetbackNotePending,
    ShareMilestoneAgain,
    ShareMilestones,
    SkipSetbackNote,
    StartJourney,
)
from bot.journey.rules import Sharing, may_share_again
from bot.journey.service import SetbackRefusal
from bot.members.rules import Member
from bot.runtime.delivery import markup
from bot.texts import journey as journey_texts
from handlers.answers import TextAnswer
from handlers.common import (
    button_expired,
    close_buttons,
    command_argument,
    current_member,
    member_press,
    press,
    reply,
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
            await reply(update, journey_texts.journey_bad_date())
            return
        await _set_start(update, context, member, day)
        return
    shown = journey_messages.journey(await journeys.view(member.user_id, member.timezone))
    await reply(update, shown.text, markup(shown))


async def _set_start(update: Update, context: PeerContext, member: Member, day: date) -> None:
    journeys = context.services.journeys
    await journeys.set_start(member.user_id, member.timezone, day)
    view = await journeys.view(member.user_id, member.timezone)
    await reply(update, journey_texts.journey_view(view))
    if view.sharing is Sharing.UNASKED:
        question = journey_messages.ask_share_milestones()
        await reply(update, question.text, markup(question))


async def start_pressed(update: Update, context: PeerContext) -> None:
    """The journey starts today, or started yesterday."""
    pressed = await press(update, context, StartJourney)
    if pressed is None:
        return
    query, button, member = pressed
    today = context.services.journeys.today(member.timezone)
    await query.answer()
    await close_buttons(query)
    await _set_start(update, context, member, today - timedelta(days=button.day.days_ago))


async def sharing_chosen(update: Update, context: PeerContext) -> None:
    """Share milestones with the circle, or keep them private."""
    pressed = await press(update, context, ShareMilestones)
    if pressed is None:
        return
    query, button, member = pressed
    journeys = context.services.journeys
    state = await journeys.set_sharing(member.user_id, member.timezone, button.choice.yes)
    await query.answer()
    said = {Sharing.SHARED: journey_texts.sharing_on(), Sharing.HELD: journey_texts.sharing_held()}
    await close_buttons(query, said.get(state, journey_texts.sharing_off()))


async def share_again_chosen(update: Update, context: PeerContext) -> None:
    """After a setback, asked at a milestone: share this one with the circle, or not."""
    pressed = await press(update, context, ShareMilestoneAgain)
    if pressed is None:
        return
    query, button, member = pressed
    if not may_share_again(button.days):
        await button_expired(query)
        return
    if not button.choice.yes:
        await query.answer()
        await close_buttons(query, journey_messages.share_again_answered(button.days, False))
        return
    shared = await context.services.circles.share_milestone_again(member.user_id, button.days)
    if shared.outcome is ShareOutcome.STALE:
        await button_expired(query)
        return
    await query.answer()
    await close_buttons(query, journey_messages.share_again_answered(button.days, True))


async def setback_note_skipped(update: Update, context: PeerContext) -> None:
    """No note about the setback."""
    pressed = await press(update, context, SkipSetbackNote)
    if pressed is None:
        return
    query, _, member = pressed
    await context.services.members.wait_for(member.user_id, None)
    await query.answer()
    await close_buttons(query, journey_texts.checkin_skipped_note())


async def stale_journey_button(update: Update, context: PeerContext) -> None:
    """A journey button of no known kind: expired or forged, nothing changes."""
    pressed = await member_press(update, context)
    if pressed is not None:
        await button_expired(pressed[0])


async def setback_command(update: Update, context: PeerContext) -> None:
    """Record a setback: /setback, or /setback YYYY-MM-DD. History is kept."""
    member = await current_member(update, context)
    if member is None:
        return
    journeys = context.services.journeys
    argument = command_argument(context)
    day = _parse_date(argument) if argument is not None else None
    if argument is not None and day is None:
        await reply(update, journey_texts.setback_bad_date())
        return
    setback = await journeys.setback(member.user_id, member.timezone, day)
    if setback.journey_id is None:
        refused = setback.refusal is SetbackRefusal.NO_JOURNEY
        await reply(
            update, journey_texts.setback_none() if refused else journey_texts.setback_bad_date()
        )
        return
    view = await journeys.view(member.user_id, member.timezone)
    await reply(update, journey_texts.setback_recorded(view))
    await context.services.members.wait_for(member.user_id, SetbackNotePending(setback.journey_id))
    question = journey_messages.ask_setback_note(setback.journey_id)
    await reply(update, question.text, markup(question))


async def save_setback_note(
    update: Update, context: PeerContext, member: Member, pending: SetbackNotePending, note: str
) -> None:
    """The member's private note about a setback."""
    await context.services.members.wait_for(member.user_id, None)
    # The question named the member's own setback, so only a journey erased meanwhile is
    # refused (NO_JOURNEY); the answer stays the same, as it always has.
    await context.services.journeys.add_setback_note(member.user_id, pending.journey, note)
    await reply(update, journey_texts.setback_note_saved())


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("journey", journey_command, filters=private),
        CommandHandler("setback", setback_command, filters=private),
        CallbackQueryHandler(start_pressed, pattern=StartJourney.route()),
        CallbackQueryHandler(sharing_chosen, pattern=ShareMilestones.route()),
        CallbackQueryHandler(share_again_chosen, pattern=ShareMilestoneAgain.route()),
        CallbackQueryHandler(setback_note_skipped, pattern=SkipSetbackNote.route()),
        # Last: any other jr: data is stale or forged.
        CallbackQueryHandler(stale_journey_button, pattern=r"^jr:"),
    ]


def answers() -> Mapping[type[Pending], TextAnswer]:
    return {SetbackNotePending: save_setback_note}
