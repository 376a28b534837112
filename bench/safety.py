"""Crisis screen: recall and false alarms on the labelled sets, and screening time.

    python -m bench.safety               # measure; write the figures into bench/RESULTS.md
    python -m bench.safety --misses all --lang en   # what the labelled set gets wrong
    python -m bench.safety --misses all --set fresh # what the fresh set gets wrong
    python -m bench.safety --misses none --set former_holdout --half B  # figures only

Three tuning sets: tests/safety/labelled, which the lexicons were first tuned on;
tests/safety/fresh, written separately afterwards; and tests/safety/former_holdout, the
first held-out set, retired into tuning once measured. The misses of the last two were
generalised into the lexicons too, so their figures are no longer an estimate for unseen
messages. tests/safety/training is counted by the backstop (its misses by the lexicons
alone were read in the ninth and tenth rounds of tuning). The held-out sets (tests/safety/holdout,
holdout3 … holdout10) never have their misses printed here; the newest, measured once, is
the honest estimate of how the screen does on messages nobody has seen
(bot.safety.evaluation.HOLDOUTS); the older ones' misses were read in a later round of
tuning (evaluation.READ_WHILE_TUNING), and the backstop counts them. `--half A`
or `--half B` takes each file's odd or even lines only: tune on one half, then measure the
other with `--misses none` (figures, no texts).
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import NamedTuple

from bench.machine import describe, write_section
from bot.safety.backstop import shipped
from bot.safety.evaluation import (
    HALVES,
    TRAINING,
    Example,
    ExampleSet,
    Rate,
    Report,
    evaluate,
    example_sets,
    load_examples,
)
from bot.safety.lexicon import SHIPPED, Lexicon, load, load_file
from bot.safety.screen import Screener

TIERS = ("urgent", "concern", "none")


def _rates(report: Report) -> str:
    overall = report.overall
    return (
        f"urgent recall {overall['urgent'].value:.1%} ({overall['urgent'].hits}/"
        f"{overall['urgent'].total}), concern recall {overall['concern'].value:.1%} "
        f"({overall['concern'].hits}/{overall['concern'].total}), false alarms "
        f"{overall['none'].value:.1%} ({overall['none'].hits}/{overall['none'].total}); "
        f"urgent answered at any tier {report.urgent_answered.value:.1%} "
        f"({report.urgent_answered.hits}/{report.urgent_answered.total}); the backstop "
        f"alone: {report.by_backstop['urgent']} urgent, {report.by_backstop['concern']} "
        f"concern, {report.by_backstop['none']} false alarms"
    )


def _cell(rate: Rate | None) -> str:
    if rate is None or not rate.total:
        return "-"
    return f"{rate.value:.0%} ({rate.hits}/{rate.total})"


def _table(title: str, rows: dict[tuple[str, str], Rate], keys: list[str]) -> list[str]:
    lines = [f"| {title} | urgent recall | concern recall | false alarms |", "|---|---|---|---|"]
    for key in keys:
        cells = [_cell(rows.get((key, tier))) for tier in TIERS]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return lines


class Timing(NamedTuple):
    """Milliseconds per message: medians over runs, each message once in turn."""

    p50: float
    p99: float
    long: float  # one 4,096-character text
    warm_p99: float  # each message's median over 9 screenings in a row
    cpu_p50: float  # the screening thread's CPU time alone: a shared machine's waits
    cpu_p99: float  # (another process running on the core) are left out


def _timing(screener: Screener, examples: list[Example], runs: int) -> Timing:
    """Medians over runs of p50 and p99 per message (ms), and of one 4,096-character text;
    p99 with warm caches (each message's median over 9 screenings in a row); and p50 and
    p99 of the CPU time alone, in runs of their own (reading that clock takes time too)."""
    p50s, p99s, longs = [], [], []
    long_text = (" ".join(e.text for e in examples))[:4096]
    for example in examples:  # each phrase's expression compiles on first use: warm up
        screener.screen(example.text)
    for _ in range(runs):
        times = []
        for example in examples:
            start = time.perf_counter()
            screener.screen(example.text)
            times.append(time.perf_counter() - start)
        times.sort()
        p50s.append(times[len(times) // 2] * 1000)
        p99s.append(times[int(len(times) * 0.99)] * 1000)
        start = time.perf_counter()
        screener.screen(long_text)
        longs.append((time.perf_counter() - start) * 1000)
    warm = []
    for example in examples:
        times = []
        for _ in range(9):
            start = time.perf_counter()
            screener.screen(example.text)
            times.append(time.perf_counter() - start)
        warm.append(statistics.median(times) * 1000)
    warm.sort()
    warm_p99 = warm[int(len(warm) * 0.99)]
    cpu_p50, cpu_p99 = cpu_time(screener, examples, runs)
    return Timing(
        statistics.median(p50s),
        statistics.median(p99s),
        statistics.median(longs),
        warm_p99,
        cpu_p50,
        cpu_p99,
    )


def cpu_time(screener: Screener, examples: list[Example], runs: int) -> tuple[float, float]:
    """Medians over runs of p50 and p99 of the screening thread's CPU time (ms)."""
    p50s, p99s = [], []
    for _ in range(runs):
        times = []
        for example in examples:
            start = time.thread_time()
            screener.screen(example.text)
            times.append(time.thread_time() - start)
        times.sort()
        p50s.append(times[len(times) // 2] * 1000)
        p99s.append(times[int(len(times) * 0.99)] * 1000)
    return statistics.median(p50s), statistics.median(p99s)


def _screener(lexicons: str | None, backstop: bool = True) -> Screener:
    """The shipped screen (lexicons and backstop), or only some lexicons, for tuning."""
    if not lexicons:
        return Screener(load(), shipped() if backstop else None)
    lexicon = Lexicon()
    for code in lexicons.split(","):
        load_file(SHIPPED / f"{code}.toml", lexicon)
    return Screener(lexicon)


def set_summaries(
    screener: Screener, sets: list[ExampleSet]
) -> list[tuple[ExampleSet, list[Example], Report]]:
    """Each set's examples and the screen's report on them."""
    summaries = []
    for example_set in sets:
        examples = load_examples(example_set.folder)
        summaries.append((example_set, examples, evaluate(screener, examples)))
    return summaries


def set_lines(summaries: list[tuple[ExampleSet, list[Example], Report]]) -> list[str]:
    """One line per set: its name, folder, size, whether it was tuned on, and the rates."""
    lines = []
    for example_set, examples, report in summaries:
        languages = len({e.language for e in examples})
        if example_set.tuned:
            how = "the lexicons are tuned on it"
        elif example_set.read:
            how = (
                "written apart, measured before; its misses were then read to tune the "
                "lexicons, and the backstop counts it"
            )
        elif example_set.counted:
            how = (
                "written apart; the backstop is counted from it, and the lexicons' misses on "
                "it were read in the ninth and tenth rounds"
            )
        elif example_set.newest:
            how = "written apart, never tuned on, measured once: the honest estimate"
        else:
            how = "written apart, never tuned on, measured before later changes too"
        lines.append(
            f"- {example_set.name.capitalize()} set (tests/safety/{example_set.folder.name}, "
            f"{len(examples)} messages in {languages} languages; {how}): {_rates(report)}."
        )
    return lines


def _print_misses(
    screener: Screener, chosen: str, language: str | None, half: str | None, texts: bool
) -> None:
    """A tuning set's misses (or with `texts` False its figures alone); the held-out set's
    are never printed (nobody tunes on it)."""
    # The tuning sets and the backstop's training set; never a held-out set, read or not.
    tuning = {s.folder.name: s for s in example_sets() if s.tuned or s.folder == TRAINING}
    if chosen not in tuning:
        raise SystemExit(f"--set must be one of {sorted(tuning)}")
    examples = load_examples(tuning[chosen].folder, half)
    report = evaluate(screener, [e for e in examples if language in (None, e.language)])
    for example, found in report.misses if texts else ():
        label = f"{example.language} {example.tier}/{example.category}"
        print(f"{label} -> {found}: {example.text}")
    print(_rates(report))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--misses", choices=("all", "none"), help="a tuning set's misses, or its figures alone"
    )
    parser.add_argument(
        "--set",
        default="labelled",
        help="labelled, fresh, former_holdout or training (with --misses)",
    )
    parser.add_argument("--half", choices=HALVES, help="odd (A) or even (B) lines only")
    parser.add_argument("--lang")
    parser.add_argument("--lexicons", help="only these shipped files, e.g. en,ru (tuning)")
    parser.add_argument(
        "--no-backstop", action="store_true", help="the lexicons alone (tuning them)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    screener = _screener(args.lexicons, backstop=not args.no_backstop)
    load_ms = (time.perf_counter() - started) * 1000
    if args.misses:
        _print_misses(screener, args.set, args.lang, args.half, args.misses == "all")
        return
    summaries = set_summaries(screener, example_sets())
    every = [example for _, examples, _ in summaries for example in examples]
    timing = _timing(screener, every, args.runs)
    # The lexicons alone in the same session: on a shared machine only a ratio compares.
    alone = Screener(load())
    for example in every:
        alone.screen(example.text)
    alone_p50, alone_p99 = cpu_time(alone, every, args.runs)
    labelled = summaries[0][1]
    languages = sorted({e.language for e in labelled})
    categories = sorted({e.category for e in labelled})
    lines = [
        "## Crisis screen (bench.safety)",
        "",
        describe(),
        "",
        f"Command: `python -m bench.safety --runs {args.runs}`. Targets: urgent recall at "
        "least 97%, concern recall at least 90%, false alarms on everyday talk at most 5%, "
        "screening under 0.2 ms per message at p99.",
        "",
        *set_lines(summaries),
        f"- Time per message over every set (median of {args.runs} runs): p50 "
        f"{timing.p50:.3f} ms, p99 {timing.p99:.3f} ms, each message once in turn (cold CPU "
        f"caches, as in a running bot); p99 {timing.warm_p99:.3f} ms when each message is "
        f"screened 9 times in a row (warm caches). The screening thread's CPU time alone "
        f"(without the waits of a shared machine), each message once in turn: p50 "
        f"{timing.cpu_p50:.3f} ms, p99 {timing.cpu_p99:.3f} ms (the lexicons alone, in the "
        f"same session: p50 {alone_p50:.3f} ms, p99 {alone_p99:.3f} ms). One 4,096-character "
        f"message {timing.long:.2f} ms. Loading and indexing every lexicon at start: "
        f"{load_ms:.0f} ms.",
    ]
    for example_set, _, report in summaries:
        lines += [
            "",
            f"{example_set.name.capitalize()} set by language:",
            "",
            *_table("language", report.by_language, languages),
        ]
    lines += [
        "",
        "Labelled set by category:",
        "",
        *_table("category", summaries[0][2].by_category, categories),
    ]
    write_section("safety", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
