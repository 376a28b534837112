"""The screen measured on the project's labelled set: the targets hold, per tier.

The held-out third (a fixed split by a hash of each text) was never used to tune the
lexicons; the targets are asserted on it and on the whole set, so a lexicon change that
quietly lowers recall or raises false alarms fails here.
"""

from __future__ import annotations

from functools import cache

import pytest

from bot.safety.evaluation import Report, evaluate, load_examples
from bot.safety.lexicon import load
from bot.safety.screen import Screener

URGENT_RECALL = 0.97
CONCERN_RECALL = 0.90
FALSE_ALARMS = 0.05


@cache
def screener() -> Screener:
    return Screener(load())


def report(held_out: bool | None) -> Report:
    examples = load_examples()
    if held_out is not None:
        examples = [e for e in examples if e.held_out == held_out]
    return evaluate(screener(), examples)


def test_the_labelled_set_is_big_and_broad() -> None:
    examples = load_examples()
    assert len(examples) >= 600
    assert {e.language for e in examples} >= {"en", "es", "pt", "fr", "de", "it", "ru", "uk"}
    assert len({e.text for e in examples}) == len(examples)
    held_out = [e for e in examples if e.held_out]
    assert 0.25 < len(held_out) / len(examples) < 0.42


@pytest.mark.parametrize("held_out", [None, True], ids=["whole set", "held-out third"])
def test_targets_hold(held_out: bool | None) -> None:
    measured = report(held_out)
    misses = "\n".join(f"{e.language} {e.tier}/{e.category} -> {f}: {e.text}"
                       for e, f in measured.misses)  # fmt: skip
    assert measured.overall["urgent"].value >= URGENT_RECALL, misses
    assert measured.overall["concern"].value >= CONCERN_RECALL, misses
    assert measured.overall["none"].value <= FALSE_ALARMS, misses


@pytest.mark.parametrize(
    "text",
    [
        "i dont want to be here anymore, i want to kill myself",
        "kms fr",
        "gonna unalive myself",
        "I've been stockpiling my meds",
        "I wrote letters to everyone I love",
        "Me quiero morir",
        "Я больше не хочу жить",
        "I'm not going to kill myself, don't worry",  # negation is no reason for silence
        "k i l l m y s e l f",
        "k1ll mys3lf",
    ],
)
def test_the_issue_examples_are_urgent(text: str) -> None:
    verdict = screener().screen(text)
    assert verdict is not None and verdict.tier.value == "urgent", text


def test_a_passive_wish_is_concern() -> None:
    verdict = screener().screen("no one would even notice if I was gone")
    assert verdict is not None and verdict.tier.value == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "the suicide prevention walk was moving",
        "killing it at the gym",
        "dying to see you all at the meeting",
        "that cake was to die for",
        "dead tired after my shift",
        "my phone died again",
        "overdose awareness day is on sunday",
        "I used to want to die but today I laughed",
    ],
)
def test_everyday_figures_of_speech_stay_silent(text: str) -> None:
    assert screener().screen(text) is None, text


def test_a_long_message_is_screened_to_its_end() -> None:
    text = "a calm day at the meeting. " * 150 + "i want to kill myself"
    verdict = screener().screen(text)
    assert len(text) > 4000 and verdict is not None and verdict.tier.value == "urgent"
