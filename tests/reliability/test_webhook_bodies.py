"""Webhook mode: an authenticated body that is not an update gets 400 and one log line."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from bot.context import PeerApplication
from bot.emulator import BotApiEmulator
from bot.runtime.webhook import SECRET_HEADER, WebhookServer
from tests.reliability.test_webhook import (  # noqa: F401 (the fixtures this module uses)
    SECRET,
    settings,
    update_payload,
    webhook_bot,
)

NOT_UPDATES: dict[str, bytes] = {
    "null": b"null",
    "an empty list": b"[]",
    "a number": b"1",
    "a string": b'"x"',
    "an empty object": b"{}",
    "a string update_id": b'{"update_id": "1"}',
    "a fractional update_id": b'{"update_id": 1.5}',
    "a boolean update_id": b'{"update_id": true}',
    "a negative update_id": b'{"update_id": -1}',
    "an update_id too large for SQLite": b'{"update_id": 100000000000000000000}',
    "100,000 nested lists": b"[" * 100_000 + b"]" * 100_000,
    "100,000 nested objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "not UTF-8": b'{"update_id": 3, "x": "\xff"}',
}
# Updates Telegram could send that python-telegram-bot cannot read: skipped by id with a
# 200, so that Telegram does not send them again and again.
UNREADABLE: dict[str, bytes] = {
    "a message that is not an object": b'{"update_id": 1, "message": "x"}',
    "a message without its fields": b'{"update_id": 2, "message": {}}',
    "a poll without its fields": b'{"update_id": 4, "poll": {"id": "1", "question": "q"}}',
}


async def test_json_that_is_not_an_update_is_400_and_one_line_and_the_bot_serves_on(
    emulator: BotApiEmulator,
    webhook_bot: PeerApplication,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    intake = webhook_bot.bot_data.intake
    assert isinstance(intake, WebhookServer)
    url = f"http://127.0.0.1:{intake.port}/telegram/hook"
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    caplog.set_level(logging.INFO)
    async with aiohttp.ClientSession() as http:
        for what, body in NOT_UPDATES.items():
            caplog.clear()
            async with http.post(url, data=body, headers=headers) as response:
                assert response.status == 400, what
            refused = [r for r in caplog.records if r.levelno >= logging.WARNING]
            assert len(refused) == 1, (what, [r.getMessage() for r in refused])
            assert refused[0].exc_info is None and "not an update" in refused[0].getMessage()
            assert len(refused[0].getMessage()) < 200, what  # the body is never logged
        for what, body in UNREADABLE.items():
            caplog.clear()
            async with http.post(url, data=body, headers=headers) as response:
                assert response.status == 200, what
            skipped = [r for r in caplog.records if r.levelno >= logging.WARNING]
            assert len(skipped) == 1 and skipped[0].exc_info is None, what
            assert "could not be read" in skipped[0].getMessage()
            assert '"q"' not in skipped[0].getMessage()
        user = emulator.user()
        payload = update_payload(10, user.user_id, "/help")
        async with http.post(url, json=payload, headers={SECRET_HEADER: SECRET}) as response:
            assert response.status == 200  # still serving
    assert [c for c in emulator.calls_of("sendMessage") if c.params["chat_id"] == user.user_id]
