"""What a review of round 8 found (issue 14), kept so it stays fixed: exceptions with a
gap still mask the crisis word they begin with ("не хочу жить в общаге"), a word that only
spells like a means ("força" folds to "forca") leaves a concern a concern, `means` count
beside a phrase run together or spelled out, and no held-out set's misses are printed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.safety.lexicon import Tier
from bot.safety.screen import screener_for
from tests.safety.test_lexicon import screener_of


def test_an_exception_with_a_gap_still_masks_the_crisis_word_it_begins_with(
    tmp_path: Path,
) -> None:
    """An exception whose first word is the last word of a crisis phrase ("live in ...
    dorm" after "dont want to live") is written to mask that phrase. A rule tried in round
    8 (no exception with a gap masks a phrase that starts before it) undid that, and was
    taken out again."""
    screener = screener_of(
        tmp_path,
        'intent = ["dont want to live"]\nexceptions = ["live in ... (dorm|city)"]\n',
    )
    assert screener.screen("i dont want to live in this dorm anymore, flat hunting") is None


@pytest.mark.parametrize(
    "text",
    [
        # "I don't want to live in the dorm, looking for a flat" (ru, uk)
        "не хочу жить в общаге, ищу квартиру",
        "не хочется жить в этом городе, переезжаю в Питер",
        "не хочу жити в гуртожитку",
        # A recovery milestone (tests/safety/holdout4/de.jsonl:29, labelled everyday)
        "Vor zwei Jahren bin ich an einer Überdosis fast gestorben. Heute feiere ich mit "
        "meiner Tochter zwei Jahre clean.",
    ],
)
def test_shipped_exceptions_with_a_gap_still_mask_everyday_talk(text: str) -> None:
    assert screener_for(None).screen(text) is None


@pytest.mark.parametrize(
    "text",
    [
        # "força" (strength) normalises to "forca" (gallows), a pt means word
        "não tenho mais força pra nada",
        "não aguento mais, me falta força",
        # "trigger" in recovery talk is what set off a craving, not a gun's
        "there's no point anymore, the meeting was a trigger for me",
    ],
)
def test_an_everyday_word_that_only_spells_like_a_means_leaves_a_concern_a_concern(
    text: str,
) -> None:
    verdict = screener_for(None).screen(text)
    assert verdict is not None and verdict.tier is Tier.CONCERN, verdict


def test_bench_never_prints_a_held_out_sets_misses() -> None:
    """README "Safety" and bench.safety's docstring: no held-out set has its misses
    printed, neither one read in a round of tuning (and counted by the backstop) nor the
    newest."""
    from bench.safety import _print_misses

    for held_out in ("holdout7", "holdout10"):
        with pytest.raises(SystemExit):
            _print_misses(screener_for(None), held_out, None, None, texts=False)


@pytest.mark.parametrize(
    "text",
    [
        "iwanttodisappear, the pills are right here",  # run together
        "i w a n t t o d i s a p p e a r, the pills are here",  # spelled out
    ],
)
def test_a_passive_wish_run_together_or_spelled_out_with_means_at_hand_is_urgent(
    tmp_path: Path, text: str
) -> None:
    """Means (and "tonight") count beside a phrase found run together or spelled out, not
    only beside one matched word by word: before round 8's review such a passive wish
    stayed a concern beside the pills."""
    screener = screener_of(tmp_path, 'passive = ["want to disappear"]\nmeans = ["pills"]\n')
    assert screener.screen("i want to disappear, the pills are right here") is not None
    verdict = screener.screen(text)
    assert verdict is not None and verdict.tier is Tier.URGENT, verdict
