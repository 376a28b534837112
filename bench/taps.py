"""Check-in taps of one checkout against another's, alternated in one session.

These machines are noisy: a single run of bench.updates can differ by a third from the
next. This runs only the taps part of bench.updates (a burst of taps from 20 members, then
the closed loop), three rounds per bot process, and with `--against` alternates this
checkout with another one (each with its own .venv and code) pair by pair, so both sides
meet the same noise, and prints the medians of each side. Beside the rates it gives the
bot process's CPU time per tap (`cpu_ms`), which a noisy neighbour barely moves.

    .venv/bin/python -m bench.taps --against /path/to/other/checkout [--pairs 5]

The other checkout is run with this file and its own bench.updates, bench.seeding and
emulator, so it needs nothing newer than those (unchanged since issue 8).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Run as a file from another checkout: its own code first on the path.
sys.path.insert(0, os.getcwd())

from bench.seeding import seed_members
from bench.updates import MEMBERS, burst, closed_loop, peercircle, ready, stop
from bot.emulator import BotApiEmulator

ROUNDS = 3
# Taps per member in a burst; 48 ends on a value (47 % 11 = 3) the closed loop's first tap
# (5) changes, so every tap edits the message.
EACH = 48
LOOP_TAPS = 25
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far (user + system), from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def one_process() -> dict[str, list[float]]:
    """One bot process of this checkout: ROUNDS bursts, each followed by a closed loop."""
    async with BotApiEmulator() as emulator:
        users = [emulator.user() for _ in range(MEMBERS)]
        # The check-in buttons' day code (bot.checkins.rules.day_code), written out here so
        # checkouts from before the redesign step, where it lived elsewhere, run this too.
        today = f"{datetime.now(UTC).date():%Y%m%d}"
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            await seed_members(folder / "bench.db", [u.user_id for u in users], timedelta(days=1))
            # Each checkout's own bench.updates starts its bot as it measures it (the reply
            # pace lifted where there is one).
            process = await peercircle(emulator, folder)
            try:
                await ready(emulator)
                for user in users:
                    await user.ask("/checkin")

                def tap(user: Any, index: int) -> None:
                    user.press_data(f"ci:c:{today}:3:{index % 11}", user.messages[-1])

                figures: dict[str, list[float]] = {"taps": [], "p50": [], "p99": [], "cpu_ms": []}
                for _ in range(ROUNDS):
                    cpu_before = cpu_seconds(process.pid)
                    figures["taps"].append(
                        await burst(emulator, users, EACH, tap, "editMessageText")
                    )
                    loop = await closed_loop(emulator, users, LOOP_TAPS)
                    figures["p50"].append(loop.p50_ms)
                    figures["p99"].append(loop.p99_ms)
                    # The bot's CPU per tap: what a busy machine's noise cannot inflate.
                    handled = MEMBERS * (EACH + LOOP_TAPS)
                    figures["cpu_ms"].append(
                        (cpu_seconds(process.pid) - cpu_before) * 1000 / handled
                    )
                return figures
            finally:
                await stop(process)


def run_side(checkout: Path) -> dict[str, list[float]]:
    """One process of `checkout`, with its own interpreter, as a child."""
    result = subprocess.run(
        [str(checkout / ".venv" / "bin" / "python"), __file__, "--one"],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    figures: dict[str, list[float]] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", type=Path, help="the other checkout")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(asyncio.run(one_process())))
        return
    sides = {"this": Path.cwd()} | ({"other": args.against.resolve()} if args.against else {})
    pooled: dict[str, dict[str, list[float]]] = {side: {} for side in sides}
    for pair in range(args.pairs):
        for side, checkout in sides.items():
            figures = run_side(checkout)
            for name, values in figures.items():
                pooled[side].setdefault(name, []).extend(values)
            print(f"pair {pair + 1} {side}: {json.dumps(figures)}", flush=True)
    for side, figures in pooled.items():
        medians = {name: round(statistics.median(values), 1) for name, values in figures.items()}
        print(f"{side} ({sides[side]}), medians of {len(figures['taps'])}: {medians}")


if __name__ == "__main__":
    main()
