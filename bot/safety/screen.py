"""The crisis screen: which tier, if any, a piece of text falls in, and why.

Deliberately broad on the urgent tier (negation is no reason for silence: "I'm not going
to kill myself" still gets the resources): a false alarm costs a kind message and a
moderator's minute; a miss can cost a life. Exceptions only cover the exact words of an
everyday figure of speech, so "killing it at work, but I want to kill myself" is urgent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import product

from bot.safety.lexicon import (
    EXCEPTIONS,
    IMMINENCE,
    MAX_GAP,
    Category,
    Element,
    Group,
    Lexicon,
    Phrase,
    Slot,
    Tier,
)  # fmt: skip
from bot.safety.normalise import normalise, squeeze

# Phrases that start with a prefix ("suicid*") are found by the first letters of a word.
_INDEX_PREFIX = 3


@dataclass(frozen=True)
class Verdict:
    """What the screen found: the tier, and the categories behind it (never the words)."""

    tier: Tier
    categories: frozenset[Category]
    languages: frozenset[str]


class Screener:
    """Compiled once at start from the lexicons; `screen` is pure and fast."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.languages = frozenset(lexicon.languages)
        self._by_word: defaultdict[str, list[Phrase]] = defaultdict(list)
        self._by_prefix: defaultdict[str, list[Phrase]] = defaultdict(list)
        self._compact: list[tuple[str, Phrase]] = []
        for phrase in lexicon.phrases:
            first = phrase.first
            for word in first.words:
                self._by_word[word].append(phrase)
            for prefix in first.prefixes:
                self._by_prefix[prefix[:_INDEX_PREFIX]].append(phrase)
            self._compact.extend((c, phrase) for c in _compact_forms(phrase))

    def screen(self, text: str) -> Verdict | None:
        """The verdict on one text, or None when it holds no crisis language."""
        normalised = normalise(text)
        words = normalised.words
        found: list[tuple[Phrase, frozenset[int]]] = []
        present = set(words)
        for start, word in enumerate(words):
            for phrase in self._candidates(word):
                if not all(_present(slot, present) for slot in phrase.required):
                    continue
                matched = _match(phrase, words, start)
                if matched is not None:
                    found.append((phrase, matched))
        for position in normalised.spelled:
            found.extend(
                (phrase, frozenset({position}))
                for compact, phrase in self._compact
                if compact in words[position]
            )
        if not found:
            return None
        masked: set[int] = set()
        for phrase, positions in found:
            if phrase.kind == EXCEPTIONS:
                masked |= positions
        categories: set[Category] = set()
        languages: set[str] = set()
        imminent = False
        for phrase, positions in found:
            if phrase.kind == EXCEPTIONS or positions & masked:
                continue
            if phrase.kind == IMMINENCE:
                imminent = True
                continue
            categories.add(Category(phrase.kind))
            languages.add(phrase.language)
        if not categories:
            return None
        urgent = any(c.tier is Tier.URGENT for c in categories)
        # A passive wish with a "tonight" or "right now" is no longer passive.
        urgent = urgent or (imminent and Category.PASSIVE in categories)
        return Verdict(
            Tier.URGENT if urgent else Tier.CONCERN, frozenset(categories), frozenset(languages)
        )

    def _candidates(self, word: str) -> list[Phrase]:
        exact = self._by_word.get(word, [])
        by_prefix = self._by_prefix.get(word[:_INDEX_PREFIX])
        if not by_prefix:
            return exact
        return exact + [p for p in by_prefix if p.first.accepts(word)]


def _present(slot: Slot, words: set[str]) -> bool:
    if not slot.words.isdisjoint(words):
        return True
    return bool(slot.prefixes) and any(word.startswith(slot.prefixes) for word in words)


def _match(phrase: Phrase, words: list[str], start: int) -> frozenset[int] | None:
    """The positions of the words that matched `phrase` from `start`, or None."""
    taken = _walk(phrase.elements, 0, start, words, None)
    return frozenset(taken) if taken is not None else None


# What is left to match after a bracketed group: (elements, index, what is left after that).
_Rest = tuple[tuple[Element, ...], int, "_Rest | None"]


def _walk(
    elements: tuple[Element, ...], index: int, at: int, words: list[str], rest: _Rest | None
) -> tuple[int, ...] | None:
    """The first way elements[index:] and then `rest` match from word `at`: the positions
    of the words used. Backtracks over groups, optional words and gaps."""
    if index == len(elements):
        if rest is None:
            return ()
        return _walk(rest[0], rest[1], at, words, rest[2])
    element = elements[index]
    if isinstance(element, Group):
        after: _Rest = (elements, index + 1, rest)
        for choice in element.choices:
            found = _walk(choice, 0, at, words, after)
            if found is not None:
                return found
        return None
    if element.gap:
        for skip in range(min(MAX_GAP, len(words) - at) + 1):
            found = _walk(elements, index + 1, at + skip, words, rest)
            if found is not None:
                return found
        return None
    if at < len(words) and element.accepts(words[at]):
        found = _walk(elements, index + 1, at + 1, words, rest)
        if found is not None:
            return (at, *found)
    if element.optional:
        return _walk(elements, index + 1, at, words, rest)
    return None


def _compact_forms(phrase: Phrase) -> list[str]:
    """The phrase's words run together, for text spelled out letter by letter; only for
    phrases of plain words, long enough not to hide inside ordinary words."""
    slots = [e for e in phrase.elements if isinstance(e, Slot) and not e.gap and not e.optional]
    if len(slots) != len(phrase.elements):
        return []
    if len(slots) < 2 and not slots[0].prefixes:
        return []
    choices = [sorted(slot.words) + list(slot.prefixes) for slot in slots]
    forms: list[str] = []
    for combination in product(*choices):
        forms.append(squeeze("".join(combination)))  # as the spelled text is squeezed
        if len(forms) > 16:
            break
    return [form for form in forms if len(form) >= 6]
