"""Fan-out benchmark: N members due in the same minute, delivered through the emulator.

Runs the real bot (`python -m bot run`) as a subprocess against the Bot API emulator on
127.0.0.1 with its flood limits switched on, and measures the delivery rate against the
configured rate, 429s, and the bot's peak memory as the backlog grows.

    .venv/bin/python -m bench.delivery [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import statistics
import sys
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bench.machine import describe, peak_rss_mib, write_section
from bench.seeding import seed_due_members
from bot.emulator import BotApiEmulator

ROOT = Path(__file__).resolve().parents[1]
MOOD_QUESTION = "How is your mood today?"


@dataclass(frozen=True)
class Run:
    due: int
    rate_limit: float
    delivered: int
    achieved_rate: float
    too_many_requests: int
    peak_rss_mib: float


async def one_run(due: int, rate: float, emulator_limit: int) -> Run:
    async with BotApiEmulator() as emulator:
        emulator.limits.enabled = True
        emulator.limits.global_per_second = emulator_limit
        user_ids = [emulator.user().user_id for _ in range(due)]
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            await seed_due_members(tmp / "bench.db", user_ids, timedelta(seconds=10))
            config = tmp / "config.toml"
            config.write_text(
                f'[telegram]\ntoken = "{emulator.token}"\n'
                f'api_base_url = "{emulator.base_url}"\npoll_timeout = 1\n'
                f'[storage]\npath = "{tmp / "bench.db"}"\n'
                f"[scheduler]\nsweep_interval_seconds = 1\n"
                f'[delivery]\nmessages_per_second = {rate}\n[logging]\nlevel = "WARNING"\n',
                encoding="utf-8",
            )
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
                await emulator.wait_until(
                    lambda: emulator.messages_sent >= due, timeout=due / rate * 3 + 60
                )
                peak = peak_rss_mib(process.pid)
            finally:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), timeout=20)
        sends = [
            c
            for c in emulator.calls_of("sendMessage")
            if c.status == 200 and c.params.get("text") == MOOD_QUESTION
        ]
        span = sends[-1].at - sends[0].at
        return Run(
            due=due,
            rate_limit=rate,
            delivered=len(sends),
            achieved_rate=(len(sends) - 1) / span if span > 0 else float("inf"),
            too_many_requests=sum(1 for c in emulator.calls_of("sendMessage") if c.status == 429),
            peak_rss_mib=peak,
        )


def median(runs: list[Run], field: str) -> float:
    return float(statistics.median(getattr(run, field) for run in runs))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one run")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    big, small, default_n = (2000, 200, 300) if args.quick else (10_000, 1000, 2000)
    # (label, members due, configured rate, emulator's global limit). The limit keeps the
    # ratio Telegram's 30/s has to the default 25/s.
    cases = [
        (f"{small:,} due at 200/s", small, 200.0, 240),
        (f"{big:,} due at 200/s", big, 200.0, 240),
        (f"{default_n:,} due at the default 25/s", default_n, 25.0, 30),
    ]
    results: dict[str, list[Run]] = {}
    for label, due, rate, limit in cases:
        results[label] = []
        for index in range(runs):
            run = await one_run(due, rate, limit)
            results[label].append(run)
            print(f"{label} run {index + 1}: {run}", flush=True)
    lines = [
        "## Fan-out: due prompts through the outbox",
        "",
        f"Command: `make bench` (`python -m bench.delivery --runs {runs}`).",
        "",
        f"Machine: {describe()}. Median of {runs} run(s) each.",
        "The bot runs as its own process (`python -m bot run`) against the emulator on "
        "127.0.0.1 with flood limits on: a global limit of 1.2x the configured rate (the "
        "ratio of Telegram's 30/s to the default 25/s), in a sliding one-second window, "
        "and 1 message/s per chat. Rate = messages delivered per second between the first "
        "and the last prompt; memory = the bot process's peak RSS (VmHWM).",
        "",
        "| case | delivered | rate (msg/s) | % of configured | 429s | peak RSS (MiB) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for label, runs_ in results.items():
        rate = median(runs_, "achieved_rate")
        lines.append(
            f"| {label} | {int(median(runs_, 'delivered')):,} | {rate:.1f} | "
            f"{100 * rate / runs_[0].rate_limit:.1f}% | "
            f"{int(max(r.too_many_requests for r in runs_))} | "
            f"{median(runs_, 'peak_rss_mib'):.1f} |"
        )
    labels = list(results)
    growth = median(results[labels[1]], "peak_rss_mib") - median(
        results[labels[0]], "peak_rss_mib"
    )
    lines += ["", f"Peak memory growth from {labels[0]} to {labels[1]}: {growth:+.1f} MiB.", ""]
    report = "\n".join(lines)
    print(report)
    write_section("delivery", report)


if __name__ == "__main__":
    asyncio.run(main())
