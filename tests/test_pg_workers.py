"""Several webhook workers on one PostgreSQL database (issue 19 §2): an update Telegram hands
to two workers is handled by one, a member's transactions wait for each other whichever
worker runs them, and updates come in one way only (one poller, or webhook workers).

The workers run in this process, each its own Application on its own port, against the
emulator; tests/reliability/test_pg_workers_kill.py runs them as processes. They need the
throwaway cluster (tests/pg.py) and skip, saying why, without PostgreSQL's binaries.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime

import aiohttp
import asyncpg
import pytest
from pydantic import SecretStr

from bench.pg_fleet import seed_pairs, update_payload
from bot.app import build_application, running_bot
from bot.clock import ManualClock
from bot.config import RuntimeSettings, Settings, TelegramSettings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator
from bot.runtime.intake_lock import IntakeTaken
from bot.runtime.webhook import SECRET_HEADER, WebhookServer
from storage import circles
from storage.db import Database
from storage.engines.postgres import MEMBER_LOCK_CLASS, member_lock
from storage.sealed import Keys
from tests.conftest import START, make_settings
from tests.reliability.test_webhook import SECRET, free_port


@pytest.fixture
def key() -> bytes:
    return os.urandom(32)


def worker_settings(
    emulator: BotApiEmulator, url: str, key: bytes, name: str, webhook: bool = True
) -> Settings:
    base = make_settings(emulator, url, key, runtime=RuntimeSettings(worker_name=name))
    if not webhook:
        return base
    telegram = TelegramSettings(
        token=base.telegram.token,
        api_base_url=emulator.base_url,
        poll_timeout=1,
        webhook_url="https://bot.example.org/telegram/hook",
        webhook_secret=SecretStr(SECRET),
        webhook_listen="127.0.0.1",
        webhook_port=free_port(),
    )
    return base.model_copy(update={"telegram": telegram})


@asynccontextmanager
async def workers(
    emulator: BotApiEmulator, url: str, key: bytes, *names: str
) -> AsyncIterator[list[PeerApplication]]:
    async with AsyncExitStack() as stack:
        apps = []
        for name in names:
            app = app_of(emulator, url, key, name)
            apps.append(await stack.enter_async_context(running_bot(app)))
        yield apps


def app_of(
    emulator: BotApiEmulator, url: str, key: bytes, name: str, webhook: bool = True
) -> PeerApplication:
    """A worker's application, not yet started."""
    return build_application(
        worker_settings(emulator, url, key, name, webhook), clock=ManualClock(START)
    )


def hook(app: PeerApplication) -> str:
    intake = app.bot_data.intake
    assert isinstance(intake, WebhookServer)
    return f"http://127.0.0.1:{intake.port}/telegram/hook"


async def count(url: str, sql: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval(sql))
    finally:
        await conn.close()


async def test_an_update_handed_to_two_workers_at_once_is_handled_by_one(
    emulator: BotApiEmulator, pg_migrated_database: str, key: bytes
) -> None:
    """Telegram resends an update it got no answer for in time, and the proxy may pass the
    copy to another worker while the first still works on it. Both pass the "handled
    before?" look-up (nothing is committed yet) and meet at the member's lock; the one that
    gets it second finds the first one's claim committed, rolls back and says nothing."""
    author, peer = emulator.user().user_id, emulator.user().user_id
    await seed_pairs(pg_migrated_database, key, [author, peer])
    folded = member_lock(author)[1]
    holder = await asyncpg.connect(pg_migrated_database)
    async with workers(emulator, pg_migrated_database, key, "web-1", "web-2") as apps:
        payload = update_payload(1, author, "/encourage you have got this")
        headers = {SECRET_HEADER: SECRET}
        # The test holds the member's lock, so both copies are inside their transaction,
        # waiting, before either can claim the update.
        await holder.execute("SELECT pg_advisory_lock($1, $2)", MEMBER_LOCK_CLASS, folded)
        async with aiohttp.ClientSession() as http:
            posts = [
                asyncio.create_task(http.post(hook(app), json=payload, headers=headers))
                for app in apps
            ]
            await until_waiting_for_member_lock(pg_migrated_database, folded, sessions=2)
            await holder.execute("SELECT pg_advisory_unlock($1, $2)", MEMBER_LOCK_CLASS, folded)
            answers = [await post for post in posts]
        assert [answer.status for answer in answers] == [200, 200]
        relays = "SELECT count(*) FROM relays"
        assert await count(pg_migrated_database, relays) == 1
        elsewhere = [app.bot_data.services.metrics.updates_elsewhere._value.get() for app in apps]
        assert sorted(elsewhere) == [0, 1]
        errors = [app.bot_data.services.metrics.handler_errors._value.get() for app in apps]
        assert errors == [0, 0]
        # One answer reached the author: the worker that lost the race said nothing.
        replies = [c for c in emulator.calls_of("sendMessage") if c.params["chat_id"] == author]
        assert len(replies) == 1
        # And the peer gets the encouragement once, from the leader's outbox (recorded sent
        # just after Telegram's answer: asked until it is).
        sent = "SELECT count(*) FROM outbox WHERE status = 'sent'"
        await until_count(pg_migrated_database, sent, 1)
        to_peer = [c for c in emulator.calls_of("sendMessage") if c.params["chat_id"] == peer]
        assert len(to_peer) == 1
    await holder.close()


async def until_count(url: str, sql: str, expected: int | None = None) -> None:
    """Until the server's count is `expected` (None: any but 0), asked every 50 ms: only the
    server knows when a session waits, or a row is recorded."""
    async with asyncio.timeout(30):
        while (found := await count(url, sql)) != expected:
            if expected is None and found:
                return
            await asyncio.sleep(0.05)


async def until_waiting_for_member_lock(url: str, folded: int, sessions: int) -> None:
    """Until this many sessions wait for the member's lock."""
    await until_count(url, _waiting_sql(folded), sessions)


def _waiting_sql(folded: int) -> str:
    return (
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        f" AND classid = {MEMBER_LOCK_CLASS} AND objid::bigint = {folded & 0xFFFFFFFF}"
        " AND objsubid = 2"
    )


async def test_a_poller_is_refused_beside_webhook_workers_and_leaves_their_webhook(
    emulator: BotApiEmulator, pg_migrated_database: str, key: bytes
) -> None:
    async with workers(emulator, pg_migrated_database, key, "web-1"):
        assert emulator.webhook_url == "https://bot.example.org/telegram/hook"
        poller = app_of(emulator, pg_migrated_database, key, "poll-1", webhook=False)
        with pytest.raises(IntakeTaken, match="polling takes one process"):
            async with running_bot(poller):
                pass
        # Refused before it asked Telegram anything: the workers' webhook is still set.
        assert emulator.webhook_url == "https://bot.example.org/telegram/hook"
        assert emulator.calls_of("deleteWebhook") == []


async def test_a_webhook_worker_is_refused_beside_a_poller(
    emulator: BotApiEmulator, pg_migrated_database: str, key: bytes
) -> None:
    poller = app_of(emulator, pg_migrated_database, key, "poll-1", webhook=False)
    async with running_bot(poller):
        second = app_of(emulator, pg_migrated_database, key, "poll-2", webhook=False)
        with pytest.raises(IntakeTaken, match="polling takes one process"):
            async with running_bot(second):
                pass
        webhook = app_of(emulator, pg_migrated_database, key, "web-1")
        with pytest.raises(IntakeTaken, match="setting the webhook would cut it off"):
            async with running_bot(webhook):
                pass
        assert emulator.calls_of("setWebhook") == []
    # The poller gone, webhook workers start.
    async with workers(emulator, pg_migrated_database, key, "web-1", "web-2") as apps:
        assert len(apps) == 2


async def test_two_workers_writing_relays_at_once_take_turns_for_the_fresh_id(
    emulator: BotApiEmulator, pg_migrated_database: str, key: bytes
) -> None:
    """A relay's id is the table's largest plus one (ids are never reused): two members'
    transactions on two workers would read the same largest id, and the second INSERT
    would fail on the primary key, losing the update. The table's id lock makes them take
    turns; the second sees the first's row."""
    author, peer = emulator.user().user_id, emulator.user().user_id
    await seed_pairs(pg_migrated_database, key, [author, peer])
    first, second = [
        await Database.open(pg_migrated_database, keys=Keys(key=key)) for _ in range(2)
    ]
    circle = await count(pg_migrated_database, "SELECT min(id) FROM circles")
    now = datetime.now(UTC)
    first_wrote, first_may_commit = asyncio.Event(), asyncio.Event()

    async def relay(db: Database, author_id: int) -> int:
        async with db.transaction() as session:
            relay_id = await circles.add_relay(
                session,
                circle_id=circle,
                author_id=author_id,
                kind="encourage",
                pseudonym="Calm Otter",
                text="keep going",
                status="sent",
                now=now,
            )
            if db is first:
                first_wrote.set()
                await first_may_commit.wait()
        return relay_id

    try:
        one = asyncio.create_task(relay(first, author))
        await first_wrote.wait()
        two = asyncio.create_task(relay(second, peer))
        # The second waits (for the id lock; without it, for the first's row in the primary
        # key's index, and then fails).
        await until_count(
            pg_migrated_database,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock'",
        )
        first_may_commit.set()
        ids = [await one, await two]
    finally:
        await first.close()
        await second.close()
    assert ids[1] == ids[0] + 1
    assert await count(pg_migrated_database, "SELECT count(*) FROM relays") == 2


async def test_a_lost_way_in_is_taken_again_so_a_poller_stays_refused(
    emulator: BotApiEmulator, pg_migrated_database: str, key: bytes
) -> None:
    """The webhook worker's hold on the way in goes with its session (a server restart, a
    network cut, a terminated backend); its watch takes it again, so a poller started
    after is still refused. (Found by a review: before the watch, the poller got in.)"""
    fast = RuntimeSettings(worker_name="web-1", leader_poll_seconds=0.5)
    settings = worker_settings(emulator, pg_migrated_database, key, "web-1")
    app = build_application(
        settings.model_copy(update={"runtime": fast}), clock=ManualClock(START)
    )
    holders = (
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'peercircle webhook web-1'"
    )
    async with running_bot(app):
        ended = await count(
            pg_migrated_database,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = 'peercircle webhook web-1'",
        )
        assert ended == 1
        await until_count(pg_migrated_database, holders, 1)
        poller = app_of(emulator, pg_migrated_database, key, "poll-1", webhook=False)
        with pytest.raises(IntakeTaken, match="polling takes one process"):
            async with running_bot(poller):
                pass
        assert emulator.calls_of("deleteWebhook") == []
        watch = app.bot_data.intake_lock
        assert watch is not None and not watch.lost.is_set()
