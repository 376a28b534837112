"""Exactly once, tighter: copies of one update posted at once are handled once, and after a
kill -9 only the updates in flight can be answered twice, read-only ones included."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

from bench.pg_fleet import update_payload
from bot.app import build_application, running_bot
from bot.clock import ManualClock
from bot.config import Settings
from bot.emulator import ApiError, BotApiEmulator
from bot.runtime.intake import PARALLEL_MEMBERS
from bot.runtime.webhook import SECRET_HEADER, WebhookServer
from tests.reliability.test_fanout_kill import start_bot
from tests.reliability.test_update_burst_kill import write_config
from tests.reliability.test_webhook import SECRET
from tests.reliability.test_webhook import settings as webhook_settings

settings = webhook_settings  # the webhook bot's settings, as a fixture here too

NEWCOMERS = 150


def replies_by_chat(emulator: BotApiEmulator) -> Counter[int]:
    return Counter(
        int(c.params["chat_id"]) for c in emulator.calls_of("sendMessage") if c.status == 200
    )


async def test_five_copies_of_one_update_posted_at_once_are_handled_once(
    emulator: BotApiEmulator, settings: Settings, clock: ManualClock
) -> None:
    app = build_application(settings, clock=clock)
    async with running_bot(app):
        intake = app.bot_data.intake
        assert isinstance(intake, WebhookServer)
        url = f"http://127.0.0.1:{intake.port}/telegram/hook"
        user_id = emulator.user().user_id
        payload = update_payload(7, user_id, "/help")

        async def post(http: aiohttp.ClientSession) -> int:
            async with http.post(url, json=payload, headers={SECRET_HEADER: SECRET}) as response:
                return response.status

        async with aiohttp.ClientSession() as http:
            statuses = await asyncio.gather(*(post(http) for _ in range(5)))
    assert statuses == [200] * 5
    assert replies_by_chat(emulator)[user_id] == 1


async def test_killed_in_a_burst_of_starts_only_updates_in_flight_are_answered_twice(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    # /start from someone new writes nothing (nothing is kept before they agree): the only
    # record that it was answered is its mark.
    users = [emulator.user() for _ in range(NEWCOMERS)]
    for user in users:
        user.send("/start")
    config = write_config(tmp_path, emulator)
    sends = 0
    process: asyncio.subprocess.Process | None = None

    async def kill_at_the_75th_send(method: str, params: dict[str, Any]) -> None:
        nonlocal sends
        if method == "sendMessage":
            sends += 1
            if sends == 75 and process is not None:
                process.kill()
                raise ApiError(500, "Internal Server Error")

    emulator.interceptor = kill_at_the_75th_send
    process = await start_bot(config, tmp_path)
    await asyncio.wait_for(process.wait(), timeout=60)
    assert process.returncode == -signal.SIGKILL
    emulator.interceptor = None
    first_run = replies_by_chat(emulator)

    second = await start_bot(config, tmp_path)
    try:
        await emulator.wait_until(
            lambda: (
                len(replies_by_chat(emulator)) == NEWCOMERS and emulator.pending_updates() == 0
            ),
            timeout=60,
        )
        await asyncio.sleep(1.0)  # time for any repeat to show itself
    finally:
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), timeout=15)
    counts = replies_by_chat(emulator)
    each = Counter(counts.values()).most_common(1)[0][0]  # the welcome's message count
    assert all(counts[u.user_id] >= each for u in users)
    twice = [u.user_id for u in users if counts[u.user_id] > each]
    assert 0 < len(first_run) < NEWCOMERS
    assert len(twice) <= PARALLEL_MEMBERS, (len(twice), len(first_run))
