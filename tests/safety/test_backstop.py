"""The backstop: a second opinion, from counts of the project's own labelled sets, on
messages no lexicon phrase matched."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.safety.backstop import (
    MODEL,
    Backstop,
    Counts,
    count,
    cross_validate,
    features,
    shipped,
)
from bot.safety.evaluation import example_sets, load_examples
from bot.safety.lexicon import Lexicon, Tier, load, load_file
from bot.safety.normalise import normalise
from bot.safety.screen import Screener, screener_for
from tests.safety.test_recall_families import EVERYDAY
from tests.safety.test_recall_families_round3 import EVERYDAY as EVERYDAY_ROUND3


def _words(text: str) -> list[str]:
    return normalise(text).words


def _small() -> Backstop:
    """A backstop counted from a few made-up examples, each pattern seen at least twice."""
    examples = [
        ("i gave my guitar to my brother for good", "urgent"),
        ("gave my cat to my sister for good", "urgent"),
        ("i wrote my letters and gave my things away for good", "urgent"),
        ("everything feels grey and pointless", "concern"),
        ("it all feels pointless and grey lately", "concern"),
        ("grey pointless weeks", "concern"),
        ("so grey and so pointless", "concern"),
        ("grey and pointless, all of it", "concern"),
    ] + [(f"went to my meeting number {n} and had a coffee", "none") for n in range(40)]
    return Backstop(count(examples))


def test_features_are_word_beginnings_and_their_pairs() -> None:
    assert features(["decided", "tonight"]) == {"decid", "tonig", "decid tonig"}
    assert features([]) == set()


def test_it_speaks_only_when_everyday_talk_is_very_unlikely() -> None:
    backstop = _small()
    assert backstop.judge(_words("gave my dog to my mum for good")) is Tier.URGENT
    assert backstop.judge(_words("so grey and pointless today")) is Tier.CONCERN
    assert not backstop.hears(_words("went to my meeting and had a coffee"))
    assert not backstop.hears(_words(""))  # the prior alone says everyday talk


def test_each_feature_is_counted_per_example_and_class() -> None:
    counts = count([("alpha beta", "urgent"), ("delta", "none"), ("delta delta", "none")])
    assert counts.holding["alpha"] == (1, 0, 0) and counts.holding["alpha beta"] == (1, 0, 0)
    assert counts.holding["delta"] == (0, 0, 2)  # held by two examples, once each
    assert counts.examples == {"urgent": 1, "concern": 0, "none": 2}


def _lexicon(tmp_path: Path, body: str) -> Lexicon:
    path = tmp_path / "xx.toml"
    path.write_text(body, encoding="utf-8")
    lexicon = Lexicon()
    load_file(path, lexicon)
    return lexicon


def test_the_screen_asks_it_only_where_no_phrase_and_no_exception_matched(
    tmp_path: Path,
) -> None:
    lexicon = _lexicon(
        tmp_path, 'hopelessness = ["hopeless"]\nexceptions = ["gave my guitar away for good"]\n'
    )
    with_backstop = Screener(lexicon, _small())
    # A phrase matched: the lexicon's verdict, with its category.
    found = with_backstop.screen("so hopeless")
    assert found is not None and found.tier is Tier.CONCERN and found.categories
    assert not found.unsure
    # No phrase: the tier the backstop leans to, with no category: unsure.
    second = with_backstop.screen("gave my dog to my mum for good")
    assert second is not None and second.tier is Tier.URGENT and second.unsure
    third = with_backstop.screen("so grey and pointless today")
    assert third is not None and third.tier is Tier.CONCERN and third.unsure
    # An everyday figure of speech recognised: no second opinion overrules it.
    assert with_backstop.screen("gave my guitar away for good") is None
    assert _small().hears(_words("gave my guitar away for good"))
    assert Screener(lexicon).screen("gave my dog to my mum for good") is None


def test_the_shipped_counts_are_what_the_tuning_sets_make_today() -> None:
    examples = [
        (example.text, example.tier)
        for found in example_sets()
        if found.counted
        for example in load_examples(found.folder)
    ]
    assert MODEL.read_text(encoding="utf-8") == count(examples).to_json() + "\n", (
        "the labelled sets changed: run `python -m bot.safety.backstop`"
    )
    assert Counts.from_json(count(examples).to_json()) == count(examples)


def test_the_shipped_screen_has_it_and_the_config_can_turn_it_off() -> None:
    backstop = shipped()
    assert screener_for(None)._backstop is backstop
    assert screener_for(None, False)._backstop is None
    # The shipped counts hear crisis talk the lexicons do not list, and stay quiet on
    # everyday recovery talk.
    assert backstop.hears(_words("after the funeral i will go and be with her, it is sorted"))
    assert not backstop.hears(_words("cravings were bad but I went to my meeting"))


def test_an_operator_phrase_still_names_its_category(tmp_path: Path) -> None:
    lexicon = _lexicon(tmp_path, 'language = "en"\nhopelessness = ["grey fog"]\n')
    verdict = Screener(lexicon, shipped()).screen("the grey fog again")
    assert verdict is not None and verdict.tier is Tier.CONCERN and verdict.categories


def test_near_misses_of_the_phrases_wake_it_at_most_a_quarter_of_the_time() -> None:
    """Sentences written to sit right beside crisis phrases ("I have enough pills for the
    trip") are where a word-count model errs most, and why it is heard only for a message
    typed with nothing pending: 35 of 115 are heard when the counts were last made, 14 of
    them as urgent. It was 27 and 11 before runs of three words became features: a trade
    measured in cross-validation (urgent found urgent 87.8% against 85.6%, false alarms
    on everyday talk 4.4% against 4.0%). Before that: 16, then 24, with smaller sets; 8
    urgent before the urgent bar went from 0.9999 to 0.9995. More after a change to the
    sets means re-measuring (README "Safety")."""
    screener = screener_for(None)
    near = [*EVERYDAY, *EVERYDAY_ROUND3]
    verdicts = [screener.screen(text) for text in near]
    heard = [v for v in verdicts if v is not None]
    assert len(heard) <= 35, [t for t, v in zip(near, verdicts, strict=True) if v]
    assert sum(v.tier is Tier.URGENT for v in heard) <= 14
    assert all(v.unsure for v in heard)


def test_cross_validation_asks_about_each_example_from_counts_without_its_fold() -> None:
    examples = [(f"went to meeting {n}", "none", "none", n % 3) for n in range(9)]
    examples += [("gave my cat away for good", "urgent", "urgent", n) for n in range(3)]
    found = cross_validate(examples)
    assert set(found) == {"none", "urgent"}
    assert found["none"].startswith("0/9") and found["urgent"].split()[0].endswith("/3")
    # Counted from the other folds only: a message alone in its fold's words is heard only
    # when the same words are counted regardless.
    alone = [*examples[:9], ("gave my cat away for good", "urgent", "urgent", 0)]
    assert cross_validate(alone)["urgent"].startswith("0/1")
    always = [("gave my cat away for good", "urgent")] * 3
    assert cross_validate(alone, always)["urgent"].startswith("1/1")


@pytest.mark.parametrize(
    "text",
    [
        "I can't go on, I've made up my mind and it ends tonight",
        "j'ai tout pris d'un coup, je veux pas me réveiller",
        "я больше не могу, сегодня всё закончится",
    ],
)
def test_a_listed_concern_that_sounds_urgent_beyond_doubt_is_urgent(
    text: str, tmp_path: Path
) -> None:
    """The phrase found says only "concern" (hopeless, a wish not to wake up); the backstop
    hears urgent twenty times likelier than concern, so the moderators get the alert that
    is repeated until someone takes it. The phrase's categories stay: it is no guess.
    (Concern phrases of its own: the shipped lexicons may list these words as urgent.)"""
    lexicon = _lexicon(
        tmp_path,
        'language = "xx"\nhopelessness = ["(cant|can\'t) go on", "больше не могу"]\n'
        'passive = ["pas me reveiller"]\n',
    )
    alone = Screener(lexicon).screen(text)
    assert alone is not None and alone.tier is Tier.CONCERN
    verdict = Screener(lexicon, shipped()).screen(text)
    assert verdict is not None and verdict.tier is Tier.URGENT and verdict.raised
    assert verdict.categories == alone.categories and not verdict.unsure
    assert verdict.as_listed() == alone  # where the backstop is not heard


@pytest.mark.parametrize(
    "figure",
    [
        "banged my head against my table.",
        "I banged my head on the cupboard this morning.",
        "took all my pills this morning.",
    ],
)
def test_words_an_exception_masked_never_raise_the_concern_beside_them(figure: str) -> None:
    """An everyday figure of speech was recognised: no second opinion hears its words
    (found by the review of round 10: they made the concern beside them urgent)."""
    concern = "I'm tired of existing"
    text = f"{figure} {concern}"
    lexicons = Screener(load(None)).screen(text)
    assert lexicons is not None and lexicons.tier is Tier.CONCERN
    verdict = screener_for(None).screen(text)
    assert verdict is not None and verdict.tier is Tier.CONCERN, verdict
