"""Encryption at rest: what sealing and opening a value costs, beside the work it rides on.

    .venv/bin/python -m bench.sealing [--runs 5]

Measured per value: a check-in note (about 200 characters) and an outbox payload (a
relay's JSON, about 700 characters), each sealed and opened again, median of the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from bench.machine import describe, write_section
from storage.sealed import Sealer

NOTE = "Walked to the meeting even though I did not want to. Sat at the back, said nothing, " * 2
PAYLOAD = json.dumps(
    {
        "text": "💚 Calm Swan: " + "You are not alone in this, one day at a time. " * 12,
        "parse_mode": "HTML",
        "reply_markup": {"inline_keyboard": [[{"text": "💚 Thanks", "callback_data": "rl:t:1"}]]},
    }
)
COUNT = 20_000


def _per_value_us(sealer: Sealer, table: str, column: str, value: str) -> tuple[float, float]:
    start = time.perf_counter()
    sealed = [sealer.seal(table, column, value) for _ in range(COUNT)]
    middle = time.perf_counter()
    for item in sealed:
        sealer.unseal(table, column, item)
    end = time.perf_counter()
    return (middle - start) / COUNT * 1e6, (end - middle) / COUNT * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sealer = Sealer(os.urandom(32))
    lines = [
        "## Encryption at rest (bench.sealing)",
        "",
        describe(),
        "",
        f"Command: `python -m bench.sealing --runs {args.runs}`. AES-256-GCM, one random "
        f"nonce per value; median over {args.runs} runs of {COUNT:,} values each.",
        "",
        "| value | characters | stored characters | seal (µs) | open (µs) |",
        "|---|---|---|---|---|",
    ]
    for name, table, column, value in (
        ("check-in note", "checkins", "note", NOTE),
        ("outbox payload", "outbox", "payload", PAYLOAD),
    ):
        runs = [_per_value_us(sealer, table, column, value) for _ in range(args.runs)]
        seal = statistics.median(r[0] for r in runs)
        opened = statistics.median(r[1] for r in runs)
        stored = len(sealer.seal(table, column, value))
        lines.append(f"| {name} | {len(value)} | {stored} | {seal:.1f} | {opened:.1f} |")
    write_section("sealing", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
