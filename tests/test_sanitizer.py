"""The relay sanitizer removes every way off the platform, and says what it removed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.safety.confusables import LOOKALIKES
from bot.safety.contact_details import find_contact_details
from bot.safety.sanitizer import MAX_RELAY_CHARS, REMOVED, Sanitized, sanitize


@pytest.mark.parametrize(
    ("text", "kind", "gone"),
    [
        ("join me at https://example.org/chat today", "link", "example.org"),
        ("my group is t.me/joinchat/AbCdEf ok", "link", "t.me"),
        ("see telegram.me/someone", "link", "telegram.me"),
        ("visit www.example.com", "link", "example.com"),
        ("go to bit.ly/x1 now", "link", "bit.ly"),
        ("write to me at jo.doe+x@mail.example.com please", "e-mail address", "@mail"),
        ("message @quiet_heron_42 there", "username", "@quiet_heron_42"),
        ("call +44 20 7946 0958 anytime", "phone number", "7946"),
        ("text 555-123-4567", "phone number", "4567"),
        ("ring (030) 1234567", "phone number", "1234567"),
    ],
)
def test_contact_details_are_removed_and_named(text: str, kind: str, gone: str) -> None:
    result = sanitize(text + " and keep going, you are doing great")
    assert gone not in result.text
    assert kind in result.removed
    assert result.sendable
    assert "keep going" in result.text


def test_ordinary_encouragement_passes_untouched() -> None:
    text = "Day 30 today! 3 weeks ago I couldn't imagine it. You can do this, 1 step at a time."
    result = sanitize(text)
    assert result.text == text and result.removed == () and result.sendable


def test_mostly_contact_details_is_held() -> None:
    result = sanitize("@someone_here +1 555 123 4567 me@x.org")
    assert result.mostly_removed and not result.sendable


def test_too_long_is_refused_not_cut() -> None:
    result = sanitize("a" * (MAX_RELAY_CHARS + 1))
    assert result.too_long and not result.sendable
    assert sanitize("a" * MAX_RELAY_CHARS).sendable


_CONTACT = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,}|https?://|t\.me/|\d{7,}")


@given(
    st.lists(
        st.one_of(
            st.text(alphabet="abcdefgh ,.!", min_size=1, max_size=20),
            st.from_regex(r"@[a-z][a-z0-9_]{4,12}", fullmatch=True),
            st.from_regex(r"https?://[a-z]{3,8}\.(com|org)/[a-z]{0,5}", fullmatch=True),
            st.from_regex(r"t\.me/[a-z]{4,10}", fullmatch=True),
            st.from_regex(r"\+?[0-9]{7,12}", fullmatch=True),
            st.from_regex(r"[a-z]{2,6}@[a-z]{2,6}\.(com|net)", fullmatch=True),
        ),
        max_size=8,
    ).map(" ".join)
)
def test_nothing_contact_like_survives(text: str) -> None:
    result = sanitize(text)
    assert not _CONTACT.search(result.text), result.text


# -- issue 20 §4: what got through, and what must stay ---------------------------------------

CYRILLIC_A, CYRILLIC_E, CYRILLIC_X = "\u0430", "\u0435", "\u0445"


@pytest.mark.parametrize(
    ("detail", "gone"),
    [
        ("myname.dev", "myname"),
        ("helper.ai", "helper"),
        ("example.to/group", "example"),
        ("пример.рф", "прим"),
        ("xn--e1afmkfd.xn--p1ai", "e1afmkfd"),
        ("https://example.co.uk/chat", "example"),
        ("@@alex_private", "alex_private"),
        ("415   555   0100", "415"),
        ("t.me/\nalex_private", "alex_private"),
        ("my number\n415\n555\n0100", "0100"),
        ("exa\u200bmple.com", "mple"),
        ("@alex\u2060_private", "private"),
        ("\u202emoc.elpmaxe", "elpmaxe"),
        ("\u202e0010 555 514", "514"),
        ("\uff54\uff0e\uff4d\uff45\uff0f\uff41\uff4c\uff45\uff58", "\uff41\uff4c\uff45\uff58"),
        (f"n{CYRILLIC_A}me@{CYRILLIC_E}{CYRILLIC_X}{CYRILLIC_A}mple.com", "mple"),
        ("name at example dot com", "example"),
        ("name (at) example (dot) com", "example"),
        ("name[at]example[dot]com", "example"),
        ("wa.me/14155550100", "4155550100"),
        ("discord.gg/abcdef", "abcdef"),
    ],
)
def test_what_got_through_is_removed(detail: str, gone: str) -> None:
    result = sanitize(f"Keep going, you are doing great, really. {detail}")
    assert gone not in result.text, result.text
    assert REMOVED in result.text and result.removed
    assert result.text.startswith("Keep going, you are doing great, really. ")


@pytest.mark.parametrize(
    ("text", "kind", "gone"),
    [
        ("my tg is alex_private", "username", "alex_private"),
        ("insta: alex.recovers", "username", "recovers"),
        ("discord alex#1234", "username", "1234"),
        ("мой ник в телеге: vasya_99", "username", "vasya"),
        ("write to name@gmail", "e-mail address", "gmail"),
        ("name at gmail", "e-mail address", "gmail"),
        ("name@example,com", "e-mail address", "example"),
        ("www.example", "link", "example"),
    ],
)
def test_details_short_of_an_at_or_a_suffix_are_removed(text: str, kind: str, gone: str) -> None:
    result = sanitize(f"Keep going, you are doing great, really. {text}")
    assert gone not in result.text and result.removed == (kind,), result


@pytest.mark.parametrize(
    "sentence",
    [
        "I deleted Instagram for a month.",
        "whatsapp me at 10am",
        "my insta has 2 posts",
        "whatsapp: I left all the old groups",
    ],
)
def test_apps_named_in_everyday_sentences_stay(sentence: str) -> None:
    assert sanitize(sentence).text == sentence


@pytest.mark.parametrize(
    "number",
    [
        "415   555   0100",
        "+44 20 7946 0958",
        "(415) 555-0100",
        "415.555.0100",
        "0151 234 5678",
        "+7 912 345-67-89",
    ],
)
def test_phone_numbers_of_many_shapes_are_removed(number: str) -> None:
    result = sanitize(f"call me on {number} tonight")
    assert result.text == f"call me on {REMOVED} tonight"
    assert result.removed == ("phone number",)


def test_a_spaced_out_number_is_never_joined_into_a_clean_one() -> None:
    result = sanitize("ring 415   555 010 or later")
    assert "415 555" not in result.text and "415" not in result.text


@pytest.mark.parametrize(
    "everyday",
    ["10:30", "3 of 7 days", "$12.50", "2026-12-01", "AA at 7pm", "day 365", "8/10", "70%"],
)
def test_everyday_numbers_are_no_phone_numbers(everyday: str) -> None:
    text = f"Proud of you: {everyday}, and tomorrow too."
    assert sanitize(text) == Sanitized(text, (), False, False)


def test_the_member_keeps_their_own_letters_spacing_and_line_breaks() -> None:
    russian = "Держись,  ты сможешь!\n\n\U0001f4aa"
    assert sanitize(russian).text == russian
    wide = "\uff47\uff4f\uff4f\uff44  \uff4a\uff4f\uff42! see example.dev"
    assert sanitize(wide).text == f"\uff47\uff4f\uff4f\uff44  \uff4a\uff4f\uff42! see {REMOVED}"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467 day with the kids"
    assert sanitize(family).text == family


def test_invisible_characters_and_direction_overrides_do_not_reach_the_reader() -> None:
    result = sanitize("so\u200b proud\u2066 of\u202e you\u202c!")
    assert result.text == "so proud of you!"


@pytest.mark.parametrize(
    "sentence",
    [
        "I'm at home, connect the dots, on the dot at 7.",
        "Estaba a punto de llamar, pero el punto es que no lo hice.",
        "Do meu ponto de vista, ponto final.",
        "Der Punkt ist: heute nicht.",
        "Я не пью, и точка.",
        "Did it.Today is day 5.",
        "Did it.Today?",
    ],
)
def test_at_and_dot_in_everyday_words_stay(sentence: str) -> None:
    assert sanitize(sentence).text == sentence


def test_lookalikes_map_letters_of_other_alphabets_to_latin_ones() -> None:
    for other, latin in LOOKALIKES.items():
        assert not other.isascii() and other.isalpha()
        assert latin.isascii() and latin.isalpha() and latin.isupper() == other.isupper()


_DISGUISES = {
    "as typed": lambda s: s,
    "zero-width": lambda s: "\u200b".join(s),
    "line breaks": lambda s: s.replace(" ", "\n"),
    "full-width": lambda s: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s),
    "cyrillic": lambda s: s.translate(str.maketrans("aeoc", "\u0430\u0435\u043e\u0441")),
}


@given(
    st.sampled_from(
        [
            ("+44 20 7946 0958", ["7946", "0958"]),
            ("415 555 0100", ["415", "555", "0100"]),
            ("name.circle@example.com", ["name", "circle", "example"]),
            ("circle.example.dev/group", ["circle", "example", "group"]),
            ("@alex_private", ["alex", "private"]),
            ("t.me/alex_private", ["alex", "private"]),
        ]
    ),
    st.sampled_from(sorted(_DISGUISES)),
    st.sampled_from(["Day 30!", "So proud of you.", "Keep going,", "Thank you all"]),
)
def test_disguised_details_are_removed(
    detail: tuple[str, list[str]], disguise: str, before: str
) -> None:
    text, pieces = detail
    relayed = sanitize(f"{before} {_DISGUISES[disguise](text)} see you tomorrow").text
    folded = unicodedata.normalize("NFKC", relayed).replace("\u200b", "")
    folded = folded.translate(str.maketrans("\u0430\u0435\u043e\u0441", "aeoc"))
    assert not [p for p in pieces if p in folded], relayed


# -- the labelled corpus: tests/data/contact_details.txt and everyday_sentences.txt ----------

DATA = Path(__file__).parent / "data"
_ESCAPE = re.compile(r"\\(n|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})")
_DETAIL = re.compile(r"⟦(.*?)⟧", re.DOTALL)


@dataclass(frozen=True)
class Labelled:
    line: int
    language: str
    text: str  # the message, markers taken out
    details: tuple[tuple[int, int], ...]  # where each marked contact detail stands in it


def _unescaped(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        return "\n" if code == "n" else chr(int(code[1:], 16))

    return _ESCAPE.sub(one, text)


def load_corpus(name: str) -> list[Labelled]:
    """One message a line, "<language> | <message>"; ⟦…⟧ marks a contact detail."""
    messages = []
    for number, line in enumerate((DATA / name).read_text("utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        language, marked = line.split(" | ", 1)
        marked = _unescaped(marked)
        text, details, position = "", [], 0
        for match in _DETAIL.finditer(marked):
            text += marked[position : match.start()]
            details.append((len(text), len(text) + len(match.group(1))))
            text += match.group(1)
            position = match.end()
        text += marked[position:]
        messages.append(Labelled(number, language, text, tuple(details)))
    return messages


def _leftovers(message: Labelled) -> list[str]:
    """What is left of the marked details: any piece of two or more letters or digits still
    in the relayed text (and not in the words around the details), and any letter or digit
    of them outside every span the detector reports."""
    text = message.text.strip()
    shift = len(message.text) - len(text)
    details = [(start - shift, end - shift) for start, end in message.details]
    relayed = sanitize(message.text).text.replace(REMOVED, " ")
    carrier = text
    for start, end in reversed(details):
        carrier = carrier[:start] + " " + carrier[end:]
    removed = [(f.start, f.end) for f in find_contact_details(text)]
    left = []
    for start, end in details:
        detail = text[start:end]
        for piece in re.findall(r"[^\W_]{2,}", detail):
            if piece in relayed and piece not in carrier:
                left.append(f"relayed {piece!r}")
        kept = "".join(
            c
            for i, c in enumerate(detail, start)
            if c.isalnum() and not any(a <= i < b for a, b in removed)
        )
        if kept:
            left.append(f"not found {kept!r}")
    return left


def test_corpus_has_hundreds_of_each_kind() -> None:
    details = sum(len(m.details) for m in load_corpus("contact_details.txt"))
    everyday = load_corpus("everyday_sentences.txt")
    assert details >= 300 and len(everyday) >= 300
    languages = {m.language for m in everyday}
    assert languages == {"en", "es", "pt", "de", "ru", "uk"}
    assert all(m.details == () for m in everyday)


def test_every_contact_detail_in_the_corpus_is_removed() -> None:
    corpus = load_corpus("contact_details.txt")
    missed = {f"line {m.line}: {m.text!r}": _leftovers(m) for m in corpus}
    missed = {where: left for where, left in missed.items() if left}
    details = sum(len(m.details) for m in corpus)
    kept = sum(len(left) for left in missed.values())
    print(f"\ncontact details: {details} in {len(corpus)} messages, {kept} pieces left")
    assert not missed, "\n".join(f"{where}: {left}" for where, left in missed.items())


def test_everyday_sentences_pass_unchanged() -> None:
    corpus = load_corpus("everyday_sentences.txt")
    changed = [m for m in corpus if sanitize(m.text).text != m.text.strip()]
    share = len(changed) / len(corpus)
    print(f"\neveryday sentences changed: {len(changed)}/{len(corpus)} ({share:.1%})")
    for message in changed:
        print(f"  line {message.line}: {message.text!r} -> {sanitize(message.text).text!r}")
    assert share <= 0.02, [m.text for m in changed]
