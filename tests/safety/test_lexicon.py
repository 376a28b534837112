"""Lexicon files: the phrase syntax, exceptions, tiers, and operators' own files."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import SafetySettings
from bot.safety.lexicon import Category, Lexicon, LexiconError, Tier, load, load_file
from bot.safety.screen import Screener


def screener_of(tmp_path: Path, body: str) -> Screener:
    path = tmp_path / "xx.toml"
    path.write_text(body, encoding="utf-8")
    lexicon = Lexicon()
    load_file(path, lexicon)
    return Screener(lexicon)


def test_phrase_syntax(tmp_path: Path) -> None:
    screener = screener_of(
        tmp_path,
        'intent = ["want|wanna to? die", "(no one|nobody) ... care", "suicid*"]\n'
        'exceptions = ["suicide prevention"]\n',
    )
    flagged = (
        "I want to die",
        "i wanna die",
        "i want die soon",
        "no one would even care",
        "suicidal again",
    )
    for text in flagged:  # "to?" may be missing
        verdict = screener.screen(text)
        assert verdict is not None and verdict.categories == {Category.INTENT}, text
    for text in ("no one cares", "the suicide prevention walk", "dying"):
        assert screener.screen(text) is None, text
    assert screener.screen("no one at all would ever care") is None  # more than 3 between


def test_an_exception_masks_only_its_own_words(tmp_path: Path) -> None:
    screener = screener_of(
        tmp_path,
        'intent = ["kill myself"]\nexceptions = ["killing it"]\nhopelessness = ["no point"]\n',
    )
    assert screener.screen("killing it at work") is None
    verdict = screener.screen("killing it at work but i want to kill myself")
    assert verdict is not None and verdict.tier is Tier.URGENT


def test_imminence_makes_a_passive_wish_urgent(tmp_path: Path) -> None:
    screener = screener_of(
        tmp_path,
        'passive = ["not wake up"]\nhopelessness = ["no point"]\nimminence = ["tonight"]\n',
    )
    passive = screener.screen("i hope i do not wake up")
    assert passive is not None and passive.tier is Tier.CONCERN
    tonight = screener.screen("i hope i do not wake up tonight")
    assert tonight is not None and tonight.tier is Tier.URGENT
    hopeless = screener.screen("no point tonight")
    assert hopeless is not None and hopeless.tier is Tier.CONCERN


def test_means_at_hand_make_a_passive_or_hopeless_message_urgent(tmp_path: Path) -> None:
    screener = screener_of(
        tmp_path,
        'passive = ["not wake up"]\nhopelessness = ["no point"]\nmeans = ["pills"]\n',
    )
    assert screener.screen("i have my pills") is None  # a means alone is everyday talk
    for text in ("no point, the pills are right here", "i hope i do not wake up, got pills"):
        verdict = screener.screen(text)
        assert verdict is not None and verdict.tier is Tier.URGENT, text
    hopeless = screener.screen("no point at all")
    assert hopeless is not None and hopeless.tier is Tier.CONCERN


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('intent = ["self-harm"]', "not one word"),
        ('intent = ["ab*"]', "3 letters"),
        ('intent = ["(a|b"]', "unbalanced"),
        ('intent = ["... die"]', "start and end"),
        ('intent = "not a list"', "list of strings"),
        ('feelings = ["sad"]', "unknown keys"),
        ("intent = [", "xx.toml"),
    ],
)
def test_a_broken_file_is_refused_with_a_clear_error(tmp_path: Path, body: str, says: str) -> None:
    with pytest.raises(LexiconError, match=says):
        screener_of(tmp_path, body)


def test_an_operator_folder_adds_phrases_and_is_checked_at_start(tmp_path: Path) -> None:
    shipped = Screener(load())
    assert shipped.screen("the blue door is calling me") is None
    (tmp_path / "en.toml").write_text('intent = ["blue door is calling"]\n', encoding="utf-8")
    extended = Screener(load(tmp_path))
    verdict = extended.screen("the blue door is calling me")
    assert verdict is not None and verdict.tier is Tier.URGENT
    assert SafetySettings(lexicon_dir=tmp_path).lexicon_dir == tmp_path

    (tmp_path / "en.toml").write_text('intent = ["(oops"]\n', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"en\.toml: intent"):
        SafetySettings(lexicon_dir=tmp_path)
    with pytest.raises(ValidationError, match="not a folder"):
        SafetySettings(lexicon_dir=tmp_path / "missing")


def test_every_shipped_language_loads() -> None:
    lexicon = load()
    assert {"en", "es", "pt", "fr", "de", "it", "ru", "uk"} <= lexicon.languages
