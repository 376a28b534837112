"""The process as an operator meets it: one per database, clean stops, liveness, backups,
health and metrics."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import build_application, running_bot
from bot.clock import ManualClock
from bot.config import MetricsSettings, Settings
from bot.context import PeerApplication
from bot.emulator import ApiError, BotApiEmulator
from tests.conftest import make_settings
from tests.helpers import ROOT, onboard, subprocess_env
from tests.reliability.test_fanout_kill import start_bot
from tests.reliability.test_webhook import free_port


def write_config(tmp_path: Path, emulator: BotApiEmulator, extra: str = "") -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[telegram]\ntoken = "{emulator.token}"\napi_base_url = "{emulator.base_url}"\n'
        f'poll_timeout = 1\n{extra}[storage]\npath = "{tmp_path / "bot.db"}"\n',
        encoding="utf-8",
    )
    return config


async def peercircle(*args: str, cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=subprocess_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_one_instance_per_database_and_sigterm_exits_promptly(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    config = write_config(tmp_path, emulator)
    first = await start_bot(config, tmp_path)
    await emulator.wait_until(lambda: bool(emulator.calls_of("getUpdates")), timeout=30)
    code, _, err = await peercircle("run", "--config", str(config), cwd=tmp_path)
    assert code == 2 and "already running on" in err and "bot.db.lock" in err
    user = emulator.user()
    await onboard(user)  # the first one is still serving
    started = time.monotonic()
    first.send_signal(signal.SIGTERM)
    await asyncio.wait_for(first.wait(), timeout=10)
    assert first.returncode == 0
    assert time.monotonic() - started < 10


async def test_no_successful_getupdates_for_the_liveness_window_exits_non_zero(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    config = write_config(tmp_path, emulator, "liveness_seconds = 10\n")

    first_poll: list[float] = []

    async def telegram_down(method: str, params: dict[str, Any]) -> None:
        if method == "getUpdates":
            first_poll[:] = first_poll or [time.monotonic()]
            raise ApiError(502, "Bad Gateway")

    emulator.interceptor = telegram_down
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--config",
        str(config),
        cwd=tmp_path,
        env=subprocess_env(),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), 40)
    exited = time.monotonic()
    assert process.returncode == 1
    critical = next(line for line in err.decode().splitlines() if "CRITICAL" in line)
    # It names the cause, and the exit follows it (not after a backoff of up to 30 s). The
    # window counts from the first getUpdates: a busy machine may take seconds to start.
    assert "no getUpdates has succeeded" in critical and "Bad Gateway" in critical
    assert first_poll and exited - first_poll[0] < 10 + 5


async def test_sigterm_while_telegram_is_unreachable_exits_within_ten_seconds(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    config = write_config(tmp_path, emulator)
    process = await start_bot(config, tmp_path)
    await emulator.wait_until(lambda: bool(emulator.calls_of("getUpdates")), timeout=30)

    async def telegram_down(method: str, params: dict[str, Any]) -> None:
        raise ApiError(502, "Bad Gateway")

    emulator.interceptor = telegram_down
    # Five failed polls: the next wait before trying again is 16 s, longer than the promise.
    await emulator.wait_until(
        lambda: sum(c.status == 502 for c in emulator.calls_of("getUpdates")) >= 5, timeout=40
    )
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.wait(), timeout=20)
    assert time.monotonic() - started < 10
    assert process.returncode == 0


async def test_backup_while_running_and_restore_only_when_stopped(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    config = write_config(tmp_path, emulator)
    bot = await start_bot(config, tmp_path)
    try:
        # Start-up (imports, lexicons, migrations) takes a few seconds on a busy machine.
        await emulator.wait_until(lambda: bool(emulator.calls_of("getUpdates")), timeout=30)
        user = emulator.user()
        await onboard(user)
        backup = tmp_path / "backups" / "copy.db"
        code, out, _ = await peercircle(
            "backup", str(backup), "--config", str(config), cwd=tmp_path
        )
        assert code == 0 and "integrity check: ok" in out
        with sqlite3.connect(backup, timeout=30) as conn:
            assert conn.execute("SELECT user_id FROM members").fetchall() == [(user.user_id,)]
        code, _, err = await peercircle(
            "restore", str(backup), "--config", str(config), cwd=tmp_path
        )
        assert code == 1 and "stop it" in err
        await user.ask("/forget")
        await user.tap("Yes, delete everything")
        await emulator.wait_until(lambda: "deleted" in user.last_message.shown_text.lower())
    finally:
        bot.send_signal(signal.SIGTERM)
        await asyncio.wait_for(bot.wait(), 15)
    code, out, _ = await peercircle("restore", str(backup), "--config", str(config), cwd=tmp_path)
    assert code == 0 and "integrity check: ok" in out
    with sqlite3.connect(tmp_path / "bot.db", timeout=30) as conn:
        assert conn.execute("SELECT user_id FROM members").fetchall() == [(user.user_id,)]
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    code, _, err = await peercircle("restore", str(broken), "--config", str(config), cwd=tmp_path)
    assert (code == 1 and "not restored" in err) or "not a readable" in err
    assert (ROOT / "deploy" / "peercircle.service").is_file()


@pytest.fixture
def settings(emulator: BotApiEmulator, storage_url: str, storage_key: bytes | None) -> Settings:
    return make_settings(
        emulator, storage_url, storage_key, metrics=MetricsSettings(port=free_port())
    )


@pytest.fixture
async def bot(settings: Settings, clock: ManualClock) -> AsyncIterator[PeerApplication]:
    app = build_application(settings, clock=clock)
    async with running_bot(app):
        yield app


async def test_healthz_and_metrics(
    emulator: BotApiEmulator, bot: PeerApplication, settings: Settings
) -> None:
    user = emulator.user()
    await onboard(user)
    base = f"http://127.0.0.1:{settings.metrics.port}"
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/healthz") as response:
            assert response.status == 200
        async with http.get(f"{base}/metrics") as response:
            text = await response.text()
    handled = next(
        line for line in text.splitlines() if line.startswith("peercircle_updates_handled_total")
    )
    assert float(handled.split()[1]) >= 5  # /start, I agree, Keep, zone, time
    for name in (
        "peercircle_handler_errors_total",
        "peercircle_messages_sent_total",
        "peercircle_telegram_429_total",
        "peercircle_telegram_403_total",
        "peercircle_outbox_depth",
        "peercircle_scheduler_lag_seconds",
    ):
        assert f"\n{name} " in text, name
    worker = bot.bot_data.delivery
    assert worker is not None
    await worker.stop()
    async with aiohttp.ClientSession() as http, http.get(f"{base}/healthz") as response:
        assert response.status == 503
