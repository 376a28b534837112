"""On SQLite the one process reads the outbox without claiming it (claims are for several
PostgreSQL workers): sending goes on while the database refuses writes (a write lock held
elsewhere, a read-only file, a full disk), the results kept in memory (MAX_UNRECORDED), so a
queued message, a crisis alert among them, is not held up by a fault of the disk."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.app import build_application, running_bot
from bot.clock import ManualClock
from bot.emulator import BotApiEmulator
from tests.conftest import make_settings
from tests.engines import OpenDb
from tests.test_outbox_claims import queue


def sends_to(emulator: BotApiEmulator, chat: int) -> int:
    return sum(1 for c in emulator.calls_of("sendMessage") if int(c.params["chat_id"]) == chat)


async def test_a_due_message_goes_out_while_another_process_holds_the_write_lock(
    emulator: BotApiEmulator,
    clock: ManualClock,
    open_db: OpenDb,
    db_path: Path,
) -> None:
    first, second = emulator.user().user_id, emulator.user().user_id
    db = await open_db()
    await queue(db, [first], key="now", at=clock.now())
    # Due in a minute: queued now, while writes are still taken.
    await queue(db, [second], key="later", at=clock.now() + timedelta(minutes=1))
    await db.close()
    settings = make_settings(emulator, db_path)
    async with running_bot(build_application(settings, clock=clock)):
        # The sender runs: the first message went out.
        await emulator.wait_until(lambda: sends_to(emulator, first) == 1, 10)
        other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False, timeout=30)
        try:
            # Another process's write transaction, taken off the event loop (the bot's own
            # commit may need the loop first).
            await asyncio.to_thread(other.execute, "BEGIN IMMEDIATE")
            clock.advance(timedelta(minutes=2))
            # Sent within a second or so, its result kept until the lock goes.
            await emulator.wait_until(lambda: sends_to(emulator, second) == 1, 15)
        finally:
            if other.in_transaction:
                other.execute("ROLLBACK")
            other.close()
