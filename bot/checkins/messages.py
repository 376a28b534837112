"""What a check-in sends, as pure functions: its questions and replies, with their buttons."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.checkins.callbacks import (
    AddNote,
    Answers,
    ChooseConfidence,
    ChooseMood,
    CrisisResources,
    Naming,
    ShowPeriod,
    ShowSafetyPlan,
    SkipNote,
    TalkToModerator,
    TellCircle,
)
from bot.checkins.rules import (
    CONFIDENCES,
    MOODS,
    PERIODS,
    CheckinReflection,
    SupportOffer,
    is_low,
    past,
)
from bot.outgoing import Buttons, OutgoingMessage, rows
from bot.texts import checkins as checkin_texts
from bot.texts import circles as circle_texts
from bot.texts import trends as trend_texts


def mood_question(day: date, today: date | None = None) -> OutgoingMessage:
    """The first question; `today` tells a day filled in later from today's."""
    buttons = [(checkin_texts.mood_label(m), ChooseMood(day, m).pack()) for m in MOODS]
    earlier = past(day, today)
    text = checkin_texts.ask_mood() if earlier is None else checkin_texts.ask_mood_for(earlier)
    # Three to a row: a digit, a face and a word stay whole at phone width.
    return OutgoingMessage(text, rows(buttons, 3))


def confidence_question(day: date, mood: int, today: date | None = None) -> OutgoingMessage:
    buttons = [(str(c), ChooseConfidence(day, mood, c).pack()) for c in CONFIDENCES]
    return OutgoingMessage(checkin_texts.ask_confidence(mood, past(day, today)), rows(buttons, 6))


def note_question(
    day: date, mood: int, confidence: int, replaced: bool, today: date | None = None
) -> OutgoingMessage:
    answers = Answers.of(replaced)
    return OutgoingMessage(
        checkin_texts.ask_note(mood, confidence, is_low(mood, confidence), past(day, today)),
        (
            (
                (checkin_texts.button_add_note(), AddNote(day, answers).pack()),
                (checkin_texts.button_skip(), SkipNote(day, answers).pack()),
            ),
        ),
    )


def closed_step(
    step: ChooseMood | ChooseConfidence | AddNote | SkipNote, today: date, kept: bool
) -> OutgoingMessage:
    """A step of a check-in older than the back-fill window: closed, keeping what was
    given. A mood or both answers can still count for today, with one more tap."""
    offer = isinstance(step, ChooseMood | ChooseConfidence)
    closed = checkin_texts.checkin_too_old(step.day, kept, offer)
    if not offer:
        return OutgoingMessage(closed)
    for_today = replace(step, day=today).pack()
    return OutgoingMessage(closed, (((checkin_texts.button_use_for_today(), for_today),),))


def support_buttons(offer: SupportOffer) -> Buttons:
    """Their circle if they have one, else a moderator where there are any; always their
    safety plan (or making one) and the crisis resources, so no hard day is a dead end."""
    found: list[tuple[tuple[str, str], ...]] = []
    if offer.circle:
        found += [
            ((circle_texts.button_tell_circle(), TellCircle(Naming.ANONYMOUS).pack()),),
            ((circle_texts.button_tell_circle_named(), TellCircle(Naming.NAMED).pack()),),
        ]
    elif offer.moderators:
        found.append(((checkin_texts.button_talk_moderator(), TalkToModerator().pack()),))
    plan = checkin_texts.button_show_plan() if offer.has_plan else checkin_texts.button_make_plan()
    found += [
        ((plan, ShowSafetyPlan().pack()),),
        ((checkin_texts.button_crisis(), CrisisResources().pack()),),
    ]
    return tuple(found)


def checkin_reply(
    reflection: CheckinReflection,
    replaced: bool,
    offer: SupportOffer | None,
    note_saved: bool = False,
) -> OutgoingMessage:
    """The reply after a check-in: on a hard day support first, with its buttons."""
    if not reflection.support or offer is None:
        return OutgoingMessage(checkin_texts.checkin_reply(reflection, replaced, note_saved))
    return OutgoingMessage(
        checkin_texts.hard_day_reply(reflection, replaced, offer, note_saved),
        support_buttons(offer),
    )


def support_message(offer: SupportOffer) -> OutgoingMessage:
    """The support block alone, e.g. when the circle can no longer be reached."""
    return OutgoingMessage(checkin_texts.support_lines(offer), support_buttons(offer))


def period_buttons(shown: int) -> Buttons:
    """/trends: 7, 30 and 90 days in one row, the period on screen ticked."""
    return (
        tuple(
            (trend_texts.period_label(days, days == shown), ShowPeriod(days).pack())
            for days in PERIODS
        ),
    )
