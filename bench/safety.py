"""Crisis screen: recall and false alarms on the labelled set, and screening time.

    python -m bench.safety            # measure, and write the figures into bench/RESULTS.md
    python -m bench.safety --misses tune --lang en   # print what the tuning split gets wrong

Lexicons are tuned on the "tune" split only; the held-out third says whether it generalises.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.machine import describe, write_section
from bot.safety.evaluation import Example, Report, evaluate, load_examples
from bot.safety.lexicon import SHIPPED, Lexicon, load, load_file
from bot.safety.screen import Screener

TIERS = ("urgent", "concern", "none")


def _rates(report: Report) -> str:
    overall = report.overall
    return (
        f"urgent recall {overall['urgent'].value:.1%} ({overall['urgent'].hits}/"
        f"{overall['urgent'].total}), concern recall {overall['concern'].value:.1%} "
        f"({overall['concern'].hits}/{overall['concern'].total}), false alarms "
        f"{overall['none'].value:.1%} ({overall['none'].hits}/{overall['none'].total})"
    )


def _table(title: str, rows: dict[tuple[str, str], object], keys: list[str]) -> list[str]:
    lines = [f"| {title} | urgent recall | concern recall | false alarms |", "|---|---|---|---|"]
    for key in keys:
        cells = []
        for tier in TIERS:
            rate = rows.get((key, tier))
            total = getattr(rate, "total", 0)
            cells.append(
                f"{getattr(rate, 'value', 0.0):.0%} ({getattr(rate, 'hits', 0)}/{total})"
                if total
                else "-"
            )
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return lines


def _timing(screener: Screener, examples: list[Example], runs: int) -> tuple[float, float, float]:
    """Median over runs of (p50, p99) per message in ms, and one 4,096-character message."""
    p50s, p99s, longs = [], [], []
    long_text = (" ".join(e.text for e in examples))[:4096]
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
    return statistics.median(p50s), statistics.median(p99s), statistics.median(longs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--misses", choices=("tune", "holdout", "all"))
    parser.add_argument("--lang")
    parser.add_argument("--lexicons", help="only these shipped files, e.g. en,ru (tuning)")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.lexicons:
        lexicon = Lexicon()
        for code in args.lexicons.split(","):
            load_file(SHIPPED / f"{code}.toml", lexicon)
        screener = Screener(lexicon)
    else:
        screener = Screener(load())
    load_ms = (time.perf_counter() - started) * 1000
    examples = load_examples()
    if args.misses:
        chosen = [
            e for e in examples
            if (args.lang is None or e.language == args.lang)
            and (args.misses == "all" or e.held_out == (args.misses == "holdout"))
        ]  # fmt: skip
        report = evaluate(screener, chosen)
        for example, found in report.misses:
            print(
                f"{example.language} {example.tier}/{example.category} -> {found}: {example.text}"
            )
        print(_rates(report))
        return
    everything, held_out = (
        evaluate(screener, examples),
        evaluate(screener, [e for e in examples if e.held_out]),
    )
    p50, p99, long_ms = _timing(screener, examples, args.runs)
    languages = sorted({e.language for e in examples})
    categories = sorted({e.category for e in examples})
    lines = [
        describe(),
        "",
        f"Command: `python -m bench.safety --runs {args.runs}`. Labelled set: "
        f"{len(examples)} messages in {len(languages)} languages (tests/safety/labelled); "
        f"{sum(e.held_out for e in examples)} of them held out from lexicon tuning.",
        "",
        f"- Whole set: {_rates(everything)}.",
        f"- Held-out third: {_rates(held_out)}.",
        f"- Screening time per message (median of {args.runs} runs over the set): "
        f"p50 {p50:.3f} ms, p99 {p99:.3f} ms; one 4,096-character message {long_ms:.2f} ms. "
        f"Loading and compiling every lexicon at start: {load_ms:.0f} ms.",
        "",
        *_table("language", everything.by_language, languages),
        "",
        *_table("category", everything.by_category, categories),
    ]
    write_section("safety", "## Crisis screen (bench.safety)\n\n" + "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
