"""The crisis screen: which tier, if any, a piece of text falls in, and why.

Deliberately broad on the urgent tier (negation is no reason for silence: "I'm not going
to kill myself" still gets the resources): a false alarm costs a kind message and a
moderator's minute; a miss can cost a life. Exceptions only cover the exact words of an
everyday figure of speech, so "killing it at work, but I want to kill myself" is urgent.
Where no phrase matched and no exception did, the backstop (bot.safety.backstop) gives a
second opinion on words no lexicon lists; where phrases found only a concern, it may raise
it to urgent (Verdict.raised), heard only where its guesses are (bot.safety.places).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import cache
from itertools import product
from pathlib import Path
from typing import NamedTuple

from bot.safety.backstop import Backstop, shipped
from bot.safety.lexicon import (
    EXCEPTIONS,
    IMMINENCE,
    MAX_GAP,
    MEANS,
    MODIFIERS,
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
# Texts of more words than this are not searched through for each phrase.
_SEARCHED = 60
# Places besides its key checked before a phrase is searched for, its least shared ones:
# checking more passes over few more phrases, and a text's words set more bits (integers
# thousands of bits long, ORed and ANDed for every text).
_CHECKED = 2
# A kind read from a lexicon as its category: a lookup, not an enum call, per match.
_CATEGORIES = {category.value: category for category in Category}
_URGENT = frozenset(category for category in Category if category.tier is Tier.URGENT)


@dataclass(frozen=True)
class Verdict:
    """What the screen found: the tier, and the categories behind it (never the words)."""

    tier: Tier
    categories: frozenset[Category]
    # Urgent only because the backstop heard a listed concern as urgent: a guess, so it
    # counts only where the backstop's guesses are heard (bot.safety.places).
    raised: bool = False

    @property
    def unsure(self) -> bool:
        """The backstop's guess, not a listed phrase: the reply says it may be wrong."""
        return not self.categories

    def as_listed(self) -> Verdict:
        """The tier the listed phrases gave, without the backstop's raise."""
        return replace(self, tier=Tier.CONCERN, raised=False) if self.raised else self


@cache
def screener_for(extra_dir: Path | None = None, backstop: bool = True) -> Screener:
    """The screen over the shipped lexicons plus an operator's folder, and the backstop
    unless turned off, compiled once per process (a few hundred milliseconds; tests and
    the sandbox start many bots)."""
    return Screener(load(extra_dir), shipped() if backstop else None)


class Screener:
    """Compiled once at start from the lexicons; `screen` is pure and fast.

    Each phrase is indexed under one word it cannot match without, the longest such word
    (long words are rare ones): a message then looks only at phrases whose key word it
    holds, instead of at every phrase that starts with "i" or "my". The next least shared
    places a phrase must fill are one bit each: a text's words set the bits of the places
    they fill, and a phrase whose bits are not all set is passed over with one integer
    test.
    """

    def __init__(self, lexicon: Lexicon, backstop: Backstop | None = None) -> None:
        self._backstop = backstop
        self._by_word: defaultdict[str, list[_Compiled]] = defaultdict(list)
        self._by_prefix: defaultdict[str, list[tuple[Slot, _Compiled]]] = defaultdict(list)
        # The bits of the places each word fills, plain words and prefixes apart.
        self._bits_by_word: defaultdict[str, int] = defaultdict(int)
        self._bits_by_prefix: defaultdict[str, list[tuple[str, int]]] = defaultdict(list)
        # Each word's bits and phrases (with the bits each phrase needs), risk phrases and
        # the rest (exceptions, "tonight") apart, prefixes resolved: filled as words come
        # up (most texts reuse the same words).
        self._looked_up: dict[str, _Word] = {}
        # Run-together forms of phrases by their first letters, with whether they join
        # several words.
        self._compact: defaultdict[str, list[tuple[str, str, bool]]] = defaultdict(list)
        # How many phrases need each word: a phrase is indexed under its least shared one.
        shared: Counter[str] = Counter()
        for phrase in lexicon.phrases:
            for slot in (phrase.first, *phrase.required):
                shared.update(slot.words)
                shared.update(p[:_INDEX_PREFIX] for p in slot.prefixes)
        bits: dict[tuple[frozenset[str], tuple[str, ...]], int] = {}
        for phrase in lexicon.phrases:
            places = (phrase.first, *phrase.required, *_group_places(phrase.elements, shared))
            # Stable: among places shared alike, the first in the phrase is the key.
            by_sharing = sorted(dict.fromkeys(places), key=lambda s: _sharing(s, shared))
            key = by_sharing[0]
            compiled = _Compiled(phrase, self._bits(by_sharing[1 : 1 + _CHECKED], bits))
            for word in key.words:
                self._by_word[word].append(compiled)
            for prefix in key.prefixes:
                self._by_prefix[prefix[:_INDEX_PREFIX]].append((key, compiled))
            several = len(phrase.elements) > 1
            for form in _compact_forms(phrase):
                self._compact[form[:_MIN_COMPACT]].append((form, phrase.kind, several))

    def _bits(
        self, slots: list[Slot], bits: dict[tuple[frozenset[str], tuple[str, ...]], int]
    ) -> int:
        """The bits of the places a phrase must fill besides its key; a place seen for the
        first time gets the next bit, set by each word (or prefix) it takes."""
        need = 0
        for slot in slots:
            place = (slot.words, slot.prefixes)
            bit = bits.get(place)
            if bit is None:
                bit = bits[place] = 1 << len(bits)
                for word in slot.words:
                    self._bits_by_word[word] |= bit
                for prefix in slot.prefixes:
                    self._bits_by_prefix[prefix[:_INDEX_PREFIX]].append((prefix, bit))
            need |= bit
        return need

    def screen(self, text: str) -> Verdict | None:
        """The verdict on one text, or None when it holds no crisis language."""
        normalised = normalise(text)
        words = normalised.words
        present = set(words)
        filled = 0
        risky: dict[_Compiled, int] = {}
        others: dict[_Compiled, int] = {}
        holding: list[_Word] = []  # words with a phrase run together inside
        looked_up = self._looked_up
        for word in present:
            entry = looked_up.get(word) or self._lookup(word)
            # Most words bring no phrase, and few bring exceptions: no call for nothing.
            filled |= entry.filled
            if entry.risk:
                risky.update(entry.risk)
            if entry.other:
                others.update(entry.other)
            if entry.inside:
                holding.append(entry)
        matches = _matched(words, filled, risky, others)
        inside = _run_together(words, normalised.spelled, holding) if holding else []
        if not matches and not inside:
            return self._second_opinion(words, filled, others)
        if inside and not matches and others:
            # A phrase run together or spelled out ("iwanttodisappear"): "tonight", a means
            # or an exception beside it still count.
            matches = _matched(words, filled, others, {})
        kinds = {compiled.kind for compiled, _ in matches}
        kinds.update(kind for kind, _ in inside)
        if EXCEPTIONS in kinds:
            # Exceptions mask their words: only now does it matter which words matched.
            found = [(kind, frozenset({position})) for kind, position in inside]
            found += _positions(words, matches)
            # An everyday figure of speech was recognised: no second opinion overrules it
            # (nor hears its words: they would raise the concern beside it).
            return _verdict(_unmasked(found))
        verdict = _verdict(kinds)
        if verdict is None:
            return self._second_opinion(words, filled, others)
        return self._louder(verdict, words)

    def _louder(self, verdict: Verdict, words: list[str]) -> Verdict:
        """A listed concern the backstop hears as urgent beyond doubt is raised to urgent
        ("I can't go on, I've made up my mind and it ends tonight" names no method a
        lexicon lists), where the backstop's guesses are heard (Verdict.raised)."""
        if verdict.tier is Tier.URGENT or self._backstop is None:
            return verdict
        if self._backstop.urgent_beyond_doubt(words):
            return Verdict(Tier.URGENT, verdict.categories, raised=True)
        return verdict

    def _second_opinion(
        self, words: list[str], filled: int, others: dict[_Compiled, int]
    ) -> Verdict | None:
        """The backstop's tier, with no category (no listed phrase was behind it), when it
        hears crisis talk, unless an everyday figure of speech was recognised: no second
        opinion overrules one. A concern with a means at hand beside it is urgent."""
        tier = None if self._backstop is None else self._backstop.judge(words)
        if tier is None:
            return None
        # Exceptions and means are looked for only now: the backstop rarely speaks.
        if _holds(EXCEPTIONS, words, filled, others):
            return None
        if tier is Tier.CONCERN and _holds(MEANS, words, filled, others):
            tier = Tier.URGENT
        return Verdict(tier, frozenset())

    def _lookup(self, word: str) -> _Word:
        """The places one word fills, and the phrases keyed by it with what they need."""
        keyed = list(self._by_word.get(word, ()))
        for key, compiled in self._by_prefix.get(word[:_INDEX_PREFIX], ()):
            if key.accepts(word):
                keyed.append(compiled)
        filled = self._bits_by_word.get(word, 0)
        for prefix, bit in self._bits_by_prefix.get(word[:_INDEX_PREFIX], ()):
            if word.startswith(prefix):
                filled |= bit
        entry = _Word(
            word,
            filled,
            # One shared empty dict for the many words that bring no phrase: fewer
            # objects for the screen to reach, message after message.
            {compiled: compiled.need for compiled in keyed if compiled.risk} or _NO_PHRASES,
            {compiled: compiled.need for compiled in keyed if not compiled.risk} or _NO_PHRASES,
            self._inside(word),
        )
        if len(self._looked_up) > _LOOKED_UP:  # members' words are unbounded
            self._looked_up.clear()
        self._looked_up[word] = entry
        return entry

    def _inside(self, word: str) -> tuple[tuple[str, bool], ...]:
        """The kinds of the run-together forms found inside a word, with whether each
        joins several words (whether they count depends on the word's place in a text)."""
        inside: list[tuple[str, bool]] = []
        for start in range(len(word) - _MIN_COMPACT + 1):
            for form, kind, several in self._compact.get(word[start : start + _MIN_COMPACT], ()):
                if word.startswith(form, start):
                    inside.append((kind, several))
        return tuple(inside)


_NO_PHRASES: dict[_Compiled, int] = {}  # only ever read


class _Word(NamedTuple):
    """What one word brings to a text: the bits of the places it fills, the phrases keyed
    by it (risk phrases, then exceptions and "tonight") with the bits they need, and the
    phrases found run together inside it."""

    word: str
    filled: int
    risk: dict[_Compiled, int]
    other: dict[_Compiled, int]
    inside: tuple[tuple[str, bool], ...]


def _matched(
    words: list[str], filled: int, risky: dict[_Compiled, int], others: dict[_Compiled, int]
) -> list[tuple[_Compiled, re.Match[str]]]:
    """Every match of a phrase's words in order, over " w1 w2 ... ", with its phrase."""
    found: list[tuple[_Compiled, re.Match[str]]] = []
    joined = ""
    # A search reads the whole text: in a long one, a phrase is tried only where one of
    # its first words stands.
    long = len(words) > _SEARCHED
    at: dict[str, list[int]] = {}
    # Risk phrases first: with none of them, exceptions and "tonight" have nothing to
    # change, and most messages stop here.
    for candidates in (risky, others):
        for compiled, need in candidates.items():
            if filled & need != need:  # a place the phrase must fill is empty
                continue
            joined = joined or " " + " ".join(words) + " "
            if long:
                at = at or _offsets(words)
                finder = compiled.finder
                for start in _starts(at, compiled.phrase.first):
                    match = finder.match(joined, start)
                    if match is not None:
                        found.append((compiled, match))
                continue
            # Every place a match starts (they may overlap: "i want to i want to die").
            search = compiled.finder.search
            match = search(joined)
            while match is not None:
                found.append((compiled, match))
                match = search(joined, match.start() + 1)
        if not found:
            break
    return found


def _holds(kind: str, words: list[str], filled: int, others: dict[_Compiled, int]) -> bool:
    """Whether the text holds a phrase of this kind (an exception, a means) among `others`."""
    of_kind = {compiled: need for compiled, need in others.items() if compiled.kind == kind}
    return bool(of_kind) and bool(_matched(words, filled, of_kind, {}))


def _offsets(words: list[str]) -> dict[str, list[int]]:
    """Where each word stands in " w1 w2 ... ": the offsets of the spaces before it."""
    at: dict[str, list[int]] = {}
    offset = 0
    for word in words:
        offsets = at.get(word)
        if offsets is None:
            at[word] = [offset]
        else:
            offsets.append(offset)
        offset += len(word) + 1
    return at


def _starts(at: dict[str, list[int]], first: Slot) -> list[int]:
    """Where a phrase could match: the offsets of the words its first place takes."""
    starts = [offset for word in first.words & at.keys() for offset in at[word]]
    if first.prefixes:
        for word, offsets in at.items():
            if word not in first.words and word.startswith(first.prefixes):
                starts.extend(offsets)
    return starts


def _run_together(
    words: list[str], spelled: list[int], holding: list[_Word]
) -> list[tuple[str, int]]:
    """Phrases found inside words spelled out letter by letter, or run together
    ("killmyself"). Inside a long word only several-word forms count: one word's stem
    ("overdos") inside "dalloverdose" is an elided article, not a phrase run together."""
    found: list[tuple[str, int]] = []
    for entry in holding:
        long = len(entry.word) >= _RUN_TOGETHER
        for position, word in enumerate(words):
            spelled_out = position in spelled
            if word != entry.word or not (long or spelled_out):
                continue
            for kind, several in entry.inside:
                if several or spelled_out:
                    found.append((kind, position))
    return found


def _positions(
    words: list[str], matches: list[tuple[_Compiled, re.Match[str]]]
) -> list[tuple[str, frozenset[int]]]:
    """The words each match took: the words it spans, but for those in a gap ("...")."""
    count = len(words)
    position: dict[int, int] = {}  # by the offset of the space before each word
    offset = 0
    for number, word in enumerate(words):
        position[offset] = number
        offset += len(word) + 1
    found: list[tuple[str, frozenset[int]]] = []
    for compiled, match in matches:
        start, end = match.span()  # from the space before the first word to the one after
        taken = set(range(position[start], position.get(end, count)))
        if compiled.gaps:  # without, a match takes every word it spans
            # The same expression with a group around each gap matches the same words.
            gapped = compiled.gapped.match(match.string, start)
            assert gapped is not None
            for gap_start, gap_end in gapped.regs[1:]:
                if gap_start >= 0:
                    taken.difference_update(range(position[gap_start], position[gap_end]))
        found.append((compiled.kind, frozenset(taken)))
    return found


class _Compiled:
    """A phrase and its regular expression, compiled the first time a text could match
    (most phrases never come up; compiling all of them would slow every start). A phrase
    with a gap has a second one, with a group around each gap, to tell which words a match
    took when an exception matched too (groups make matching several times slower)."""

    __slots__ = ("_finder", "_gapped", "gaps", "kind", "need", "phrase", "risk")

    def __init__(self, phrase: Phrase, need: int) -> None:
        self.phrase = phrase
        self.kind = phrase.kind
        self.risk = phrase.kind not in MODIFIERS
        # The bits of the places the phrase must fill besides its key.
        self.need = need
        self.gaps = _has_gap(phrase.elements)
        self._finder: re.Pattern[str] | None = None
        self._gapped: re.Pattern[str] | None = None

    @property
    def finder(self) -> re.Pattern[str]:
        if self._finder is None:
            self._finder = re.compile(_regex(self.phrase.elements) + "(?= )")
        return self._finder

    @property
    def gapped(self) -> re.Pattern[str]:
        """The expression with a group around each gap (for phrases with `gaps`)."""
        if self._gapped is None:
            self._gapped = re.compile(_regex(self.phrase.elements, gap="(") + "(?= )")
        return self._gapped


def _regex(elements: tuple[Element, ...], gap: str = "(?:") -> str:
    """A phrase as a regular expression over " w1 w2 ... ", each word " (?:word)", each
    gap up to MAX_GAP words of anything, in a group when `gap` is "(" ."""
    parts: list[str] = []
    for element in elements:
        if isinstance(element, Group):
            choices = "|".join(_regex(choice, gap) for choice in element.choices)
            parts.append(f"(?:{choices})")
        elif element.gap:
            # As few words as will do: a greedy gap let a risk phrase's match reach into
            # an everyday figure after it ("ich will sterben ... vor hitze sterben") and
            # be masked by it, and an exception's match cover more than its own words.
            parts.append(f"{gap}(?: [^ ]+){{0,{MAX_GAP}}}?)")
        else:
            alternatives = sorted(map(re.escape, element.words), key=len, reverse=True)
            alternatives += [re.escape(prefix) + "[^ ]*" for prefix in element.prefixes]
            word = f" (?:{'|'.join(alternatives)})"
            parts.append(f"(?:{word})?" if element.optional else word)
    return "".join(parts)


def _has_gap(elements: tuple[Element, ...]) -> bool:
    return any(
        any(_has_gap(choice) for choice in element.choices)
        if isinstance(element, Group)
        else element.gap
        for element in elements
    )


def _unmasked(found: list[tuple[str, frozenset[int]]]) -> set[str]:
    """The kinds of the phrases whose words no exception took."""
    masked: set[int] = set()
    for kind, positions in found:
        if kind == EXCEPTIONS:
            masked |= positions
    return {kind for kind, positions in found if kind != EXCEPTIONS and not positions & masked}


def _verdict(kinds: set[str]) -> Verdict | None:
    """The tier the kinds of the phrases found (exceptions apart) add up to."""
    categories = {_CATEGORIES[kind] for kind in kinds if kind in _CATEGORIES}
    if not categories:
        return None
    urgent = not _URGENT.isdisjoint(categories)
    # A wish to be dead with a "tonight" or "right now", or a passive wish or a hopeless
    # message with the means at hand ("the pills are right here"), is no longer passive.
    urgent = urgent or (IMMINENCE in kinds and Category.PASSIVE in categories)
    urgent = urgent or MEANS in kinds  # not urgent yet: the categories are concern ones
    return Verdict(Tier.URGENT if urgent else Tier.CONCERN, frozenset(categories))


def _group_places(elements: tuple[Element, ...], shared: Counter[str]) -> list[Slot]:
    """For each bracketed group every match goes through, a place that takes the least
    shared word every choice needs: "(de trop|en trop)" cannot match without "trop", which
    the group's first words ("de", "en": in every French text) do not tell. Checked with
    the other places' bits, it spares most searches that could not match."""
    places: list[Slot] = []
    for element in elements:
        if not isinstance(element, Group) or any(not choice for choice in element.choices):
            continue
        rarest: list[Slot] = []
        for choice in element.choices:
            needed = _needed(choice, shared)
            if not needed:  # a choice that needs no word: the group tells nothing
                break
            rarest.append(min(needed, key=lambda s: _sharing(s, shared)))
        else:
            words = frozenset().union(*(slot.words for slot in rarest))
            prefixes = tuple(dict.fromkeys(p for slot in rarest for p in slot.prefixes))
            places.append(Slot(words, prefixes))
    return places


def _needed(elements: tuple[Element, ...], shared: Counter[str]) -> list[Slot]:
    """The places every match of a sequence fills: its words that are always there, and
    for each group it always goes through, the place `_group_places` makes of it."""
    needed: list[Slot] = []
    groups = False
    for element in elements:
        if isinstance(element, Group):
            groups = True
        elif not element.gap and not element.optional:
            needed.append(element)
    return needed + _group_places(elements, shared) if groups else needed


def _sharing(slot: Slot, shared: Counter[str]) -> int:
    """How many phrases share this place's words: the lower, the better an index key."""
    # map over the Counter's lookup: this runs tens of thousands of times at start.
    sharing = sum(map(shared.__getitem__, slot.words))
    if slot.prefixes:  # a prefix bucket is checked too
        sharing += sum(shared[p[:_INDEX_PREFIX]] * 4 for p in slot.prefixes)
    return sharing


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
