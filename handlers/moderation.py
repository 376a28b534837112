"""Moderator commands: roles, the review queue, reports, sanctions, announcements, audit."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.charts import render_weekly_png
from bot.context import PeerContext
from bot.moderation.audit import Moderator
from bot.moderation.callbacks import ReportAction, ReportButton
from bot.moderation.menus import refresh_menu
from bot.moderation.messages import report_message
from bot.moderation.rules import Outcome, parse_duration, split_pseudonym
from bot.moderation.service import Found, Target
from bot.outcomes.report import report_messages
from bot.runtime.delivery import markup
from bot.stats.service import chart_series
from bot.texts import commands as command_texts
from bot.texts import moderation as moderation_texts
from bot.texts import stats as stats_texts
from handlers.common import (
    button_expired,
    close_buttons,
    moderator_button,
    moderator_only,
    plain_answer,
    reply,
)

log = logging.getLogger("peercircle.moderation")
AUDIT_DEFAULT, AUDIT_MOST = 20, 100


async def _operator(update: Update, context: PeerContext) -> Moderator | None:
    moderator = await moderator_only(update, context)
    if moderator is not None and not context.services.moderation.is_operator(moderator.user_id):
        log.warning("refused operator command: user_id=%s", moderator.user_id)
        await reply(update, moderation_texts.operators_only())
        return None
    return moderator


def _user_id(context: PeerContext) -> int | None:
    args = context.args or []
    return int(args[0]) if len(args) == 1 and args[0].isdigit() else None


async def promote_command(update: Update, context: PeerContext) -> None:
    """Make someone a moderator: /promote <Telegram user id> (operators only)."""
    operator = await _operator(update, context)
    if operator is None:
        return
    user_id = _user_id(context)
    if user_id is None:
        await reply(update, moderation_texts.promote_usage())
        return
    promoted = await context.services.moderation.promote(operator, user_id)
    if not promoted.done:
        await reply(update, moderation_texts.outcome_text(promoted))
        return
    menu = await refresh_menu(
        update.get_bot(), context.services.moderation, user_id, context.services.languages.default
    )
    # Their menu waits for their first /start: say so rather than promise it now.
    said = moderation_texts.outcome_text(promoted) if menu else None
    await reply(update, said or moderation_texts.promoted_menu_later())


async def demote_command(update: Update, context: PeerContext) -> None:
    """Take moderation away: /demote <Telegram user id> (operators only)."""
    operator = await _operator(update, context)
    if operator is None:
        return
    user_id = _user_id(context)
    if user_id is None:
        await reply(update, moderation_texts.demote_usage())
        return
    demoted = await context.services.moderation.demote(operator, user_id)
    if demoted.done:
        await refresh_menu(
            update.get_bot(),
            context.services.moderation,
            user_id,
            context.services.languages.default,
        )
    await reply(update, moderation_texts.outcome_text(demoted))


async def modhelp_command(update: Update, context: PeerContext) -> None:
    """List the moderator commands."""
    if await moderator_only(update, context):
        await reply(update, command_texts.modhelp())


async def circlesize_command(update: Update, context: PeerContext) -> None:
    """Set the most members a circle takes: /circlesize <circle> <n>."""
    moderator = await moderator_only(update, context)
    if moderator is None:
        return
    args = context.args or []
    if len(args) < 2 or not args[-1].isdigit():
        await reply(update, moderation_texts.circlesize_usage())
        return
    outcome = await context.services.moderation.set_circle_size(
        moderator, " ".join(args[:-1]), int(args[-1])
    )
    await reply(update, moderation_texts.outcome_text(outcome))


async def announce_command(update: Update, context: PeerContext) -> None:
    """Send a message from "Moderators" to a circle: /announce <circle> <text>."""
    moderator = await moderator_only(update, context)
    if moderator is None:
        return
    args = context.args or []
    circles = await context.services.circles.all()
    # Circle names may have spaces: take the longest name the arguments start with.
    text = " ".join(args)
    named = [c.name for c in circles if text.lower().startswith(c.name.lower() + " ")]
    if not named:
        await reply(
            update,
            moderation_texts.announce_usage()
            if len(args) < 2
            else moderation_texts.no_circle(args[0]),
        )
        return
    name = max(named, key=len)
    outcome = await context.services.moderation.announce(moderator, name, text[len(name) :])
    await reply(update, moderation_texts.outcome_text(outcome))


async def queue_command(update: Update, context: PeerContext) -> None:
    """Show messages awaiting approval, each with Approve and Reject."""
    if not await moderator_only(update, context):
        return
    held = await context.services.moderation.queue()
    if not held:
        await reply(update, moderation_texts.queue_empty())
        return
    for message in held:
        await reply(update, message.text, markup(message))


async def reject_command(update: Update, context: PeerContext) -> None:
    """Reject a held message with a reason for its author: /reject <number> <reason>."""
    moderator = await moderator_only(update, context)
    if moderator is None:
        return
    args = context.args or []
    if len(args) < 2 or not args[0].lstrip("#").isdigit():
        await reply(update, moderation_texts.reject_usage())
        return
    outcome = await context.services.moderation.reject_with_reason(
        moderator, int(args[0].lstrip("#")), " ".join(args[1:])
    )
    await reply(update, moderation_texts.outcome_text(outcome))


async def reports_command(update: Update, context: PeerContext) -> None:
    """Show open reports with what can be done about each."""
    if not await moderator_only(update, context):
        return
    views = await context.services.moderation.reports()
    if not views:
        await reply(update, moderation_texts.reports_empty())
        return
    for view in views:
        relay = view.relay
        message = report_message(view.report_id, view.circle, relay.pseudonym, relay.text)
        await reply(update, message.text, markup(message))


async def report_button(update: Update, context: PeerContext) -> None:
    """Dismiss, delete everywhere, warn, mute or ban, from a report."""
    pressed = await moderator_button(update, context, ReportButton)
    if pressed is None:
        return
    query, button, moderator = pressed
    moderation = context.services.moderation
    view = await moderation.report_view(button.report_id)
    if view is None:
        await button_expired(query)
        return
    action = button.action
    outcome = await moderation.act_on_report(moderator, view, action)
    await _delete_copies(context, outcome)
    said = moderation_texts.outcome_text(outcome)
    await query.answer(plain_answer(said), show_alert=not outcome.done)
    if not outcome.done:
        return
    shown = moderation_texts.report_text(
        view.report_id, view.circle, view.relay.pseudonym, view.relay.text
    )
    closed = action in (ReportAction.DISMISS, ReportAction.DELETE)
    base = report_message(view.report_id, view.circle, view.relay.pseudonym, view.relay.text)
    await close_buttons(
        query,
        moderation_texts.report_done(shown, said, moderator.name),
        None if closed else markup(base),
    )


async def _delete_copies(context: PeerContext, outcome: Outcome) -> None:
    """Remove a deleted relay from every chat it reached (Telegram allows 48 hours)."""
    for chat_id, message_id in outcome.delete:
        try:
            await context.bot.delete_message(chat_id, message_id)
        except TelegramError as error:
            reason = type(error).__name__
            log.info("could not delete message %s in chat %s: %s", message_id, chat_id, reason)


async def _target(update: Update, context: PeerContext, name: str) -> Target | None:
    target = await context.services.moderation.find(name)
    if target.found is Found.NONE:
        await reply(update, moderation_texts.no_member_called(name))
        return None
    if target.found is Found.SEVERAL:
        await reply(update, moderation_texts.several_called(name, target.circles))
        return None
    return target


MemberAction = Callable[[Moderator, Target, str | None], Awaitable[Outcome]]


async def _on_member(
    update: Update,
    context: PeerContext,
    usage: str,
    act: MemberAction,
    needs_duration: bool = False,
) -> None:
    """/<command> <pseudonym> [more]: find the one member going by it, then act."""
    moderator = await moderator_only(update, context)
    if moderator is None:
        return
    parsed = split_pseudonym(context.args or [])
    if parsed is None or (needs_duration and _duration_and_reason(parsed[1]) is None):
        await reply(update, usage)
        return
    target = await _target(update, context, parsed[0])
    if target is not None:
        outcome = await act(moderator, target, parsed[1])
        await reply(update, moderation_texts.outcome_text(outcome))


async def warn_command(update: Update, context: PeerContext) -> None:
    """A private, kind warning: /warn <pseudonym> [reason]."""
    moderation = context.services.moderation

    async def warn(by: Moderator, target: Target, reason: str | None) -> Outcome:
        return await moderation.warn(by, target.user_id, reason)

    await _on_member(update, context, moderation_texts.warn_usage(), warn)


async def mute_command(update: Update, context: PeerContext) -> None:
    """Pause a member's relays: /mute <pseudonym> <2h|3d|1w> [reason]."""
    moderation = context.services.moderation

    async def mute(by: Moderator, target: Target, rest: str | None) -> Outcome:
        parsed = _duration_and_reason(rest)
        assert parsed is not None  # checked before the member was looked up
        return await moderation.mute(by, target.user_id, *parsed)

    await _on_member(update, context, moderation_texts.mute_usage(), mute, needs_duration=True)


def _duration_and_reason(rest: str | None) -> tuple[timedelta, str | None] | None:
    words = (rest or "").split(maxsplit=1)
    duration = parse_duration(words[0]) if words else None
    if duration is None:
        return None
    return duration, words[1] if len(words) > 1 else None


async def unmute_command(update: Update, context: PeerContext) -> None:
    """Lift a mute: /unmute <pseudonym>."""
    moderation = context.services.moderation

    async def unmute(by: Moderator, target: Target, _: str | None) -> Outcome:
        return await moderation.unmute(by, target.user_id)

    await _on_member(update, context, moderation_texts.unmute_usage(), unmute)


async def ban_command(update: Update, context: PeerContext) -> None:
    """Out of the circle for good: /ban <pseudonym> [reason]."""
    moderation = context.services.moderation

    async def ban(by: Moderator, target: Target, reason: str | None) -> Outcome:
        return await moderation.ban(by, target.user_id, reason)

    await _on_member(update, context, moderation_texts.ban_usage(), ban)


async def unban_command(update: Update, context: PeerContext) -> None:
    """Lift a ban: /unban <pseudonym or ban code>."""
    moderator = await moderator_only(update, context)
    if moderator is None:
        return
    text = " ".join(context.args or []).strip()
    if not text:
        await reply(update, moderation_texts.unban_usage())
        return
    outcome = await context.services.moderation.unban(moderator, text)
    await reply(update, moderation_texts.outcome_text(outcome))


async def stats_command(update: Update, context: PeerContext) -> None:
    """Anonymised statistics per circle and overall, with a chart of the weekly means."""
    if not await moderator_only(update, context) or update.effective_chat is None:
        return
    report = await context.services.stats.report()
    for text in stats_texts.stats_messages(report):
        await reply(update, text)
    series = chart_series(report)
    if series:
        # Rendering is CPU work: off the event loop, so other members are not kept waiting.
        png = await asyncio.to_thread(
            render_weekly_png,
            series,
            stats_texts.stats_chart_title(),
            stats_texts.stats_chart_headings(),
        )
        await update.effective_chat.send_photo(
            png, caption=stats_texts.stats_chart_caption(report.minimum, report.withholds_weeks())
        )
    # Then the questionnaires' cohort report (bot.outcomes.report), after the chart it
    # does not belong to.
    if context.services.outcomes.enabled:
        for text in report_messages(await context.services.outcome_reports.report()):
            await reply(update, text)


async def audit_command(update: Update, context: PeerContext) -> None:
    """The last moderator actions: /audit [n]."""
    if not await moderator_only(update, context):
        return
    args = context.args or []
    limit = int(args[0]) if args and args[0].isdigit() else AUDIT_DEFAULT
    rows = await context.services.moderation.audit_log(max(1, min(limit, AUDIT_MOST)))
    await reply(update, moderation_texts.audit_lines(rows))


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    where = filters.ChatType.PRIVATE | filters.ChatType.GROUPS
    commands = {
        "promote": promote_command,
        "demote": demote_command,
        "modhelp": modhelp_command,
        "circlesize": circlesize_command,
        "announce": announce_command,
        "queue": queue_command,
        "reject": reject_command,
        "reports": reports_command,
        "warn": warn_command,
        "mute": mute_command,
        "unmute": unmute_command,
        "ban": ban_command,
        "unban": unban_command,
        "audit": audit_command,
        "stats": stats_command,
    }
    found: list[BaseHandler[Any, PeerContext, Any]] = [
        CommandHandler(name, callback, filters=where) for name, callback in commands.items()
    ]
    found.append(CallbackQueryHandler(report_button, pattern=ReportButton.route()))
    return found
