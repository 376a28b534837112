"""Questionnaire messages with their buttons, as pure functions (buttons: callbacks.py).

A questionnaire is one message edited in place: the invitation becomes the first item, each
answer the next, the last the result.
"""

from __future__ import annotations

from datetime import timedelta

from bot.journey.callbacks import Choice
from bot.outcomes.callbacks import (
    AnswerItem,
    LaterMeasure,
    OptIn,
    StartMeasure,
    Stop,
    StopMeasures,
)
from bot.outcomes.questionnaire import Questionnaire, said
from bot.outcomes.rules import NotToday, OutcomeView, Result, Sitting, Standing
from bot.outgoing import Buttons, OutgoingMessage
from bot.texts import outcomes as outcome_texts

RECENT_DAYS = 14


def _opt_in_buttons() -> Buttons:
    return (
        ((outcome_texts.button_opt_in(), OptIn(Choice.YES).pack()),),
        ((outcome_texts.button_no_thanks(), OptIn(Choice.NO).pack()),),
    )


def offer() -> OutgoingMessage:
    """The one-time offer, a week after joining."""
    return OutgoingMessage(outcome_texts.offer(), _opt_in_buttons())


def invitation(questionnaire: Questionnaire, done: int = 0) -> OutgoingMessage:
    """A questionnaire is due (or one half-answered can go on): Start, or Later."""
    name, count = said(questionnaire.name), len(questionnaire.items)
    text = (
        outcome_texts.invitation_continue(name, done, count)
        if done
        else outcome_texts.invitation(name, count)
    )
    go = outcome_texts.button_continue() if done else outcome_texts.button_start()
    return OutgoingMessage(
        text,
        (
            ((go, StartMeasure(questionnaire.id).pack()),),
            ((outcome_texts.button_later(), LaterMeasure(questionnaire.id).pack()),),
        ),
    )


def item(sitting: Sitting) -> OutgoingMessage:
    """The next item: its answers one a row (long labels fit a phone), then Later."""
    questionnaire = sitting.questionnaire
    position = sitting.position
    text = outcome_texts.item(
        said(questionnaire.short_name),
        position + 1,
        len(questionnaire.items),
        said(questionnaire.recall),
        said(questionnaire.items[position].text),
    )
    answers = tuple(
        ((said(option.text), AnswerItem(sitting.response_id, position, option.value).pack()),)
        for option in questionnaire.options
    )
    later = ((outcome_texts.button_later(), LaterMeasure(questionnaire.id).pack()),)
    return OutgoingMessage(text, (*answers, later))


def result(done: Result, resources: str) -> str:
    """The score in plain words; under the questionnaire's line, a gentle word about
    talking to someone, with the crisis lines."""
    questionnaire = done.questionnaire
    low, high = questionnaire.scoring.range
    parts = [outcome_texts.result(said(questionnaire.name), done.score, low, high)]
    band = questionnaire.band(done.score)
    if band is not None:
        parts.append(outcome_texts.band(said(band.text)))
    if done.previous is not None:
        parts.append(outcome_texts.result_previous(*done.previous))
    parts.append(outcome_texts.next_around(done.next_on))
    text = f"{parts[0]}\n\n{' '.join(parts[1:])}"
    if reaches_out(questionnaire, done.score):
        text += "\n\n" + outcome_texts.reach_out(resources)
    return text


def reaches_out(questionnaire: Questionnaire, score: float) -> bool:
    below = questionnaire.scoring.reach_out_below
    return below is not None and score < below


def not_today(reason: NotToday) -> str:
    return {
        NotToday.PAUSED: outcome_texts.not_today_paused,
        NotToday.CRISIS: outcome_texts.not_today_crisis,
        NotToday.ANOTHER: outcome_texts.not_today_another,
    }[reason]()


def _standing_lines(standing: Standing) -> str:
    questionnaire = standing.questionnaire
    name = said(questionnaire.name)
    if not standing.scores:
        return outcome_texts.measure_none(name)
    low, high = questionnaire.scoring.range
    day, value = standing.scores[-1]
    line = outcome_texts.measure_latest(name, value, day, len(standing.scores))
    details = [outcome_texts.measure_scale(low, high)]
    if len(standing.scores) > 1:
        details.append(outcome_texts.measure_first(standing.scores[0][1], standing.scores[0][0]))
    return f"{line}\n{'; '.join(details)}"


def measures(view: OutcomeView, resources: str) -> OutgoingMessage:
    """/measures: the offer for a member who has not said yes; otherwise their scores in
    plain words, and a button for one that is due."""
    if view.consent is None or (view.consent is False and not _answered(view)):
        return OutgoingMessage(outcome_texts.measures_offer(), _opt_in_buttons())
    parts = [outcome_texts.measures_heading()]
    parts += [_standing_lines(s) for s in view.standings]
    buttons: Buttons = ()
    if view.consent is False:
        parts.append(outcome_texts.measures_stopped())
        buttons = (((outcome_texts.button_start_again(), OptIn(Choice.YES).pack()),),)
    else:
        ready = view.startable()
        if ready is not None:
            name = said(ready.questionnaire.name)
            parts.append(outcome_texts.measure_due(name))
            done = ready.open.position if ready.open else 0
            buttons = invitation(ready.questionnaire, done).buttons[:1]
        elif view.not_today is not None:
            parts.append(not_today(view.not_today))
        else:
            upcoming = [s.next_on for s in view.standings if s.next_on is not None]
            if upcoming:
                parts.append(outcome_texts.measure_next(min(upcoming)))
    parts.append(outcome_texts.measures_footer())
    # The gentle line speaks of "the last two weeks": only while the score is that recent.
    recent = view.today - timedelta(days=RECENT_DAYS)
    latest = [s for s in view.standings if s.scores and s.scores[-1][0] >= recent]
    for standing in latest:
        if reaches_out(standing.questionnaire, standing.scores[-1][1]):
            parts.append(outcome_texts.reach_out(resources))
            break
    return OutgoingMessage("\n\n".join(parts), buttons)


def _answered(view: OutcomeView) -> bool:
    return any(s.scores for s in view.standings)


def stop_question() -> OutgoingMessage:
    return OutgoingMessage(
        outcome_texts.stop_question(),
        (
            ((outcome_texts.button_carry_on(), StopMeasures(Stop.CANCEL).pack()),),
            ((outcome_texts.button_stop_keep(), StopMeasures(Stop.KEEP).pack()),),
            ((outcome_texts.button_stop_delete(), StopMeasures(Stop.DELETE).pack()),),
        ),
    )
