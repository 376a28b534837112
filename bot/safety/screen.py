"""The crisis screen: which tier, if any, a piece of text falls in, and why.

Deliberately broad on the urgent tier (negation is no reason for silence: "I'm not going
to kill myself" still gets the resources): a false alarm costs a kind message and a
moderator's minute; a miss can cost a life. Exceptions only cover the exact words of an
everyday figure of speech, so "killing it at work, but I want to kill myself" is urgent.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from itertools import product
from pathlib import Path

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
    load,
)
from bot.safety.normalise import normalise, squeeze

# Phrases that start with a prefix ("suicid*") are found by the first letters of a word.
_INDEX_PREFIX = 3
# Run-together forms shorter than this could hide inside ordinary spelled-out words.
_MIN_COMPACT = 6
# A word this long may be several run together ("wanttodie"); shorter ones are searched
# inside only when spelled out.
_RUN_TOGETHER = 9
# Words whose phrases are remembered, at most (a few megabytes).
_LOOKED_UP = 50_000


@dataclass(frozen=True)
class Verdict:
    """What the screen found: the tier, and the categories behind it (never the words)."""

    tier: Tier
    categories: frozenset[Category]


@cache
def screener_for(extra_dir: Path | None = None) -> Screener:
    """The screen over the shipped lexicons plus an operator's folder, compiled once per
    process (a few hundred milliseconds; tests and the sandbox start many bots)."""
    return Screener(load(extra_dir))


class Screener:
    """Compiled once at start from the lexicons; `screen` is pure and fast.

    Each phrase is indexed under one word it cannot match without, the longest such word
    (long words are rare ones): a message then looks only at phrases whose key word it
    holds, instead of at every phrase that starts with "i" or "my".
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self._by_word: defaultdict[str, list[_Compiled]] = defaultdict(list)
        self._by_prefix: defaultdict[str, list[tuple[Slot, _Compiled]]] = defaultdict(list)
        # Each word's phrases, risk phrases and the rest (exceptions, "tonight") apart,
        # prefixes resolved: filled as words come up (most texts reuse the same words).
        self._looked_up: dict[str, tuple[tuple[_Compiled, ...], tuple[_Compiled, ...]]] = {}
        # Run-together forms of phrases by their first letters, with whether they join
        # several words.
        self._compact: defaultdict[str, list[tuple[str, Phrase, bool]]] = defaultdict(list)
        # How many phrases need each word: a phrase is indexed under its least shared one.
        shared: Counter[str] = Counter()
        for phrase in lexicon.phrases:
            for slot in (phrase.first, *phrase.required):
                shared.update(slot.words)
                shared.update(p[:_INDEX_PREFIX] for p in slot.prefixes)
        for phrase in lexicon.phrases:
            by_sharing = sorted(
                (phrase.first, *phrase.required), key=lambda s: _sharing(s, shared)
            )
            key = by_sharing[0]
            # The presence check tries the rarest places first: most phrases fail there.
            compiled = _Compiled(phrase, tuple(slot for slot in by_sharing[1:]))
            for word in key.words:
                self._by_word[word].append(compiled)
            for prefix in key.prefixes:
                self._by_prefix[prefix[:_INDEX_PREFIX]].append((key, compiled))
            several = len(phrase.elements) > 1
            for form in _compact_forms(phrase):
                self._compact[form[:_MIN_COMPACT]].append((form, phrase, several))

    def screen(self, text: str) -> Verdict | None:
        """The verdict on one text, or None when it holds no crisis language."""
        normalised = normalise(text)
        found = self._found(normalised.words)
        words = normalised.words
        # Words spelled out letter by letter, or run together ("killmyself"): look for
        # the phrases' run-together forms inside them.
        # Inside a long word only several-word forms count: one word's stem ("overdos")
        # inside "dalloverdose" is an elided article, not a phrase run together.
        for position, word in enumerate(words):
            spelled = position in normalised.spelled
            if len(word) < _RUN_TOGETHER and not spelled:
                continue
            for start in range(len(word) - _MIN_COMPACT + 1):
                head = word[start : start + _MIN_COMPACT]
                for form, phrase, several in self._compact.get(head, ()):
                    if (several or spelled) and word.startswith(form, start):
                        found.append((phrase, frozenset({position})))
        return _verdict(found) if found else None

    def _found(self, words: list[str]) -> list[tuple[Phrase, frozenset[int]]]:
        """Every phrase that matches, with the positions of the words it matched."""
        found: list[tuple[Phrase, frozenset[int]]] = []
        present = set(words)
        risky: set[_Compiled] = set()
        others: set[_Compiled] = set()
        for word in present:
            risk, other = self._lookup(word)
            risky.update(risk)
            others.update(other)
        text: _Text | None = None
        # Risk phrases first: with none of them, exceptions and "tonight" have nothing to
        # change, and most messages stop here.
        for candidates in (risky, others):
            for compiled in candidates:
                if not compiled.could_match(present):
                    continue
                text = text or _Text(words)
                regex = compiled.regex
                # Tried only where a match could start, not at every word.
                for start in text.starts(compiled.phrase.first, present):
                    match = regex.match(text.joined, start)
                    if match is not None:
                        # Every word is a group: where the ones that took part start.
                        taken = frozenset(text.position[at] for at, _ in match.regs[1:] if at >= 0)
                        found.append((compiled.phrase, taken))
            if not found:
                break
        return found

    def _lookup(self, word: str) -> tuple[tuple[_Compiled, ...], tuple[_Compiled, ...]]:
        """The phrases keyed by one word: risk phrases, then exceptions and "tonight"."""
        looked_up = self._looked_up.get(word)
        if looked_up is None:
            keyed = list(self._by_word.get(word, ()))
            for key, compiled in self._by_prefix.get(word[:_INDEX_PREFIX], ()):
                if key.accepts(word):
                    keyed.append(compiled)
            risk = tuple(compiled for compiled in keyed if compiled.risk)
            other = tuple(compiled for compiled in keyed if not compiled.risk)
            if len(self._looked_up) > _LOOKED_UP:  # members' words are unbounded
                self._looked_up.clear()
            looked_up = self._looked_up[word] = (risk, other)
        return looked_up


class _Text:
    """A text's words as one string, " w1 w2 ... ", for the phrases' regular expressions,
    with where each word starts (`position` turns a match's offsets back into words)."""

    __slots__ = ("_at", "joined", "position")

    def __init__(self, words: list[str]) -> None:
        self.joined = " " + " ".join(words) + " "
        self.position: dict[int, int] = {}
        # The offsets of the space before each word, by word: where a match may start.
        self._at: defaultdict[str, list[int]] = defaultdict(list)
        offset = 1
        for position, word in enumerate(words):
            self.position[offset] = position
            self._at[word].append(offset - 1)
            offset += len(word) + 1

    def starts(self, first: Slot, present: set[str]) -> list[int]:
        """Where a phrase beginning with `first` could match."""
        offsets = [at for word in first.words & present for at in self._at[word]]
        if first.prefixes:
            for word, at in self._at.items():
                if word not in first.words and word.startswith(first.prefixes):
                    offsets.extend(at)
        return offsets


class _Compiled:
    """A phrase and its regular expression, compiled the first time a text could match
    (most phrases never come up; compiling all of them would slow every start)."""

    __slots__ = ("_compiled", "_prefixed", "_words", "phrase", "risk")

    def __init__(self, phrase: Phrase, checks: tuple[Slot, ...]) -> None:
        self.phrase = phrase
        self.risk = phrase.kind not in (EXCEPTIONS, IMMINENCE)
        # The places the phrase must fill besides its key, plain words apart from the
        # places that take prefixes (a set test is far cheaper than startswith).
        self._words = tuple(slot.words for slot in checks if not slot.prefixes)
        self._prefixed = tuple(slot for slot in checks if slot.prefixes)
        self._compiled: re.Pattern[str] | None = None

    def could_match(self, present: set[str]) -> bool:
        """A cheap check before the regular expression: every place the phrase must fill
        has one of its words somewhere in the text."""
        for words in self._words:
            if words.isdisjoint(present):
                return False
        for slot in self._prefixed:
            if slot.words.isdisjoint(present) and not any(
                word.startswith(slot.prefixes) for word in present
            ):
                return False
        return True

    @property
    def regex(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(_regex(self.phrase.elements) + "(?= )")
        return self._compiled


def _regex(elements: tuple[Element, ...]) -> str:
    """A phrase as a regular expression over " w1 w2 ... ": each word " (word)", so the
    groups that took part say which words matched (gaps are not groups: an exception
    masks only its own words)."""
    parts: list[str] = []
    for element in elements:
        if isinstance(element, Group):
            choices = "|".join(_regex(choice) for choice in element.choices)
            parts.append(f"(?:{choices})")
        elif element.gap:
            parts.append(f"(?: [^ ]+){{0,{MAX_GAP}}}")
        else:
            alternatives = sorted(map(re.escape, element.words), key=len, reverse=True)
            alternatives += [re.escape(prefix) + "[^ ]*" for prefix in element.prefixes]
            word = f" ({'|'.join(alternatives)})"
            parts.append(f"(?:{word})?" if element.optional else word)
    return "".join(parts)


def _verdict(found: list[tuple[Phrase, frozenset[int]]]) -> Verdict | None:
    """Exceptions mask their words; what is left decides the tier."""
    masked: set[int] = set()
    for phrase, positions in found:
        if phrase.kind == EXCEPTIONS:
            masked |= positions
    categories: set[Category] = set()
    imminent = False
    for phrase, positions in found:
        if phrase.kind == EXCEPTIONS or positions & masked:
            continue
        if phrase.kind == IMMINENCE:
            imminent = True
            continue
        categories.add(Category(phrase.kind))
    if not categories:
        return None
    urgent = any(c.tier is Tier.URGENT for c in categories)
    # A passive wish with a "tonight" or "right now" is no longer passive.
    urgent = urgent or (imminent and Category.PASSIVE in categories)
    return Verdict(Tier.URGENT if urgent else Tier.CONCERN, frozenset(categories))


def _sharing(slot: Slot, shared: Counter[str]) -> int:
    """How many phrases share this place's words: the lower, the better an index key."""
    return sum(shared[w] for w in slot.words) + sum(
        shared[p[:_INDEX_PREFIX]] * 4
        for p in slot.prefixes  # a prefix bucket is checked too
    )


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
    return [form for form in forms if len(form) >= _MIN_COMPACT]
