"""The safety net in Telegram: the crisis screen that runs before every feature, the
"ask a moderator" button, and /safetyplan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, replace
from typing import Any

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.callbacks import Pending
from bot.checkins.callbacks import ShowSafetyPlan
from bot.context import PeerContext
from bot.members.rules import Member
from bot.runtime.delivery import markup
from bot.runtime.faults import UpdateHandledElsewhere, screening_only
from bot.safety import messages as safety_messages
from bot.safety.callbacks import (
    AskModerator,
    AwaitingPlanPart,
    ClearPlanPart,
    ConfirmDeletePlan,
    DeletePlan,
    EditPlan,
    KeepPlan,
    RequestTalk,
    SkipPlanPart,
)
from bot.safety.lexicon import Tier
from bot.safety.places import BACKSTOP_PLACES, Place, place_of
from bot.safety.rules import MAX_PLAN_PART, PART_NAMES, SafetyPlan, next_part
from bot.safety.screen import Verdict
from bot.safety.service import Response
from bot.texts import common as common_texts
from bot.texts import safety as safety_texts
from bot.texts.safety import Told
from handlers.answers import Cancel, TextAnswer
from handlers.common import (
    button_expired,
    close_buttons,
    crisis_lines,
    current_member,
    press,
    reply,
)

log = logging.getLogger("peercircle.safety")
LONG_TEXT = 1000
_MODERATOR_COMMANDS = frozenset(
    {
        "tell",
        "announce",
        "warn",
        "mute",
        "unmute",
        "ban",
        "unban",
        "reject",
        "newcircle",
        "circlemode",
        "circlesize",
        "invite",
        "promote",
        "demote",
    }
)


@dataclass(frozen=True)
class Typed:
    """What a person typed (or forwarded) in a private chat. For a command, `text` includes
    the command's own word ("/kill myself" screens "kill myself") and `words` leaves it out;
    a forward is never a command."""

    text: str
    command: str | None
    edited: bool
    caption: bool
    forwarded: bool = False

    @property
    def words(self) -> str:
        return self.text.split(" ", 1)[1] if self.command else self.text


def typed_words(update: Update) -> Typed | None:
    """What a person typed or forwarded in a private chat; None for anything else."""
    message: Message | None = update.message or update.edited_message
    if message is None or message.chat.type != "private":
        return None
    text, caption = message.text, False
    if text is None:
        text, caption = message.caption, message.caption is not None
    if not text:
        return None
    forwarded = message.forward_origin is not None
    command = None
    if not caption and not forwarded and text.startswith("/"):
        head = text.split(maxsplit=1)[0]
        command = head[1:].split("@")[0].lower()
        text = f"{command} {text[len(head) :].strip()}"
    return Typed(text, command, update.edited_message is not None, caption, forwarded)


async def screen_text(update: Update, context: PeerContext) -> None:
    """Screen every text first; on crisis language answer at once, before any feature.

    Edited messages stop here either way: an edit is never a new answer to a question."""
    if screening_only.get():
        # Held behind the member's unsaved update: whatever happens here, nothing else
        # handles it before its turn (a failed reply must not let the features at it).
        try:
            await _screen(update, context)
        except ApplicationHandlerStop:
            pass
        except Exception:
            log.exception("crisis screen failed on held update_id=%s", update.update_id)
        raise ApplicationHandlerStop
    await _screen(update, context)
    if update.edited_message is not None:
        raise ApplicationHandlerStop


async def held_back(update: object, context: PeerContext) -> None:
    """Whatever the screen does not read waits on, while its member's earlier update waits
    for storage (bot.runtime.faults.screening_only); a pressed button is told so."""
    if not screening_only.get():
        return
    query = update.callback_query if isinstance(update, Update) else None
    if query is not None:
        with contextlib.suppress(TelegramError):
            await query.answer(common_texts.not_saved_yet(), show_alert=True)
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
    if typed.command == "start" and await context.services.circles.is_invite_code(typed.words):
        return  # a deep link's random invite code ("…kms…" is letters, not words)
    safety = context.services.safety
    # A long text takes milliseconds to screen (bench/RESULTS.md): off the event loop, so
    # other members' updates go on meanwhile.
    text = typed.text
    long_text = len(text) > LONG_TEXT
    verdict = await asyncio.to_thread(safety.screen, text) if long_text else safety.screen(text)
    if verdict is None:
        return
    known = await _let_know(update, context, user.id, verdict, typed)
    if known is None:
        return  # the backstop's guess, somewhere only listed phrases speak
    place, verdict, response = known
    context.crisis = verdict
    resources = await crisis_lines(update, context)
    parts = safety_texts.crisis_reply(
        verdict.tier, place, response.told, response.plan, resources, verdict.unsure
    )
    for part in parts[:-1]:
        await reply(update, part)
    last = safety_messages.crisis_reply_end(parts[-1], response.alert_id)
    await reply(update, last.text, markup(last))
    if not place.feature_goes_on:
        raise ApplicationHandlerStop


def _as_alerted(verdict: Verdict, typed: Typed) -> Verdict:
    """What the moderators are told: forwarded words may be someone else's, so they get the
    quieter concern notice (never repeated), whatever tier the words screen at."""
    if typed.forwarded and verdict.tier is Tier.URGENT:
        return replace(verdict, tier=Tier.CONCERN)
    return verdict


async def _let_know(
    update: Update,
    context: PeerContext,
    user_id: int,
    verdict: Verdict,
    typed: Typed,
) -> tuple[Place, Verdict, Response] | None:
    """Where it was typed, the verdict heard there, and the alert; None for the backstop's
    guess outside the places it is heard (BACKSTOP_PLACES), where a listed phrase keeps its
    own tier. A database that fails here must not cost the member the resources: they are
    told honestly that no moderator could be let know."""
    safety = context.services.safety
    try:
        member = await context.services.members.get(user_id)
        thread = None
        plain = not (typed.command or typed.edited or typed.caption or typed.forwarded)
        if member is not None and member.awaiting is None and plain:
            thread = await safety.open_thread(user_id)
        place = place_of(
            awaiting=member.awaiting if member else None,
            onboarding=bool(member and member.onboarding),
            command=typed.command,
            edited=typed.edited,
            caption=typed.caption,
            thread_open=thread is not None,
            forwarded=typed.forwarded,
        )
        pending = member is not None and (member.awaiting is not None or member.onboarding)
        guesses_heard = place in BACKSTOP_PLACES and not pending
        if verdict.unsure and not guesses_heard:
            return None  # a guess never swallows the answer to a question the bot asked
        if not guesses_heard:
            verdict = verdict.as_listed()  # nor raises a listed phrase's tier there
        if screening_only.get():
            # Storage failed this member's earlier update: nothing can be stored now. The
            # alert goes out when this update is handled in full, in its turn.
            return place, verdict, Response(Told.FAILED, None, None)
        safety.heard(verdict)
        if member is None:
            # Nothing about them is kept, not even in the log.
            log.info("crisis screen: someone not a member, tier=%s", verdict.tier)
            return place, verdict, Response(Told.NOT_A_MEMBER, None, None)
        log.info("crisis screen: user_id=%s tier=%s place=%s", user_id, verdict.tier, place)
        alerted = _as_alerted(verdict, typed)
        return place, verdict, await safety.respond(user_id, alerted, place, typed.words)
    except UpdateHandledElsewhere:
        raise  # another worker screened this very update and answered it
    except Exception:
        log.exception("crisis screen: could not alert for user_id=%s", user_id)
        if verdict.unsure:
            return None  # where it was typed is unknown: only a listed phrase answers blind
        return Place.MESSAGE, verdict.as_listed(), Response(Told.FAILED, None, None)


async def ask_moderator_button(update: Update, context: PeerContext) -> None:
    """The member asked for a peer moderator to reach out."""
    pressed = await press(update, context, AskModerator)
    if pressed is None:
        return
    query, button, member = pressed
    if not await context.services.safety.request_contact(member.user_id, button.alert):
        await button_expired(query)
        return
    await query.answer()
    await close_buttons(query, None, None)
    await reply(update, safety_texts.contact_requested())


async def talk_button(update: Update, context: PeerContext) -> None:
    """Under the reply to a message nobody understood: the member asked for a person."""
    pressed = await press(update, context, RequestTalk)
    if pressed is None:
        return
    query, _, member = pressed
    # Asked first: if storage fails, the button stays for another try.
    asked = await context.services.safety.request_talk(member.user_id, Place.MESSAGE)
    await query.answer()
    await close_buttons(query, None, None)
    await reply(update, safety_texts.talk_requested() if asked else safety_texts.no_moderators())


# -- /safetyplan ----------------------------------------------------------------------------


async def safetyplan_command(update: Update, context: PeerContext) -> None:
    """Show the member's plan with Edit and Delete, or start writing one."""
    member = await current_member(update, context)
    if member is not None:
        await show_or_start_plan(update, context, member)


async def show_or_start_plan(update: Update, context: PeerContext, member: Member) -> None:
    """The plan with Edit and Delete, or its first question (also from a hard check-in)."""
    plan = await context.services.safety.plan(member.user_id)
    if plan is None or plan.empty:
        await reply(update, safety_texts.plan_intro())
        await _start(update, context, member)
        return
    shown = safety_messages.plan_shown(plan)
    await reply(update, shown.text, markup(shown))


async def _start(update: Update, context: PeerContext, member: Member) -> None:
    draft = await context.services.safety.start_plan(member.user_id)
    await _ask_part(update, context, member, 0, draft)


async def _ask_part(
    update: Update, context: PeerContext, member: Member, index: int, draft: SafetyPlan
) -> None:
    await context.services.members.wait_for(member.user_id, AwaitingPlanPart(PART_NAMES[index]))
    question = safety_messages.plan_question(index, draft)
    await reply(update, question.text, markup(question))


async def _next(update: Update, context: PeerContext, member: Member, name: str) -> None:
    """After one part: the next question, or the plan saved."""
    index = next_part(name)
    safety = context.services.safety
    if index < len(PART_NAMES):
        draft = await safety.draft(member.user_id)
        if draft is not None:
            await _ask_part(update, context, member, index, draft)
            return
    await context.services.members.wait_for(member.user_id, None)
    plan = await safety.finish_plan(member.user_id)
    if plan is None or plan.empty:
        await reply(update, safety_texts.plan_empty())
        return
    await reply(update, safety_texts.plan_saved(plan))


async def save_plan_part(
    update: Update,
    context: PeerContext,
    member: Member,
    pending: AwaitingPlanPart,
    text: str,
) -> None:
    """The member typed one part of their plan."""
    name = pending.part or ""
    if name not in PART_NAMES:
        await context.services.members.wait_for(member.user_id, None)
        await reply(update, safety_texts.plan_cancelled())
        return
    if context.crisis is not None:
        # Crisis words are not kept as the plan, to be shown back on a hard day.
        await context.services.safety.cancel_plan(member.user_id)
        await context.services.members.wait_for(member.user_id, None)
        await reply(update, safety_texts.plan_paused())
        return
    if len(text.strip()) > MAX_PLAN_PART:
        await reply(update, safety_texts.plan_part_too_long(len(text.strip())))
        return
    if await context.services.safety.set_part(member.user_id, name, text) is None:
        await context.services.members.wait_for(member.user_id, None)
        await reply(update, safety_texts.plan_cancelled())
        return
    await _next(update, context, member, name)


def writing_plan(member: Member) -> bool:
    """True while the member's next text answers a /safetyplan question."""
    return Pending.kind_of(member.pending or "") == AwaitingPlanPart.kind


async def cancel_plan(update: Update, context: PeerContext, member: Member, kind: str) -> None:
    """/cancel while writing the plan: keep nothing new."""
    await context.services.safety.cancel_plan(member.user_id)
    await context.services.members.wait_for(member.user_id, None)
    await reply(update, safety_texts.plan_cancelled())


async def _part_pressed(
    update: Update, context: PeerContext, kind: type[SkipPlanPart] | type[ClearPlanPart]
) -> None:
    """Skip (or keep) or clear the part being asked; the question after it comes next."""
    pressed = await press(update, context, kind)
    if pressed is None:
        return
    query, button, member = pressed
    if AwaitingPlanPart.parse(member.pending) != AwaitingPlanPart(button.part):
        await button_expired(query)
        return
    if isinstance(button, ClearPlanPart) and (
        await context.services.safety.set_part(member.user_id, button.part, None) is None
    ):
        await button_expired(query)
        return
    await query.answer()
    await close_buttons(query, None, None)
    await _next(update, context, member, button.part)


async def skip_part_button(update: Update, context: PeerContext) -> None:
    """ "Skip" or "Keep as it is": the part stays as it was."""
    await _part_pressed(update, context, SkipPlanPart)


async def clear_part_button(update: Update, context: PeerContext) -> None:
    """ "Clear it": the part is emptied."""
    await _part_pressed(update, context, ClearPlanPart)


async def edit_plan_button(update: Update, context: PeerContext) -> None:
    """ "Edit my plan": the questions again, each showing what the plan says now."""
    pressed = await press(update, context, EditPlan)
    if pressed is None:
        return
    query, _, member = pressed
    await query.answer()
    await close_buttons(query, None, None)
    await _start(update, context, member)


async def delete_plan_button(update: Update, context: PeerContext) -> None:
    """ "Delete it": ask first."""
    pressed = await press(update, context, DeletePlan)
    if pressed is None:
        return
    query, _, _ = pressed
    await query.answer()
    confirm = safety_messages.delete_confirm()
    await close_buttons(query, confirm.text, markup(confirm))


async def confirm_delete_button(update: Update, context: PeerContext) -> None:
    """ "Yes, delete it": the plan and any draft go."""
    pressed = await press(update, context, ConfirmDeletePlan)
    if pressed is None:
        return
    query, _, member = pressed
    await context.services.safety.delete_plan(member.user_id)
    if writing_plan(member):
        await context.services.members.wait_for(member.user_id, None)
    await query.answer()
    await close_buttons(query, safety_texts.plan_deleted())


async def keep_plan_button(update: Update, context: PeerContext) -> None:
    """ "No, keep it"."""
    pressed = await press(update, context, KeepPlan)
    if pressed is None:
        return
    query, _, _ = pressed
    await query.answer()
    await close_buttons(query, safety_texts.plan_kept())


def screen_handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    """Registered in a group of their own ahead of every feature (bot.app)."""
    # Forwards too: every piece of text a member sends is screened (forward_handlers in
    # handlers.fallback keep them from ever being a command or relayed).
    typed = filters.ChatType.PRIVATE & (filters.TEXT | filters.CAPTION)
    return [
        MessageHandler(typed | filters.UpdateType.EDITED, screen_text),
        TypeHandler(object, held_back),
    ]


async def plan_pressed(update: Update, context: PeerContext) -> None:
    """The member's safety plan, or making one."""
    pressed = await press(update, context, ShowSafetyPlan)
    if pressed is None:
        return
    query, _, member = pressed
    await query.answer()
    await show_or_start_plan(update, context, member)


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    return [
        CommandHandler("safetyplan", safetyplan_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(ask_moderator_button, pattern=AskModerator.route()),
        CallbackQueryHandler(talk_button, pattern=RequestTalk.route()),
        CallbackQueryHandler(skip_part_button, pattern=SkipPlanPart.route()),
        CallbackQueryHandler(clear_part_button, pattern=ClearPlanPart.route()),
        CallbackQueryHandler(edit_plan_button, pattern=EditPlan.route()),
        CallbackQueryHandler(delete_plan_button, pattern=DeletePlan.route()),
        CallbackQueryHandler(confirm_delete_button, pattern=ConfirmDeletePlan.route()),
        CallbackQueryHandler(keep_plan_button, pattern=KeepPlan.route()),
        # Offered under a hard day's check-in reply (bot.checkins.messages).
        CallbackQueryHandler(plan_pressed, pattern=ShowSafetyPlan.route()),
    ]


def answers() -> dict[type[Pending], TextAnswer]:
    return {AwaitingPlanPart: save_plan_part}


def cancels() -> dict[type[Pending], Cancel]:
    return {AwaitingPlanPart: cancel_plan}
