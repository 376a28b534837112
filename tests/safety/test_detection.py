"""The screen measured on the project's labelled sets: the targets hold, per tier.

tests/safety/labelled is the set the lexicons are tuned on: the issue's targets are
asserted on it, so a lexicon change that quietly lowers recall or raises false alarms
fails here. tests/safety/fresh was written separately and never used for tuning; its
figures (bench/RESULTS.md) are the honest estimate for unseen messages, and a floor at
what was first measured keeps them from sliding back.
"""

from __future__ import annotations

import pytest

from bot.safety.evaluation import FRESH, Report, evaluate, load_examples
from bot.safety.screen import Screener, screener_for

URGENT_RECALL = 0.97
CONCERN_RECALL = 0.90
FALSE_ALARMS = 0.05
# The unseen set, as first measured with the final lexicons (bench/RESULTS.md): a floor.
FRESH_URGENT_FLOOR = 0.80
FRESH_CONCERN_FLOOR = 0.77
FRESH_FALSE_ALARMS_CEILING = 0.02


def screener() -> Screener:
    return screener_for(None)


def test_the_labelled_sets_are_big_and_broad() -> None:
    examples = load_examples()
    assert len(examples) >= 600
    languages = {"en", "es", "pt", "fr", "de", "it", "ru", "uk"}
    for found in (examples, load_examples(FRESH)):
        assert {e.language for e in found} >= languages
        assert {e.tier for e in found} == {"urgent", "concern", "none"}
    texts = [e.text for e in examples] + [e.text for e in load_examples(FRESH)]
    assert len(set(texts)) == len(texts)  # no message in both sets


def _misses(report: Report) -> str:
    return "\n".join(
        f"{e.language} {e.tier}/{e.category} -> {f}: {e.text}" for e, f in report.misses
    )


def test_targets_hold_on_the_labelled_set() -> None:
    measured = evaluate(screener(), load_examples())
    assert measured.overall["urgent"].value >= URGENT_RECALL, _misses(measured)
    assert measured.overall["concern"].value >= CONCERN_RECALL, _misses(measured)
    assert measured.overall["none"].value <= FALSE_ALARMS, _misses(measured)


def test_the_unseen_set_does_not_slide_back() -> None:
    measured = evaluate(screener(), load_examples(FRESH))
    assert measured.overall["urgent"].value >= FRESH_URGENT_FLOOR
    assert measured.overall["concern"].value >= FRESH_CONCERN_FLOOR
    assert measured.overall["none"].value <= FRESH_FALSE_ALARMS_CEILING


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
