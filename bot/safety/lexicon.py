"""Crisis lexicons: per-language data files of phrases by category, and their exceptions.

A file `<language>.toml` holds a list of phrases for each category, `exceptions` (everyday
figures of speech such as "killing it" that must not raise an alarm), `imminence`
(words like "tonight", which make a passive wish urgent) and `means` (a means or a
dangerous place at hand: "pills", "the tracks", "a blade"; no crisis language alone, but
they make a passive wish, a hopeless message or the backstop's concern urgent, as a
crisis-line supervisor would). Phrase syntax, after the same
normalisation as members' text (bot.safety.normalise):

    kill myself             words in order
    want|wanna|going        one of several words in one place
    suicid*                 any word that starts so (at least 3 letters)
    really?                 a word that may be missing ("really? want to die")
    pills ... tonight       up to three other words in between
    (no one|nobody) cares   one of several word sequences; "(really|)" may be left out
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

from bot.safety.normalise import normalise

SHIPPED = Path(__file__).with_name("lexicons")
MAX_GAP = 3


class Tier(StrEnum):
    URGENT = "urgent"
    CONCERN = "concern"


class Category(StrEnum):
    INTENT = "intent"
    PLAN_MEANS = "plan_means"
    PREPARATION = "preparation"
    SELF_HARM = "self_harm"
    OVERDOSE = "overdose"
    GOODBYE = "goodbye"
    PASSIVE = "passive"
    HOPELESSNESS = "hopelessness"

    @property
    def tier(self) -> Tier:
        concern = (Category.PASSIVE, Category.HOPELESSNESS)
        return Tier.CONCERN if self in concern else Tier.URGENT


EXCEPTIONS = "exceptions"
IMMINENCE = "imminence"
MEANS = "means"
# Kinds that are no crisis phrase themselves: they mask or sharpen the ones found.
MODIFIERS = frozenset({EXCEPTIONS, IMMINENCE, MEANS})
_KEYS = frozenset({*Category, *MODIFIERS, "language"})


class LexiconError(ValueError):
    """A lexicon file that cannot be used; the message says which file and phrase."""


@dataclass(frozen=True)
class Slot:
    """One place in a phrase: the words that may stand there."""

    words: frozenset[str]
    prefixes: tuple[str, ...]
    optional: bool = False
    gap: bool = False  # up to MAX_GAP words of anything

    def accepts(self, word: str) -> bool:
        if word in self.words:
            return True
        return bool(self.prefixes) and word.startswith(self.prefixes)


@dataclass(frozen=True)
class Group:
    """One of several word sequences; an empty one makes the group optional."""

    choices: tuple[tuple[Element, ...], ...]


Element = Slot | Group


@dataclass(frozen=True)
class Phrase:
    text: str
    kind: str  # a Category value or one of MODIFIERS
    language: str
    elements: tuple[Element, ...]
    first: Slot  # every word a match can start with, for the index
    # Places after the first that every match fills: a text without a word for each of
    # them cannot match, which is cheap to check before trying to match in order.
    required: tuple[Slot, ...] = ()


@dataclass
class Lexicon:
    """All phrases of every language; a member's text is screened against all of them."""

    phrases: list[Phrase] = field(default_factory=list)
    languages: set[str] = field(default_factory=set)


_TOKEN_IN_GROUP = re.compile(r"\s*(\(|\)|\||[^\s()|]+)")
_TOKEN_OUTSIDE = re.compile(r"\s*(\(|\)|[^\s()]+)")


def parse_phrase(text: str, kind: str, language: str) -> Phrase:
    """One phrase in the syntax above; LexiconError when it cannot match as written."""
    elements, end = _parse_sequence(text, 0, depth=0)
    if text[end:].strip():
        raise LexiconError("unbalanced brackets")
    # A word that may be missing at either end changes nothing about whether a phrase
    # matches; an exception keeps a trailing one, since it widens what is masked.
    while elements and _may_be_missing(elements[0]):
        elements.pop(0)
    while elements and kind != EXCEPTIONS and _may_be_missing(elements[-1]):
        elements.pop()
    first = _first_words(elements)
    if not elements or first is None or _ends_with_gap(elements):
        raise LexiconError("a phrase must start and end with a word that is always there")
    required = tuple(_musts(elements[1:]))
    return Phrase(text, kind, language, tuple(elements), first, required)


def _parse_sequence(text: str, at: int, depth: int) -> tuple[list[Element], int]:
    """Elements up to the end, a ")" or (inside brackets) a "|"; returns where it stopped."""
    elements: list[Element] = []
    token = _TOKEN_IN_GROUP if depth else _TOKEN_OUTSIDE
    while True:
        found = token.match(text, at)
        if found is None or found.group(1) in (")", "|"):
            return elements, at
        at = found.end()
        part = found.group(1)
        if part == "(":
            choices: list[tuple[Element, ...]] = []
            while True:
                choice, at = _parse_sequence(text, at, depth + 1)
                choices.append(tuple(choice))
                closing = _TOKEN_IN_GROUP.match(text, at)
                if closing is None or closing.group(1) not in (")", "|"):
                    raise LexiconError("unbalanced brackets")
                at = closing.end()
                if closing.group(1) == ")":
                    break
            elements.append(_simplest(tuple(choices)))
        elif part == "...":
            elements.append(Slot(frozenset(), (), gap=True))
        else:
            elements.append(_parse_slot(part))


def _simplest(choices: tuple[tuple[Element, ...], ...]) -> Element:
    """A group of single words is one slot (optional when a choice is empty): the same
    matches, found without trying each choice in turn. Otherwise the longest choices are
    tried first, so an exception masks all of "died by suicide", not just "died"."""
    words: set[str] = set()
    prefixes: list[str] = []
    optional = False
    for choice in choices:
        if not choice:
            optional = True
            continue
        if len(choice) != 1 or not isinstance(choice[0], Slot) or choice[0].gap:
            return Group(tuple(sorted(choices, key=len, reverse=True)))
        if choice[0].optional:
            optional = True
        words |= choice[0].words
        prefixes.extend(choice[0].prefixes)
    return Slot(frozenset(words), tuple(prefixes), optional=optional)


@cache
def _parse_slot(part: str) -> Slot:
    """One place, "want|wanna?" (cached: the same places recur across thousands of phrases)."""
    words: set[str] = set()
    prefixes: list[str] = []
    for alternative in part.removesuffix("?").split("|"):
        prefix = alternative.endswith("*")
        folded = _fold(alternative.removesuffix("*"))
        if len(folded) != 1:
            raise LexiconError(f"{alternative!r} is not one word")
        if prefix:
            if len(folded[0]) < 3:
                raise LexiconError(f"{alternative!r}: a prefix needs 3 letters or more")
            prefixes.append(folded[0])
        else:
            words.add(folded[0])
    return Slot(frozenset(words), tuple(prefixes), optional=part.endswith("?"))


@cache
def _fold(word: str) -> list[str]:
    """A lexicon word as members' text is folded (the same words recur across phrases)."""
    return normalise(word).words


def _first_words(elements: list[Element] | tuple[Element, ...]) -> Slot | None:
    """Every word a match can start with; None when it could start with anything."""
    if not elements:
        return None
    head = elements[0]
    if isinstance(head, Slot):
        return None if head.gap or head.optional else head
    words: set[str] = set()
    prefixes: list[str] = []
    for choice in head.choices:
        first = _first_words(choice)
        if first is None:
            return None
        words |= first.words
        prefixes.extend(first.prefixes)
    return Slot(frozenset(words), tuple(prefixes))


def _musts(elements: list[Element]) -> list[Slot]:
    """For each place every match fills, the words one of which must be in the text: a
    word's own alternatives, or for a bracketed group the first words of its choices."""
    musts: list[Slot] = []
    for element in elements:
        if isinstance(element, Slot):
            if not element.gap and not element.optional:
                musts.append(element)
        elif not _may_be_missing(element):
            first = _first_words((element,))
            if first is not None:
                musts.append(first)
    return musts


def _may_be_missing(element: Element) -> bool:
    if isinstance(element, Group):
        return any(not choice for choice in element.choices)
    return element.optional


def _ends_with_gap(elements: list[Element]) -> bool:
    last = elements[-1]
    return isinstance(last, Slot) and last.gap


def load_file(path: Path, lexicon: Lexicon) -> None:
    """Add one lexicon file's phrases; LexiconError names the file and what is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise LexiconError(f"{path}: {error}") from error
    unknown = set(data) - _KEYS
    if unknown:
        raise LexiconError(f"{path}: unknown keys {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    language = data.get("language", path.stem)
    if not isinstance(language, str) or not language:
        raise LexiconError(f"{path}: language must be a code such as 'en'")
    for kind, phrases in data.items():
        if kind == "language":
            continue
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise LexiconError(f"{path}: {kind} must be a list of strings")
        for text in phrases:
            try:
                lexicon.phrases.append(parse_phrase(text, kind, language))
            except LexiconError as error:
                raise LexiconError(f"{path}: {kind}: {text!r}: {error}") from None
    lexicon.languages.add(language)


@cache
def _shipped() -> tuple[tuple[Phrase, ...], frozenset[str]]:
    """The shipped files, parsed once per process (phrases are immutable)."""
    lexicon = Lexicon()
    for path in sorted(SHIPPED.glob("*.toml")):
        load_file(path, lexicon)
    return tuple(lexicon.phrases), frozenset(lexicon.languages)


def load(extra_dir: Path | None = None) -> Lexicon:
    """The shipped lexicons, plus an operator's own files (which add, never replace)."""
    phrases, languages = _shipped()
    lexicon = Lexicon(list(phrases), set(languages))
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise LexiconError(f"safety.lexicon_dir {extra_dir} is not a folder")
        files = sorted(extra_dir.glob("*.toml"))
        if not files:
            raise LexiconError(f"safety.lexicon_dir {extra_dir} holds no .toml lexicon")
        for path in files:
            load_file(path, lexicon)
    return lexicon
