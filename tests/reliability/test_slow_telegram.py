"""Telegram slow to answer for one chat: the others are not held up, and a send that may
have arrived is not repeated more than once."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bench.seeding import seed_due_members
from bot.app import build_application, running_bot
from bot.config import DeliverySettings
from bot.emulator import BotApiEmulator
from tests.conftest import make_settings
from tests.reliability.test_fanout_kill import pending, prompts_by_chat

SLOW_SECONDS = 10.0


def slow_for(chat_id: int, seconds: float, started: Counter[int]) -> Any:
    """An interceptor: Telegram answers sends to `chat_id` only after `seconds`."""

    async def intercept(method: str, params: dict[str, Any]) -> None:
        if method == "sendMessage" and params.get("chat_id") == chat_id:
            started[chat_id] += 1
            await asyncio.sleep(seconds)

    return intercept


def status_of_rows_to(db_path: Path, chat_id: int) -> list[str]:
    with sqlite3.connect(db_path, timeout=30) as conn:
        rows = conn.execute("SELECT status FROM outbox WHERE chat_id = ?", (chat_id,))
        return [str(status) for (status,) in rows]


async def test_one_slow_chat_holds_up_nobody_and_gets_one_copy(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.db"
    user_ids = [emulator.user().user_id for _ in range(51)]
    slow, others = user_ids[0], set(user_ids[1:])
    started: Counter[int] = Counter()
    emulator.interceptor = slow_for(slow, SLOW_SECONDS, started)
    await seed_due_members(db_path, user_ids, timedelta(seconds=30))
    app = build_application(make_settings(emulator, db_path))
    async with running_bot(app):
        await emulator.wait_until(lambda: started[slow] == 1, 30)
        # Well before the slow answer comes, everyone else has their prompt.
        await emulator.wait_until(lambda: others <= set(prompts_by_chat(emulator)), 7)
        assert slow not in prompts_by_chat(emulator)
        await emulator.wait_until(lambda: slow in prompts_by_chat(emulator), 2 * SLOW_SECONDS)
        await emulator.wait_until(lambda: pending(db_path) == 0, 10)
    assert started[slow] == 1
    assert set(prompts_by_chat(emulator).values()) == {1}
    assert status_of_rows_to(db_path, slow) == ["sent"]


async def test_a_send_timed_out_twice_is_given_up_after_one_more_try(
    emulator: BotApiEmulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db_path = tmp_path / "bot.db"
    user_ids = [emulator.user().user_id for _ in range(3)]
    slow = user_ids[0]
    started: Counter[int] = Counter()
    # Longer than the send timeout: Telegram takes each send, but answers too late.
    emulator.interceptor = slow_for(slow, 3.0, started)
    await seed_due_members(db_path, user_ids, timedelta(seconds=30))
    settings = make_settings(emulator, db_path, delivery=DeliverySettings(send_timeout_seconds=1))
    app = build_application(settings)
    with caplog.at_level(logging.WARNING, logger="peercircle.delivery"):
        async with running_bot(app):
            await emulator.wait_until(lambda: status_of_rows_to(db_path, slow) == ["failed"], 30)
            await emulator.wait_until(lambda: pending(db_path) == 0, 10)
    assert started[slow] == 2  # the first try, and one more after a pause
    counts = prompts_by_chat(emulator)
    assert counts[slow] <= 2 and all(counts[other] == 1 for other in user_ids[1:])
    logged = [r.getMessage() for r in caplog.records]
    assert any("kind=checkin timed out (it may have arrived)" in line for line in logged)
    assert any("kind=checkin timed out twice; given up" in line for line in logged)
