"""Scale in one process: a database of 100,000 members, 3 million check-ins and 50,000 goals.

Measures start-up time and resident memory of `python -m bot run` on it (against the
emulator), and in-process: the due sweep per 1,000 due rows, a member's 90-day trend
query, /stats, the questionnaires' outcomes report, and a chart rendered off the event loop.

    .venv/bin/python -m bench.scale [--runs 3] [--quick] [--db PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.generate import generate, migrate
from bench.machine import describe, peak_rss_mib, write_section
from bot.charts import render_trend_png
from bot.clock import SystemClock
from bot.config import Settings, StorageSettings
from bot.emulator import BotApiEmulator
from bot.services import Services
from storage import checkins as checkin_rows
from storage import members as member_rows

ROOT = Path(__file__).resolve().parents[1]
DUE = 1000


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def start_up(db_path: Path) -> tuple[float, float, float]:
    """Seconds from spawning `python -m bot run` to its first getUpdates; RSS then and
    after 10 seconds of running (sweeps included)."""
    async with BotApiEmulator() as emulator:
        with tempfile.TemporaryDirectory() as folder:
            config = Path(folder) / "config.toml"
            config.write_text(
                f'[telegram]\ntoken = "{emulator.token}"\napi_base_url = "{emulator.base_url}"\n'
                f'[storage]\npath = "{db_path}"\n[logging]\nlevel = "WARNING"\n',
                encoding="utf-8",
            )
            asked: list[float] = []
            polling = asyncio.Event()

            async def first_poll(method: str, params: dict[str, object]) -> None:
                # A long poll is recorded when it ends; the bot is ready when it starts one.
                if method == "getUpdates" and not asked:
                    asked.append(time.monotonic())
                    polling.set()

            emulator.interceptor = first_poll
            started = time.monotonic()
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                "--config",
                str(config),
                cwd=ROOT,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            try:
                await asyncio.wait_for(polling.wait(), 60)
                ready = asked[0] - started
                at_start = rss_mib(process.pid)
                await asyncio.sleep(10)
                later = peak_rss_mib(process.pid)
            finally:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), 20)
    return ready, at_start, later


async def timed(action: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await action()
    return (time.perf_counter() - started) * 1000


async def in_process(db_path: Path, runs: int, rng: random.Random) -> dict[str, float]:
    settings = Settings(storage=StorageSettings(path=db_path))
    services = await Services.open(settings, SystemClock(), rng)
    try:
        figures: dict[str, list[float]] = {
            "sweep": [],
            "trend": [],
            "stats": [],
            "outcomes": [],
            "chart": [],
            "lag": [],
        }
        async with services.db.read() as session:
            count = await session.fetch_one("SELECT max(user_id) AS n FROM members")
        members = int(count["n"]) if count else 0
        for _ in range(runs):
            due = rng.sample(range(1, members + 1), DUE)
            now = datetime.now(UTC)
            async with services.db.transaction() as session:
                await member_rows.set_next_checkins(
                    session, [(m, now - timedelta(seconds=30)) for m in due]
                )
            figures["sweep"].append(await timed(services.sweeper.sweep))
        today = datetime.now(UTC).date()
        for member in rng.sample(range(1, members + 1), 300):

            async def trend(member: int = member) -> None:
                async with services.db.read() as session:
                    await checkin_rows.since(session, member, today - timedelta(days=89))

            figures["trend"].append(await timed(trend))
        for _ in range(runs):
            figures["stats"].append(await timed(services.stats.report))
            figures["outcomes"].append(await timed(services.outcome_reports.report))
        async with services.db.read() as session:
            history = await checkin_rows.since(session, 1, today - timedelta(days=89))
        for _ in range(runs):
            lag = 0.0

            async def ticker() -> None:
                nonlocal lag
                while True:
                    before = time.perf_counter()
                    await asyncio.sleep(0.005)
                    lag = max(lag, (time.perf_counter() - before - 0.005) * 1000)

            ticking = asyncio.create_task(ticker())
            first = today - timedelta(days=89)

            async def chart(first: date = first) -> None:
                await asyncio.to_thread(render_trend_png, history, first, today, "90 days")

            figures["chart"].append(await timed(chart))
            ticking.cancel()
            figures["lag"].append(lag)
    finally:
        await services.close()
    trend_ms = sorted(figures["trend"])
    return {
        "sweep_ms": statistics.median(figures["sweep"]),
        "trend_p50_ms": statistics.median(trend_ms),
        "trend_p99_ms": trend_ms[int(len(trend_ms) * 0.99) - 1],
        "stats_ms": statistics.median(figures["stats"]),
        "outcomes_ms": statistics.median(figures["outcomes"]),
        "chart_ms": statistics.median(figures["chart"]),
        "loop_lag_ms": statistics.median(figures["lag"]),
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a tenth of the size, one run")
    parser.add_argument("--db", type=Path, default=None, help="reuse a generated database")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    sizes = (10_000, 300_000, 5_000) if args.quick else (100_000, 3_000_000, 50_000)
    with tempfile.TemporaryDirectory() as folder:
        db_path = args.db or Path(folder) / "scale.db"
        if not db_path.exists():
            await migrate(db_path)
            generate(db_path, *sizes)
        starts = [await start_up(db_path) for _ in range(runs)]
        figures = await in_process(db_path, max(runs, 5), random.Random(11))
    ready = statistics.median(s[0] for s in starts)
    rss_start = statistics.median(s[1] for s in starts)
    rss_later = statistics.median(s[2] for s in starts)
    rows = [
        ("start-up to the first getUpdates", f"{ready:.2f} s", "under 5 s"),
        ("resident memory after start-up", f"{rss_start:.0f} MiB", "under 300 MB"),
        ("peak resident memory after 10 s running", f"{rss_later:.0f} MiB", "under 300 MB"),
        (
            f"due sweep of {DUE:,} due check-ins",
            f"{figures['sweep_ms']:.0f} ms",
            "under 200 ms per 1,000",
        ),
        (
            "a member's 90-day trend query, p50 / p99",
            f"{figures['trend_p50_ms']:.2f} / {figures['trend_p99_ms']:.2f} ms",
            "under 5 ms",
        ),
        ("/stats (every figure, all circles)", f"{figures['stats_ms']:.0f} ms", "under 2 s"),
        (
            "the outcomes report (both questionnaires, all circles, the peer question)",
            f"{figures['outcomes_ms']:.0f} ms",
            "under 2 s",
        ),
        ("a 90-day chart, rendered in a thread", f"{figures['chart_ms']:.0f} ms", "under 300 ms"),
        (
            "event-loop stall while the chart renders",
            f"{figures['loop_lag_ms']:.1f} ms",
            "off the event loop",
        ),
    ]
    members, checkins, goals = sizes
    lines = [
        "## Scale: one process, a large database",
        "",
        f"Command: `make bench` (`python -m bench.scale --runs {runs}`); the database is made "
        f"by `python -m bench.generate` ({members:,} members, {checkins:,} check-ins over "
        f"120 days, {goals:,} goals with 10 answers each, 1,000 circles of 12 with 10 words of "
        "encouragement per member, questionnaires answered by 3 members in 10: 13 each).",
        "",
        f"Machine: {describe()}. Medians of {runs} start-up(s) and of at least 5 runs of "
        "each in-process measurement (the trend query: 300 random members).",
        "",
        "| measurement | result | target |",
        "| --- | --- | --- |",
        *(f"| {label} | {value} | {target} |" for label, value, target in rows),
    ]
    write_section("scale", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    asyncio.run(main())
