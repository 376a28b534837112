"""Telegram's expected refusals of a reply (blocked, chat gone) are one log line each, not a
traceback, and the bot does not try to reply again into a chat that is not there."""

from __future__ import annotations

import logging

import pytest

from bot.context import PeerApplication
from bot.emulator import BotApiEmulator


@pytest.mark.parametrize(
    ("code", "description"),
    [
        (403, "Forbidden: bot was blocked by the user"),
        (400, "Bad Request: chat not found"),
        (403, "Forbidden: user is deactivated"),
    ],
)
async def test_a_refused_reply_is_one_line_without_a_traceback(
    emulator: BotApiEmulator,
    bot: PeerApplication,
    caplog: pytest.LogCaptureFixture,
    code: int,
    description: str,
) -> None:
    caplog.set_level(logging.INFO)
    user = emulator.user()
    emulator.fail_next("sendMessage", code=code, description=description, times=1)
    user.send("/help")
    await emulator.wait_until(lambda: bool(emulator.calls_of("sendMessage")))
    await emulator.wait_until(
        lambda: any(r.getMessage().startswith("chat unreachable") for r in caplog.records)
    )
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    # No second try into the same chat ("something went wrong" would meet the same answer).
    assert len(emulator.calls_of("sendMessage")) == 1
