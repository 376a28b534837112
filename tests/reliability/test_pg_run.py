"""`peercircle run` on PostgreSQL, as an operator runs it: two webhook worker processes on one
database, each answering what it is posted, one of them leading; a stopped leader's lead
passes to the other; a polling process started beside them refuses in one line.

Needs the throwaway cluster (tests/pg.py); skips, saying why, without PostgreSQL's binaries.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

from bot.emulator import BotApiEmulator
from bot.runtime.webhook import SECRET_HEADER
from storage.sealed import encode_key
from tests.helpers import subprocess_env
from tests.reliability.test_webhook import SECRET, free_port, update_payload

HOOK = "/telegram/hook"
TAKEOVER_LIMIT = 15.0  # issue 19: another worker takes over within 15 seconds


def write_config(tmp_path: Path, emulator: BotApiEmulator, url: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[telegram]\ntoken = "{emulator.token}"\napi_base_url = "{emulator.base_url}"\n'
        f'webhook_url = "https://bot.example.org{HOOK}"\nwebhook_secret = "{SECRET}"\n'
        'webhook_listen = "127.0.0.1"\n'
        f'[storage]\nurl = "{url}"\n[runtime]\nleader_poll_seconds = 1\n',
        encoding="utf-8",
    )
    return config


class WorkerProcess:
    def __init__(self, name: str, process: asyncio.subprocess.Process, port: int, health: int):
        self.name = name
        self.process = process
        self.hook = f"http://127.0.0.1:{port}{HOOK}"
        self.health = f"http://127.0.0.1:{health}/healthz"

    async def healthz(self, http: aiohttp.ClientSession) -> dict[str, Any] | None:
        try:
            async with http.get(self.health) as response:
                return dict(await response.json())
        except aiohttp.ClientError:
            return None  # not listening yet, or gone


async def start_worker(
    name: str, config: Path, cwd: Path, key: bytes, *, webhook: bool = True
) -> WorkerProcess:
    port, health = free_port(), free_port()
    env = subprocess_env() | {
        "PEERCIRCLE_STORAGE__KEY": encode_key(key),
        "PEERCIRCLE_RUNTIME__WORKER_NAME": name,
        "PEERCIRCLE_TELEGRAM__WEBHOOK_PORT": str(port),
        "PEERCIRCLE_METRICS__PORT": str(health),
    }
    if not webhook:
        env["PEERCIRCLE_TELEGRAM__WEBHOOK_URL"] = ""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--config",
        str(config),
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    return WorkerProcess(name, process, port, health)


async def until_healthy(http: aiohttp.ClientSession, worker: WorkerProcess) -> dict[str, Any]:
    """Its /healthz answer once it answers 'ok' (a start takes a few seconds)."""
    async with asyncio.timeout(60):
        while (said := await worker.healthz(http)) is None or said["status"] != "ok":
            if worker.process.returncode is not None:
                assert worker.process.stderr is not None
                err = (await worker.process.stderr.read()).decode()
                raise AssertionError(f"{worker.name} exited ({worker.process.returncode}): {err}")
            await asyncio.sleep(0.1)
    return said


@asynccontextmanager
async def stopped_at_the_end(*workers: WorkerProcess) -> AsyncIterator[None]:
    try:
        yield
    finally:
        for worker in workers:
            if worker.process.returncode is None:
                worker.process.kill()
                await worker.process.wait()


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
