"""The screen measured on the project's labelled sets: the targets hold, per tier.

tests/safety/labelled, tests/safety/fresh and tests/safety/former_holdout are the sets the
lexicons are tuned on: the issue's targets are asserted on each, so a lexicon change that
quietly lowers recall or raises false alarms fails here. fresh was at first never tuned on
(it measured urgent recall 80.4% and concern 77.8% then), nor was former_holdout (urgent
67.5%, concern 64.6%, false alarms 12.5%); the misses of both have since been generalised
into the lexicons, so the honest estimate for unseen messages is the held-out set
(tests/safety/holdout, when present), which bench.safety reports and nobody tunes on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.safety import set_lines, set_summaries
from bot.safety.evaluation import (
    FORMER_HOLDOUT,
    FRESH,
    LABELLED,
    TUNING,
    Report,
    evaluate,
    example_sets,
    load_examples,
)
from bot.safety.screen import Screener, screener_for

URGENT_RECALL = 0.97
CONCERN_RECALL = 0.90
FALSE_ALARMS = 0.05


def screener() -> Screener:
    return screener_for(None)


def test_the_labelled_sets_are_big_and_broad() -> None:
    examples = load_examples()
    assert len(examples) >= 600
    languages = {"en", "es", "pt", "fr", "de", "it", "ru", "uk"}
    for folder in TUNING:
        found = load_examples(folder)
        assert {e.language for e in found} >= languages
        assert {e.tier for e in found} == {"urgent", "concern", "none"}
    texts = [e.text for folder in (LABELLED, FRESH) for e in load_examples(folder)]
    assert len(set(texts)) == len(texts)  # no message in both sets
    # former_holdout was written apart, and 6 of its plainest sentences happen to be in
    # labelled word for word ("я для всіх тягар"); none twice within it.
    former = [e.text for e in load_examples(FORMER_HOLDOUT)]
    assert len(set(former)) == len(former) and len(set(former) & set(texts)) <= 6


def _misses(report: Report) -> str:
    return "\n".join(
        f"{e.language} {e.tier}/{e.category} -> {f}: {e.text}" for e, f in report.misses
    )


@pytest.mark.parametrize("folder", TUNING, ids=[folder.name for folder in TUNING])
def test_targets_hold_on_every_tuning_set(folder: Path) -> None:
    measured = evaluate(screener(), load_examples(folder))
    assert measured.overall["urgent"].value >= URGENT_RECALL, _misses(measured)
    assert measured.overall["concern"].value >= CONCERN_RECALL, _misses(measured)
    assert measured.overall["none"].value <= FALSE_ALARMS, _misses(measured)


# What each held-out set measured when it arrived, the screen then unseen by it (README
# "Safety"): urgent messages found urgent of 192, concern messages answered of 112, and
# false alarms of 176.
ON_ARRIVAL = {
    "holdout6": (157, 104, 5),
    "holdout7": (165, 103, 3),
    "holdout8": (180, 109, 1),
    "holdout9": (178, 109, 5),
    "holdout10": (185, 108, 1),
}


@pytest.mark.parametrize("name", sorted(ON_ARRIVAL))
def test_no_held_out_set_does_worse_than_when_it_arrived(name: str) -> None:
    """Targets are asserted on the tuning sets; these floors keep a later change from
    quietly lowering what the held-out sets showed, the newest (the estimate) above all.
    Its misses are not printed: nobody tunes on it."""
    report = evaluate(screener(), load_examples(LABELLED.with_name(name)))
    urgent, concern, false_alarms = ON_ARRIVAL[name]
    assert report.overall["urgent"].hits >= urgent
    assert report.overall["concern"].hits >= concern
    assert report.overall["none"].hits <= false_alarms


def test_held_out_folders_are_reported_after_the_tuning_sets_the_newest_as_such(
    tmp_path: Path,
) -> None:
    tuning = ["labelled", "fresh", "former held-out"]
    none = tmp_path / "no"
    # Not named as a shipped set whose misses were read (evaluation.READ_WHILE_TUNING).
    first, second = tmp_path / "earlier", tmp_path / "later"
    holdouts = [(first, "second held-out"), (second, "third held-out")]
    assert [s.name for s in example_sets(holdouts, none)] == tuning
    line = (
        '{"text": "i want to kill myself", "lang": "en", "tier": "urgent", "category": '
        '"intent"}\n{"text": "went to a meeting", "lang": "en", "tier": "none", "category": '
        '"everyday"}\n'
    )
    first.mkdir()
    (first / "en.jsonl").write_text(line, encoding="utf-8")
    only = example_sets(holdouts, none)
    assert [(s.name, s.tuned, s.counted, s.newest) for s in only][-1] == (
        "second held-out",
        False,
        False,
        True,
    )
    second.mkdir()
    (second / "en.jsonl").write_text(line, encoding="utf-8")
    both = example_sets(holdouts, none)
    assert [(s.name, s.newest) for s in both[-2:]] == [
        ("second held-out", False),
        ("third held-out", True),
    ]
    lines = set_lines(set_summaries(screener(), both[-2:]))
    assert lines == [
        "- Second held-out set (tests/safety/earlier, 2 messages in 1 languages; written "
        "apart, never tuned on, measured before later changes too): urgent recall 100.0% "
        "(1/1), concern recall 0.0% (0/0), false alarms 0.0% (0/1); urgent answered at any "
        "tier 100.0% (1/1); the backstop alone: 0 urgent, 0 concern, 0 false alarms.",
        "- Third held-out set (tests/safety/later, 2 messages in 1 languages; written apart, "
        "never tuned on, measured once: the honest estimate): urgent recall 100.0% (1/1), "
        "concern recall 0.0% (0/0), false alarms 0.0% (0/1); urgent answered at any tier "
        "100.0% (1/1); the backstop alone: 0 urgent, 0 concern, 0 false alarms.",
    ]


def test_the_shipped_held_out_sets_say_which_were_read_and_which_is_the_estimate() -> None:
    """Sets 2 to 5 were read in the sixth round of tuning, then each set in the round after
    it was measured; the newest, measured once, is the estimate. The backstop is counted
    from every set that was read, and never from the newest."""
    held = [s for s in example_sets() if s.folder.name.startswith("holdout")]
    assert [(s.folder.name, s.read, s.counted, s.newest) for s in held] == [
        ("holdout", True, True, False),
        ("holdout3", True, True, False),
        ("holdout4", True, True, False),
        ("holdout5", True, True, False),
        ("holdout6", True, True, False),
        ("holdout7", True, True, False),
        ("holdout8", True, True, False),
        ("holdout9", True, True, False),
        ("holdout10", False, False, True),
    ]
    lines = set_lines(set_summaries(screener(), [held[-2]]))
    assert "its misses were then read to tune the lexicons, and the backstop counts it" in lines[0]


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
