"""Normalisation: the ways people write (or hide) a word fold to one form."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.safety.normalise import normalise, squeeze


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("I DON'T want to", ["i", "dont", "want", "to"]),
        ("I don\u2019t want to", ["i", "dont", "want", "to"]),
        ("I dont want to", ["i", "dont", "want", "to"]),
        ("i wanna dieeee", ["i", "wana", "die"]),
        ("k1ll mys3lf", ["kil", "myself"]),
        ("$uicide", ["suicide"]),
        ("ki\u200bll my\u00adself", ["kil", "myself"]),
        ("k\u0456ll myself", ["kil", "myself"]),  # a Ukrainian i inside a Latin word
        ("g\u043eodbye", ["godbye"]),  # a Cyrillic o
        ("k i l l  m y s e l f", ["kilmyself"]),
        ("k.i.l.l myself", ["kil", "myself"]),
        ("NÃO AGUENTO MAIS", ["nao", "aguento", "mais"]),
        ("Ich bring mich um!!!", ["ich", "bring", "mich", "um"]),
        ("Я больше не хочу жить", ["я", "больше", "не", "хочу", "жить"]),
        ("took 20 pills", ["tok", "20", "pils"]),
    ],
)
def test_ways_of_writing_fold_together(written: str, expected: list[str]) -> None:
    assert normalise(written).words == expected


def test_spelled_out_words_are_marked_for_searching_inside() -> None:
    folded = normalise("honestly k i l l m y s e l f tonight")
    assert folded.words == ["honestly", "kilmyself", "tonight"]
    assert folded.spelled == [1]
    assert normalise("a b rest").spelled == []  # two letters are not a spelled word


def test_a_cyrillic_word_keeps_its_script() -> None:
    # Latin look-alikes inside a mostly Cyrillic word become Cyrillic, not the other way.
    assert normalise("умер\u0065ть").words == ["умереть"]


@settings(max_examples=500, derandomize=True)
@given(st.text(max_size=200))
def test_normalising_is_total_and_stable(text: str) -> None:
    words = normalise(text).words
    assert all(word and word == squeeze(word) for word in words)
    assert normalise(" ".join(words)).words == words or any(len(w) == 1 for w in words)
