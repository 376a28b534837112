"""Telegram's bad days: 429 storms and runs of 5xx lose nothing and repeat nothing."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import timedelta
from pathlib import Path

from bench.seeding import seed_due_members
from bot.app import build_application, running_bot
from bot.config import DeliverySettings
from bot.emulator import BotApiEmulator
from tests.conftest import make_settings
from tests.reliability.test_fanout_kill import MOOD_QUESTION, prompts_by_chat

MEMBERS = 120


async def test_429_storms_and_5xx_runs_deliver_every_prompt_once(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.db"
    user_ids = [emulator.user().user_id for _ in range(MEMBERS)]
    await seed_due_members(db_path, user_ids, timedelta(seconds=30))
    settings = make_settings(
        emulator, db_path, delivery=DeliverySettings(messages_per_second=60, max_attempts=50)
    )
    # A storm: Telegram allows far less than the bot's pace, so 429s come thick and fast.
    emulator.limits.enabled = True
    emulator.limits.global_per_second = 20
    app = build_application(settings, rng=random.Random(3))
    async with running_bot(app):
        await emulator.wait_until(lambda: sum(prompts_by_chat(emulator).values()) >= 30, 30)
        # Then a run of 502, 503 and 504 (each retry backs off: 1 s, 2 s, 4 s).
        for code in (502, 503, 504):
            emulator.fail_next("sendMessage", code=code, times=1)
        await emulator.wait_until(lambda: len(prompts_by_chat(emulator)) == MEMBERS, 60)
        await asyncio.sleep(0.5)  # time for any repeat to show itself
    refusals = Counter(c.status for c in emulator.calls_of("sendMessage") if c.status != 200)
    assert refusals[429] >= 5 and refusals[502] == refusals[503] == refusals[504] == 1
    counts = prompts_by_chat(emulator)
    assert set(counts) == set(user_ids) and set(counts.values()) == {1}
    assert all(
        c.params.get("text") == MOOD_QUESTION
        for c in emulator.calls_of("sendMessage")
        if c.status == 200
    )
