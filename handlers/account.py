"""Account commands: help, crisis, settings and their shortcuts, pause, data export, forget."""

from __future__ import annotations

from typing import Any

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot import texts
from bot.circles.service import RelayKind
from bot.context import PeerContext
from bot.localtime.zones import Found
from bot.members.export import export_files
from bot.members.service import Awaiting, Member, parse_pause_days
from handlers import keyboards
from handlers.alerts import answer_moderator
from handlers.circles import join_by_code, send_relay
from handlers.common import (
    button_expired,
    close_buttons,
    command_argument,
    current_member,
    member_press,
    reply,
)
from handlers.goals import cancel_goal_step, typed_goal_text
from handlers.onboarding import prompt_next_step
from handlers.safety import cancel_plan, save_plan_part


async def show_help(update: Update, context: PeerContext) -> None:
    """List what the bot does and every member command, grouped; moderators hear of /modhelp."""
    user = update.effective_user
    moderator = user is not None and await context.services.moderation.is_moderator(user.id)
    await reply(update, texts.help_text(moderator))


async def show_crisis(update: Update, context: PeerContext) -> None:
    """Send the configured crisis resources; works for everyone, member or not."""
    await reply(update, texts.crisis(context.services.settings.safety.crisis_resources))


async def show_settings(update: Update, context: PeerContext) -> None:
    """Show the member's settings with buttons to change them."""
    member = await current_member(update, context)
    if member is None:
        return
    summary = texts.settings_summary(member, context.services.clock.now())
    await reply(update, texts.SETTINGS_HEADER + summary, keyboards.settings(member))


async def timezone_command(update: Update, context: PeerContext) -> None:
    """Set the time zone in one step: /timezone Lisbon, /timezone Europe/Berlin."""
    member = await current_member(update, context)
    if member is None:
        return
    argument = command_argument(context)
    if argument is None:
        await context.services.members.expect(member.user_id, Awaiting.TIMEZONE)
        picker = keyboards.timezone_picker(context.services.clock.now())
        await reply(update, texts.ASK_TIMEZONE, picker)
        return
    await apply_timezone(update, context, member, argument)


async def checkin_time_command(update: Update, context: PeerContext) -> None:
    """Set the daily check-in time in one step: /checkintime 20:30."""
    member = await current_member(update, context)
    if member is None:
        return
    argument = command_argument(context)
    if argument is None:
        await context.services.members.expect(member.user_id, Awaiting.CHECKIN_TIME)
        await reply(update, texts.ASK_CHECKIN_TIME, keyboards.checkin_time_picker())
        return
    await apply_checkin_time(update, context, member, argument)


async def apply_timezone(update: Update, context: PeerContext, member: Member, text: str) -> None:
    """A typed city, zone or offset: set it, or offer the near misses or the choices."""
    if member.onboarding and member.awaiting is Awaiting.PSEUDONYM:
        await prompt_next_step(update, context, member)  # the zone buttons would not work yet
        return
    answer = await context.services.members.answer_timezone(member.user_id, text)
    found, places = answer.lookup.found, answer.lookup.places
    now = context.services.clock.now()
    if found is Found.ONE:
        await reply(update, texts.timezone_set(answer.member.timezone, places[0].name, now))
        if answer.member.onboarding:
            await prompt_next_step(update, context, answer.member)
    elif found is Found.SEVERAL:
        await reply(update, texts.zone_which(text), keyboards.place_choice(places, now))
    elif found is Found.NEAR:
        await reply(
            update, texts.zone_did_you_mean(text, places), keyboards.place_choice(places, now)
        )
    else:
        await reply(update, texts.zone_not_found(text), keyboards.timezone_picker(now))


async def apply_checkin_time(
    update: Update, context: PeerContext, member: Member, text: str
) -> None:
    updated = await context.services.members.set_checkin_time(member.user_id, text)
    if updated is None:
        if member.onboarding and member.awaiting is Awaiting.PSEUDONYM:
            await prompt_next_step(update, context, member)
        else:
            await reply(update, texts.BAD_CHECKIN_TIME)
        return
    if member.onboarding:
        await finish_onboarding(update, context, updated)
        return
    await reply(
        update, texts.CHECKIN_TIME_SET.format(time=updated.checkin_time, zone=updated.timezone)
    )


async def finish_onboarding(update: Update, context: PeerContext, member: Member) -> None:
    await reply(update, texts.onboarding_done(member))
    if member.pending_invite:
        await join_by_code(update, context, member, member.pending_invite)


async def timezone_button(update: Update, context: PeerContext) -> None:
    """A zone from the picker, or 'I'll type it'."""
    pressed = await member_press(update, context)
    if pressed is None:
        return
    query, data, member = pressed
    if member.onboarding and member.awaiting is Awaiting.PSEUDONYM:
        await button_expired(query)
        return
    if data == "tz:type":
        await context.services.members.expect(member.user_id, Awaiting.TIMEZONE)
        await query.answer()
        await close_buttons(query, texts.TYPE_TIMEZONE)
        return
    updated = await context.services.members.set_timezone(
        member.user_id, data.removeprefix("tz:set:")
    )
    if updated is None:
        await button_expired(query)
        return
    await query.answer()
    now = context.services.clock.now()
    await close_buttons(query, texts.timezone_set(updated.timezone, None, now))
    if updated.onboarding:
        await prompt_next_step(update, context, updated)


async def checkin_time_button(update: Update, context: PeerContext) -> None:
    """A time from the picker."""
    pressed = await member_press(update, context)
    if pressed is None:
        return
    query, data, member = pressed
    updated = await context.services.members.set_checkin_time(
        member.user_id, data.removeprefix("time:set:")
    )
    if updated is None:
        await button_expired(query)
        return
    await query.answer()
    await close_buttons(
        query, texts.CHECKIN_TIME_SET.format(time=updated.checkin_time, zone=updated.timezone)
    )
    if member.onboarding:
        await finish_onboarding(update, context, updated)


async def settings_button(update: Update, context: PeerContext) -> None:
    """The buttons under /settings."""
    pressed = await member_press(update, context)
    if pressed is None:
        return
    query, data, member = pressed
    members = context.services.members
    action = data.removeprefix("set:")
    if member.onboarding:
        await button_expired(query)
        return
    if action == "pseudo":
        member = await members.redraw_pseudonym(member.user_id)
    elif action == "pause":
        member = await members.pause(member.user_id, None)
    elif action == "resume":
        member = await members.resume(member.user_id)
    elif action == "weekly":
        member = await members.set_weekly_reflection(member.user_id, not member.weekly_reflection)
    elif action == "tz":
        await members.expect(member.user_id, Awaiting.TIMEZONE)
        await query.answer()
        picker = keyboards.timezone_picker(context.services.clock.now())
        await reply(update, texts.ASK_TIMEZONE, picker)
        return
    elif action == "time":
        await members.expect(member.user_id, Awaiting.CHECKIN_TIME)
        await query.answer()
        await reply(update, texts.ASK_CHECKIN_TIME, keyboards.checkin_time_picker())
        return
    else:
        await button_expired(query)
        return
    await query.answer()
    summary = texts.settings_summary(member, context.services.clock.now())
    await close_buttons(query, texts.SETTINGS_HEADER + summary, keyboards.settings(member))


async def pause_command(update: Update, context: PeerContext) -> None:
    """Pause every prompt and nudge: /pause, or /pause <days>."""
    member = await current_member(update, context)
    if member is None:
        return
    try:
        days = parse_pause_days(command_argument(context))
    except ValueError:
        await reply(update, texts.BAD_PAUSE)
        return
    member = await context.services.members.pause(member.user_id, days)
    await reply(update, texts.paused(member))


async def resume_command(update: Update, context: PeerContext) -> None:
    """Start prompts and nudges again."""
    member = await current_member(update, context)
    if member is None:
        return
    if not member.paused:
        await context.services.members.resume(member.user_id)
        await reply(update, texts.NOT_PAUSED)
        return
    await context.services.members.resume(member.user_id)
    await reply(update, texts.RESUMED)


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
    await reply(update, texts.FORGET_CONFIRM, keyboards.forget_confirm())


async def forget_button(update: Update, context: PeerContext) -> None:
    """Delete everything on "Yes"; keep it on "No"; send a copy first on "Get a copy"."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    if query.data == "forget:no":
        await query.answer()
        await close_buttons(query, texts.FORGET_CANCELLED)
        return
    if query.data == "forget:copy":
        member = await current_member(update, context)
        if member is None:
            return
        await query.answer()
        await close_buttons(query)  # the question comes again below the copy
        await send_export(update, context, member)
        await reply(update, texts.FORGET_AFTER_COPY, keyboards.forget_confirm(offer_copy=False))
        return
    if query.data != "forget:yes" or not await context.services.members.forget(query.from_user.id):
        await button_expired(query)
        return
    await query.answer()
    await close_buttons(query, texts.FORGOTTEN)


async def cancel_command(update: Update, context: PeerContext) -> None:
    """Stop waiting for typed input."""
    user = update.effective_user
    if user is None:
        return
    member = await context.services.members.get(user.id)
    if member is None or member.awaiting is None:
        await reply(update, texts.NOTHING_TO_CANCEL)
        return
    if member.onboarding:
        # Onboarding cannot be skipped; there is always a sensible default to pick.
        await prompt_next_step(update, context, member)
        return
    if await cancel_goal_step(update, context, member) or await cancel_plan(
        update, context, member
    ):
        return
    await context.services.members.expect(member.user_id, None)
    await reply(update, texts.CANCELLED)


async def typed_text(update: Update, context: PeerContext) -> bool:
    """Treat free text as the answer the member's pending question waits for.

    Returns False when nothing was waiting, so the caller can reply to it otherwise.
    """
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.text is None:
        return False
    member = await context.services.members.get(user.id)
    if member is None or member.awaiting is None:
        return False
    if await typed_goal_text(update, context, member, message.text):
        return True
    if member.awaiting is Awaiting.PSEUDONYM:
        await reply(update, texts.PSEUDONYM_USE_BUTTONS)
    elif member.awaiting is Awaiting.ENCOURAGE:
        await send_relay(update, context, member, message.text, RelayKind.ENCOURAGE)
    elif member.awaiting is Awaiting.ASK:
        await send_relay(update, context, member, message.text, RelayKind.ASK)
    elif member.awaiting is Awaiting.SAFETY_PLAN:
        await save_plan_part(update, context, member, message.text)
    elif member.awaiting is Awaiting.MOD_ANSWER and (member.awaiting_arg or "").isdigit():
        await answer_moderator(update, context, member, message.text)
    elif member.awaiting is Awaiting.REPLY and (member.awaiting_arg or "").isdigit():
        reply_to = int(member.awaiting_arg or 0)
        await send_relay(update, context, member, message.text, RelayKind.REPLY, reply_to)
    elif member.awaiting is Awaiting.TIMEZONE:
        await apply_timezone(update, context, member, message.text)
    else:
        await apply_checkin_time(update, context, member, message.text)
    return True


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
        CommandHandler("cancel", cancel_command, filters=private),
        CallbackQueryHandler(timezone_button, pattern=r"^tz:"),
        CallbackQueryHandler(checkin_time_button, pattern=r"^time:set:"),
        CallbackQueryHandler(settings_button, pattern=r"^set:"),
        CallbackQueryHandler(forget_button, pattern=r"^forget:"),
    ]
