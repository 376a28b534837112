"""A backlog of updates at start, replied to within Telegram's flood limit: replies share
the outbox's pace, wait out each 429 and go again, and every 429 is counted."""

from __future__ import annotations

import time
from pathlib import Path

from bot.app import build_application, running_bot
from bot.config import DeliverySettings
from bot.emulator import BotApiEmulator
from bot.texts import common as common_texts
from tests.conftest import make_settings

# Telegram's 30/s against the default pace of 25/s, both scaled so 2,000 replies take 33 s.
UPDATES, TELEGRAM_LIMIT, PACE = 2000, 72, 60.0
WELCOME = "peer support"


async def test_a_backlog_of_updates_gets_every_reply_and_each_429_is_counted(
    tmp_path: Path,
) -> None:
    # An emulator of its own: the shared fixture's anonymity check compares every call
    # with every user, minutes for 2,000 of each (and a welcome names nobody).
    async with BotApiEmulator() as emulator:
        await replies_to_a_backlog(emulator, tmp_path)


async def replies_to_a_backlog(emulator: BotApiEmulator, tmp_path: Path) -> None:
    users = [emulator.user() for _ in range(UPDATES)]
    for user in users:  # waiting for the bot before it starts
        user.send("/start")
    emulator.limits.enabled = True
    emulator.limits.global_per_second = TELEGRAM_LIMIT
    # And a flood wait now and then that the pace alone would not have avoided.
    emulator.fail_next("sendMessage", code=429, retry_after=1, times=2)
    settings = make_settings(
        emulator, tmp_path / "bot.db", delivery=DeliverySettings(messages_per_second=PACE)
    )
    app = build_application(settings)
    async with running_bot(app):
        await emulator.wait_until(lambda: emulator.succeeded["sendMessage"] >= UPDATES, 90)
        counted = app.bot_data.services.metrics.registry.get_sample_value(
            "peercircle_telegram_429_total"
        )
    refused = sum(1 for call in emulator.calls if call.status == 429)
    assert refused >= 2 and counted == refused
    sorry = common_texts.something_went_wrong()
    assert not any(sorry in m.shown_text for user in users for m in user.messages)
    assert all(len(user.messages) == 1 for user in users)
    assert all(WELCOME in user.messages[0].shown_text for user in users)


async def test_stopping_while_a_reply_waits_out_a_long_429_keeps_its_time(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    emulator.fail_next("sendMessage", code=429, retry_after=60)
    emulator.user().send("/start")
    app = build_application(make_settings(emulator, tmp_path / "bot.db"))
    async with running_bot(app):
        await emulator.wait_until(lambda: any(c.status == 429 for c in emulator.calls), 30)
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 10  # README: a stop takes at most 10 seconds
