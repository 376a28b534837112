"""2,000 members due a check-in prompt at once, two worker processes on one PostgreSQL
database; the leader (the one that sends the outbox) is killed with SIGKILL once some hundreds
are sent. The other takes the lead within 15 seconds and sends the rest: every member gets the
prompt, at most `delivery.sends_in_flight` twice (4 by default; 1 when so set), and
Telegram's flood limit is never met
(tests/reliability/test_fanout_kill.py is the one-process SQLite version).

Needs the throwaway cluster (tests/pg.py); skips, saying why, without PostgreSQL's binaries.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from bench.pg_fleet import (
    TAKEOVER_LIMIT,
    fetch,
    leader_among,
    start_worker,
    stopped_at_the_end,
    until_healthy,
    wait_for,
    write_config,
)
from bench.seeding import seed_due_members
from bot.emulator import BotApiEmulator
from bot.emulator.server import RateLimits
from storage.sealed import Keys
from tests.reliability.test_fanout_kill import MOOD_QUESTION, prompts_by_chat

# The emulator's flood limit is raised from Telegram's 30/s so the test is quick; the bot's
# pace stays well under it, even counting a second of the dead leader's sends in the same
# window as the new leader's first (2 x 120 < 300): a 429 here would be the pace's fault.
EMULATOR_PER_SECOND, PACE = 300, 120
SETTINGS = "[scheduler]\nsweep_interval_seconds = 0.2\n[delivery]\nmessages_per_second = {pace}\n"


@pytest.mark.parametrize(
    ("in_flight", "members", "kill_after"),
    [
        (4, 2000, 400),  # the default: 2,000 members, killed after 400 prompts
        (1, 600, 150),  # one send at a time: at most one repeat
    ],
)
async def test_the_leader_killed_mid_fanout_the_other_takes_over_and_every_member_is_prompted(
    emulator: BotApiEmulator,
    pg_migrated_database: str,
    tmp_path: Path,
    in_flight: int,
    members: int,
    kill_after: int,
) -> None:
    settings = SETTINGS.format(pace=PACE) + f"sends_in_flight = {in_flight}\n"
    emulator.limits = RateLimits(enabled=True, global_per_second=EMULATOR_PER_SECOND)
    key = os.urandom(32)
    user_ids = [emulator.user().user_id for _ in range(members)]
    await seed_due_members(
        pg_migrated_database, user_ids, timedelta(seconds=30), keys=Keys(key=key)
    )
    config = write_config(tmp_path, emulator, pg_migrated_database, settings)
    workers = [
        await start_worker(name, config, tmp_path, key, log=tmp_path / f"{name}.log")
        for name in ("web-1", "web-2")
    ]
    async with stopped_at_the_end(*workers), aiohttp.ClientSession() as http:
        for worker in workers:
            await until_healthy(http, worker)
        leader = await leader_among(http, workers)
        follower = next(w for w in workers if w is not leader)
        await emulator.wait_until(
            lambda: sum(prompts_by_chat(emulator).values()) >= kill_after, timeout=60
        )
        leader.process.kill()
        killed_at = time.monotonic()
        assert await asyncio.wait_for(leader.process.wait(), 10) == -signal.SIGKILL
        sent_by_the_first = sum(prompts_by_chat(emulator).values())
        assert kill_after <= sent_by_the_first < members

        assert await leader_among(http, [follower], TAKEOVER_LIMIT) is follower
        took_over = time.monotonic() - killed_at
        assert took_over < TAKEOVER_LIMIT

        await emulator.wait_until(lambda: len(prompts_by_chat(emulator)) == members, timeout=60)

        async def nothing_pending() -> bool:
            rows = await fetch(
                pg_migrated_database, "SELECT count(*) FROM outbox WHERE status = 'pending'"
            )
            return int(rows[0][0]) == 0

        await wait_for(nothing_pending, timeout=30)
        assert follower.process.returncode is None
        counts: Counter[int] = prompts_by_chat(emulator)
    assert set(counts) == set(user_ids)
    # Only the leader sends. A send's slot is freed only once its result is committed, so
    # when the leader died at most `in_flight` sends were answered by Telegram and not
    # yet recorded: those rows were still pending, and the new leader sent them again.
    # Nothing else may repeat.
    repeats = sum(counts.values()) - members
    assert 0 <= repeats <= in_flight, repeats
    assert [c for c in emulator.calls if c.status == 429] == []
    assert all(c.params.get("text") == MOOD_QUESTION for c in emulator.calls_of("sendMessage"))
