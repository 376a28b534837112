"""The shipped catalogs: complete, in step with the code, and safe to send.

A translation that drops a placeholder raises KeyError at .format(); one that breaks a tag
makes Telegram refuse the whole message ("can't parse entities"); a fuzzy guess could put
wrong words in front of someone in crisis. Each is caught here, for every language.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from bot.emulator.state import HtmlError, visible_html_text
from bot.i18n import formats, pgettext, speaking
from bot.i18n.catalogs import po_path, translations
from bot.i18n.languages import SHIPPED, SOURCE_LANGUAGE, shipped_language
from bot.i18n.maintain import missing, template_path
from bot.safety.pseudonyms import ADJECTIVES, ANIMALS, pseudonym
from bot.texts import commands as command_texts
from bot.texts import common as common_texts
from bot.texts import onboarding as onboarding_texts

ROOT = Path(__file__).resolve().parents[1]
TRANSLATED = [language for language in SHIPPED if language != SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
TAG = re.compile(r"</?[a-z-]+(?:\s[^<>]*)?>")


def _messages(language: str) -> list[Message]:
    with po_path(language).open("rb") as po:
        return [m for m in read_po(po, locale=language) if m.id]


def _forms(message: Message) -> tuple[list[str], list[str]]:
    """(English forms, translated forms) of a message, plural or not."""
    ids = list(message.id) if isinstance(message.id, tuple) else [message.id]
    strings = list(message.string) if isinstance(message.string, tuple) else [message.string]
    return [str(i) for i in ids], [str(s) if s else "" for s in strings]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_shipped_catalog_is_complete(language: str) -> None:
    untranslated, fuzzy = missing(language)
    assert not untranslated, (
        f"{language}: {len(untranslated)} untranslated, e.g. {untranslated[:3]}"
    )
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:3]}"


def test_the_template_holds_every_word_in_the_code(tmp_path: Path) -> None:
    """Run `make translations` after changing a text: a word missing from the catalogs
    would reach every member in English."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-c",
            "Translators:",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )

    def ids(path: Path) -> set[object]:
        with path.open("rb") as pot:
            return {(m.context, m.id) for m in read_po(pot) if m.id}

    extracted, shipped = ids(fresh), ids(template_path())
    assert extracted - shipped == set(), "run `make translations`: new words not in the .pot"
    assert shipped - extracted == set(), "run `make translations`: the .pot has old words"
    for language in TRANSLATED:
        in_po = {(m.context, m.id) for m in _messages(language)}
        assert extracted - in_po == set(), f"{language}.po lacks words: run make translations"


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_and_tags_match_the_english(language: str) -> None:
    for message in _messages(language):
        ids, strings = _forms(message)
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        tags = sorted(TAG.findall(ids[0]))
        for text in filter(None, strings):
            assert set(PLACEHOLDER.findall(text)) <= wanted, (language, message.id, text)
            # Every placeholder but a plural's count must appear (a one-form may say "one").
            assert wanted - {"count"} <= set(PLACEHOLDER.findall(text)), (language, message.id)
            assert sorted(TAG.findall(text)) == tags, (language, message.id, text)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_translation_is_html_telegram_accepts(language: str) -> None:
    for message in _messages(language):
        ids, strings = _forms(message)
        try:
            visible_html_text(PLACEHOLDER.sub("x", ids[0]))
        except HtmlError:
            continue  # a fragment of a larger message; its tags are matched above
        for text in filter(None, strings):
            visible = visible_html_text(PLACEHOLDER.sub("x", text))
            assert len(visible.encode("utf-16-le")) // 2 <= 4096, (language, message.id)


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_forms_follow_the_language(language: str) -> None:
    """Russian and Ukrainian say 1 день, 2 дні / дня, 5 днів / дней: each form exists."""
    catalog = translations(language)
    for message in _messages(language):
        if not message.pluralizable:
            continue
        singular, plural = (str(form) for form in message.id)
        for n in (1, 2, 5, 11, 21, 22, 25, 101):
            text = catalog.ngettext(singular, plural, n)
            assert text, (language, singular, n)
            if "{count}" in plural and n != 1:
                assert "{count}" in text, (language, singular, n)


def test_a_telegram_language_code_finds_its_catalog() -> None:
    assert shipped_language("es") == "es"
    assert shipped_language("pt-br") == "pt_BR"
    assert shipped_language("pt-PT") == "pt_BR"
    assert shipped_language("de-AT") == "de"
    assert shipped_language("uk") == "uk"
    assert shipped_language("fr") is None
    assert shipped_language(None) is None
    assert shipped_language("") is None


@pytest.mark.parametrize("language", TRANSLATED)
def test_pseudonym_words_stay_distinct_and_two_words(language: str) -> None:
    """Every pair of words is a different name (as many pseudonyms as in English), and a
    pseudonym is two words, so moderators can type it after /warn."""
    with speaking(language):
        adjectives = {pgettext("pseudonym adjective", word) for word in ADJECTIVES}
        animals = {pgettext("pseudonym animal", word) for word in ANIMALS}
        sample = pseudonym(ADJECTIVES[0], ANIMALS[0])
    assert len(adjectives) == len(ADJECTIVES), language
    assert len(animals) == len(ANIMALS), language
    assert all(" " not in word for word in adjectives | animals), language
    assert len(sample.split(" ")) == 2, sample


LONGEST = 3000  # the crisis lines an operator may configure (safety.crisis_resources)


@pytest.mark.parametrize("language", SHIPPED)
def test_the_longest_messages_fit_telegram_in_every_language(language: str) -> None:
    """/help for a moderator, /modhelp and the notice with the longest crisis lines allowed
    are the bot's longest messages: each is HTML Telegram accepts, within 4,096."""
    with speaking(language):
        messages = [
            command_texts.help_text(moderator=True),
            command_texts.modhelp(),
            onboarding_texts.welcome("x" * 600),
            common_texts.crisis("x" * LONGEST),
        ]
    for html in messages:
        visible = visible_html_text(html)
        assert len(visible.encode("utf-16-le")) // 2 <= 4096, (language, html[:60])


@pytest.mark.parametrize("language", SHIPPED)
def test_command_menus_are_what_telegram_takes(language: str) -> None:
    with speaking(language):
        menu = [
            *command_texts.member_commands(),
            *command_texts.moderator_commands(),
            *command_texts.operator_commands(),
        ]
    for name, description in menu:
        assert re.fullmatch(r"[a-z0-9_]{1,32}", name), name
        assert 1 <= len(description) <= 256, (language, name)
    assert len(menu) <= 100


# The informal "you" of each language: its pronoun and possessive forms, whole words only.
INFORMAL_YOU = {
    "ru": r"ты|тебя|тебе|тобой|твой|твоя|твоё|твое|твои|твоих|твоим|твоими|твоей|твоего|твою",
    "uk": r"ти|тебе|тобі|тобою|твій|твоя|твоє|твої|твоїх|твоїм|твоїми|твоєї|твого|твою",
}


@pytest.mark.parametrize("language", sorted(INFORMAL_YOU))
def test_russian_and_ukrainian_speak_formally_throughout(language: str) -> None:
    """Russian and Ukrainian address the member with вы/ви, as a peer-support service
    does with adults it has just met; one ты in a heading reads as a slip."""
    informal = re.compile(rf"(?<!\w)({INFORMAL_YOU[language]})(?!\w)", re.IGNORECASE)
    slips = [
        translated
        for message in _messages(language)
        for translated in _forms(message)[1]
        if informal.search(translated)
    ]
    assert not slips, f"{language}: {slips}"


# Monday 7 December 2026 and a few numbers, as each language writes them (Babel's CLDR).
FORMATTED = {
    "en": ("Mon 07 Dec", "7 Dec", "Monday", "1.5", "+2.0", "-0.2", "43%"),
    "es": ("lun 7 dic", "7 dic", "lunes", "1,5", "+2,0", "-0,2", "43\xa0%"),
    "pt_BR": ("seg., 07 de dez.", "7 de dez.", "segunda-feira", "1,5", "+2,0", "-0,2", "43%"),
    "de": ("Mo., 7. Dez.", "7. Dez.", "Montag", "1,5", "+2,0", "-0,2", "43\xa0%"),
    "ru": ("пн, 7 дек.", "7 дек.", "понедельник", "1,5", "+2,0", "-0,2", "43\xa0%"),
    "uk": ("пн, 7 груд.", "7 груд.", "понеділок", "1,5", "+2,0", "-0,2", "43%"),
}


@pytest.mark.parametrize("language", SHIPPED)
def test_dates_and_numbers_are_written_as_each_language_writes_them(language: str) -> None:
    day = date(2026, 12, 7)
    with speaking(language):
        written = (
            formats.weekday_day_month(day),
            formats.day_month(day),
            formats.weekday_name(day),
            formats.fixed(1.5),
            formats.fixed(2, signed=True),
            formats.fixed(-0.25, signed=True),  # rounded as f"{-0.25:+.1f}" rounds
            formats.percent(0.43),
        )
    assert written == FORMATTED[language]
