"""/measures and the questionnaires' buttons: opting in or out, one item per message edited
in place, and the member's own scores over time."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.charts import render_measures_png
from bot.context import PeerContext
from bot.i18n import current_language
from bot.outcomes import messages as outcome_messages
from bot.outcomes.callbacks import (
    AnswerItem,
    LaterMeasure,
    OptIn,
    StartMeasure,
    Stop,
    StopMeasures,
)
from bot.outcomes.questionnaire import said
from bot.outcomes.rules import OutcomeView, Refusal
from bot.runtime.delivery import markup
from bot.texts import outcomes as outcome_texts
from handlers.common import (
    button_expired,
    close_buttons,
    crisis_lines,
    current_member,
    member_press,
    press,
    reply,
    start_taking_part,
)


async def measures_command(update: Update, context: PeerContext) -> None:
    """The member's scores in plain words (and a chart), or the offer to take part."""
    member = await current_member(update, context)
    if member is None:
        return
    outcomes = context.services.outcomes
    if not outcomes.enabled:
        await reply(update, outcome_texts.not_offered())
        return
    view = await outcomes.view(member.user_id)
    shown = outcome_messages.measures(view, await crisis_lines(update, context))
    await reply(update, shown.text, markup(shown))
    await _send_chart(update, view)


async def _send_chart(update: Update, view: OutcomeView) -> None:
    """One small chart once any questionnaire has two scores or more."""
    series = [
        (said(s.questionnaire.short_name), s.questionnaire.scoring.range, s.scores)
        for s in view.standings
        if s.scores
    ]
    chat = update.effective_chat
    if chat is None or not any(len(points) > 1 for _, _, points in series):
        return
    png = await asyncio.to_thread(render_measures_png, series, outcome_texts.chart_title())
    await chat.send_photo(
        InputFile(png, filename="peercircle-measures.png"),
        caption=outcome_texts.chart_caption(),
        protect_content=True,
    )


async def opt_in_pressed(update: Update, context: PeerContext) -> None:
    """Yes or no to questionnaires (the offer, /measures, "Start again")."""
    pressed = await press(update, context, OptIn)
    if pressed is None:
        return
    query, button, member = pressed
    outcomes = context.services.outcomes
    if not outcomes.enabled:
        await button_expired(query)
        return
    await query.answer()
    if not button.choice.yes:
        await outcomes.opt_out(member.user_id, delete=False)
        await close_buttons(query, outcome_texts.declined())
        return
    await start_taking_part(update, context, member, query_text=True)


async def start_pressed(update: Update, context: PeerContext) -> None:
    """Start (or continue) a questionnaire: the invitation becomes its next item."""
    pressed = await press(update, context, StartMeasure)
    if pressed is None:
        return
    query, button, member = pressed
    outcomes = context.services.outcomes
    step = await outcomes.start(member.user_id, button.questionnaire, current_language())
    if step.sitting is not None:
        await query.answer()
        shown = outcome_messages.item(step.sitting)
        await close_buttons(query, shown.text, markup(shown))
        return
    if step.refusal is Refusal.UNKNOWN:
        await button_expired(query)
        return
    await query.answer()
    if step.refusal is Refusal.NOT_TODAY and step.not_today is not None:
        await close_buttons(query, outcome_messages.not_today(step.not_today))
    elif step.refusal is Refusal.DONE and step.next_on is not None:
        await close_buttons(query, outcome_texts.done_already(step.next_on))
    else:
        await close_buttons(query, outcome_texts.not_opted_in())


async def later_pressed(update: Update, context: PeerContext) -> None:
    """Later: ask again tomorrow; answers given so far are kept for 3 days."""
    pressed = await press(update, context, LaterMeasure)
    if pressed is None:
        return
    query, button, member = pressed
    outcomes = context.services.outcomes
    questionnaire = outcomes.find(button.questionnaire)
    if questionnaire is None:
        await button_expired(query)
        return
    answered = await outcomes.later(member.user_id, button.questionnaire)
    await query.answer()
    if answered:
        await close_buttons(query, outcome_texts.later_saved(answered, len(questionnaire.items)))
    else:
        await close_buttons(query, outcome_texts.later())


async def answer_pressed(update: Update, context: PeerContext) -> None:
    """One item's answer: the message becomes the next item, or the result."""
    pressed = await press(update, context, AnswerItem)
    if pressed is None:
        return
    query, button, member = pressed
    step = await context.services.outcomes.answer(
        member.user_id, button.sitting, button.item, button.value
    )
    if step.result is not None:
        await query.answer()
        text = outcome_messages.result(step.result, await crisis_lines(update, context))
        await close_buttons(query, text)
        return
    if step.sitting is not None:
        # The next item; after a second tap on an answered one, the current one again.
        await query.answer()
        shown = outcome_messages.item(step.sitting)
        await close_buttons(query, shown.text, markup(shown))
        return
    if step.refusal is Refusal.LAPSED:
        await query.answer()
        await close_buttons(query, outcome_texts.lapsed())
        return
    if step.refusal is Refusal.NOT_TODAY and step.not_today is not None:
        # Kept as it is for another day (3 days in all): /measures picks it up.
        await query.answer()
        await close_buttons(query, outcome_messages.not_today(step.not_today))
        return
    await button_expired(query)


async def stop_pressed(update: Update, context: PeerContext) -> None:
    """Stop the questionnaires, keeping or deleting past answers; or carry on."""
    pressed = await press(update, context, StopMeasures)
    if pressed is None:
        return
    query, button, member = pressed
    await query.answer()
    if button.choice is Stop.CANCEL:
        await close_buttons(query, outcome_texts.carried_on())
        return
    delete = button.choice is Stop.DELETE
    await context.services.outcomes.opt_out(member.user_id, delete=delete)
    await close_buttons(
        query, outcome_texts.stopped_deleted() if delete else outcome_texts.stopped_kept()
    )


async def stale_outcome_button(update: Update, context: PeerContext) -> None:
    """A questionnaire button of no known kind: expired or forged, nothing changes."""
    pressed = await member_press(update, context)
    if pressed is not None:
        await button_expired(pressed[0])


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("measures", measures_command, filters=private),
        CallbackQueryHandler(opt_in_pressed, pattern=OptIn.route()),
        CallbackQueryHandler(start_pressed, pattern=StartMeasure.route()),
        CallbackQueryHandler(later_pressed, pattern=LaterMeasure.route()),
        CallbackQueryHandler(answer_pressed, pattern=AnswerItem.route()),
        CallbackQueryHandler(stop_pressed, pattern=StopMeasures.route()),
        # Last: any other oc: data is stale or forged.
        CallbackQueryHandler(stale_outcome_button, pattern=r"^oc:"),
    ]
