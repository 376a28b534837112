"""Two webhook workers behind a round-robin proxy take a steady stream of member updates
while the PostgreSQL server stops for two seconds and starts again, as an operator's
maintenance does. Updates posted during the outage are answered 503 and posted again, as
Telegram does; afterwards every update is handled exactly once, in each member's order, the
workers never exited, and one of them leads again.

On a cluster of the test's own (tests/pg.py private_cluster), which it may stop; skips,
saying why, without PostgreSQL's binaries.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import aiohttp

from bench.pg_fleet import (
    RoundRobinProxy,
    assert_each_once_in_order,
    encouragements,
    leader_among,
    post_each_member_in_order,
    relayed,
    seed_pairs,
    start_worker,
    stopped_at_the_end,
    until_healthy,
    wait_for,
    write_config,
)
from bot.emulator import BotApiEmulator
from storage.db import Database
from storage.sealed import Keys
from tests.pg import private_cluster

PASSWORD = "restart-under-load-password"
MEMBERS, EACH = 20, 15
OUTAGE_AFTER = 60  # updates answered 200 when the server stops
OUTAGE_SECONDS = 2.0
# Each member's next update follows this long after the answer: a stream that lasts a few
# seconds, so part of it meets the outage and part comes after.
PAUSE = 0.25
SETTINGS = "[circles]\nrelays_per_hour = 1000\n"


async def test_the_server_restarted_under_a_stream_of_updates_each_is_handled_once(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    key = os.urandom(32)
    with private_cluster(PASSWORD) as cluster:
        url = cluster.url()
        db = await Database.open(url, keys=Keys(key=key), password=PASSWORD)
        await db.close()
        users = [emulator.user().user_id for _ in range(MEMBERS)]
        await seed_pairs(url, key, users, PASSWORD)
        config = write_config(tmp_path, emulator, url, SETTINGS)
        workers = [
            await start_worker(
                name, config, tmp_path, key, password=PASSWORD, log=tmp_path / f"{name}.log"
            )
            for name in ("web-1", "web-2")
        ]
        async with (
            stopped_at_the_end(*workers),
            aiohttp.ClientSession() as http,
            RoundRobinProxy([w.hook for w in workers]) as proxy,
        ):
            for worker in workers:
                await until_healthy(http, worker)

            async def far_enough() -> bool:
                return proxy.answered[200] >= OUTAGE_AFTER

            async def restart_in_the_middle() -> None:
                await wait_for(far_enough, timeout=60)
                await asyncio.to_thread(cluster.stop)
                await asyncio.sleep(OUTAGE_SECONDS)  # the outage itself, not a wait for it
                await asyncio.to_thread(cluster.start)

            restart = asyncio.create_task(restart_in_the_middle())
            refused = await post_each_member_in_order(
                proxy.url, encouragements(users, EACH), between=lambda: asyncio.sleep(PAUSE)
            )
            await restart
            # The outage met the stream: some updates were refused and posted again.
            assert refused > 0

            assert all(w.process.returncode is None for w in workers)
            for worker in workers:
                assert (await until_healthy(http, worker))["status"] == "ok"
            await leader_among(http, workers)
            assert any("storage.reconnected" in w.logged() for w in workers)
            assert all("handler failed" not in w.logged() for w in workers)
        assert_each_once_in_order(await relayed(url, key, PASSWORD), MEMBERS, EACH)
