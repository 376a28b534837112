"""Webhook mode: the secret is required, and an update Telegram resends is handled once."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from bench.pg_fleet import update_payload
from bot.app import build_application, running_bot
from bot.clock import ManualClock
from bot.config import ConfigError, Settings, TelegramSettings, load_settings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator
from bot.runtime.webhook import SECRET_HEADER, WebhookServer
from tests.conftest import make_settings

SECRET = "s" * 20 + "-webhook-secret-0123456789"  # 46 characters


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def settings(emulator: BotApiEmulator, storage_url: str, storage_key: bytes | None) -> Settings:
    base = make_settings(emulator, storage_url, storage_key)
    return base.model_copy(
        update={
            "telegram": TelegramSettings(
                token=base.telegram.token,
                api_base_url=emulator.base_url,
                poll_timeout=1,
                webhook_url="https://bot.example.org/telegram/hook",
                webhook_secret=SecretStr(SECRET),
                webhook_listen="127.0.0.1",
                webhook_port=free_port(),
            )
        }
    )


@pytest.fixture
async def webhook_bot(settings: Settings, clock: ManualClock) -> AsyncIterator[PeerApplication]:
    app = build_application(settings, clock=clock)
    async with running_bot(app):
        yield app


async def test_secret_required_and_a_resent_update_handled_once(
    emulator: BotApiEmulator, webhook_bot: PeerApplication, settings: Settings
) -> None:
    assert emulator.webhook_url == "https://bot.example.org/telegram/hook"
    intake = webhook_bot.bot_data.intake
    assert isinstance(intake, WebhookServer)
    url = f"http://127.0.0.1:{intake.port}/telegram/hook"
    user_id = emulator.user().user_id
    payload = update_payload(1, user_id, "/help")
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET[:-1]}):
            async with http.post(url, json=payload, headers=headers) as response:
                assert response.status == 403
        assert emulator.calls_of("sendMessage") == []  # refused requests did nothing
        for _ in range(3):  # Telegram resends when it did not see the 200
            async with http.post(url, json=payload, headers={SECRET_HEADER: SECRET}) as response:
                assert response.status == 200
        async with http.post(url, data=b"not json", headers={SECRET_HEADER: SECRET}) as response:
            assert response.status == 400
    replies = [c for c in emulator.calls_of("sendMessage") if c.params.get("chat_id") == user_id]
    assert len(replies) == 1 and replies[0].status == 200  # before the first 200, only once


def test_a_webhook_needs_a_long_secret_and_https(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[telegram]\nwebhook_url = "https://bot.example.org/hook"\nwebhook_secret = "short"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="at least 32 characters"):
        load_settings(config)
    config.write_text(
        f'[telegram]\nwebhook_url = "http://bot.example.org/hook"\nwebhook_secret = "{SECRET}"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="https"):
        load_settings(config)
