"""How the screen matches, where a faster matcher could go wrong: every place a phrase
matches is found, and an exception masks only the words it took (not those in its gap)."""

from __future__ import annotations

from pathlib import Path

from bot.safety.lexicon import Category, Tier
from tests.safety.test_lexicon import screener_of


def test_a_phrase_is_found_again_after_a_masked_match(tmp_path: Path) -> None:
    screener = screener_of(
        tmp_path, 'intent = ["want to die"]\nexceptions = ["(he|she) said i want to die"]\n'
    )
    assert screener.screen("he said i want to die") is None
    verdict = screener.screen("he said i want to die. i want to die")
    assert verdict is not None and verdict.categories == {Category.INTENT}


def test_an_exception_does_not_mask_the_words_in_its_gap(tmp_path: Path) -> None:
    screener = screener_of(
        tmp_path, 'intent = ["kill myself"]\nexceptions = ["before ... after"]\n'
    )
    verdict = screener.screen("before i kill myself after")
    assert verdict is not None and verdict.tier is Tier.URGENT
    assert screener.screen("before i kill it after") is None


def test_an_exception_masks_its_optional_last_word(tmp_path: Path) -> None:
    screener = screener_of(
        tmp_path,
        'self_harm = ["cut"]\nintent = ["die"]\nexceptions = ["(hair|onion) ... cut (die|)"]\n',
    )
    assert screener.screen("my hair got cut die") is None  # the exception took "die"
    verdict = screener.screen("my hair got cut. i want to die")
    assert verdict is not None and verdict.categories == {Category.INTENT}


def test_a_phrase_starting_with_word_sequences_matches_anywhere(tmp_path: Path) -> None:
    screener = screener_of(
        tmp_path,
        'hopelessness = ["(i am|im|i feel) (worthless|a lost cause)"]\n'
        'exceptions = ["(not|never) (i am|im|i feel) (worthless|a lost cause)"]\n',
    )
    for text in ("honestly some days i feel a lost cause", "well im worthless"):
        verdict = screener.screen(text)
        assert verdict is not None and verdict.tier is Tier.CONCERN, text
    assert screener.screen("never i feel worthless") is None


def test_a_long_text_is_matched_the_same_way(tmp_path: Path) -> None:
    screener = screener_of(
        tmp_path,
        'intent = ["want to die", "suicid*"]\n'
        'exceptions = ["(he|she) said i want to die", "before ... after"]\n',
    )
    padding = "so anyway " * 40  # long texts are matched where first words stand
    assert screener.screen(padding + "he said i want to die") is None
    for text in ("he said i want to die. i want to die", "before i feel suicidal after"):
        verdict = screener.screen(padding + text)
        assert verdict is not None and verdict.tier is Tier.URGENT, text


def test_a_group_matches_through_each_choice_whatever_word_it_needs(tmp_path: Path) -> None:
    # Each choice needs other words ("trop", "rien", a prefix, a nested group): a phrase is
    # passed over only when none of them is in the text, never when one choice could match.
    screener = screener_of(
        tmp_path,
        'hopelessness = ["je (suis de trop|vaux rien|sers plus a rien|me sens inutil*'
        '|suis (bon|bonne) a jeter) ... maintenant"]\n',
    )
    for text in (
        "je suis de trop maintenant",
        "je vaux rien du tout maintenant",
        "je sers plus a rien maintenant",
        "je me sens inutilisable maintenant",
        "je suis bonne a jeter maintenant",
    ):
        verdict = screener.screen(text)
        assert verdict is not None and verdict.categories == {Category.HOPELESSNESS}, text
    for text in ("je suis de retour maintenant", "je me sens bien maintenant", "je suis bonne"):
        assert screener.screen(text) is None, text
