"""Pseudonyms in the language current when they are drawn: the words and their order come
from the catalog (contexts "pseudonym adjective", "pseudonym animal"), English unchanged."""

from __future__ import annotations

import gettext
import random
from collections.abc import Sequence

import pytest

import bot.i18n
from bot.i18n import speaking
from bot.safety.pseudonyms import ADJECTIVES, ANIMALS, draw_pseudonym

_WORDS = {
    ("pseudonym adjective", "Quiet"): "Tranquilo",
    ("pseudonym animal", "Otter"): "Nutrio",
    (
        "pseudonym: adjective then animal; reorder for your language",
        "{adjective} {animal}",
    ): "{animal} {adjective}",
}


class _Spanish(gettext.NullTranslations):
    """A stand-in catalog: a few pseudonym words and the noun-first order."""

    def pgettext(self, context: str, message: str) -> str:
        return _WORDS.get((context, message), message)


def test_english_pseudonyms_are_the_same_words_for_the_same_draws() -> None:
    for seed in range(50):
        drawn, expected = random.Random(seed), random.Random(seed)
        adjective = expected.choice(ADJECTIVES)
        assert draw_pseudonym(drawn) == f"{adjective} {expected.choice(ANIMALS)}"


def test_a_pseudonym_is_drawn_in_the_current_language(monkeypatch: pytest.MonkeyPatch) -> None:
    def translations(language: str) -> gettext.NullTranslations:
        return _Spanish() if language == "es" else gettext.NullTranslations()

    monkeypatch.setattr(bot.i18n, "translations", translations)

    class Fixed(random.Random):
        def choice(self, seq: Sequence[str]) -> str:  # type: ignore[override]
            return "Quiet" if seq is ADJECTIVES else "Otter"

    with speaking("es"):
        assert draw_pseudonym(Fixed()) == "Nutrio Tranquilo"
    assert draw_pseudonym(Fixed()) == "Quiet Otter"  # English itself is no catalog


def test_the_words_are_distinct_single_words() -> None:
    assert len(set(ADJECTIVES)) == len(ADJECTIVES)
    assert len(set(ANIMALS)) == len(ANIMALS)
    assert all(" " not in word for word in ADJECTIVES + ANIMALS)
