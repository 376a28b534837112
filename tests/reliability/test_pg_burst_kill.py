"""Two webhook workers behind a round-robin proxy take a burst of 300 member updates; one is
killed with SIGKILL in the middle of it. Telegram (the test) posts again whatever was not
answered 200, and the proxy hands it to the other worker: every update is handled exactly
once, each member's in the order sent (tests/reliability/test_update_burst_kill.py is the
one-process SQLite version).

Needs the throwaway cluster (tests/pg.py); skips, saying why, without PostgreSQL's binaries.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

import aiohttp

from bench.pg_fleet import (
    RoundRobinProxy,
    assert_each_once_in_order,
    encouragements,
    post_each_member_in_order,
    relayed,
    seed_pairs,
    start_worker,
    stopped_at_the_end,
    until_healthy,
    write_config,
)
from bot.emulator import BotApiEmulator

MEMBERS, EACH = 30, 10
KILL_AT = 100  # replies sent when the first worker is killed: about a third of the burst
SETTINGS = (
    "[circles]\nrelays_per_hour = 1000\n"
    "[delivery]\nmessages_per_second = 200\nper_chat_per_second = 50\n"
)


async def test_a_worker_killed_in_the_middle_of_a_burst_every_update_is_handled_once(
    emulator: BotApiEmulator, pg_migrated_database: str, tmp_path: Path
) -> None:
    key = os.urandom(32)
    users = [emulator.user().user_id for _ in range(MEMBERS)]
    await seed_pairs(pg_migrated_database, key, users)
    config = write_config(tmp_path, emulator, pg_migrated_database, SETTINGS)
    doomed, survivor = [
        await start_worker(name, config, tmp_path, key, log=tmp_path / f"{name}.log")
        for name in ("web-1", "web-2")
    ]
    replies, answered_at_kill = 0, -1

    async def kill_the_first_in_the_middle(method: str, params: dict[str, Any]) -> None:
        nonlocal replies, answered_at_kill
        if method == "sendMessage":
            replies += 1
            if replies == KILL_AT:  # a reply in flight: one of them mid-update
                doomed.process.kill()
                answered_at_kill = proxy.answered[200]

    async with (
        stopped_at_the_end(doomed, survivor),
        aiohttp.ClientSession() as http,
        RoundRobinProxy([doomed.hook, survivor.hook]) as proxy,
    ):
        for worker in (doomed, survivor):
            await until_healthy(http, worker)
        emulator.interceptor = kill_the_first_in_the_middle
        await post_each_member_in_order(proxy.url, encouragements(users, EACH))
        emulator.interceptor = None

        assert await asyncio.wait_for(doomed.process.wait(), 10) == -signal.SIGKILL
        assert 0 < answered_at_kill < MEMBERS * EACH * 2 // 3, answered_at_kill
        assert survivor.process.returncode is None
        assert (await survivor.healthz(http) or {}).get("status") == "ok"
        assert "handler failed" not in survivor.logged()
        assert proxy.answered[200] >= MEMBERS * EACH
        assert_each_once_in_order(await relayed(pg_migrated_database, key), MEMBERS, EACH)
