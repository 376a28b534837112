"""Storage faults mid-delivery: 300 members' prompts going out while the database is locked,
read-only or its disk full. Telegram accepts each send; recording it fails for a while. Each
member still gets exactly one prompt, and every outbox row ends up recorded as sent."""

from __future__ import annotations

import asyncio
import logging
import resource
import signal
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from bench.seeding import seed_due_members
from bot.app import build_application, running_bot
from bot.config import DeliverySettings
from bot.emulator import BotApiEmulator
from bot.services import Services
from storage.db import Database
from tests.conftest import make_settings
from tests.reliability.test_fanout_kill import pending, prompts_by_chat, start_bot, write_config

MEMBERS = 300
FAULT_SECONDS = 12.0  # longer than two busy timeouts (5 s each): the sweep may wait out the first


def recorded_as_sent(db_path: Path) -> int:
    with sqlite3.connect(db_path) as conn:
        row = conn.execute(
            "SELECT count(*) FROM outbox WHERE status = 'sent' AND telegram_message_id IS NOT NULL"
        ).fetchone()
    return int(row[0])


@asynccontextmanager
async def delivering(emulator: BotApiEmulator, db_path: Path) -> AsyncIterator[Services]:
    """The bot running with MEMBERS prompts due; yields its services once 50 have gone."""
    user_ids = [emulator.user().user_id for _ in range(MEMBERS)]
    await seed_due_members(db_path, user_ids, timedelta(seconds=30))
    # 250 prompts left at 40 a second outlast the fault's start even on a busy machine, so
    # sends are still going out, and being recorded, while storage refuses.
    settings = make_settings(emulator, db_path, delivery=DeliverySettings(messages_per_second=40))
    app = build_application(settings)
    async with running_bot(app):
        await emulator.wait_until(lambda: sum(prompts_by_chat(emulator).values()) >= 50, 30)
        yield app.bot_data.services
        await emulator.wait_until(lambda: len(prompts_by_chat(emulator)) == MEMBERS, 60)
        await emulator.wait_until(lambda: recorded_as_sent(db_path) == MEMBERS, 60)
    counts = prompts_by_chat(emulator)
    assert set(counts) == set(user_ids)
    assert set(counts.values()) == {1}, "a member got the same prompt twice"
    assert pending(db_path) == 0


@contextmanager
def write_lock_held(db_path: Path) -> Iterator[sqlite3.Connection]:
    """Another process's write transaction on the file (here, a second connection)."""
    conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False, timeout=30)
    try:
        yield conn
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


async def test_a_held_write_lock_mid_delivery_repeats_no_prompt(
    emulator: BotApiEmulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db_path = tmp_path / "bot.db"
    with caplog.at_level(logging.ERROR, logger="peercircle.delivery"):
        async with delivering(emulator, db_path):
            with write_lock_held(db_path) as lock:
                # Taken off the event loop: the bot's own commit may need the loop first.
                await asyncio.to_thread(lock.execute, "BEGIN IMMEDIATE")
                await asyncio.sleep(FAULT_SECONDS)
    refused = [r.getMessage() for r in caplog.records if "refused to record" in r.getMessage()]
    assert refused and "database is locked" in refused[0]


async def set_on_the_bots_connection(db: Database, pragma: str) -> None:
    async with db.read() as session:
        await session.execute(pragma)


async def test_a_read_only_database_mid_delivery_repeats_no_prompt(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    # A file made read-only under a running process keeps its open descriptor writable, so
    # the bot's own connection is made read-only instead: every write refused, as SQLite
    # refuses them on a read-only file or file system.
    async with delivering(emulator, tmp_path / "bot.db") as services:
        await set_on_the_bots_connection(services.db, "PRAGMA query_only = ON")
        await asyncio.sleep(FAULT_SECONDS)
        await set_on_the_bots_connection(services.db, "PRAGMA query_only = OFF")
        refused = services.metrics.registry.get_sample_value(
            "peercircle_outbox_record_failures_total"
        )
        assert refused is not None and refused >= 1


async def test_a_full_disk_mid_delivery_repeats_no_prompt(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    # PRAGMA max_page_count cannot fill this disk: marking a row sent rewrites it within its
    # own page and needs no new one. A full disk refuses the write-ahead log's next frames;
    # so does a file-size limit set on the running bot (RLIMIT_FSIZE, no root needed): every
    # write past the first page fails, as it does with no space left.
    db_path = tmp_path / "bot.db"
    user_ids = [emulator.user().user_id for _ in range(MEMBERS)]
    await seed_due_members(db_path, user_ids, timedelta(seconds=30))
    bot = await start_bot(write_config(tmp_path, emulator), tmp_path)
    try:
        await emulator.wait_until(lambda: sum(prompts_by_chat(emulator).values()) >= 50, 60)
        unlimited = resource.prlimit(bot.pid, resource.RLIMIT_FSIZE)
        resource.prlimit(bot.pid, resource.RLIMIT_FSIZE, (4096, unlimited[1]))
        await asyncio.sleep(FAULT_SECONDS)
        resource.prlimit(bot.pid, resource.RLIMIT_FSIZE, unlimited)
        await emulator.wait_until(lambda: len(prompts_by_chat(emulator)) == MEMBERS, 60)
        await emulator.wait_until(lambda: recorded_as_sent(db_path) == MEMBERS, 60)
    finally:
        bot.send_signal(signal.SIGTERM)
        await asyncio.wait_for(bot.wait(), timeout=15)
    assert bot.returncode == 0
    counts = prompts_by_chat(emulator)
    assert set(counts) == set(user_ids)
    assert set(counts.values()) == {1}, "a member got the same prompt twice"
