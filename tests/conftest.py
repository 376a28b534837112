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
from bot.config import SchedulerSettings, Settings, TelegramSettings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator
from tests.engines import (  # noqa: F401 (fixtures and hooks: which engine, which database)
    db_path,
    engine,
    open_db,
    pytest_addoption,
    pytest_collection_modifyitems,
    pytest_generate_tests,
    storage_key,
    storage_keys,
    storage_settings,
    storage_url,
)
from tests.pg import (  # noqa: F401 (a PostgreSQL cluster, when asked for)
    pg_cluster,
    pg_database,
    pg_migrated_database,
    pg_template,
)

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


def make_settings(
    emulator: BotApiEmulator, database: Path | str, key: bytes | None = None, **sections: Any
) -> Settings:
    """Settings for the bot on the emulator. `database` is a SQLite file's path, or a
    storage URL (tests.engines.storage_url); `key` is the database's key (PostgreSQL needs
    one named), None: the key file beside a SQLite database."""
    sections.setdefault("scheduler", SchedulerSettings(sweep_interval_seconds=0.1))
    return Settings(
        telegram=TelegramSettings(
            token=SecretStr(emulator.token), api_base_url=emulator.base_url, poll_timeout=1
        ),
        storage=storage_settings(database, key),
        **sections,
    )


@pytest.fixture
def settings(
    emulator: BotApiEmulator,
    storage_url: str,  # noqa: F811 (the fixture imported above)
    storage_key: bytes | None,  # noqa: F811
) -> Settings:
    return make_settings(emulator, storage_url, storage_key)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def bot(settings: Settings, clock: ManualClock) -> AsyncIterator[PeerApplication]:
    app = build_application(settings, clock=clock, rng=random.Random(7))
    async with running_bot(app):
        yield app
