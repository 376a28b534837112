"""`peercircle run` on PostgreSQL, as an operator runs it: two webhook worker processes on one
database, each answering what it is posted, one of them leading; a stopped leader's lead
passes to the other; a polling process started beside them refuses in one line.

Needs the throwaway cluster (tests/pg.py); skips, saying why, without PostgreSQL's binaries.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import aiohttp

from bench.pg_fleet import (
    HOOK,
    SECRET,
    TAKEOVER_LIMIT,
    start_worker,
    stopped_at_the_end,
    until_healthy,
    update_payload,
    write_config,
)
from bot.emulator import BotApiEmulator
from bot.runtime.webhook import SECRET_HEADER


async def test_two_webhook_workers_answer_one_leads_and_the_lead_moves_when_it_stops(
    emulator: BotApiEmulator, pg_migrated_database: str, tmp_path: Path
) -> None:
    key = os.urandom(32)
    config = write_config(tmp_path, emulator, pg_migrated_database)
    first = await start_worker("web-1", config, tmp_path, key)
    second = await start_worker("web-2", config, tmp_path, key)
    async with stopped_at_the_end(first, second), aiohttp.ClientSession() as http:
        said = [await until_healthy(http, w) for w in (first, second)]
        assert sorted((s["worker"], s["leader"]) for s in said) in (
            [("web-1", True), ("web-2", False)],
            [("web-1", False), ("web-2", True)],
        )
        assert emulator.webhook_url == f"https://bot.example.org{HOOK}"
        # Each worker answers what the proxy hands it.
        users = [emulator.user(), emulator.user()]
        for n, (worker, user) in enumerate(zip((first, second), users, strict=True)):
            payload = update_payload(n + 1, user.user_id, "/help")
            async with http.post(
                worker.hook, json=payload, headers={SECRET_HEADER: SECRET}
            ) as response:
                assert response.status == 200
        for user in users:
            await emulator.wait_until(lambda u=user: u.last_message is not None, timeout=30)
        # The leader stops (SIGTERM): exit 0, and the other worker leads within 15 s.
        leader, follower = (first, second) if said[0]["leader"] else (second, first)
        if said[0]["worker"] != first.name:
            leader, follower = follower, leader
        stopped_at = time.monotonic()
        leader.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(leader.process.wait(), 30) == 0
        async with asyncio.timeout(TAKEOVER_LIMIT):
            while not ((now := await follower.healthz(http)) and now["leader"]):  # noqa: ASYNC110
                await asyncio.sleep(0.1)
        assert time.monotonic() - stopped_at < TAKEOVER_LIMIT
        follower.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(follower.process.wait(), 30) == 0


async def test_a_polling_process_beside_webhook_workers_refuses_in_one_line(
    emulator: BotApiEmulator, pg_migrated_database: str, tmp_path: Path
) -> None:
    key = os.urandom(32)
    config = write_config(tmp_path, emulator, pg_migrated_database)
    worker = await start_worker("web-1", config, tmp_path, key)
    async with stopped_at_the_end(worker), aiohttp.ClientSession() as http:
        await until_healthy(http, worker)
        poller = await start_worker("poll-1", config, tmp_path, key, webhook=False)
        async with stopped_at_the_end(poller):
            assert await asyncio.wait_for(poller.process.wait(), 60) == 2
            assert poller.process.stderr is not None
            err = (await poller.process.stderr.read()).decode()
        # Refused before it logged a line or asked Telegram anything.
        assert err.startswith("another peercircle already takes updates for postgresql://")
        assert err.count("\n") == 1, err
        # The workers' webhook stands: the poller asked Telegram nothing.
        assert emulator.calls_of("deleteWebhook") == []
        assert (await worker.healthz(http) or {}).get("status") == "ok"
