"""/newgoal, /goals and /done, one handler per goal button (bot/goals/callbacks.py) and per
typed goal answer: setting up goals, answering nudges, and managing goals.

Which set-up question follows which is the service's (GoalSetup.next_step); here the
answers are parsed, the service called and its result or refusal shown.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram import CallbackQuery, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.callbacks import Button, Pending
from bot.context import PeerContext
from bot.goals import messages as goal_messages
from bot.goals.callbacks import (
    GOAL_PENDING,
    ArchiveGoal,
    AskArchive,
    AwaitingGoalCount,
    AwaitingGoalStep,
    AwaitingGoalTarget,
    AwaitingGoalTime,
    AwaitingGoalTitle,
    AwaitingGoalWhy,
    ChangeSchedule,
    ChooseKind,
    ChoosePeriod,
    ChooseSchedule,
    ChooseTime,
    ChooseWeekday,
    ConfirmWeekdays,
    GiveReason,
    GoalButton,
    LogCount,
    ManageGoal,
    MarkDone,
    NotToday,
    PauseGoal,
    ResumeGoal,
    ScheduleChoice,
    ShowGoals,
    SkipWhy,
    SnoozeNudge,
    StartNewGoal,
    ToggleWeekday,
    TypeCount,
)
from bot.goals.rules import (
    Goal,
    GoalKind,
    GoalRefusal,
    GoalSchedule,
    GoalSetup,
    SetupStep,
    TypeAgain,
    chosen_days,
)
from bot.localtime.zones import zone_of
from bot.members.rules import Member
from bot.outgoing import OutgoingMessage
from bot.runtime.delivery import markup
from bot.texts import common as common_texts
from bot.texts import goals as goal_texts
from handlers.answers import Cancel, TextAnswer
from handlers.common import (
    button_expired,
    close_buttons,
    command_argument,
    current_member,
    plain_answer,
    press,
    reply,
    show,
)

GoalButtonT = TypeVar("GoalButtonT", bound=GoalButton)
ButtonHandler = Callable[[Update, PeerContext], Coroutine[Any, Any, None]]


async def _send(update: Update, message: OutgoingMessage) -> None:
    await reply(update, message.text, markup(message))


async def _edit(query: CallbackQuery, message: OutgoingMessage) -> None:
    await close_buttons(query, message.text, markup(message))


async def _goal_press(
    update: Update, context: PeerContext, kind: type[GoalButtonT]
) -> tuple[CallbackQuery, GoalButtonT, Member, Goal] | None:
    """A press of a button about one of the member's goals, with the goal; None when there
    is none (a goal not theirs, gone or archived is answered "expired")."""
    pressed = await press(update, context, kind)
    if pressed is None:
        return None
    query, button, member = pressed
    goal = await context.services.goals.get(member.user_id, button.goal)
    if goal is None:
        await button_expired(query)
        return None
    return query, button, member, goal


async def _refused(query: CallbackQuery, refusal: GoalRefusal) -> None:
    """A button that could not do its work: say why in a pop-up; GONE reads "expired"."""
    text = goal_texts.refused(refusal)
    if text is None:
        await button_expired(query)
    else:
        await query.answer(plain_answer(text), show_alert=True)


async def _shown(query: CallbackQuery, context: PeerContext, message: OutgoingMessage) -> None:
    """A button did its work: the message it sits on now reads `message` (inside a combined
    message, only this goal's part)."""
    await query.answer()
    await show(query, context, message)


# -- setting up a goal ------------------------------------------------------------------------


async def _go_on(
    query: CallbackQuery, context: PeerContext, member: Member, setup: GoalSetup | GoalRefusal
) -> None:
    """After a set-up button: the next question in place, or why the press could not count."""
    if isinstance(setup, GoalRefusal):
        await _refused(query, setup)
        return
    await _shown(query, context, await _ask_next(context, member, setup, typed=False))


async def _ask_next(
    context: PeerContext, member: Member, setup: GoalSetup, typed: bool
) -> OutgoingMessage:
    """The question after the one `setup` answered, and what the member's next text answers
    then. After a typed answer, text to a question with buttons gets "use the buttons"; after
    a pressed one, what the text answers is left as it is."""
    goal, step = setup.goal, setup.next_step()
    members = context.services.members
    if step in (SetupStep.KIND, SetupStep.PERIOD, SetupStep.SCHEDULE) and typed:
        await members.wait_for(member.user_id, AwaitingGoalStep(goal.id))
    match step:
        case SetupStep.KIND:
            return goal_messages.kind_question(goal)
        case SetupStep.PERIOD:
            return goal_messages.period_question(goal)
        case SetupStep.SCHEDULE:
            return goal_messages.schedule_question(goal)
        case SetupStep.TARGET:
            assert goal.limit_period is not None  # the period was the answer before
            await members.wait_for(member.user_id, AwaitingGoalTarget(goal.id))
            return goal_messages.target_question(goal.limit_period)
        case SetupStep.WHY:
            await members.wait_for(member.user_id, AwaitingGoalWhy(goal.id))
            return goal_messages.why_question(goal)
        case SetupStep.CHANGED:
            await members.wait_for(member.user_id, None)
            return OutgoingMessage(goal_texts.schedule_changed(goal, member.timezone))
        case SetupStep.SET:
            return OutgoingMessage(goal_texts.goal_created(goal, member.timezone))
        case _:  # TITLE is never next; TIME follows the schedule buttons (see _ask_time)
            raise ValueError(f"no question follows {setup.answered} with {step}")


async def _ask_time(
    context: PeerContext, member: Member, goal: Goal, schedule: GoalSchedule
) -> OutgoingMessage:
    """The days are chosen: at what time? (tapped, or typed)"""
    await context.services.members.wait_for(member.user_id, AwaitingGoalTime(goal.id, schedule))
    return goal_messages.time_question(goal, schedule, member.timezone)


async def newgoal_command(update: Update, context: PeerContext) -> None:
    """Start setting up a goal; `/newgoal Walk 20 minutes` skips the first question."""
    member = await current_member(update, context)
    if member is None:
        return
    if not await context.services.goals.room_for_another(member.user_id):
        await reply(update, goal_texts.goals_full())
        return
    title = command_argument(context)
    if title is not None:
        await save_title(update, context, member, title)
        return
    await context.services.members.wait_for(member.user_id, AwaitingGoalTitle())
    await reply(update, goal_texts.ask_title())


async def save_title(update: Update, context: PeerContext, member: Member, title: str) -> None:
    """Start a draft goal with the title typed, then ask what kind of goal it is."""
    setup = await context.services.goals.start_draft(member.user_id, title)
    if isinstance(setup, TypeAgain):
        await reply(update, goal_texts.type_again(setup))
        return
    if isinstance(setup, GoalRefusal):
        await context.services.members.wait_for(member.user_id, None)
        await reply(update, goal_texts.refused_or_gone(setup))
        return
    await _send(update, await _ask_next(context, member, setup, typed=True))


async def title_typed(
    update: Update, context: PeerContext, member: Member, pending: AwaitingGoalTitle, text: str
) -> None:
    """Take the text as the new goal's title."""
    await save_title(update, context, member, text)


async def step_typed(
    update: Update, context: PeerContext, member: Member, pending: AwaitingGoalStep, text: str
) -> None:
    """Point to the buttons: this set-up question is not answered by text."""
    await reply(update, goal_texts.use_the_buttons())


async def target_typed(
    update: Update, context: PeerContext, member: Member, pending: AwaitingGoalTarget, text: str
) -> None:
    """Set a limit's most per period, then ask when to nudge."""
    number = text.strip()
    if not number.isdecimal():
        await reply(update, goal_texts.bad_target())
        return
    setup = await context.services.goals.set_limit_target(
        member.user_id, pending.goal, int(number)
    )
    if isinstance(setup, GoalRefusal):
        await reply(update, goal_texts.refused_or_gone(setup))
        if setup is GoalRefusal.GONE:
            await context.services.members.wait_for(member.user_id, None)
        return
    await _send(update, await _ask_next(context, member, setup, typed=True))


async def time_typed(
    update: Update, context: PeerContext, member: Member, pending: AwaitingGoalTime, text: str
) -> None:
    """Set the nudge time typed, with the schedule chosen before it."""
    await _send(update, await _apply_plan(context, member, pending.goal, pending.schedule, text))


async def _apply_plan(
    context: PeerContext, member: Member, goal_id: int, schedule: GoalSchedule, at: str
) -> OutgoingMessage:
    """The schedule and time together; a new goal then asks why, a running one is done."""
    setup = await context.services.goals.set_plan(member.user_id, goal_id, schedule, at)
    if setup is GoalRefusal.BAD_TIME:
        return OutgoingMessage(goal_texts.bad_time())
    if isinstance(setup, GoalRefusal):
        await context.services.members.wait_for(member.user_id, None)
        return OutgoingMessage(goal_texts.goal_gone())
    return await _ask_next(context, member, setup, typed=False)


async def why_typed(
    update: Update, context: PeerContext, member: Member, pending: AwaitingGoalWhy, why: str
) -> None:
    """Keep why the goal matters, and start the goal."""
    setup = await context.services.goals.set_why(member.user_id, pending.goal, why)
    if isinstance(setup, TypeAgain):
        await reply(update, goal_texts.type_again(setup))
        return
    activated = await _activated(context, member, setup)
    if context.crisis is not None:
        # After the crisis answer nothing cheerful: the goal is saved, quietly.
        await reply(update, goal_texts.goal_saved_quietly())
        return
    await _send(update, activated)


async def _activated(
    context: PeerContext, member: Member, setup: GoalSetup | GoalRefusal
) -> OutgoingMessage:
    """The set-up is over either way: the member's text answers nothing now."""
    await context.services.members.wait_for(member.user_id, None)
    if isinstance(setup, GoalRefusal):
        return OutgoingMessage(goal_texts.refused_or_gone(setup))
    return await _ask_next(context, member, setup, typed=False)


async def count_typed(
    update: Update, context: PeerContext, member: Member, pending: AwaitingGoalCount, text: str
) -> None:
    """Log a limit's count typed for the day its nudge asked about."""
    number = text.strip()
    if not number.isdecimal():
        await reply(update, goal_texts.bad_count())
        return
    await context.services.members.wait_for(member.user_id, None)
    amount = int(number)
    progress = await context.services.goals.log_count(
        member.user_id, pending.goal, pending.day, amount
    )
    if isinstance(progress, GoalRefusal):
        await reply(update, goal_texts.refused_or_gone(progress))
        return
    await reply(update, goal_texts.count_reply(progress, amount, pending.day))


async def cancel_goal_step(
    update: Update, context: PeerContext, member: Member, kind: str
) -> None:
    """/cancel during a goal question: a goal being set up is dropped, nothing else changes."""
    await context.services.members.wait_for(member.user_id, None)
    dropped = await context.services.goals.discard_drafts(member.user_id)
    if dropped or kind == AwaitingGoalTitle.kind:
        await reply(update, goal_texts.goal_not_saved())
    elif kind == AwaitingGoalCount.kind:
        await reply(update, common_texts.cancelled())
    else:
        await reply(update, goal_texts.edit_cancelled())


# -- listing and /done ------------------------------------------------------------------------


async def goals_command(update: Update, context: PeerContext) -> None:
    """List active goals with their progress and a button to manage each."""
    member = await current_member(update, context)
    if member is None:
        return
    goals = context.services.goals
    progresses = await goals.open_goals(member.user_id)
    room = await goals.room_for_another(member.user_id)
    await _send(update, goal_messages.overview(progresses, room))


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
            await reply(update, goal_texts.no_goals())
            return
        await _send(update, goal_messages.done_choices([p.goal for p in progresses], today))
        return
    number = argument.lstrip("#")
    goal = await goals.by_number(member.user_id, int(number)) if number.isdecimal() else None
    if goal is None:
        await reply(update, goal_texts.no_goal_number(argument))
        return
    if goal.kind is GoalKind.LIMIT:
        await _send(update, goal_messages.ask_now(goal, today))
        return
    progress = await goals.mark_done(member.user_id, goal.id, today)
    if isinstance(progress, GoalRefusal):
        await reply(update, goal_texts.refused_or_gone(progress))
        return
    await reply(update, goal_texts.done_reply(progress))


# -- buttons: setting up ----------------------------------------------------------------------


async def new_goal_pressed(update: Update, context: PeerContext) -> None:
    """Start setting up another goal, if there is room for one."""
    pressed = await press(update, context, StartNewGoal)
    if pressed is None:
        return
    query, _, member = pressed
    await query.answer()
    if not await context.services.goals.room_for_another(member.user_id):
        await reply(update, goal_texts.goals_full())
        return
    await context.services.members.wait_for(member.user_id, AwaitingGoalTitle())
    await reply(update, goal_texts.ask_title())


async def show_goals_pressed(update: Update, context: PeerContext) -> None:
    """Show the list of goals again, in place."""
    pressed = await press(update, context, ShowGoals)
    if pressed is None:
        return
    query, _, member = pressed
    goals = context.services.goals
    progresses = await goals.open_goals(member.user_id)
    room = await goals.room_for_another(member.user_id)
    await query.answer()
    await _edit(query, goal_messages.overview(progresses, room))


async def kind_chosen(update: Update, context: PeerContext) -> None:
    """Make a new goal a habit or a limit, then ask the next question."""
    pressed = await _goal_press(update, context, ChooseKind)
    if pressed is None:
        return
    query, button, member, goal = pressed
    setup = await context.services.goals.set_kind(member.user_id, goal.id, button.kind)
    await _go_on(query, context, member, setup)


async def period_chosen(update: Update, context: PeerContext) -> None:
    """Count a limit per day or per week, then ask for its most."""
    pressed = await _goal_press(update, context, ChoosePeriod)
    if pressed is None:
        return
    query, button, member, goal = pressed
    setup = await context.services.goals.set_limit_period(member.user_id, goal.id, button.period)
    await _go_on(query, context, member, setup)


async def schedule_chosen(update: Update, context: PeerContext) -> None:
    """Go on from "when should I ask?": the time, or first the days."""
    pressed = await _goal_press(update, context, ChooseSchedule)
    if pressed is None:
        return
    query, button, member, goal = pressed
    await context.services.members.wait_for(member.user_id, AwaitingGoalStep(goal.id))
    if button.choice is ScheduleChoice.DAILY:
        message = await _ask_time(context, member, goal, GoalSchedule.daily())
    elif button.choice is ScheduleChoice.DAYS:
        message = goal_messages.days_picker(goal, 0)
    else:
        message = goal_messages.weekday_picker(goal)
    await _shown(query, context, message)


async def weekday_toggled(update: Update, context: PeerContext) -> None:
    """Tick or untick a day in the weekday picker."""
    pressed = await _goal_press(update, context, ToggleWeekday)
    if pressed is None:
        return
    query, button, _, goal = pressed
    if not 0 <= button.mask < 128:
        await button_expired(query)
        return
    await _shown(query, context, goal_messages.days_picker(goal, button.mask))


async def weekdays_confirmed(update: Update, context: PeerContext) -> None:
    """Take the weekdays ticked, then ask the time."""
    pressed = await _goal_press(update, context, ConfirmWeekdays)
    if pressed is None:
        return
    query, button, member, goal = pressed
    schedule = chosen_days(button.mask)
    if isinstance(schedule, GoalRefusal):
        await _refused(query, schedule)
        return
    await _shown(query, context, await _ask_time(context, member, goal, schedule))


async def weekday_chosen(update: Update, context: PeerContext) -> None:
    """Take the day of a once-a-week goal, then ask the time."""
    pressed = await _goal_press(update, context, ChooseWeekday)
    if pressed is None:
        return
    query, button, member, goal = pressed
    schedule = GoalSchedule.once_a_week(button.weekday)
    if schedule is None:
        await button_expired(query)
        return
    await _shown(query, context, await _ask_time(context, member, goal, schedule))


async def time_chosen(update: Update, context: PeerContext) -> None:
    """Set the schedule and the time tapped; a new goal then asks why."""
    pressed = await _goal_press(update, context, ChooseTime)
    if pressed is None:
        return
    query, button, member, goal = pressed
    at = f"{button.at:%H:%M}"
    await _shown(query, context, await _apply_plan(context, member, goal.id, button.schedule, at))


async def why_skipped(update: Update, context: PeerContext) -> None:
    """Start the new goal without a "why"."""
    pressed = await _goal_press(update, context, SkipWhy)
    if pressed is None:
        return
    query, _, member, goal = pressed
    if not goal.draft:
        await button_expired(query)
        return
    setup = await context.services.goals.set_why(member.user_id, goal.id, None)
    assert not isinstance(setup, TypeAgain)  # no words, none too many
    await _shown(query, context, await _activated(context, member, setup))


# -- buttons: answering a nudge ---------------------------------------------------------------


async def done_pressed(update: Update, context: PeerContext) -> None:
    """Mark a habit done for the day asked about."""
    pressed = await _goal_press(update, context, MarkDone)
    if pressed is None:
        return
    query, button, member, goal = pressed
    progress = await context.services.goals.mark_done(member.user_id, goal.id, button.day)
    if isinstance(progress, GoalRefusal):
        await _refused(query, progress)
        return
    await _shown(query, context, OutgoingMessage(goal_texts.done_reply(progress)))


async def not_today_pressed(update: Update, context: PeerContext) -> None:
    """Mark a habit not done for the day, then offer the reasons."""
    pressed = await _goal_press(update, context, NotToday)
    if pressed is None:
        return
    query, button, member, goal = pressed
    answered = await context.services.goals.not_today(member.user_id, goal.id, button.day)
    if isinstance(answered, GoalRefusal):
        await _refused(query, answered)
        return
    await _shown(query, context, goal_messages.reasons(goal, button.day))


async def reason_given(update: Update, context: PeerContext) -> None:
    """Keep what got in the way (or that the member would rather not say)."""
    pressed = await _goal_press(update, context, GiveReason)
    if pressed is None:
        return
    query, button, member, goal = pressed
    answered = await context.services.goals.not_today(
        member.user_id, goal.id, button.day, button.given
    )
    if isinstance(answered, GoalRefusal):
        await _refused(query, answered)
        return
    text = goal_texts.no_reason() if button.given is None else goal_texts.reason_noted()
    await _shown(query, context, OutgoingMessage(text))


async def snooze_pressed(update: Update, context: PeerContext) -> None:
    """Ask about the goal again in an hour, once."""
    pressed = await _goal_press(update, context, SnoozeNudge)
    if pressed is None:
        return
    query, button, member, goal = pressed
    when = await context.services.goals.snooze(member.user_id, goal.id, button.day)
    if isinstance(when, GoalRefusal):
        await _refused(query, when)
        return
    local = when.astimezone(zone_of(member.timezone)).strftime("%H:%M")
    await _shown(query, context, goal_messages.snoozed(goal, button.day, local))


async def count_pressed(update: Update, context: PeerContext) -> None:
    """Log a limit's count tapped for the day asked about."""
    pressed = await _goal_press(update, context, LogCount)
    if pressed is None:
        return
    query, button, member, goal = pressed
    if button.amount < 0:
        await button_expired(query)
        return
    progress = await context.services.goals.log_count(
        member.user_id, goal.id, button.day, button.amount
    )
    if isinstance(progress, GoalRefusal):
        await _refused(query, progress)
        return
    text = goal_texts.count_reply(progress, button.amount, button.day)
    await _shown(query, context, OutgoingMessage(text))


async def type_count_pressed(update: Update, context: PeerContext) -> None:
    """Ask for a count of 10 or more to be typed."""
    pressed = await _goal_press(update, context, TypeCount)
    if pressed is None:
        return
    query, button, member, goal = pressed
    if not context.services.goals.answerable(member.timezone, button.day):
        await _refused(query, GoalRefusal.TOO_OLD)
        return
    await context.services.members.wait_for(member.user_id, AwaitingGoalCount(goal.id, button.day))
    await _shown(query, context, goal_messages.count_question(goal, button.day))


# -- buttons: managing ------------------------------------------------------------------------


async def manage_pressed(update: Update, context: PeerContext) -> None:
    """Show one goal's progress with its buttons."""
    pressed = await _goal_press(update, context, ManageGoal)
    if pressed is None:
        return
    query, _, member, goal = pressed
    if goal.draft:
        await button_expired(query)
        return
    progress = await context.services.goals.progress(member.user_id, goal.id)
    if isinstance(progress, GoalRefusal):
        await _refused(query, progress)
        return
    await _shown(query, context, goal_messages.manage(progress))


async def change_schedule_pressed(update: Update, context: PeerContext) -> None:
    """Choose a running goal's schedule and time again."""
    pressed = await _goal_press(update, context, ChangeSchedule)
    if pressed is None:
        return
    query, _, member, goal = pressed
    if goal.draft:
        await button_expired(query)
        return
    await context.services.members.wait_for(member.user_id, AwaitingGoalStep(goal.id))
    await _shown(query, context, goal_messages.schedule_question(goal))


async def pause_pressed(update: Update, context: PeerContext) -> None:
    """Stop nudging about this goal until it is resumed."""
    await _set_paused(update, context, PauseGoal)


async def resume_pressed(update: Update, context: PeerContext) -> None:
    """Nudge about a paused goal again."""
    await _set_paused(update, context, ResumeGoal)


async def _set_paused(
    update: Update, context: PeerContext, kind: type[PauseGoal] | type[ResumeGoal]
) -> None:
    pressed = await _goal_press(update, context, kind)
    if pressed is None:
        return
    query, _, member, goal = pressed
    goals = context.services.goals
    change = goals.pause if kind is PauseGoal else goals.resume
    changed = await change(member.user_id, goal.id)
    progress = (
        changed
        if isinstance(changed, GoalRefusal)
        else await goals.progress(member.user_id, changed.id)
    )
    if isinstance(progress, GoalRefusal):
        await _refused(query, progress)
        return
    await _shown(query, context, goal_messages.manage(progress))


async def archive_asked(update: Update, context: PeerContext) -> None:
    """Ask before archiving a goal."""
    pressed = await _goal_press(update, context, AskArchive)
    if pressed is None:
        return
    query, _, _, goal = pressed
    if goal.draft:
        await button_expired(query)
        return
    await _shown(query, context, goal_messages.archive_confirm(goal))


async def archive_confirmed(update: Update, context: PeerContext) -> None:
    """Archive the goal: no more nudges; its history stays."""
    pressed = await _goal_press(update, context, ArchiveGoal)
    if pressed is None:
        return
    query, _, member, goal = pressed
    archived = await context.services.goals.archive(member.user_id, goal.id)
    if isinstance(archived, GoalRefusal):
        await _refused(query, archived)
        return
    await _shown(query, context, OutgoingMessage(goal_texts.archived(archived)))


def handlers() -> list[BaseHandler[Any, PeerContext, Any]]:
    private = filters.ChatType.PRIVATE
    buttons: dict[type[Button], ButtonHandler] = {
        StartNewGoal: new_goal_pressed,
        ShowGoals: show_goals_pressed,
        ChooseKind: kind_chosen,
        ChoosePeriod: period_chosen,
        ChooseSchedule: schedule_chosen,
        ToggleWeekday: weekday_toggled,
        ConfirmWeekdays: weekdays_confirmed,
        ChooseWeekday: weekday_chosen,
        ChooseTime: time_chosen,
        SkipWhy: why_skipped,
        MarkDone: done_pressed,
        NotToday: not_today_pressed,
        GiveReason: reason_given,
        SnoozeNudge: snooze_pressed,
        LogCount: count_pressed,
        TypeCount: type_count_pressed,
        ManageGoal: manage_pressed,
        ChangeSchedule: change_schedule_pressed,
        PauseGoal: pause_pressed,
        ResumeGoal: resume_pressed,
        AskArchive: archive_asked,
        ArchiveGoal: archive_confirmed,
    }
    return [
        CommandHandler("newgoal", newgoal_command, filters=private),
        CommandHandler("goals", goals_command, filters=private),
        CommandHandler("done", done_command, filters=private),
        *(
            CallbackQueryHandler(handler, pattern=button.route())
            for button, handler in buttons.items()
        ),
    ]


def cancels() -> dict[type[Pending], Cancel]:
    return dict.fromkeys(GOAL_PENDING, cancel_goal_step)


def answers() -> dict[type[Pending], TextAnswer]:
    return {
        AwaitingGoalTitle: title_typed,
        AwaitingGoalStep: step_typed,
        AwaitingGoalTarget: target_typed,
        AwaitingGoalTime: time_typed,
        AwaitingGoalWhy: why_typed,
        AwaitingGoalCount: count_typed,
    }
