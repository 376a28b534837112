"""Measuring the screen on the project's labelled sets: recall and false alarms.

Both sets are written from public safe-messaging and crisis-line training material and
our own variations, never from members' words: tests/safety/labelled, which the lexicons
are tuned on, and tests/safety/fresh, written separately and never used for tuning, so
its figures estimate how the screen does on messages nobody has seen.
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
NONE = "none"


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
