"""/newgoal, /goals and /done: setting up goals, answering nudges, and managing goals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from telegram import CallbackQuery, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.checkins.service import parse_day_code
from bot.context import PeerContext
from bot.goals import messages as gm
from bot.goals.service import (
    MAX_TITLE,
    MAX_WHY,
    Goal,
    GoalError,
    GoalKind,
    GoalSchedule,
    LimitPeriod,
)
from bot.localtime.hhmm import parse_hhmm
from bot.localtime.zones import zone_of
from bot.members.service import Awaiting, Member
from bot.outgoing import OutgoingMessage
from bot.runtime.delivery import markup
from bot.texts import common as common_texts
from bot.texts import goals as t
from handlers.combined import show
from handlers.common import (
    button_expired,
    close_buttons,
    command_argument,
    current_member,
    member_press,
    plain_answer,
    reply,
)

GOAL_STATES = frozenset(
    {Awaiting.GOAL_TITLE, Awaiting.GOAL_STEP, Awaiting.GOAL_TARGET, Awaiting.GOAL_TIME,
     Awaiting.GOAL_WHY, Awaiting.GOAL_COUNT}
)  # fmt: skip
ERROR_TEXTS = {
    "full": t.GOALS_FULL,
    "too_old": t.TOO_OLD,
    "snoozed": t.ALREADY_SNOOZED,
    "bad_time": t.BAD_TIME,
    "bad_target": t.BAD_TARGET,
    "bad_count": t.BAD_COUNT,
    "no_day": t.PICK_A_DAY,
}


async def _send(update: Update, message: OutgoingMessage) -> None:
    await reply(update, message.text, markup(message))


async def _edit(query: CallbackQuery, message: OutgoingMessage) -> None:
    await close_buttons(query, message.text, markup(message))


# -- setting up a goal ------------------------------------------------------------------------


async def newgoal_command(update: Update, context: PeerContext) -> None:
    """Start setting up a goal; `/newgoal Walk 20 minutes` skips the first question."""
    member = await current_member(update, context)
    if member is None:
        return
    if not await context.services.goals.room_for_another(member.user_id):
        await reply(update, t.GOALS_FULL)
        return
    title = command_argument(context)
    if title is not None:
        await save_title(update, context, member, title)
        return
    await context.services.members.expect(member.user_id, Awaiting.GOAL_TITLE)
    await reply(update, t.ASK_TITLE)


async def save_title(update: Update, context: PeerContext, member: Member, title: str) -> None:
    title = title.strip()
    if not title:
        await reply(update, t.EMPTY_TITLE)
        return
    if len(title) > MAX_TITLE:
        await reply(update, t.too_long(len(title), MAX_TITLE))
        return
    try:
        goal = await context.services.goals.start_draft(member.user_id, title)
    except GoalError as error:
        await context.services.members.expect(member.user_id, None)
        await reply(update, ERROR_TEXTS[error.reason])
        return
    await context.services.members.expect(member.user_id, Awaiting.GOAL_STEP, str(goal.id))
    await _send(update, gm.kind_question(goal))


async def save_target(update: Update, context: PeerContext, member: Member, text: str) -> None:
    goal_id = int(member.awaiting_arg or 0)
    if not text.strip().isdigit():
        await reply(update, t.BAD_TARGET)
        return
    try:
        goal = await context.services.goals.set_limit_target(
            member.user_id, goal_id, int(text.strip())
        )
    except GoalError as error:
        await reply(update, ERROR_TEXTS.get(error.reason, t.GOAL_GONE))
        if error.reason == "gone":
            await context.services.members.expect(member.user_id, None)
        return
    await context.services.members.expect(member.user_id, Awaiting.GOAL_STEP, str(goal.id))
    await _send(update, gm.schedule_question(goal))


async def save_time(update: Update, context: PeerContext, member: Member, text: str) -> None:
    goal_text, _, code = (member.awaiting_arg or "").partition(":")
    schedule = gm.parse_schedule_code(code)
    if not goal_text.isdigit() or schedule is None:
        await context.services.members.expect(member.user_id, None)
        await reply(update, t.GOAL_GONE)
        return
    message = await _apply_plan(context, member, int(goal_text), schedule, text)
    await _send(update, message)


async def _apply_plan(
    context: PeerContext, member: Member, goal_id: int, schedule: GoalSchedule, at: str
) -> OutgoingMessage:
    """The schedule and time together; a new goal then asks why, a running one is done."""
    members = context.services.members
    try:
        goal = await context.services.goals.set_plan(member.user_id, goal_id, schedule, at)
    except GoalError as error:
        if error.reason == "bad_time":
            return OutgoingMessage(t.BAD_TIME)
        await members.expect(member.user_id, None)
        return OutgoingMessage(t.GOAL_GONE)
    if goal.draft:
        await members.expect(member.user_id, Awaiting.GOAL_WHY, str(goal.id))
        return gm.why_question(goal)
    await members.expect(member.user_id, None)
    return OutgoingMessage(t.schedule_changed(goal, member.timezone))


async def save_why(update: Update, context: PeerContext, member: Member, why: str) -> None:
    if len(why.strip()) > MAX_WHY:
        await reply(update, t.too_long(len(why.strip()), MAX_WHY))
        return
    activated = await _activate(context, member, int(member.awaiting_arg or 0), why)
    if context.crisis is not None:
        # After the crisis answer nothing cheerful: the goal is saved, quietly.
        await reply(update, t.GOAL_SAVED_QUIETLY)
        return
    await _send(update, activated)


async def _activate(
    context: PeerContext, member: Member, goal_id: int, why: str | None
) -> OutgoingMessage:
    await context.services.members.expect(member.user_id, None)
    try:
        goal = await context.services.goals.set_why(member.user_id, goal_id, why)
    except GoalError as error:
        return OutgoingMessage(ERROR_TEXTS.get(error.reason, t.GOAL_GONE))
    return OutgoingMessage(t.goal_created(goal, member.timezone))


async def save_count(update: Update, context: PeerContext, member: Member, text: str) -> None:
    goal_text, _, code = (member.awaiting_arg or "").partition(":")
    day = parse_day_code(code)
    if not text.strip().isdigit():
        await reply(update, t.BAD_COUNT)
        return
    await context.services.members.expect(member.user_id, None)
    if not goal_text.isdigit() or day is None:
        await reply(update, t.GOAL_GONE)
        return
    amount = int(text.strip())
    try:
        progress = await context.services.goals.log_count(
            member.user_id, int(goal_text), day, amount
        )
    except GoalError as error:
        await reply(update, ERROR_TEXTS.get(error.reason, t.GOAL_GONE))
        return
    await reply(update, t.count_reply(progress, amount, day))


async def typed_goal_text(update: Update, context: PeerContext, member: Member, text: str) -> bool:
    """Free text answering a goal question; False when the member is not in one."""
    if member.awaiting not in GOAL_STATES:
        return False
    if member.awaiting is Awaiting.GOAL_TITLE:
        await save_title(update, context, member, text)
    elif not (member.awaiting_arg or "").partition(":")[0].isdigit():
        await context.services.members.expect(member.user_id, None)
        await reply(update, t.GOAL_GONE)
    elif member.awaiting is Awaiting.GOAL_TARGET:
        await save_target(update, context, member, text)
    elif member.awaiting is Awaiting.GOAL_TIME:
        await save_time(update, context, member, text)
    elif member.awaiting is Awaiting.GOAL_WHY:
        await save_why(update, context, member, text)
    elif member.awaiting is Awaiting.GOAL_COUNT:
        await save_count(update, context, member, text)
    else:
        await reply(update, t.USE_THE_BUTTONS)
    return True


async def cancel_goal_step(update: Update, context: PeerContext, member: Member) -> bool:
    """/cancel during a goal question: a goal being set up is dropped, nothing else changes."""
    if member.awaiting not in GOAL_STATES:
        return False
    await context.services.members.expect(member.user_id, None)
    dropped = await context.services.goals.discard_drafts(member.user_id)
    if dropped or member.awaiting is Awaiting.GOAL_TITLE:
        await reply(update, t.GOAL_NOT_SAVED)
    elif member.awaiting is Awaiting.GOAL_COUNT:
        await reply(update, common_texts.CANCELLED)
    else:
        await reply(update, t.EDIT_CANCELLED)
    return True


# -- listing and /done ------------------------------------------------------------------------


async def goals_command(update: Update, context: PeerContext) -> None:
    """List active goals with their progress and a button to manage each."""
    member = await current_member(update, context)
    if member is None:
        return
    goals = context.services.goals
    progresses = await goals.open_goals(member.user_id)
    await _send(update, gm.overview(progresses, await goals.room_for_another(member.user_id)))


async def done_command(update: Update, context: PeerContext) -> None:
    """Mark a habit done today (`/done 2`); that day's nudge is then not sent."""
    member = await current_member(update, context)
    if member is None:
        return
    goals = context.services.goals
    today = goals.today(member.timezone)
    argument = command_argument(context)
    if argument is None:
        progresses = await goals.open_goals(member.user_id)
        if not progresses:
            await reply(update, t.NO_GOALS)
            return
        await _send(update, gm.done_choices([p.goal for p in progresses], today))
        return
    number = argument.lstrip("#")
    goal = await goals.by_number(member.user_id, int(number)) if number.isdigit() else None
    if goal is None:
        await reply(update, t.no_goal_number(argument))
        return
    if goal.kind is GoalKind.LIMIT:
        await _send(update, gm.ask_now(goal, today))
        return
    progress = await goals.mark_done(member.user_id, goal.id, today)
    await reply(update, t.done_reply(progress))


# -- buttons ----------------------------------------------------------------------------------


async def goal_button(update: Update, context: PeerContext) -> None:
    """Every goal button: setting up, answering nudges, managing."""
    pressed = await member_press(update, context)
    if pressed is None:
        return
    query, data, member = pressed
    parts = data.split(":")
    action = parts[1] if len(parts) > 1 else ""
    if action == "new":
        await query.answer()
        await newgoal_from_button(update, context, member)
        return
    if action == "l":
        goals = context.services.goals
        progresses = await goals.open_goals(member.user_id)
        await query.answer()
        await _edit(query, gm.overview(progresses, await goals.room_for_another(member.user_id)))
        return
    if len(parts) < 3 or not parts[2].isdigit():
        await button_expired(query)
        return
    goal = await context.services.goals.get(member.user_id, int(parts[2]))
    handler = _ACTIONS.get(action)
    if goal is None or handler is None:
        await button_expired(query)
        return
    try:
        message = await handler(context, member, goal, parts[3:])
    except GoalError as error:
        text = ERROR_TEXTS.get(error.reason)
        if text is None:
            await button_expired(query)
        else:
            await query.answer(plain_answer(text), show_alert=True)
        return
    await query.answer()
    await show(query, context, message)  # in a combined message, only this goal's part


async def newgoal_from_button(update: Update, context: PeerContext, member: Member) -> None:
    if not await context.services.goals.room_for_another(member.user_id):
        await reply(update, t.GOALS_FULL)
        return
    await context.services.members.expect(member.user_id, Awaiting.GOAL_TITLE)
    await reply(update, t.ASK_TITLE)


# One button action: (context, member, goal, the data after the goal id) -> the new message.
Action = Callable[[PeerContext, Member, Goal, list[str]], Awaitable[OutgoingMessage]]


def _day(rest: list[str]) -> date:
    day = parse_day_code(rest[0]) if rest else None
    if day is None:
        raise GoalError("gone")
    return day


async def _kind(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    if rest == ["habit"]:
        goal = await context.services.goals.set_kind(member.user_id, goal.id, GoalKind.HABIT)
        return gm.schedule_question(goal)
    if rest == ["limit"]:
        goal = await context.services.goals.set_kind(member.user_id, goal.id, GoalKind.LIMIT)
        return gm.period_question(goal)
    raise GoalError("gone")


async def _period(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    if rest not in (["day"], ["week"]):
        raise GoalError("gone")
    period = LimitPeriod(rest[0])
    goal = await context.services.goals.set_limit_period(member.user_id, goal.id, period)
    await context.services.members.expect(member.user_id, Awaiting.GOAL_TARGET, str(goal.id))
    return OutgoingMessage(t.ask_target(period))


async def _schedule(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    await context.services.members.expect(member.user_id, Awaiting.GOAL_STEP, str(goal.id))
    if rest == ["daily"]:
        return await _ask_time(context, member, goal, GoalSchedule.daily())
    if rest == ["days"]:
        return gm.days_picker(goal, 0)
    if rest == ["weekly"]:
        return gm.weekday_picker(goal)
    raise GoalError("gone")


async def _ask_time(
    context: PeerContext, member: Member, goal: Goal, schedule: GoalSchedule
) -> OutgoingMessage:
    code = gm.schedule_code(schedule)
    await context.services.members.expect(member.user_id, Awaiting.GOAL_TIME, f"{goal.id}:{code}")
    return gm.time_question(goal, schedule, member.timezone)


async def _toggle_day(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    if len(rest) != 1 or not rest[0].isdigit() or not 0 <= int(rest[0]) < 128:
        raise GoalError("gone")
    return gm.days_picker(goal, int(rest[0]))


async def _days_chosen(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    schedule = gm.parse_schedule_code("m" + rest[0]) if len(rest) == 1 else None
    if rest == ["0"]:
        raise GoalError("no_day")
    if schedule is None:
        raise GoalError("gone")
    return await _ask_time(context, member, goal, schedule)


async def _weekday(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    schedule = gm.parse_schedule_code("w" + rest[0]) if len(rest) == 1 else None
    if schedule is None:
        raise GoalError("gone")
    return await _ask_time(context, member, goal, schedule)


async def _time(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    schedule = gm.parse_schedule_code(rest[0]) if len(rest) == 2 else None
    if schedule is None or len(rest[1]) != 4:
        raise GoalError("gone")
    at = f"{rest[1][:2]}:{rest[1][2:]}"
    if parse_hhmm(at) is None:
        raise GoalError("gone")
    return await _apply_plan(context, member, goal.id, schedule, at)


async def _skip_why(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    if not goal.draft:
        raise GoalError("gone")
    return await _activate(context, member, goal.id, None)


async def _done(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    progress = await context.services.goals.mark_done(member.user_id, goal.id, _day(rest))
    return OutgoingMessage(t.done_reply(progress))


async def _not_today(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    day = _day(rest)
    await context.services.goals.not_today(member.user_id, goal.id, day)
    return gm.reasons(goal, day)


async def _reason(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    reason = rest[1] if len(rest) == 2 else None
    if reason is None:
        raise GoalError("gone")
    given = None if reason == "-" else reason
    await context.services.goals.not_today(member.user_id, goal.id, _day(rest), given)
    return OutgoingMessage(t.NO_REASON if given is None else t.REASON_NOTED)


async def _snooze(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    day = _day(rest)
    when = await context.services.goals.snooze(member.user_id, goal.id, day)
    local = when.astimezone(zone_of(member.timezone)).strftime("%H:%M")
    text = t.snoozed_until(t.nudge(goal, day, snoozed=False), local)
    return OutgoingMessage(text, gm.answer_buttons_after_snooze(goal, day))


async def _count(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    if len(rest) != 2 or not rest[1].isdigit():
        raise GoalError("gone")
    day, amount = _day(rest), int(rest[1])
    progress = await context.services.goals.log_count(member.user_id, goal.id, day, amount)
    return OutgoingMessage(t.count_reply(progress, amount, day))


async def _type_count(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    day = _day(rest)
    if not context.services.goals.answerable(member.timezone, day):
        raise GoalError("too_old")
    await context.services.members.expect(
        member.user_id, Awaiting.GOAL_COUNT, f"{goal.id}:{rest[0]}"
    )
    return OutgoingMessage(f"{t.nudge(goal, day, snoozed=False)}\n\n{t.ASK_COUNT}")


async def _manage(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    if goal.draft:
        raise GoalError("gone")
    return gm.manage(await context.services.goals.progress(member.user_id, goal.id))


async def _change_schedule(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    if goal.draft:
        raise GoalError("gone")
    await context.services.members.expect(member.user_id, Awaiting.GOAL_STEP, str(goal.id))
    return gm.schedule_question(goal)


async def _pause(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    return await _set_paused(context, member, goal, paused=True)


async def _resume(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    return await _set_paused(context, member, goal, paused=False)


async def _set_paused(
    context: PeerContext, member: Member, goal: Goal, paused: bool
) -> OutgoingMessage:
    goals = context.services.goals
    change = goals.pause if paused else goals.resume
    goal = await change(member.user_id, goal.id)
    return gm.manage(await goals.progress(member.user_id, goal.id))


async def _archive_ask(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    if goal.draft:
        raise GoalError("gone")
    return gm.archive_confirm(goal)


async def _archive(
    context: PeerContext, member: Member, goal: Goal, rest: list[str]
) -> OutgoingMessage:
    goal = await context.services.goals.archive(member.user_id, goal.id)
    return OutgoingMessage(t.archived(goal))


_ACTIONS: dict[str, Action] = {
    "k": _kind, "p": _period, "s": _schedule, "wd": _toggle_day, "wk": _days_chosen,
    "o": _weekday, "t": _time, "y": _skip_why,
    "d": _done, "n": _not_today, "r": _reason, "z": _snooze, "c": _count, "ct": _type_count,
    "m": _manage, "e": _change_schedule, "pa": _pause, "re": _resume, "ar": _archive_ask,
    "ax": _archive,
}  # fmt: skip


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("newgoal", newgoal_command, filters=private),
        CommandHandler("goals", goals_command, filters=private),
        CommandHandler("done", done_command, filters=private),
        CallbackQueryHandler(goal_button, pattern=r"^gl:"),
    ]
