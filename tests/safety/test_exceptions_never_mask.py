"""Every exception of every language covers its own everyday words only (issue 14).

An exception masks the phrases whose words it took. One whose gaps ("...") or broad
alternatives reach past its own figure of speech silences a real crisis next to it
("It was nice knowing you all, see you on the other side"). So each exception's own
wording, written out in several ways, is appended to and prefixed to a sample of urgent
labelled messages of its language, and each message must stay urgent.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from bot.safety.lexicon import EXCEPTIONS, Element, Group, Lexicon, Phrase, Tier, load
from bot.safety.normalise import normalise
from bot.safety.screen import Screener

LABELLED = Path(__file__).with_name("labelled")
SAMPLE = 20  # urgent messages per language
RENDERINGS = 4  # ways each exception is written out


@cache
def lexicon() -> Lexicon:
    return load()


@cache
def lexicon_only() -> Screener:
    """The lexicons alone: the backstop may not cover for an exception that masks."""
    return Screener(lexicon())


def _words(elements: tuple[Element, ...], turn: int) -> list[str]:
    """One wording of a phrase: the turn-th alternative at each place (cycling), optional
    places in on odd turns, each gap left empty (the exception's own words only)."""
    words: list[str] = []
    for place, element in enumerate(elements):
        pick = turn + place
        if isinstance(element, Group):
            choices = [choice for choice in element.choices if choice or turn % 2 == 0]
            words += _words(choices[pick % len(choices)], turn)
        elif element.gap or (element.optional and turn % 2 == 0):
            continue
        else:
            alternatives = sorted(element.words) + list(element.prefixes)
            words.append(alternatives[pick % len(alternatives)])
    return words


def wordings(phrase: Phrase) -> list[str]:
    return sorted({" ".join(_words(phrase.elements, turn)) for turn in range(RENDERINGS)})


def urgent_sample(language: str) -> list[str]:
    """The first SAMPLE urgent labelled messages the lexicons alone find urgent, but those
    spelled out letter by letter ("k i l l myself"): a one-letter word at the end of a
    wording ("to a") would join the letters, whatever stands between."""
    texts: list[str] = []
    with (LABELLED / f"{language}.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            example = json.loads(line)
            if example["tier"] != "urgent" or normalise(example["text"]).spelled:
                continue
            verdict = lexicon_only().screen(example["text"])
            if verdict is not None and verdict.tier is Tier.URGENT:
                texts.append(example["text"])
                if len(texts) == SAMPLE:
                    break
    return texts


# What the test found and is not fixed yet (issue 14), by language and the exception's
# first 50 characters, listed so that no new one comes in: fix them and take them out.
# Mostly exceptions from before round 6 whose first or last words attach to the phrase
# next to them, and "kms" (kilometres in Italian and Portuguese) masking English "kms"; the
# round-6 Russian wording is listed only because an older exception masks beside it
# ("не хочу жить как ...").
KNOWN_TOO_BROAD: frozenset[str] = frozenset(
    {
        "de (vor|aus) (hunger|durst|langeweile|lachen|hitze|kä",
        "en (trapped|stuck) (in|at|inside) (the|my|our|a) (hou",
        "en (wont|will not|dont) need (it|them) (anymore|any m",
        "en my plan (is|was|for today is|for tonight is|for th",
        "fr disparaître (sous|dans) (ma|la|mon|une|un|mes) (co",
        "it (il|suo|del|al) suicidio (di|del|della)",
        "it kms (di|al giorno|a settimana|in bici|a piedi|da c",
        "pt (o|seu|do|ao|sobre o) suicidio (do|da|de)",
        "pt da mais (pra|para|p|tempo|pro|certo)",
        "pt kms (de|da|do|ate|por|diarios|por dia|semanais|de ",
        "ru (как|будто|словно|точно) (после|от) (передоза|пере",
        "ru (у которого|у которой|у кого|у друга|у подруги|у н",  # noqa: RUF001
        # Round 7's climbing ropes: beside "I bought a rope" they mask it (fix next).
        "fr (corde|cordes) pour (le demenagement|demenager|les",
        "fr (corde|cordes) (d escalade|descalade|d'escalade|dy",
        "pt corda (de|pra|para) (varal|pular|violao|guitarra|e",
        "pt corda (de|pra|para|pro|do|da) (varal|pular|violao|",
        "pt (corda|cordas) (nova|) (dinamica|dinâmica|de escal",
        "pt (corda|cordas) ... (pra escalar|para escalar|pra e",
        "pt (comprei|comprar|comprando|peguei|ganhei) (uma|a|m",
        "ru (веревк*|верёвк*) (для скалолазания|для альпинизма",
        "uk (мотузк*) (для скелелазіння|для альпінізму|для ске",
    }
)

LANGUAGES = sorted(path.stem for path in LABELLED.glob("*.jsonl"))


def maskers(language: str) -> dict[str, str]:
    """The exceptions of a language that silence a sampled urgent message, each with the
    first text it silenced."""
    screen = lexicon_only().screen
    sample = urgent_sample(language)
    assert len(sample) == SAMPLE
    exceptions = [p for p in lexicon().phrases if p.kind == EXCEPTIONS and p.language == language]
    assert exceptions
    found: dict[str, str] = {}
    for exception in exceptions:
        for wording in wordings(exception):
            for text in sample:
                for joined in (f"{text} {wording}", f"{wording} {text}"):
                    verdict = screen(joined)
                    if verdict is None or verdict.tier is not Tier.URGENT:
                        found.setdefault(exception.text, joined)
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_exception_masks_an_urgent_message(language: str) -> None:
    found = maskers(language)
    new = {
        text: joined
        for text, joined in found.items()
        if f"{language} {text[:50]}" not in KNOWN_TOO_BROAD
    }
    assert not new, "\n".join(f"{text!r} silences {joined!r}" for text, joined in new.items())
    # A listed one that no longer masks was fixed: take it out of the list.
    listed = {known for known in KNOWN_TOO_BROAD if known.startswith(f"{language} ")}
    assert listed <= {f"{language} {text[:50]}" for text in found}
