"""A burst of 300 member updates, the process killed with SIGKILL in the middle, restarted:
every update is handled exactly once, and each member's updates in the order sent."""

from __future__ import annotations

import asyncio
import random
import signal
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.emulator import ApiError, BotApiEmulator
from storage import circles, members
from storage.db import Database
from tests.helpers import opened
from tests.reliability.test_fanout_kill import start_bot

MEMBERS, EACH = 30, 10
# Words, not digits: digit runs would be taken for phone numbers and never relayed.
STEPS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


async def seed_pairs(db_path: Path, user_ids: list[int]) -> None:
    """Onboarded members, two to a circle, so each /encourage writes one relay."""
    db = await Database.open(db_path)
    now = datetime.now(UTC) - timedelta(days=1)
    async with db.transaction() as session:
        for n, user_id in enumerate(user_ids):
            await members.create(
                session,
                user_id=user_id,
                pseudonym=f"Calm Otter{n}",
                timezone="UTC",
                checkin_time="03:00",
                consent_version=1,
                pending_invite=None,
                awaiting=None,
                now=now,
            )
            await members.update(session, user_id, onboarded_at=now)
            if n % 2 == 0:
                circle_id = await circles.create(session, f"Pair {n}", f"code{n}", 2, now)
            await circles.add_member(session, circle_id, user_id, now)
    await db.close()


def write_config(tmp_path: Path, emulator: BotApiEmulator) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[telegram]\ntoken = "{emulator.token}"\napi_base_url = "{emulator.base_url}"\n'
        f'poll_timeout = 1\n[storage]\npath = "{tmp_path / "bot.db"}"\n'
        "[circles]\nrelays_per_hour = 1000\n[delivery]\nmessages_per_second = 200\n"
        "per_chat_per_second = 50\n",
        encoding="utf-8",
    )
    return config


def relayed(db_path: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(db_path, timeout=30) as conn:
        rows = conn.execute("SELECT author_id, text FROM relays ORDER BY id").fetchall()
    return [(author, str(opened(db_path, "relays", "text", text))) for author, text in rows]


async def burst_then_kill(
    emulator: BotApiEmulator, tmp_path: Path, kill: Any
) -> list[tuple[int, str]]:
    users = [emulator.user() for _ in range(MEMBERS)]
    await seed_pairs(tmp_path / "bot.db", [u.user_id for u in users])
    for i in range(EACH):  # all queued before the bot starts: one burst
        for user in users:
            user.send(f"/encourage keep going, step {STEPS[i]}")
    config = write_config(tmp_path, emulator)
    first = await start_bot(config, tmp_path)
    await kill(first)
    await asyncio.wait_for(first.wait(), timeout=60)
    assert first.returncode == -signal.SIGKILL
    emulator.interceptor = None
    before = len(relayed(tmp_path / "bot.db"))
    assert 0 < before < MEMBERS * EACH, before

    second = await start_bot(config, tmp_path)
    try:
        await emulator.wait_until(
            lambda: len(relayed(tmp_path / "bot.db")) >= MEMBERS * EACH, timeout=60
        )
        await emulator.wait_until(lambda: emulator.pending_updates() == 0, timeout=30)
    finally:
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), timeout=15)
    assert second.returncode == 0
    return relayed(tmp_path / "bot.db")


def assert_each_once_in_order(rows: list[tuple[int, str]]) -> None:
    counts = Counter(rows)
    assert len(counts) == MEMBERS * EACH
    assert set(counts.values()) == {1}, [t for t, n in counts.items() if n > 1]
    by_member: dict[int, list[int]] = {}
    for author, text in rows:
        by_member.setdefault(author, []).append(STEPS.index(text.rsplit(" ", 1)[1]))
    assert all(order == list(range(EACH)) for order in by_member.values())


async def test_killed_in_the_middle_of_a_burst_every_update_is_handled_once(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    seen = 0

    async def kill_on_the_100th_send(process: asyncio.subprocess.Process) -> None:
        async def intercept(method: str, params: dict[str, Any]) -> None:
            nonlocal seen
            if method == "sendMessage":
                seen += 1
                if seen == 100:  # a reply in flight: its update's writes are committed
                    process.kill()
                    raise ApiError(500, "Internal Server Error")

        emulator.interceptor = intercept

    assert_each_once_in_order(await burst_then_kill(emulator, tmp_path, kill_on_the_100th_send))


async def test_killed_at_a_random_moment_every_update_is_handled_once(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    async def kill_soon(process: asyncio.subprocess.Process) -> None:
        await emulator.wait_until(lambda: emulator.messages_sent >= 20, timeout=60)
        await asyncio.sleep(random.uniform(0.0, 0.3))
        process.kill()

    assert_each_once_in_order(await burst_then_kill(emulator, tmp_path, kill_soon))
