"""Measuring the screen on the project's labelled sets: recall and false alarms.

Every set is written from public safe-messaging and crisis-line training material and
our own variations, never from members' words. Three are tuning sets:
tests/safety/labelled, which the lexicons were first tuned on; tests/safety/fresh, written
separately and at first never used for tuning, whose misses were then generalised into the
lexicons; and tests/safety/former_holdout, the first held-out set, written by someone who
saw neither the lexicons nor the other sets, measured untouched (urgent recall 67.5%,
concern 64.6%, false alarms 12.5%) and then retired into tuning the same way. The held-out
sets (HOLDOUTS) are written apart, each after the last change it measured: the newest
one's figures, measured once, are the honest estimate of how the screen does on messages
nobody has seen; the older ones' misses were read in a later round of tuning, and from then
on the backstop counts them too (more writers' wordings; it generalises with each).
tests/safety/training is written apart too, for the backstop (bot.safety.backstop) to count
from; it has no targets of its own. Until the ninth round of tuning the lexicons never saw
it; that round and the tenth read the misses the lexicons alone made on it, so since then the
cross-validation over it flatters the lexicons.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.safety.lexicon import Tier
from bot.safety.screen import Screener

LABELLED = Path(__file__).resolve().parents[2] / "tests" / "safety" / "labelled"
FRESH = LABELLED.with_name("fresh")
FORMER_HOLDOUT = LABELLED.with_name("former_holdout")
TUNING = (LABELLED, FRESH, FORMER_HOLDOUT)  # the sets the lexicons are tuned on
TRAINING = LABELLED.with_name("training")  # the backstop counts from it; no lexicon tuning
# Held-out sets, each written apart by writers who saw neither the lexicons nor any other
# set, in the order they were written: each measured the screen as it was then, and again
# after later changes. Only the newest is an estimate untouched by what the earlier ones
# showed.
HOLDOUTS = (
    (LABELLED.with_name("holdout"), "second held-out"),
    (LABELLED.with_name("holdout3"), "third held-out"),
    (LABELLED.with_name("holdout4"), "fourth held-out"),
    (LABELLED.with_name("holdout5"), "fifth held-out"),
    (LABELLED.with_name("holdout6"), "sixth held-out"),
    (LABELLED.with_name("holdout7"), "seventh held-out"),
    (LABELLED.with_name("holdout8"), "eighth held-out"),
    (LABELLED.with_name("holdout9"), "ninth held-out"),
    (LABELLED.with_name("holdout10"), "tenth held-out"),
)
# Held-out sets whose misses were then read to tune the lexicons (sets 2-5 in the sixth
# round, the sixth set in the seventh, the seventh in the eighth, the eighth in the ninth,
# the ninth in the tenth): their figures are no longer estimates, and the backstop is
# counted from them.
READ_WHILE_TUNING = frozenset(
    {
        "holdout",
        "holdout3",
        "holdout4",
        "holdout5",
        "holdout6",
        "holdout7",
        "holdout8",
        "holdout9",
    }
)
NONE = "none"


@dataclass(frozen=True)
class ExampleSet:
    """A named set of examples as the bench and the docs call it."""

    name: str
    folder: Path
    tuned: bool  # whether the lexicons were tuned on it
    counted: bool  # whether the backstop is counted from it (a read held-out set too)
    newest: bool = False  # the newest held-out set: measured once, by the screen as it is
    read: bool = False  # a held-out set whose misses were read to tune the lexicons later


def _holds_examples(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob("*.jsonl"))


def example_sets(
    holdouts: Sequence[tuple[Path, str]] = HOLDOUTS, training: Path = TRAINING
) -> list[ExampleSet]:
    """The three tuning sets, the backstop's training set and the held-out sets (each of the
    last when its folder holds examples)."""
    sets = [
        ExampleSet("labelled", LABELLED, tuned=True, counted=True),
        ExampleSet("fresh", FRESH, tuned=True, counted=True),
        ExampleSet("former held-out", FORMER_HOLDOUT, tuned=True, counted=True),
    ]
    if _holds_examples(training):
        sets.append(ExampleSet("backstop training", training, tuned=False, counted=True))
    found = [(folder, name) for folder, name in holdouts if _holds_examples(folder)]
    for number, (folder, name) in enumerate(found, 1):
        newest = number == len(found)
        read = folder.name in READ_WHILE_TUNING
        sets.append(ExampleSet(name, folder, tuned=False, counted=read, newest=newest, read=read))
    return sets


@dataclass(frozen=True)
class Example:
    text: str
    language: str
    tier: str  # "urgent", "concern" or "none"
    category: str
    source: str = ""  # the file's name without .jsonl: "en", or "en-2" for a batch


def batch(example: Example) -> int:
    """The batch a training example came from ("en-2" -> 2; 1 for a file with no number)."""
    _, _, number = example.source.rpartition("-")
    return int(number) if number.isdigit() else 1


HALVES = ("A", "B")


def load_examples(folder: Path = LABELLED, half: str | None = None) -> list[Example]:
    """A set's examples; with `half`, only each file's odd lines ("A": 1st, 3rd, ...) or
    even lines ("B"), to tune on one half and measure how much carries over to the other."""
    examples: list[Example] = []
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if half is not None and HALVES[(number + 1) % 2] != half:
                continue
            if line.strip():
                row = json.loads(line)
                examples.append(
                    Example(row["text"], row["lang"], row["tier"], row["category"], path.stem)
                )
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
    # Urgent messages given any answer (the backstop's may be a concern), and the answers or
    # false alarms that only the backstop gave: what it adds, for a message typed with
    # nothing pending (the only place it is heard).
    urgent_answered: Rate = field(default_factory=Rate)
    by_backstop: Counter[str] = field(default_factory=Counter)


def evaluate(screener: Screener, examples: list[Example]) -> Report:
    report = Report()
    for example in examples:
        verdict = screener.screen(example.text)
        found = verdict.tier.value if verdict else NONE
        if verdict is not None and verdict.unsure:
            report.by_backstop[example.tier] += 1
        if example.tier == Tier.URGENT:
            report.urgent_answered.total += 1
            report.urgent_answered.hits += found != NONE
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
