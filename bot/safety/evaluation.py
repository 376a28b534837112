"""Measuring the screen on the project's labelled sets: recall and false alarms.

Every set is written from public safe-messaging and crisis-line training material and
our own variations, never from members' words. Two are tuning sets: tests/safety/labelled,
which the lexicons were first tuned on, and tests/safety/fresh, written separately and at
first never used for tuning; its misses were then generalised into the lexicons, so it is a
second tuning set now. A third, tests/safety/holdout, is written by someone who sees
neither the lexicons nor their misses and is never tuned on: when the folder exists, its
figures are the honest estimate of how the screen does on messages nobody has seen.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bot.safety.lexicon import Tier
from bot.safety.screen import Screener

LABELLED = Path(__file__).resolve().parents[2] / "tests" / "safety" / "labelled"
FRESH = LABELLED.with_name("fresh")
HOLDOUT = LABELLED.with_name("holdout")
NONE = "none"


@dataclass(frozen=True)
class ExampleSet:
    """A named set of examples as the bench and the docs call it."""

    name: str
    folder: Path
    tuned: bool  # whether the lexicons were tuned on it


def example_sets(holdout: Path = HOLDOUT) -> list[ExampleSet]:
    """The two tuning sets, and the held-out set when its folder holds examples."""
    sets = [
        ExampleSet("labelled", LABELLED, tuned=True),
        ExampleSet("fresh", FRESH, tuned=True),
    ]
    if holdout.is_dir() and any(holdout.glob("*.jsonl")):
        sets.append(ExampleSet("held-out (never seen)", holdout, tuned=False))
    return sets


@dataclass(frozen=True)
class Example:
    text: str
    language: str
    tier: str  # "urgent", "concern" or "none"
    category: str


def load_examples(folder: Path = LABELLED) -> list[Example]:
    examples: list[Example] = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                examples.append(Example(row["text"], row["lang"], row["tier"], row["category"]))
    return examples


@dataclass
class Rate:
    hits: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 0.0


@dataclass
class Report:
    """Recall per tier (urgent must be found urgent; concern found at either tier) and the
    false-alarm rate on everyday talk, overall and by language and category."""

    overall: dict[str, Rate] = field(default_factory=lambda: defaultdict(Rate))
    by_language: dict[tuple[str, str], Rate] = field(default_factory=lambda: defaultdict(Rate))
    by_category: dict[tuple[str, str], Rate] = field(default_factory=lambda: defaultdict(Rate))
    misses: list[tuple[Example, str]] = field(default_factory=list)


def evaluate(screener: Screener, examples: list[Example]) -> Report:
    report = Report()
    for example in examples:
        verdict = screener.screen(example.text)
        found = verdict.tier.value if verdict else NONE
        if example.tier == Tier.URGENT:
            hit = found == Tier.URGENT
        elif example.tier == Tier.CONCERN:
            hit = found != NONE
        else:
            hit = found != NONE  # a false alarm: counted as a "hit" of the alarm rate
        for rate in (
            report.overall[example.tier],
            report.by_language[(example.language, example.tier)],
            report.by_category[(example.category, example.tier)],
        ):
            rate.total += 1
            rate.hits += hit
        wrong = hit if example.tier == NONE else not hit
        if wrong:
            report.misses.append((example, found))
    return report
