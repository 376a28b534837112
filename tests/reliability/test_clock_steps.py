"""A wall clock stepped back does not stop the sweeps: their pace is monotonic, and what is
due is still decided in wall-clock UTC. Needs libfaketime (Debian's faketime package)."""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bench.seeding import seed_due_members
from bot.emulator import BotApiEmulator
from tests.helpers import subprocess_env
from tests.reliability.test_fanout_kill import prompts_by_chat
from tests.reliability.test_process import write_config

LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
STEP_BACK = 180
MEMBERS = 20

pytestmark = pytest.mark.skipif(
    not LIBFAKETIME.exists(),
    reason="libfaketime is not installed (apt-get install faketime; make test does as root)",
)


async def test_a_wall_clock_stepped_back_does_not_stall_the_sweeps(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    offset = tmp_path / "faketime"
    offset.write_text("+0\n")
    config = write_config(tmp_path, emulator, extra="")
    config.write_text(
        config.read_text() + "[scheduler]\nsweep_interval_seconds = 1\n", encoding="utf-8"
    )
    env = subprocess_env() | {
        "LD_PRELOAD": str(LIBFAKETIME),
        "FAKETIME_TIMESTAMP_FILE": str(offset),
        "FAKETIME_NO_CACHE": "1",
        # Only the wall clock steps, as when NTP or an operator sets it.
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
    }
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot", "run", "--config", str(config)),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await emulator.wait_until(lambda: bool(emulator.calls_of("getUpdates")), timeout=30)
        await asyncio.sleep(1.5)  # a sweep or two on the true clock
        offset.write_text(f"-{STEP_BACK}\n")
        await asyncio.sleep(1.5)
        # Members whose check-in fell due a minute ago by the bot's (stepped) clock.
        user_ids = [emulator.user().user_id for _ in range(MEMBERS)]
        await seed_due_members(tmp_path / "bot.db", user_ids, timedelta(seconds=STEP_BACK + 60))
        # Prompted within a few sweeps, not after the 180 s the step took away.
        await emulator.wait_until(lambda: len(prompts_by_chat(emulator)) == MEMBERS, 20)
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=15)
