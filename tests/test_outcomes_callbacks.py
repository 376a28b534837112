"""The questionnaires' wire strings, and the round trip of every value through pack and
parse within Telegram's 64 bytes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.callbacks import MAX_BUTTON_BYTES, Button
from bot.journey.callbacks import Choice
from bot.outcomes import messages as outcome_messages
from bot.outcomes.callbacks import (
    AnswerItem,
    LaterMeasure,
    OptIn,
    StartMeasure,
    Stop,
    StopMeasures,
)
from bot.outcomes.questionnaire import ID_PATTERN, load
from bot.outcomes.rules import Sitting
from bot.outgoing import OutgoingMessage

GOLDEN: list[tuple[Button, str]] = [
    (OptIn(Choice.YES), "oc:in:y"),
    (OptIn(Choice.NO), "oc:in:n"),
    (StartMeasure("who5"), "oc:go:who5"),
    (LaterMeasure("gse"), "oc:later:gse"),
    (AnswerItem(123456789, 9, 4), "oc:a:123456789:9:4"),
    (StopMeasures(Stop.KEEP), "oc:stop:k"),
    (StopMeasures(Stop.DELETE), "oc:stop:d"),
    (StopMeasures(Stop.CANCEL), "oc:stop:c"),
]


@pytest.mark.parametrize(("value", "wire"), GOLDEN, ids=[wire for _, wire in GOLDEN])
def test_each_questionnaire_button_keeps_its_wire_string(value: Button, wire: str) -> None:
    assert value.pack() == wire
    assert type(value).parse(wire) == value


def _data(message: OutgoingMessage) -> list[str]:
    return [data for row in message.buttons for _, data in row]


def test_an_item_offers_every_answer_then_later() -> None:
    who5 = load(None, "en")["who5"]
    shown = outcome_messages.item(Sitting(41, who5, (5, 4)))
    assert "WHO-5 · 3 of 5" in shown.text
    assert _data(shown) == [f"oc:a:41:2:{v}" for v in (5, 4, 3, 2, 1, 0)] + ["oc:later:who5"]
    assert _data(outcome_messages.offer()) == ["oc:in:y", "oc:in:n"]
    assert _data(outcome_messages.invitation(who5)) == ["oc:go:who5", "oc:later:who5"]


@pytest.mark.parametrize(
    "forged",
    [
        "oc:in:x",
        "oc:a:1:2",
        "oc:a:x:1:2",
        "oc:stop:z",
        "oc:go",
        "oc:a:1:2:3:4",
        "oc:a:9999999999999999999:0:1",  # 19 digits past SQLite's integers
    ],
)
def test_forged_data_parses_to_nothing(forged: str) -> None:
    kinds: list[type[Button]] = [OptIn, StartMeasure, LaterMeasure, AnswerItem, StopMeasures]
    assert all(kind.parse(forged) is None for kind in kinds)


@settings(deadline=None)
@given(
    sitting=st.integers(min_value=1, max_value=2**63 - 1),
    item=st.integers(min_value=0, max_value=39),
    value=st.integers(min_value=0, max_value=100),
    questionnaire=st.from_regex(ID_PATTERN, fullmatch=True),
)
def test_every_button_round_trips_within_64_bytes(
    sitting: int, item: int, value: int, questionnaire: str
) -> None:
    for button in (
        AnswerItem(sitting, item, value),
        StartMeasure(questionnaire),
        LaterMeasure(questionnaire),
    ):
        wire = button.pack()
        assert len(wire.encode()) <= MAX_BUTTON_BYTES
        assert type(button).parse(wire) == button


def test_measures_speak_of_a_heavy_fortnight_only_while_the_score_is_that_recent() -> None:
    from datetime import date, timedelta

    from bot.outcomes.rules import OutcomeView, Standing

    who5 = load(None, "en")["who5"]
    today = date(2026, 12, 1)

    def shown(scored: date) -> str:
        standing = Standing(who5, ((scored, 20.0),), False, None, today + timedelta(days=3))
        view = OutcomeView(True, today, (standing,), None)
        return outcome_messages.measures(view, "LINES").text

    assert "sound heavy" in shown(today - timedelta(days=3)) and "LINES" in shown(today)
    assert "sound heavy" not in shown(today - timedelta(days=30))
