"""Chart rendering time: one member's /trends chart (7, 30, 90 days) and the /stats chart.

    python -m bench.charts --runs 15     # median time per chart; writes bench/RESULTS.md

A chart is rendered in a worker thread while the bot goes on serving others, so this is
the wait a member has before the picture arrives, not time the bot stands still.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta

from bench.machine import describe, write_section
from bot.charts import render_trend_png, render_weekly_png
from storage.checkins import CheckinRow

TODAY = date(2026, 3, 2)


def _checkins(days: int, rng: random.Random) -> list[CheckinRow]:
    """A check-in on about four days in five, as an engaged member has."""
    return [
        CheckinRow(TODAY - timedelta(days=ago), rng.randint(1, 5), rng.randint(0, 10), False)
        for ago in range(days)
        if rng.random() < 0.8
    ]


def _weeks(groups: int, rng: random.Random) -> dict[str, list[tuple[date, float, float]]]:
    monday = TODAY - timedelta(days=TODAY.weekday())
    return {
        f"Circle {g}": [
            (monday - timedelta(weeks=w), rng.uniform(1, 5), rng.uniform(0, 10))
            for w in range(7, -1, -1)
        ]
        for g in range(groups)
    }


def _time(render: Callable[[], bytes], runs: int) -> tuple[float, float, int]:
    """Median wall and CPU time per render (ms), and the PNG's size. CPU time is the
    steadier figure on a machine shared with others; wall time is what a member waits."""
    render()  # fonts and caches load on first use
    walls, cpus, size = [], [], 0
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        size = len(render())
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    return statistics.median(walls), statistics.median(cpus), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rng = random.Random(15)
    lines = [
        "## Charts (bench.charts)",
        "",
        f"Machine: {describe()}. Command: `python -m bench.charts --runs {args.runs}`.",
        "",
        "| chart | median wall ms | median CPU ms | PNG bytes |",
        "| --- | --- | --- | --- |",
    ]
    for days in (7, 30, 90):
        history = _checkins(days, rng)
        first = TODAY - timedelta(days=days - 1)

        def trend(h: list[CheckinRow] = history, f: date = first, d: int = days) -> bytes:
            return render_trend_png(h, f, TODAY, f"Last {d} days")

        wall, cpu, size = _time(trend, args.runs)
        lines.append(f"| /trends, {days} days | {wall:.0f} | {cpu:.0f} | {size:,} |")
    weeks = _weeks(4, rng)
    wall, cpu, size = _time(lambda: render_weekly_png(weeks, "Weekly means"), args.runs)
    lines.append(f"| /stats, 4 groups x 8 weeks | {wall:.0f} | {cpu:.0f} | {size:,} |")
    report = "\n".join(lines)
    print(report)
    if not args.no_write and not math.isnan(wall):
        write_section("charts", report)


if __name__ == "__main__":
    main()
