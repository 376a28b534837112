"""A second opinion for crisis words no lexicon lists.

Phrase lexicons find what they were written for; on messages nobody tuned them on they miss
people who write around the words ("after the memorial I'll go and join her"). The backstop
is multinomial naive Bayes over word beginnings (five letters, so "decided", "decide" and
"deciding" meet) and runs of two and three of them, counted in the project's own labelled
sets (tests/safety: written from public crisis-line training material, never from members'
words; tests/safety/training was written for it alone: 6,800 messages in six batches by
different writers, one of them 800 ordinary messages typed to the bot; and the held-out
sets once their misses were read). The screen asks it when the lexicons found nothing and
no exception matched, and whether a concern they found sounds urgent beyond doubt
(`urgent_beyond_doubt`). It speaks only when everyday talk is unlikely by its own count
(P <= 1 - THRESHOLD), and names the tier it leans to: urgent only when urgent outweighs
concern and everyday talk is very unlikely (P <= 1 - URGENT_THRESHOLD), since an urgent
alert is repeated until someone takes it; otherwise a concern, a quiet notice sent once.

The thresholds come from cross-validating the whole screen over tests/safety/training, one
fold per batch so that no writer's wording is on both sides (`python -m bot.safety.backstop
--cross-validate` prints the figures, and the lexicons' alone beside them).

Its count is not a probability: the sets hold far more crisis talk than members write, and
a word's beginning and the runs it is in count the same evidence more than once; so at real
rates many of its notices may be false. It errs most on sentences written to sit next to
crisis phrases ("I have enough pills for the trip"), and only the first MAX_WORDS words are
read. So it is heard only for a message typed with nothing pending or a caption
(bot.safety.places.BACKSTOP_PLACES), the member's reply says the bot may have read it
wrong, and the moderators' alert says the bot guessed.

Multinomial rather than Bernoulli counts: with a feature's chance taken per message of its
class, a class with more examples loses on every feature a long message brings, so long
everyday messages drifted toward crisis as the everyday examples grew (cross-validation:
about 12% false alarms where the multinomial form gives 7% at the same recall).

The counts ship as backstop.json, made from the sets by `python -m bot.safety.backstop`;
tests/safety/test_backstop.py checks that the shipped file is what the sets make today.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from operator import itemgetter
from pathlib import Path

from bot.safety.lexicon import Tier
from bot.safety.normalise import normalise

MODEL = Path(__file__).with_name("backstop.json")
# The chance of "everyday talk" below which the backstop speaks (P(none) <= 1 - THRESHOLD),
# and the smaller one below which a guess that leans urgent is answered as urgent (an alarm
# repeated until someone takes it): otherwise it is a concern, a quiet notice sent once.
THRESHOLD = 0.997
# 0.9995 since the held-out sets that were read and a fifth training batch are counted: in
# cross-validation it found 78.8% of urgent messages urgent where 0.9999 found 73.0%, and
# everyday talk heard as urgent went from 3.0% to 3.3% (how many are heard at all is
# THRESHOLD's, unchanged).
URGENT_THRESHOLD = 0.9995
# How much likelier than concern urgent must be, by the count, for the backstop to make a
# concern a phrase found urgent: 20 spares "não aguento mais, me falta força" (leaning
# urgent 3 to 1) and, in cross-validation, costs no urgent message that evens odds found.
ESCALATE_ODDS = 20.0
STEM = 5  # letters of a word kept: its inflections share a beginning
MIN_COUNT = 1  # a feature seen once still carries over to new messages (module doc)
ALPHA = 0.5  # additive smoothing
# A long message is judged on its first words: the lexicons read all of it, and the
# backstop must stay within the screen's time budget.
MAX_WORDS = 300
CLASSES = ("urgent", "concern", "none")
_BEGINNING = itemgetter(slice(None, STEM))


def features(words: Sequence[str]) -> set[str]:
    """Word beginnings, and runs of two and of three neighbouring ones.

    Runs of three carry a writer's turn of phrase ("no longer be", "won't be around")
    over to other writers: with them, cross-validation (before round 10's phrases) found
    87.3% of urgent messages urgent where pairs alone found 85.1%, for false alarms on
    everyday talk of 4.4% against 4.0% (twice the features: 23 MB in memory, not 11)."""
    stems = list(map(_BEGINNING, words[:MAX_WORDS]))  # map and join run in C: it is hot
    found = set(stems)
    found.update(map(" ".join, pairwise(stems)))
    found.update(map(" ".join, zip(stems, stems[1:], stems[2:], strict=False)))
    return found


@dataclass(frozen=True)
class Counts:
    """How many examples of each class there were, and how many held each feature."""

    examples: dict[str, int]
    holding: dict[str, tuple[int, int, int]]  # feature -> per class, in CLASSES order

    def to_json(self) -> str:
        body = {
            "threshold": THRESHOLD,
            "stem": STEM,
            "examples": self.examples,
            "holding": {key: list(value) for key, value in sorted(self.holding.items())},
        }
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Counts:
        body = json.loads(text)
        holding = {key: (v[0], v[1], v[2]) for key, v in body["holding"].items()}
        return cls(dict(body["examples"]), holding)


def count(examples: Iterable[tuple[str, str]]) -> Counts:
    """Counts from (text, tier) pairs, the tier one of CLASSES."""
    totals: Counter[str] = Counter()
    held = {name: Counter[str]() for name in CLASSES}
    for text, tier in examples:
        totals[tier] += 1
        held[tier].update(features(normalise(text).words))
    every = set().union(*held.values())
    holding = {
        key: (held["urgent"][key], held["concern"][key], held["none"][key])
        for key in every
        if sum(held[name][key] for name in CLASSES) >= MIN_COUNT
    }
    return Counts({name: totals[name] for name in CLASSES}, holding)


class Backstop:
    """Log-likelihoods per feature, computed once; `hears` adds them up."""

    def __init__(self, counts: Counts) -> None:
        sizes = [counts.examples[name] for name in CLASSES]
        everyone = sum(sizes)
        # Smoothed like the features, so a class with no examples is unlikely, not impossible.
        prior = tuple(math.log((size + ALPHA) / (everyone + len(sizes) * ALPHA)) for size in sizes)
        # Multinomial: a feature's chance among all the features its class's messages hold.
        held_in_class = [sum(held[i] for held in counts.holding.values()) for i in range(3)]
        spread = ALPHA * len(counts.holding)

        def log_chance(held: int, total: int) -> float:
            return math.log((held + ALPHA) / (total + spread))

        # Only the differences from everyday talk matter, urgent's and concern's, kept in
        # one table as one complex number (urgent + concern j) that `_weigh` reads and sums
        # in C (map over dict.get, one sum): a 60-word message costs a few microseconds
        # instead of the 50 a Python loop over the features took, and a third of what a
        # pair of floats summed twice took. One table, not one per class: one look-up per
        # feature. Most features share their counts with many others ((1, 0, 0) above
        # all): one number per distinct count.
        over: dict[tuple[int, int, int], complex] = {}
        for held in set(counts.holding.values()):
            urgent, concern, none = (
                log_chance(n, total) for n, total in zip(held, held_in_class, strict=True)
            )
            over[held] = complex(urgent - none, concern - none)
        self._over = {key: over[held] for key, held in counts.holding.items()}
        urgent_prior, concern_prior, none_prior = prior
        self._prior = complex(urgent_prior - none_prior, concern_prior - none_prior)
        # P(none) <= 1 - THRESHOLD, as log(1 + e^U + e^C) >= -log(1 - THRESHOLD).
        self._bar = -math.log(1 - THRESHOLD)
        self._urgent_bar = -math.log(1 - URGENT_THRESHOLD)
        self._escalate = math.log(ESCALATE_ODDS)

    def hears(self, words: Sequence[str]) -> bool:
        """Whether everyday talk is unlikely (P(none) <= 1 - THRESHOLD by its count)."""
        return self.judge(words) is not None

    def judge(self, words: Sequence[str]) -> Tier | None:
        """None when everyday talk is likely enough; else the tier the words lean to:
        urgent when its count favours urgent over concern and everyday talk is very
        unlikely (P(none) <= 1 - URGENT_THRESHOLD), else concern."""
        urgent, concern, spread = self._weigh(words)
        if spread < self._bar:
            return None
        if urgent > concern and spread >= self._urgent_bar:
            return Tier.URGENT
        return Tier.CONCERN

    def urgent_beyond_doubt(self, words: Sequence[str]) -> bool:
        """Whether words a phrase already found to be a concern sound urgent: urgent is
        ESCALATE_ODDS times likelier than concern by its count, and everyday talk very
        unlikely."""
        urgent, concern, spread = self._weigh(words)
        return urgent - concern >= self._escalate and spread >= self._urgent_bar

    def _weigh(self, words: Sequence[str]) -> tuple[float, float, float]:
        """The log odds of urgent and of concern against everyday talk, and -log P(none)."""
        # The features it counted, in the set's order: the sum adds the same numbers in the
        # same order as a sum over every feature with 0 for the others.
        weight = self._prior + sum(filter(None, map(self._over.get, features(words))))
        urgent, concern = weight.real, weight.imag
        top = max(0.0, urgent, concern)  # log(e^0 + e^U + e^C) without overflow
        spread = top + math.log(math.exp(-top) + math.exp(urgent - top) + math.exp(concern - top))
        return urgent, concern, spread


@cache
def shipped() -> Backstop:
    """The backstop from the shipped counts (read once per process)."""
    return Backstop(Counts.from_json(MODEL.read_text(encoding="utf-8")))


def cross_validate(
    examples: list[tuple[str, str, str, int]],
    counted_always: Sequence[tuple[str, str]] = (),
    heard_by: Callable[[Backstop], Callable[[str], bool]] | None = None,
) -> dict[str, str]:
    """Each (text, tier, group, fold) example asked, in turn, of a backstop counted from the
    other folds' examples (and from `counted_always`): how often each group is heard (for
    everyday talk, the false alarms). `heard_by` makes the judge from a backstop (the whole
    screen, say); by default the backstop alone judges."""
    heard: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for fold in sorted({fold for *_, fold in examples}):
        rest = ((text, tier) for text, tier, _, other in examples if other != fold)
        backstop = Backstop(count([*counted_always, *rest]))
        judge = heard_by(backstop) if heard_by else _alone(backstop)
        for text, _, group, other in examples:
            if other == fold:
                seen[group] += 1
                heard[group] += judge(text)
    return {
        group: f"{heard[group]}/{seen[group]} {heard[group] / seen[group]:.1%}"
        for group in sorted(seen)
    }


def _alone(backstop: Backstop) -> Callable[[str], bool]:
    return lambda text: backstop.hears(normalise(text).words)


def main() -> None:
    """Count the counted sets into backstop.json (after a change to the sets), or with
    --cross-validate print how the whole screen does on tests/safety/training when the
    backstop is counted from the tuning sets and the other folds (how THRESHOLD was chosen)."""
    import sys

    from bot.safety.evaluation import TRAINING, batch, example_sets, load_examples
    from bot.safety.lexicon import load
    from bot.safety.screen import Screener

    if "--cross-validate" in sys.argv:
        # Every counted set but the training set itself: the tuning sets and the held-out
        # sets already read.
        tuning = [
            (e.text, e.tier)
            for s in example_sets()
            if s.counted and s.folder != TRAINING
            for e in load_examples(s.folder)
        ]
        # One fold per batch of the training set (tests/safety/training/<lang>-<batch>.jsonl:
        # each batch by other writers), so no writer's wording is on both sides; everyday
        # talk apart by kind: hard negatives, and ordinary messages to the bot.
        training = [
            (e.text, e.tier, e.tier if e.tier != "none" else f"none/{e.category}", batch(e))
            for e in load_examples(TRAINING)
        ]
        lexicon = load(None)

        def screen_by(backstop: Backstop | None, urgent: bool) -> Callable[[str], bool]:
            screener = Screener(lexicon, backstop)
            if urgent:
                return lambda text: getattr(screener.screen(text), "tier", None) is Tier.URGENT
            return lambda text: screener.screen(text) is not None

        alone_any, alone_urgent = screen_by(None, False), screen_by(None, True)
        print(
            f"{len(training)} training examples, one fold per batch, thresholds "
            f"{THRESHOLD} and {URGENT_THRESHOLD} (urgent):"
        )
        for name, judge in (
            ("the whole screen, heard at any tier", lambda b: screen_by(b, False)),
            ("the whole screen, found urgent", lambda b: screen_by(b, True)),
            ("the lexicons alone, heard at any tier", lambda _: alone_any),
            ("the lexicons alone, found urgent", lambda _: alone_urgent),
        ):
            print(f"{name}: {cross_validate(training, tuning, judge)}")
        return
    examples = [
        (example.text, example.tier)
        for found in example_sets()
        if found.counted
        for example in load_examples(found.folder)
    ]
    MODEL.write_text(count(examples).to_json() + "\n", encoding="utf-8")
    print(f"{MODEL}: {len(examples)} examples")


if __name__ == "__main__":
    main()
