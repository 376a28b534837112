"""The outbox's claims: two senders never take the same message, a new leader frees what the
last one held and keeps the pace it kept (issue 19: one sender, a takeover within 15 s)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import build_application, running_bot
from bot.clock import ManualClock
from bot.config import DeliverySettings, RuntimeSettings, Settings
from bot.emulator import BotApiEmulator
from bot.outgoing import OutgoingMessage
from storage import outbox
from storage.db import Database
from tests.conftest import make_settings
from tests.engines import OpenDb, peek
from tests.test_pg_workers import worker_settings

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HELLO = OutgoingMessage("Hello").to_json()


async def queue(db: Database, chat_ids: list[int], key: str = "m", at: datetime = NOW) -> None:
    messages = [
        outbox.NewMessage(f"{key}{i}", chat_id, None, "relay", HELLO)
        for i, chat_id in enumerate(chat_ids)
    ]
    async with db.transaction() as session:
        await outbox.enqueue_many(session, messages, at, at)


async def claim(
    db: Database, worker: str, limit: int = 100, leave_out: frozenset[int] = frozenset()
) -> list[int]:
    async with db.transaction() as session:
        return [r.id for r in await outbox.claim_batch(session, worker, NOW, limit, leave_out)]


def claims(url: str) -> dict[int, str | None]:
    return dict(peek(url, "SELECT id, claimed_by FROM outbox ORDER BY id"))


async def test_a_claim_takes_the_oldest_due_rows_with_their_language_and_leaves_out_held_ones(
    open_db: OpenDb,
) -> None:
    db = await open_db()
    await queue(db, [101, 102, 103], key="late", at=NOW - timedelta(minutes=1))
    await queue(db, [104], key="future", at=NOW + timedelta(minutes=1))
    await queue(db, [105, 106], key="early", at=NOW - timedelta(minutes=2))
    async with db.read() as session:
        expected = await outbox.next_batch(session, NOW, 10)
    async with db.transaction() as session:
        first = await outbox.claim_batch(session, "web-1", NOW, 2)
        rest = await outbox.claim_batch(session, "web-1", NOW, 10, {r.id for r in first})
    # The same rows, in the same order, as the read that claims nothing; not the future one.
    assert first + rest == expected and len(expected) == 5
    assert [r.chat_id for r in first] == [105, 106]
    assert {r.chat_id for r in rest} == {101, 102, 103}


async def test_a_row_claimed_by_another_worker_is_left_to_it_until_long_abandoned(
    open_db: OpenDb, storage_url: str
) -> None:
    db = await open_db()
    await queue(db, [101, 102], at=NOW - timedelta(hours=1))
    async with db.transaction() as session:
        old = await outbox.claim_batch(session, "old", NOW - outbox.CLAIM_ABANDONED, 1)
        other = await outbox.claim_batch(session, "other", NOW - timedelta(seconds=10), 1)
    held, recent = old[0].id, other[0].id
    # Its own claims a worker takes again; another's only once abandoned.
    assert await claim(db, "other") == [recent]
    assert await claim(db, "web-1") == []
    async with db.transaction() as session:
        taken = await outbox.claim_batch(session, "web-1", NOW + timedelta(seconds=1), 10)
    assert [r.id for r in taken] == [held]
    assert claims(storage_url) == {held: "web-1", recent: "other"}


async def test_finishing_a_row_or_handing_it_back_ends_its_claim(
    open_db: OpenDb, storage_url: str
) -> None:
    db = await open_db()
    await queue(db, [101, 102, 103, 104, 105])
    sent, failed, expired, handed, _to_105 = await claim(db, "web-1")
    async with db.transaction() as session:
        await outbox.mark_sent(session, sent, 7, NOW)
        await outbox.mark_failed(session, failed, NOW)
        await outbox.mark_expired(session, expired, NOW)
        await outbox.hand_back(session, handed)
        await outbox.drop_pending_for_chat(session, 105, NOW)
    assert set(claims(storage_url).values()) == {None}
    assert peek(storage_url, "SELECT count(*) FROM outbox WHERE claimed_at IS NOT NULL") == [(0,)]
    # The one handed back is pending and anyone's: another worker takes it.
    assert await claim(db, "web-2") == [handed]


async def test_release_frees_every_pending_claim_and_says_whose(
    open_db: OpenDb, storage_url: str
) -> None:
    db = await open_db()
    await queue(db, [101, 102, 103, 104])
    mine, theirs = await claim(db, "web-1", 1), await claim(db, "old", 2)
    async with db.transaction() as session:
        assert await outbox.release_claims(session) == {"web-1": 1, "old": 2}
        assert await outbox.release_claims(session) == {}
    assert set(claims(storage_url).values()) == {None}
    taken = await claim(db, "web-2")
    assert len(taken) == 4 and set(mine + theirs) <= set(taken)


async def test_two_senders_claiming_at_once_never_take_the_same_message(
    open_db: OpenDb, storage_url: str
) -> None:
    """Two Database objects on one URL (on PostgreSQL two connections, so two sessions),
    each claiming small batches until none is left, as two senders would."""
    first, second = await open_db(), await open_db()
    await queue(first, list(range(1000, 1300)))

    async def claim_all(db: Database, worker: str) -> list[int]:
        got: list[int] = []
        while batch := await claim(db, worker, 7, frozenset(got)):
            got += batch
        return got

    a, b = await asyncio.gather(claim_all(first, "a"), claim_all(second, "b"))
    assert not set(a) & set(b)
    assert len(a) == len(set(a)) and len(b) == len(set(b))
    held = claims(storage_url)
    assert sorted(a + b) == sorted(held) and len(held) == 300
    assert {held[i] for i in a} <= {"a"} and {held[i] for i in b} <= {"b"}


async def test_on_postgresql_a_claim_passes_over_rows_another_is_claiming_without_waiting(
    open_db: OpenDb, engine: str
) -> None:
    if engine != "postgresql":
        pytest.skip("SQLite has one writer at a time: a second claim waits for the first")
    first, second = await open_db(), await open_db()
    await queue(first, list(range(1000, 1010)))
    async with first.transaction() as session:
        a = [r.id for r in await outbox.claim_batch(session, "a", NOW, 4)]
        # a's transaction is open, its rows locked: b skips them at once, and takes the next.
        started = time.monotonic()
        b = await claim(second, "b", 4)
        assert time.monotonic() - started < 1.0
    assert not set(a) & set(b) and len(a) == len(b) == 4
    # a's claims committed: b sees them held, and takes only its own and the two left.
    again = await claim(second, "b")
    assert set(b) <= set(again) and not set(a) & set(again) and len(again) == 6


# Claims, their release at take-up and the pace kept across it serve several workers: on
# SQLite the one process reads the outbox as before (tests/test_outbox_sqlite_faults.py).
def postgresql_only(engine: str) -> None:
    if engine != "postgresql":
        pytest.skip("outbox claims are PostgreSQL's (several workers); SQLite's one process reads")


def sends_to(emulator: BotApiEmulator) -> Counter[int]:
    return Counter(int(c.params["chat_id"]) for c in emulator.calls_of("sendMessage"))


async def test_a_new_leader_sends_what_the_workers_before_it_had_claimed(
    engine: str,
    emulator: BotApiEmulator,
    clock: ManualClock,
    open_db: OpenDb,
    storage_url: str,
    storage_key: bytes | None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    postgresql_only(engine)
    users = [emulator.user().user_id for _ in range(6)]
    db = await open_db()
    await queue(db, users, at=clock.now())
    await claim(db, "old-leader", 4)  # died with these claimed
    await claim(db, "web-1", 2)  # this worker's own, from before its restart
    await db.close()
    settings = make_settings(
        emulator, storage_url, storage_key, runtime=RuntimeSettings(worker_name="web-1")
    )
    caplog.set_level(logging.INFO, logger="peercircle.delivery")
    async with running_bot(build_application(settings, clock=clock)):
        await emulator.wait_until(lambda: len(sends_to(emulator)) == 6, 15)
        await emulator.wait_until(
            lambda: (
                peek(storage_url, "SELECT count(*) FROM outbox WHERE status = 'sent'") == [(6,)]
            ),
            10,
        )
    assert sends_to(emulator) == Counter(users)
    assert set(claims(storage_url).values()) == {None}
    said = [r.getMessage() for r in caplog.records if "claims_released" in r.getMessage()]
    assert sorted(said) == [
        "outbox.claims_released: 2 message(s) claimed by worker web-1 go out again",
        "outbox.claims_released: 4 message(s) claimed by worker old-leader go out again",
    ]


async def test_a_new_leader_keeps_the_pace_the_last_one_kept(
    engine: str,
    emulator: BotApiEmulator,
    clock: ManualClock,
    open_db: OpenDb,
    storage_url: str,
    storage_key: bytes | None,
) -> None:
    """The last leader sent to X 0.1 s before this one starts: X's next message waits X's
    interval, and the first message to anyone waits the global one. Slow paces (a message
    every 2 s overall, every 4 s per chat) so the bot's start-up cannot hide the wait."""
    postgresql_only(engine)
    x, y = emulator.user().user_id, emulator.user().user_id
    db = await open_db()
    await queue(db, [x], key="before", at=clock.now() - timedelta(minutes=1))
    [before] = await claim(db, "old-leader")
    async with db.transaction() as session:
        await outbox.mark_sent(session, before, 1, clock.now() - timedelta(seconds=0.1))
    await queue(db, [x, y], at=clock.now())
    await db.close()
    settings = make_settings(
        emulator,
        storage_url,
        storage_key,
        delivery=DeliverySettings(messages_per_second=0.5, per_chat_per_second=0.25),
    )
    sent_before = time.monotonic() - 0.1  # at the latest: the bot starts after this
    async with running_bot(build_application(settings, clock=clock)):
        await emulator.wait_until(lambda: len(sends_to(emulator)) == 2, 15)
    to_y, to_x = emulator.calls_of("sendMessage")
    assert (int(to_y.params["chat_id"]), int(to_x.params["chat_id"])) == (y, x)
    assert to_y.at - sent_before >= 2.0  # the global interval after the last leader's send
    assert to_x.at - sent_before >= 4.0  # X's own interval
    assert to_x.at - to_y.at >= 2.0 - 0.05  # and the global one between this leader's two


async def test_a_message_the_leader_stops_before_sending_is_handed_back_unclaimed(
    engine: str,
    emulator: BotApiEmulator,
    clock: ManualClock,
    open_db: OpenDb,
    storage_url: str,
    storage_key: bytes | None,
) -> None:
    postgresql_only(engine)
    user = emulator.user().user_id
    db = await open_db()
    await queue(db, [user], at=clock.now())
    await db.close()
    emulator.fail_next("sendMessage", code=500, times=100)  # retried with backoff meanwhile
    settings = make_settings(
        emulator, storage_url, storage_key, runtime=RuntimeSettings(worker_name="web-1")
    )
    async with running_bot(build_application(settings, clock=clock)):
        await emulator.wait_until(lambda: len(emulator.calls_of("sendMessage")) >= 1, 10)
        assert list(claims(storage_url).values()) == ["web-1"]
    assert peek(storage_url, "SELECT status, claimed_by, claimed_at FROM outbox") == [
        ("pending", None, None)
    ]


async def test_on_postgresql_a_worker_takes_over_a_fan_out_from_a_leader_that_stops(
    emulator: BotApiEmulator,
    open_db: OpenDb,
    storage_url: str,
    storage_key: bytes | None,
    engine: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two workers on one database: the leader stops a tenth of the way through 200
    messages; the other takes over, frees what the first had claimed, and sends the rest.
    Telegram's flood limits on: not one 429."""
    if engine != "postgresql":
        pytest.skip("several workers share a PostgreSQL database; SQLite has one process")
    emulator.limits.enabled = True
    users = [emulator.user().user_id for _ in range(200)]
    db = await open_db()
    await queue(db, users, at=datetime.now(UTC))
    await db.close()

    def worker(name: str) -> Settings:
        # Webhook workers: several take updates together (one poller would be alone).
        assert storage_key is not None
        return worker_settings(emulator, storage_url, storage_key, name)

    caplog.set_level(logging.INFO, logger="peercircle.delivery")
    async with contextlib.AsyncExitStack() as first:
        first_app = await first.enter_async_context(
            running_bot(build_application(worker("web-a")))
        )
        assert first_app.bot_data.leadership is not None
        assert first_app.bot_data.leadership.is_leader
        async with running_bot(build_application(worker("web-b"))) as second_app:
            # Early in its first batch of 100: it holds claims on rows it has not sent.
            await emulator.wait_until(lambda: len(sends_to(emulator)) >= 20, 15)
            await first.aclose()  # its sends in flight finish and are recorded first
            stopped_at = time.monotonic()
            await emulator.wait_until(lambda: len(sends_to(emulator)) == 200, 30)
            assert second_app.bot_data.leadership is not None
            assert second_app.bot_data.leadership.is_leader
            # Recorded just after the last send; webhook workers call Telegram no more after
            # it, so the database is asked until it says so.
            sent = "SELECT count(*) FROM outbox WHERE status = 'sent'"
            async with asyncio.timeout(10):
                while peek(storage_url, sent) != [(200,)]:  # noqa: ASYNC110 (the database's)
                    await asyncio.sleep(0.05)
    assert sends_to(emulator) == Counter(users)  # every member once: nothing lost or repeated
    assert [c for c in emulator.calls if c.status == 429] == []
    released = [r.getMessage() for r in caplog.records if "claims_released" in r.getMessage()]
    assert len(released) == 1 and "claimed by worker web-a" in released[0]
    firsts = [c.at for c in emulator.calls_of("sendMessage") if c.at > stopped_at]
    assert firsts and firsts[0] - stopped_at < 15.0  # issue 19: taken over within 15 s
