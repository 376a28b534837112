"""Fixtures: an emulator on 127.0.0.1, settings pointing at it, and the real bot running."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.app import build_application, running_bot
from bot.clock import ManualClock
from bot.config import SchedulerSettings, Settings, StorageSettings, TelegramSettings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator
from tests.pg import pg_cluster, pg_database  # noqa: F401 (a PostgreSQL cluster, when asked for)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emu:
        yield emu
        assert_anonymous(emu)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return [str(value)] if isinstance(value, int) else []


def assert_anonymous(emulator: BotApiEmulator) -> None:
    """No member ever received another member's Telegram id, name or username.

    Checked over every call the emulator recorded, in every test that used it.
    """
    users = emulator.users
    for call in emulator.calls:
        chat_id = call.params.get("chat_id")
        if call.status != 200 or chat_id not in users:
            continue
        content = "\n".join(_strings({k: v for k, v in call.params.items() if k != "chat_id"}))
        for other_id, other in users.items():
            if other_id == chat_id:
                continue
            for secret in (str(other_id), other.first_name, other.last_name, other.username):
                assert secret not in content, f"{call.method} to {chat_id} carried {secret!r}"


def make_settings(emulator: BotApiEmulator, db_path: Path, **sections: Any) -> Settings:
    sections.setdefault("scheduler", SchedulerSettings(sweep_interval_seconds=0.1))
    return Settings(
        telegram=TelegramSettings(
            token=SecretStr(emulator.token), api_base_url=emulator.base_url, poll_timeout=1
        ),
        storage=StorageSettings(path=db_path),
        **sections,
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "peercircle.db"


@pytest.fixture
def settings(emulator: BotApiEmulator, db_path: Path) -> Settings:
    return make_settings(emulator, db_path)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def bot(settings: Settings, clock: ManualClock) -> AsyncIterator[PeerApplication]:
    app = build_application(settings, clock=clock, rng=random.Random(7))
    async with running_bot(app):
        yield app
