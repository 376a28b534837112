"""Updates benchmark: peercircle next to a plain python-telegram-bot echo bot (the ceiling).

Each bot runs as its own process against the Bot API emulator on 127.0.0.1. A burst is
20 members each with many updates queued at once; the rate is updates answered per second
from the push to the last answer. The closed loop has 20 members each waiting for the
answer (the edited message) before the next tap.

    .venv/bin/python -m bench.updates [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.machine import describe, write_section
from bench.seeding import seed_members
from bot.checkins.rules import day_code
from bot.emulator import BotApiEmulator, EmulatedUser

ROOT = Path(__file__).resolve().parents[1]
MEMBERS = 20


async def start(args: list[str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def stop(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), timeout=20)
    except TimeoutError:
        process.kill()


async def peercircle(
    emulator: BotApiEmulator, folder: Path, concurrent: bool = True
) -> asyncio.subprocess.Process:
    config = folder / "config.toml"
    config.write_text(
        f'[telegram]\ntoken = "{emulator.token}"\napi_base_url = "{emulator.base_url}"\n'
        f"concurrent_members = {'true' if concurrent else 'false'}\n"
        f'[storage]\npath = "{folder / "bench.db"}"\n[logging]\nlevel = "WARNING"\n'
        # The bot's own capacity, not Telegram's budget: the emulator sets no flood limit,
        # and the one pace for replies and the outbox would hold every run to 25 a second.
        "[delivery]\nmessages_per_second = 1000\n",
        encoding="utf-8",
    )
    return await start(["bot", "run", "--config", str(config)])


async def burst(
    emulator: BotApiEmulator,
    users: list[EmulatedUser],
    each: int,
    push: Callable[[EmulatedUser, int], object],
    method: str,
) -> float:
    """Queue `each` updates per member at once; updates answered per second."""
    target = emulator.succeeded[method] + len(users) * each
    started = time.monotonic()
    for index in range(each):
        for user in users:
            push(user, index)
    await emulator.wait_until(
        lambda: emulator.succeeded[method] >= target, timeout=len(users) * each / 20 + 60
    )
    return len(users) * each / (emulator.last_success_at - started)


@dataclass(frozen=True)
class Loop:
    p50_ms: float
    p99_ms: float


async def closed_loop(emulator: BotApiEmulator, users: list[EmulatedUser], taps: int) -> Loop:
    """Each member taps, waits for the edited message, taps again."""
    latencies: list[float] = []
    today = day_code(datetime.now(UTC).date())

    async def member(user: EmulatedUser) -> None:
        message = user.messages[-1]
        for index in range(taps):
            edits = message.edits
            started = time.monotonic()
            # 5, 6, 5, ...: each differs from the one before, so each tap edits the message.
            user.press_data(f"ci:c:{today}:3:{5 + index % 2}", message)
            await emulator.wait_until(lambda e=edits: message.edits > e, timeout=30)  # type: ignore[misc]
            latencies.append((time.monotonic() - started) * 1000)

    await asyncio.gather(*(member(user) for user in users))
    latencies.sort()
    return Loop(statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1])


@dataclass(frozen=True)
class Run:
    echo: float
    echo_concurrent: float
    echo_aiohttp: float
    help_concurrent: float
    help_sequential: float
    taps: float
    loop: Loop


async def ready(emulator: BotApiEmulator) -> None:
    await emulator.wait_until(lambda: bool(emulator.calls_of("getUpdates")), timeout=60)


async def echo_rate(each: int, mode: str = "") -> float:
    async with BotApiEmulator() as emulator:
        users = [emulator.user() for _ in range(MEMBERS)]
        process = await start(["bench.echo_bot", emulator.token, emulator.base_url, mode])
        try:
            await ready(emulator)
            return await burst(
                emulator, users, each, lambda u, i: u.send(f"hello {i}"), "sendMessage"
            )
        finally:
            await stop(process)


async def peercircle_rates(each: int, taps: int) -> tuple[float, float, float, Loop]:
    rates: dict[bool, float] = {}
    for concurrent in (True, False):
        async with BotApiEmulator() as emulator:
            users = [emulator.user() for _ in range(MEMBERS)]
            with tempfile.TemporaryDirectory() as folder:
                process = await peercircle(emulator, Path(folder), concurrent)
                try:
                    await ready(emulator)
                    rates[concurrent] = await burst(
                        emulator, users, each, lambda u, i: u.send("/help"), "sendMessage"
                    )
                finally:
                    await stop(process)
    async with BotApiEmulator() as emulator:
        users = [emulator.user() for _ in range(MEMBERS)]
        today = day_code(datetime.now(UTC).date())
        with tempfile.TemporaryDirectory() as folder:
            await seed_members(
                Path(folder) / "bench.db", [u.user_id for u in users], timedelta(days=1)
            )
            process = await peercircle(emulator, Path(folder))
            try:
                await ready(emulator)
                for user in users:
                    await user.ask("/checkin")

                def tap(user: EmulatedUser, index: int) -> None:
                    # Confidence changes every tap, so every edit changes the message.
                    user.press_data(f"ci:c:{today}:3:{index % 11}", user.messages[-1])

                tap_rate = await burst(emulator, users, each, tap, "editMessageText")
                loop = await closed_loop(emulator, users, taps)
            finally:
                await stop(process)
    return rates[True], rates[False], tap_rate, loop


async def one_run(each: int, taps: int) -> Run:
    echo = await echo_rate(each)
    echo_concurrent = await echo_rate(each, "concurrent")
    echo_aiohttp = await echo_rate(each, "aiohttp")
    help_concurrent, help_sequential, taps_rate, loop = await peercircle_rates(each, taps)
    return Run(
        echo, echo_concurrent, echo_aiohttp, help_concurrent, help_sequential, taps_rate, loop
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smaller bursts, one run")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    each, taps = (20, 10) if args.quick else (100, 50)
    results = []
    for index in range(runs):
        run = await one_run(each, taps)
        results.append(run)
        print(f"run {index + 1}: {run}", flush=True)

    def med(pick: Callable[[Run], float]) -> float:
        return float(statistics.median(pick(r) for r in results))

    echo = med(lambda r: r.echo)
    rows = [
        ("python-telegram-bot echo bot (the ceiling)", med(lambda r: r.echo), "100%", ""),
        ("echo bot with `concurrent_updates=True`", med(lambda r: r.echo_concurrent), None, ""),
        (
            "echo bot sending through peercircle's aiohttp transport",
            med(lambda r: r.echo_aiohttp),
            None,
            "",
        ),
        ("peercircle `/help`", med(lambda r: r.help_concurrent), None, "at least 80%"),
        ("peercircle `/help`, one update at a time", med(lambda r: r.help_sequential), None, ""),
        (
            "peercircle check-in taps (answer, edit, write)",
            med(lambda r: r.taps),
            None,
            "at least 40%",
        ),
    ]
    table = ["| case | updates/s | % of the echo bot | target |", "| --- | --- | --- | --- |"]
    for label, rate, share, target in rows:
        shown = share or f"{rate / echo:.0%}"
        table.append(f"| {label} | {rate:,.0f} | {shown} | {target} |")
    p50, p99 = med(lambda r: r.loop.p50_ms), med(lambda r: r.loop.p99_ms)
    lines = [
        "## Updates: peercircle next to the echo-bot ceiling",
        "",
        f"Command: `make bench` (`python -m bench.updates --runs {runs}`).",
        "",
        f"Machine: {describe()}. Median of {runs} run(s).",
        f"Burst: {MEMBERS} members, each with {each} updates queued at once "
        f"({MEMBERS * each:,} updates); each bot is its own process polling the emulator on "
        "127.0.0.1; rate = updates answered per second from the push to the last answer. "
        "All cases ran in the same run, so compare the ratios.",
        "",
        *table,
        "",
        f"Closed loop: {MEMBERS} members each tap a check-in button {taps} times, waiting for "
        f"the edited message before the next tap: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
        "(target: p99 under 50 ms).",
    ]
    write_section("updates", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    asyncio.run(main())
