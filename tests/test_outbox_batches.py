"""The outbox's batch read leaves out what the worker holds, and an expired row is final."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import outbox
from tests.engines import OpenDb

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_a_batch_leaves_out_rows_in_flight_or_not_yet_recorded(open_db: OpenDb) -> None:
    db = await open_db()
    try:
        async with db.transaction() as session:
            new = [outbox.NewMessage(f"k{i}", 100 + i, None, "relay", "{}") for i in range(4)]
            await outbox.enqueue_many(session, new, NOW - timedelta(hours=1), NOW)
        async with db.read() as session:
            every = await outbox.next_batch(session, NOW, 10)
            held = {every[0].id, every[2].id}
            rest = await outbox.next_batch(session, NOW, 10, leave_out=held)
        assert [row.id for row in rest] == [every[1].id, every[3].id]
        assert every[0].not_before == NOW - timedelta(hours=1)
    finally:
        await db.close()


async def test_an_expired_row_is_finished_and_a_finished_one_stays_as_it_was(
    open_db: OpenDb,
) -> None:
    db = await open_db()
    try:
        async with db.transaction() as session:
            new = [outbox.NewMessage(f"k{i}", 100 + i, None, "checkin", "{}") for i in range(2)]
            await outbox.enqueue_many(session, new, NOW, NOW)
            first, second = await outbox.next_batch(session, NOW, 10)
            await outbox.mark_sent(session, first.id, 7, NOW)
            await outbox.mark_expired(session, first.id, NOW)  # sent already: left alone
            await outbox.mark_expired(session, second.id, NOW)
            rows = await session.fetch_all("SELECT status FROM outbox ORDER BY id")
        assert [row["status"] for row in rows] == ["sent", "expired"]
    finally:
        await db.close()
