"""Journey messages with their buttons, as pure functions (buttons: bot/journey/callbacks.py)."""

from __future__ import annotations

from bot.journey.callbacks import (
    Choice,
    ShareMilestoneAgain,
    ShareMilestones,
    SkipSetbackNote,
    StartDay,
    StartJourney,
)
from bot.journey.rules import JourneyView, Sharing
from bot.outgoing import Buttons, OutgoingMessage
from bot.texts import checkins as checkin_texts
from bot.texts import journey as journey_texts


def milestone(days: int, ask_to_share: bool) -> OutgoingMessage:
    """The member's own celebration; after a setback, with the question whether their
    circle may hear about it again."""
    label = journey_texts.milestone_label(days)
    if not ask_to_share:
        return OutgoingMessage(journey_texts.milestone(label))
    return OutgoingMessage(
        f"{journey_texts.milestone(label)}\n\n{journey_texts.ask_share_again()}",
        (
            (
                (
                    journey_texts.button_share_this_one(),
                    ShareMilestoneAgain(Choice.YES, days).pack(),
                ),
            ),
            (
                (
                    journey_texts.button_keep_this_private(),
                    ShareMilestoneAgain(Choice.NO, days).pack(),
                ),
            ),
        ),
    )


def share_again_answered(days: int, shared: bool) -> str:
    """The celebration again, now with the member's answer under it."""
    celebration = journey_texts.milestone(journey_texts.milestone_label(days))
    answer = journey_texts.shared_again() if shared else journey_texts.kept_private_again()
    return f"{celebration}\n\n{answer}"


def no_journey() -> OutgoingMessage:
    """No journey yet: when did it start?"""
    return OutgoingMessage(
        journey_texts.journey_none(),
        (
            ((journey_texts.button_started_today(), StartJourney(StartDay.TODAY).pack()),),
            ((journey_texts.button_started_yesterday(), StartJourney(StartDay.YESTERDAY).pack()),),
        ),
    )


def share_buttons() -> Buttons:
    """Share milestones with the circle, or keep them private."""
    return (
        ((journey_texts.button_share_milestones(), ShareMilestones(Choice.YES).pack()),),
        ((journey_texts.button_keep_milestones(), ShareMilestones(Choice.NO).pack()),),
    )


def journey(view: JourneyView) -> OutgoingMessage:
    """/journey: the journey, asking about sharing milestones until the member answers."""
    if view.current is None:
        return no_journey()
    share = share_buttons() if view.sharing is Sharing.UNASKED else ()
    return OutgoingMessage(journey_texts.journey_view(view), share)


def ask_share_milestones() -> OutgoingMessage:
    return OutgoingMessage(journey_texts.ask_share_milestones(), share_buttons())


def ask_setback_note(journey_id: int) -> OutgoingMessage:
    """After a setback: a private note, or Skip."""
    return OutgoingMessage(
        journey_texts.ask_setback_note(),
        (((checkin_texts.button_skip(), SkipSetbackNote(journey_id).pack()),),),
    )
