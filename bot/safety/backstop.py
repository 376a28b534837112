"""A second opinion for crisis words no lexicon lists.

Phrase lexicons find what they were written for; on messages nobody tuned them on they miss
people who write around the words ("after the memorial I'll go and join her"). The
backstop is naive Bayes over word beginnings (six letters, so "decided", "decide" and
"deciding" meet) and pairs of them, counted in the project's own labelled sets
(tests/safety: written from public crisis-line training material, never from members'
words). The screen asks it only when the lexicons found nothing and no exception matched,
and it speaks only when it is very sure by its own count: at THRESHOLD, in 5-fold
cross-validation over the tuning sets (`python -m bot.safety.backstop --cross-validate`),
it alone flagged about 1% of everyday recovery talk. Its own count is not a probability:
the sets hold far more crisis talk than members write, and a word's beginning and the pairs
it is in count the same evidence twice; so at real rates most of its notices may be false.
On sentences written to sit near crisis phrases it is wrong about one time in seven, and a
crisis sentence among recovery talk ("Day 40 sober, went to my meeting...") is often
outweighed by it; only the first MAX_WORDS words are read. So it is heard only for a
message typed with nothing pending or a caption (bot.safety.places.BACKSTOP_PLACES), what
it hears is only ever a concern (a quiet notice, never a repeated alarm), and the member's
reply says the bot may have read it wrong.

The counts ship as backstop.json, made from the sets by `python -m bot.safety.backstop`;
tests/safety/test_backstop.py checks that the shipped file is what the sets make today.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from bot.safety.normalise import normalise

MODEL = Path(__file__).with_name("backstop.json")
# The chance of "everyday talk" below which the backstop speaks (P(none) <= 1 - THRESHOLD).
THRESHOLD = 0.999
STEM = 6  # letters of a word kept: its inflections share a beginning
MIN_COUNT = 2  # a feature seen in one example only is that example, not a pattern
ALPHA = 0.5  # additive smoothing
# A long message is judged on its first words: the lexicons read all of it, and the
# backstop must stay within the screen's time budget.
MAX_WORDS = 300
CLASSES = ("urgent", "concern", "none")


def features(words: Sequence[str]) -> set[str]:
    """Word beginnings and pairs of neighbouring ones."""
    stems = [word[:STEM] for word in words[:MAX_WORDS]]
    pairs = {f"{a} {b}" for a, b in pairwise(stems)}
    return pairs.union(stems)


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
    """Log-likelihoods per feature, computed once; `judge` adds them up."""

    def __init__(self, counts: Counts) -> None:
        sizes = [counts.examples[name] for name in CLASSES]
        everyone = sum(sizes)
        # Smoothed like the features, so a class with no examples is unlikely, not impossible.
        self._prior = tuple(
            math.log((size + ALPHA) / (everyone + len(sizes) * ALPHA)) for size in sizes
        )

        def log_chance(held: int, size: int) -> float:
            return math.log((held + ALPHA) / (size + 2 * ALPHA))

        self._weights = {
            key: tuple(log_chance(n, size) for n, size in zip(held, sizes, strict=True))
            for key, held in counts.holding.items()
        }
        self._floor = math.log(1 - THRESHOLD)

    def hears(self, words: Sequence[str]) -> bool:
        """Whether everyday talk is very unlikely (P(none) <= 1 - THRESHOLD)."""
        urgent, concern, none = self._prior
        weights = self._weights
        for key in features(words):
            found = weights.get(key)
            if found is not None:
                urgent += found[0]
                concern += found[1]
                none += found[2]
        top = max(urgent, concern, none)
        total = top + math.log(
            math.exp(urgent - top) + math.exp(concern - top) + math.exp(none - top)
        )
        return none - total <= self._floor


@cache
def shipped() -> Backstop:
    """The backstop from the shipped counts (read once per process)."""
    return Backstop(Counts.from_json(MODEL.read_text(encoding="utf-8")))


def cross_validate(examples: list[tuple[str, str]], folds: int = 5) -> dict[str, str]:
    """The backstop alone, counted on all folds but one and asked about that one, in turn:
    how often it hears each tier (for "none", its false alarms)."""
    heard: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for fold in range(folds):
        backstop = Backstop(count(e for i, e in enumerate(examples) if i % folds != fold))
        for text, tier in examples[fold::folds]:
            seen[tier] += 1
            heard[tier] += backstop.hears(normalise(text).words)
    return {tier: f"{heard[tier]}/{seen[tier]} {heard[tier] / seen[tier]:.1%}" for tier in seen}


def main() -> None:
    """Count the tuning sets into backstop.json (after a change to the sets), or with
    --cross-validate print how the backstop alone does on folds it was not counted from."""
    import random
    import sys

    from bot.safety.evaluation import example_sets, load_examples

    examples = [
        (example.text, example.tier)
        for found in example_sets()
        if found.tuned
        for example in load_examples(found.folder)
    ]
    if "--cross-validate" in sys.argv:
        random.Random(1).shuffle(examples)
        print(f"5 folds of {len(examples)} examples, threshold {THRESHOLD}:")
        print(cross_validate(examples))
        return
    MODEL.write_text(count(examples).to_json() + "\n", encoding="utf-8")
    print(f"{MODEL}: {len(examples)} examples")


if __name__ == "__main__":
    main()
