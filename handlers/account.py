"""Account commands: help, crisis, settings and their shortcuts, pause, data export, forget."""

from __future__ import annotations

from typing import Any

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.callbacks import Pending
from bot.context import PeerContext
from bot.localtime.zones import Found
from bot.members import messages as member_messages
from bot.members.callbacks import (
    AwaitingCheckinTime,
    AwaitingTimezone,
    ChangeSetting,
    ForgetAnswer,
    ForgetChoice,
    PickCheckinTime,
    PickZone,
    Setting,
    TypeZone,
)
from bot.members.export import export_files
from bot.members.language_menus import language_menu, region_menu
from bot.members.rules import Member, parse_pause_days, pseudonym_first
from bot.members.service import TimeOutcome
from bot.outcomes import messages as outcome_messages
from bot.runtime.delivery import markup
from bot.texts import account as account_texts
from bot.texts import commands as command_texts
from bot.texts import common as common_texts
from handlers.answers import TextAnswer
from handlers.common import (
    button_expired,
    close_buttons,
    command_argument,
    crisis_lines,
    current_member,
    join_by_code,
    offers_regions,
    press,
    prompt_next_step,
    reply,
    start_taking_part,
)


async def show_help(update: Update, context: PeerContext) -> None:
    """List what the bot does and every member command, grouped; moderators hear of /modhelp."""
    user = update.effective_user
    moderator = user is not None and await context.services.moderation.is_moderator(user.id)
    await reply(update, command_texts.help_text(moderator))


async def show_crisis(update: Update, context: PeerContext) -> None:
    """Send the configured crisis resources; works for everyone, member or not."""
    await reply(update, common_texts.crisis(await crisis_lines(update, context)))


async def show_settings(update: Update, context: PeerContext) -> None:
    """Show the member's settings with buttons to change them."""
    member = await current_member(update, context)
    if member is None:
        return
    shown = member_messages.settings(
        member,
        context.services.clock.now(),
        offers_regions(context),
        await _measures(context, member),
    )
    await reply(update, shown.text, markup(shown))


async def _measures(context: PeerContext, member: Member) -> bool | None:
    """Whether the member answers questionnaires; None when the operator asks none."""
    outcomes = context.services.outcomes
    if not outcomes.enabled:
        return None
    return bool(await outcomes.consent(member.user_id))


async def _ask_timezone(update: Update, context: PeerContext, member: Member) -> None:
    await context.services.members.wait_for(member.user_id, AwaitingTimezone())
    question = member_messages.ask_timezone(context.services.clock.now())
    await reply(update, question.text, markup(question))


async def _ask_checkin_time(update: Update, context: PeerContext, member: Member) -> None:
    await context.services.members.wait_for(member.user_id, AwaitingCheckinTime())
    question = member_messages.ask_checkin_time()
    await reply(update, question.text, markup(question))


async def timezone_command(update: Update, context: PeerContext) -> None:
    """Set the time zone in one step: /timezone Lisbon, /timezone Europe/Berlin."""
    member = await current_member(update, context)
    if member is None:
        return
    argument = command_argument(context)
    if argument is None:
        await _ask_timezone(update, context, member)
        return
    await apply_timezone(update, context, member, argument)


async def checkin_time_command(update: Update, context: PeerContext) -> None:
    """Set the daily check-in time in one step: /checkintime 20:30."""
    member = await current_member(update, context)
    if member is None:
        return
    argument = command_argument(context)
    if argument is None:
        await _ask_checkin_time(update, context, member)
        return
    await apply_checkin_time(update, context, member, argument)


async def apply_timezone(update: Update, context: PeerContext, member: Member, text: str) -> None:
    """A typed city, zone or offset: set it, or offer the near misses or the choices."""
    if pseudonym_first(member):
        await prompt_next_step(update, context, member)  # the zone buttons would not work yet
        return
    answer = await context.services.members.answer_timezone(member.user_id, text)
    found, places = answer.lookup.found, answer.lookup.places
    now = context.services.clock.now()
    if found is Found.ONE:
        zone_set = account_texts.timezone_set(answer.member.timezone, places[0].name, now)
        await reply(update, zone_set)
        if answer.member.onboarding:
            await prompt_next_step(update, context, answer.member)
    else:
        answered = member_messages.zone_not_one(found, text, places, now)
        await reply(update, answered.text, markup(answered))


async def apply_checkin_time(
    update: Update, context: PeerContext, member: Member, text: str
) -> None:
    """A typed check-in time: set it (finishing onboarding), or say how to write one."""
    answer = await context.services.members.answer_checkin_time(member.user_id, text)
    if answer.outcome is TimeOutcome.PSEUDONYM_FIRST:
        await prompt_next_step(update, context, answer.member)
    elif answer.outcome is TimeOutcome.NOT_A_TIME:
        await reply(update, account_texts.bad_checkin_time())
    elif answer.outcome is TimeOutcome.ONBOARDED:
        await _onboarded(update, context, answer.member, answer.join_invite)
    else:
        await reply(update, _checkin_time_set(answer.member))


def _checkin_time_set(member: Member) -> str:
    return account_texts.checkin_time_set(member.checkin_time, member.timezone)


async def _onboarded(
    update: Update, context: PeerContext, member: Member, join_invite: str | None
) -> None:
    """Onboarding is done: say so, then join the circle whose invite brought them."""
    await reply(update, member_messages.onboarding_done(member))
    if join_invite:
        await join_by_code(update, context, member, join_invite)


async def timezone_typed(
    update: Update, context: PeerContext, member: Member, pending: AwaitingTimezone, text: str
) -> None:
    await apply_timezone(update, context, member, text)


async def checkin_time_typed(
    update: Update,
    context: PeerContext,
    member: Member,
    pending: AwaitingCheckinTime,
    text: str,
) -> None:
    await apply_checkin_time(update, context, member, text)


async def type_zone_button(update: Update, context: PeerContext) -> None:
    """ "Another zone: I'll type it"."""
    pressed = await press(update, context, TypeZone)
    if pressed is None:
        return
    query, _, member = pressed
    if pseudonym_first(member):
        await button_expired(query)
        return
    await context.services.members.wait_for(member.user_id, AwaitingTimezone())
    await query.answer()
    await close_buttons(query, account_texts.type_timezone())


async def pick_zone_button(update: Update, context: PeerContext) -> None:
    """A zone from the picker, or one of the places a typed name could mean."""
    pressed = await press(update, context, PickZone)
    if pressed is None:
        return
    query, button, member = pressed
    if pseudonym_first(member):
        await button_expired(query)
        return
    updated = await context.services.members.set_timezone(member.user_id, button.zone)
    if updated is None:
        await button_expired(query)
        return
    await query.answer()
    now = context.services.clock.now()
    await close_buttons(query, account_texts.timezone_set(updated.timezone, None, now))
    if updated.onboarding:
        await prompt_next_step(update, context, updated)


async def checkin_time_button(update: Update, context: PeerContext) -> None:
    """A time from the picker."""
    pressed = await press(update, context, PickCheckinTime)
    if pressed is None:
        return
    query, button, member = pressed
    answer = await context.services.members.answer_checkin_time(
        member.user_id, f"{button.at:%H:%M}"
    )
    if answer.outcome in (TimeOutcome.PSEUDONYM_FIRST, TimeOutcome.NOT_A_TIME):
        await button_expired(query)
        return
    await query.answer()
    await close_buttons(query, _checkin_time_set(answer.member))
    if answer.outcome is TimeOutcome.ONBOARDED:
        await _onboarded(update, context, answer.member, answer.join_invite)


async def settings_button(update: Update, context: PeerContext) -> None:
    """The buttons under /settings."""
    pressed = await press(update, context, ChangeSetting)
    if pressed is None:
        return
    query, button, member = pressed
    members = context.services.members
    if member.onboarding:
        await button_expired(query)
        return
    setting = button.setting
    if setting is Setting.NEW_PSEUDONYM:
        redrawn = await members.redraw_pseudonym(member.user_id)
        if redrawn.again_on is not None:
            limit = account_texts.pseudonym_limit_reached(redrawn.member.pseudonym)
            await query.answer(limit, show_alert=True)
            return
        member = redrawn.member
    elif setting is Setting.PAUSE:
        member = await members.pause(member.user_id, None)
    elif setting is Setting.RESUME:
        member = await members.resume(member.user_id)
    elif setting is Setting.WEEKLY_REFLECTION:
        member = await members.set_weekly_reflection(member.user_id, not member.weekly_reflection)
    elif setting is Setting.LANGUAGE:
        await query.answer()
        menu = language_menu()
        await reply(update, menu.text, markup(menu))
        return
    elif setting is Setting.REGION:
        await query.answer()
        menu = region_menu(list(context.services.settings.safety.crisis_resources_by_region))
        await reply(update, menu.text, markup(menu))
        return
    elif setting is Setting.MEASURES:
        await query.answer()
        if await context.services.outcomes.consent(member.user_id):
            question = outcome_messages.stop_question()
            await reply(update, question.text, markup(question))
            return
        await start_taking_part(update, context, member, query_text=False)
        now = context.services.clock.now()
        shown = member_messages.settings(member, now, offers_regions(context), True)
        await close_buttons(query, shown.text, markup(shown))
        return
    elif setting is Setting.TIMEZONE:
        await members.wait_for(member.user_id, AwaitingTimezone())
        await query.answer()
        question = member_messages.ask_timezone(context.services.clock.now())
        await reply(update, question.text, markup(question))
        return
    else:
        await members.wait_for(member.user_id, AwaitingCheckinTime())
        await query.answer()
        question = member_messages.ask_checkin_time()
        await reply(update, question.text, markup(question))
        return
    await query.answer()
    shown = member_messages.settings(
        member,
        context.services.clock.now(),
        offers_regions(context),
        await _measures(context, member),
    )
    await close_buttons(query, shown.text, markup(shown))


async def pause_command(update: Update, context: PeerContext) -> None:
    """Pause every prompt and nudge: /pause, or /pause <days>."""
    member = await current_member(update, context)
    if member is None:
        return
    try:
        days = parse_pause_days(command_argument(context))
    except ValueError:
        await reply(update, account_texts.bad_pause())
        return
    member = await context.services.members.pause(member.user_id, days)
    await reply(update, member_messages.paused(member))


async def resume_command(update: Update, context: PeerContext) -> None:
    """Start prompts and nudges again."""
    member = await current_member(update, context)
    if member is None:
        return
    if not member.paused:
        await context.services.members.resume(member.user_id)
        await reply(update, account_texts.not_paused())
        return
    await context.services.members.resume(member.user_id)
    await reply(update, account_texts.resumed())


async def mydata_command(update: Update, context: PeerContext) -> None:
    """Send everything stored about the member: JSON, a readable copy, check-ins as CSV."""
    member = await current_member(update, context)
    if member is not None:
        await send_export(update, context, member)


async def send_export(update: Update, context: PeerContext, member: Member) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    # Not protect_content: the point of a copy is that the member can save it and take it
    # elsewhere.
    for document in export_files(await context.services.members.export(member.user_id)):
        await chat.send_document(
            InputFile(document.content, filename=document.filename), caption=document.caption
        )


async def forget_command(update: Update, context: PeerContext) -> None:
    """Ask before deleting everything about the member, offering a copy first."""
    member = await current_member(update, context)
    if member is None:
        return
    question = member_messages.forget_question()
    await reply(update, question.text, markup(question))


async def forget_button(update: Update, context: PeerContext) -> None:
    """Delete everything on "Yes"; keep it on "No"; send a copy first on "Get a copy"."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    answer = ForgetAnswer.parse(query.data)
    if answer is None:
        await button_expired(query)
        return
    if answer.choice is ForgetChoice.NO:
        await query.answer()
        await close_buttons(query, account_texts.forget_cancelled())
        return
    if answer.choice is ForgetChoice.COPY:
        member = await current_member(update, context)
        if member is None:
            return
        await query.answer()
        await close_buttons(query)  # the question comes again below the copy
        await send_export(update, context, member)
        again = member_messages.forget_after_copy()
        await reply(update, again.text, markup(again))
        return
    if not await context.services.members.forget(query.from_user.id):
        await button_expired(query)
        return
    context.services.languages.forget(
        query.from_user.id
    )  # nothing of them stays, in memory either
    await query.answer()
    await close_buttons(query, account_texts.forgotten())


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("help", show_help, filters=private),
        CommandHandler("crisis", show_crisis, filters=private),
        CommandHandler("settings", show_settings, filters=private),
        CommandHandler("timezone", timezone_command, filters=private),
        CommandHandler("checkintime", checkin_time_command, filters=private),
        CommandHandler("pause", pause_command, filters=private),
        CommandHandler("resume", resume_command, filters=private),
        CommandHandler("mydata", mydata_command, filters=private),
        CommandHandler("forget", forget_command, filters=private),
        CallbackQueryHandler(type_zone_button, pattern=TypeZone.route()),
        CallbackQueryHandler(pick_zone_button, pattern=PickZone.route()),
        CallbackQueryHandler(checkin_time_button, pattern=PickCheckinTime.route()),
        CallbackQueryHandler(settings_button, pattern=ChangeSetting.route()),
        CallbackQueryHandler(forget_button, pattern=ForgetAnswer.route()),
    ]


def answers() -> dict[type[Pending], TextAnswer]:
    return {AwaitingTimezone: timezone_typed, AwaitingCheckinTime: checkin_time_typed}
