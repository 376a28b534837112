"""Outbox repository: messages the bot starts, written first and sent by the delivery worker."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.db import Row, Session
from storage.timestamps import from_db, to_db


@dataclass(frozen=True)
class OutboxRow:
    id: int
    chat_id: int
    user_id: int | None
    kind: str
    payload: str
    attempts: int
    language: str | None = None  # the reader's language now; None: the configured default
    not_before: datetime | None = None  # the moment it was queued for


async def enqueue(
    session: Session,
    *,
    key: str,
    chat_id: int,
    user_id: int | None,
    kind: str,
    payload: str,
    not_before: datetime,
    now: datetime,
) -> bool:
    """Add a message unless one with the same idempotency key exists; True when added."""
    changed = await session.execute(
        """
        INSERT INTO outbox (idempotency_key, chat_id, user_id, kind, payload, not_before,
                            created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (idempotency_key) DO NOTHING
        """,
        (
            key,
            chat_id,
            user_id,
            kind,
            session.seal("outbox", "payload", payload),
            to_db(not_before),
            to_db(now),
        ),
    )
    return changed > 0


@dataclass(frozen=True)
class NewMessage:
    key: str
    chat_id: int
    user_id: int | None
    kind: str
    payload: str


async def enqueue_many(
    session: Session, messages: list[NewMessage], not_before: datetime, now: datetime
) -> int:
    """Add many messages in one statement, skipping known keys; returns how many were added."""
    if not messages:
        return 0
    return await session.execute_many(
        """
        INSERT INTO outbox (idempotency_key, chat_id, user_id, kind, payload, not_before,
                            created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (idempotency_key) DO NOTHING
        """,
        [
            (
                m.key,
                m.chat_id,
                m.user_id,
                m.kind,
                session.seal("outbox", "payload", m.payload),
                to_db(not_before),
                to_db(now),
            )
            for m in messages
        ],
    )


async def enqueue_one(session: Session, message: NewMessage, now: datetime) -> bool:
    """Add one message due now unless its key exists; True when added."""
    return await enqueue(
        session,
        key=message.key,
        chat_id=message.chat_id,
        user_id=message.user_id,
        kind=message.kind,
        payload=message.payload,
        not_before=now,
        now=now,
    )


async def existing_keys(session: Session, keys: list[str]) -> set[str]:
    """Which of these idempotency keys the outbox holds already."""
    if not keys:
        return set()
    rows = await session.fetch_all(
        f"SELECT idempotency_key FROM outbox WHERE idempotency_key IN "
        f"({', '.join('?' for _ in keys)})",
        keys,
    )
    return {str(r["idempotency_key"]) for r in rows}


async def mark_combined(
    session: Session, parts: list[NewMessage], combined_key: str, now: datetime
) -> None:
    """Hold each part's own key, finished, so a part sent inside a combined message is
    never sent again on its own (the keys are pruned with the other finished rows)."""
    await session.execute_many(
        """
        INSERT INTO outbox (idempotency_key, chat_id, user_id, kind, payload, not_before,
                            status, created_at, finished_at)
        VALUES (?, ?, ?, ?, ?, ?, 'combined', ?, ?)
        ON CONFLICT (idempotency_key) DO NOTHING
        """,
        [
            (
                p.key,
                p.chat_id,
                p.user_id,
                p.kind,
                session.seal("outbox", "payload", json.dumps({"in": combined_key})),
                to_db(now),
                to_db(now),
                to_db(now),
            )
            for p in parts
        ],
    )


@dataclass(frozen=True)
class CombinedRow:
    id: int
    payload: str


async def combined_by_message(
    session: Session, chat_id: int, message_id: int
) -> CombinedRow | None:
    """The combined message Telegram knows by this id in this chat, if it is one."""
    row = await session.fetch_one(
        "SELECT id, payload FROM outbox WHERE kind = 'combined' AND chat_id = ? "
        "AND telegram_message_id = ?",
        (chat_id, message_id),
    )
    return (
        CombinedRow(row["id"], session.unseal("outbox", "payload", row["payload"]))
        if row
        else None
    )


async def set_payload(session: Session, row_id: int, payload: str) -> None:
    """A combined message's payload follows its edits, so the next press redraws it whole."""
    await session.execute(
        "UPDATE outbox SET payload = ? WHERE id = ?",
        (session.seal("outbox", "payload", payload), row_id),
    )


def _left_out(leave_out: Collection[int], column: str) -> tuple[str, tuple[int, ...]]:
    """`AND <column> NOT IN (...)` for the ids the worker holds, and its parameters: a plain
    list both engines read; it is short (in flight plus at most MAX_UNRECORDED)."""
    if not leave_out:
        return "", ()
    marks = ", ".join("?" for _ in leave_out)
    return f"AND {column} NOT IN ({marks})", tuple(sorted(leave_out))


def _outbox_row(session: Session, r: Row) -> OutboxRow:
    return OutboxRow(
        r["id"],
        r["chat_id"],
        r["user_id"],
        r["kind"],
        session.unseal("outbox", "payload", r["payload"]),
        r["attempts"],
        r["language"],
        from_db(r["not_before"]),
    )


# The columns of an OutboxRow, the reader's language joined in.
_ROW_SELECT = """
    SELECT o.id, o.chat_id, o.user_id, o.kind, o.payload, o.attempts, m.language, o.not_before
    FROM outbox o LEFT JOIN members m ON m.user_id = COALESCE(o.user_id, o.chat_id)
"""


async def next_batch(
    session: Session, now: datetime, limit: int, leave_out: Collection[int] = ()
) -> list[OutboxRow]:
    """Pending messages whose time has come, oldest first, but for the ids in `leave_out`,
    whoever holds them: a read that claims nothing (the sender claims with claim_batch)."""
    skip, left_out = _left_out(leave_out, "o.id")
    rows = await session.fetch_all(
        f"""{_ROW_SELECT}
        WHERE o.status = 'pending' AND o.not_before <= ? {skip}
        ORDER BY o.not_before, o.id LIMIT ?
        """,
        (to_db(now), *left_out, limit),
    )
    return [_outbox_row(session, r) for r in rows]


# A claim another worker has held this long is taken as abandoned. Only an old leader that
# had not yet noticed it lost the lead can claim after the new leader released every claim
# (release_claims); it stops within seconds (bot.runtime.leadership), and its sends with
# it (OutboxWorker.stop), but a database it can no longer reach keeps its claims.
CLAIM_ABANDONED = timedelta(seconds=60)


async def claim_batch(
    session: Session, worker: str, now: datetime, limit: int, leave_out: Collection[int] = ()
) -> list[OutboxRow]:
    """Claim for `worker` the pending messages whose time has come, oldest first, and return
    them: those nobody holds and those it holds already, but for the ids in `leave_out` (its
    messages in flight, or sent and not yet recorded). Two workers claiming at once never
    get the same row: on PostgreSQL a row another transaction is claiming is passed over
    (SKIP LOCKED) and one it claimed is seen claimed; SQLite has one writer at a time."""
    skip, left_out = _left_out(leave_out, "id")
    claimed = await session.fetch_all(
        f"""
        UPDATE outbox SET claimed_by = ?, claimed_at = ?
        WHERE id IN (
            SELECT id FROM outbox
            WHERE status = 'pending' AND not_before <= ? {skip}
              AND (claimed_by IS NULL OR claimed_by = ? OR claimed_at < ?)
            ORDER BY not_before, id LIMIT ? {session.dialect.skip_locked()}
        )
        RETURNING id
        """,
        (
            worker,
            to_db(now),
            to_db(now),
            *left_out,
            worker,
            to_db(now - CLAIM_ABANDONED),
            limit,
        ),
    )
    if not claimed:
        return []
    ids = [int(r["id"]) for r in claimed]
    rows = await session.fetch_all(
        f"""{_ROW_SELECT}
        WHERE o.id IN ({", ".join("?" for _ in ids)})
        ORDER BY o.not_before, o.id
        """,
        ids,
    )
    return [_outbox_row(session, r) for r in rows]


async def release_claims(session: Session) -> dict[str, int]:
    """Free every pending message's claim, whoever holds it; returns how many each worker
    held. Only the new leader calls it, as it starts sending: see OutboxWorker._take_over."""
    held = await session.fetch_all(
        "SELECT claimed_by, count(*) AS held FROM outbox "
        "WHERE status = 'pending' AND claimed_by IS NOT NULL GROUP BY claimed_by"
    )
    if held:
        await session.execute(
            "UPDATE outbox SET claimed_by = NULL, claimed_at = NULL "
            "WHERE status = 'pending' AND claimed_by IS NOT NULL"
        )
    return {str(r["claimed_by"]): int(r["held"]) for r in held}


async def hand_back(session: Session, row_id: int) -> None:
    """A message its sender stopped before sending: still pending, held by nobody."""
    await session.execute(
        "UPDATE outbox SET claimed_by = NULL, claimed_at = NULL "
        "WHERE id = ? AND status = 'pending'",
        (row_id,),
    )


async def recent_sends(session: Session, since: datetime) -> dict[int, datetime]:
    """The last send to each chat finished at or after `since` (sent, or failed once tried:
    it may have reached Telegram), for a new leader to keep the pace the last one kept."""
    rows = await session.fetch_all(
        "SELECT chat_id, max(finished_at) AS last FROM outbox "
        "WHERE status IN ('sent', 'failed') AND finished_at >= ? GROUP BY chat_id",
        (to_db(since),),
    )
    return {int(r["chat_id"]): from_db(str(r["last"])) for r in rows}


async def claimed_by_another(session: Session, worker: str) -> bool:
    """Whether a pending row is claimed by another worker: a sender that may still be at
    work (an old leader that has not yet found out it lost the lead)."""
    row = await session.fetch_one(
        "SELECT 1 FROM outbox WHERE status = 'pending' AND claimed_by IS NOT NULL "
        "AND claimed_by <> ? LIMIT 1",
        (worker,),
    )
    return row is not None


async def mark_sent(session: Session, row_id: int, message_id: int, now: datetime) -> None:
    await session.execute(
        "UPDATE outbox SET status = 'sent', telegram_message_id = ?, finished_at = ?, "
        "attempts = attempts + 1, claimed_by = NULL, claimed_at = NULL WHERE id = ?",
        (message_id, to_db(now), row_id),
    )


async def mark_failed(session: Session, row_id: int, now: datetime) -> None:
    await session.execute(
        "UPDATE outbox SET status = 'failed', finished_at = ?, attempts = attempts + 1, "
        "claimed_by = NULL, claimed_at = NULL WHERE id = ?",
        (to_db(now), row_id),
    )


async def mark_expired(session: Session, row_id: int, now: datetime) -> None:
    """Never sent: its moment passed while it waited (bot.runtime.lateness)."""
    await session.execute(
        "UPDATE outbox SET status = 'expired', finished_at = ?, claimed_by = NULL, "
        "claimed_at = NULL WHERE id = ? AND status = 'pending'",
        (to_db(now), row_id),
    )


async def count_attempt(session: Session, row_id: int) -> int:
    """Record one more failed try; returns the attempts so far."""
    await session.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", (row_id,))
    row = await session.fetch_one("SELECT attempts FROM outbox WHERE id = ?", (row_id,))
    return int(row["attempts"]) if row else 0


async def drop_pending_for_chat(session: Session, chat_id: int, now: datetime) -> int:
    """Drop every pending message to a chat (the member blocked the bot)."""
    return await session.execute(
        "UPDATE outbox SET status = 'dropped', finished_at = ?, claimed_by = NULL, "
        "claimed_at = NULL WHERE chat_id = ? AND status = 'pending'",
        (to_db(now), chat_id),
    )


async def pending_count(session: Session) -> int:
    row = await session.fetch_one("SELECT count(*) FROM outbox WHERE status = 'pending'")
    return int(row[0]) if row else 0


async def prune_finished(session: Session, before: datetime) -> int:
    """Forget finished messages older than `before` (their keys are past any reuse)."""
    return await session.execute(
        "DELETE FROM outbox WHERE status != 'pending' AND finished_at < ?", (to_db(before),)
    )


# -- what /forget takes from the outbox -------------------------------------------------------


def _after(prefix: str) -> str:
    """The first string past every key that starts with `prefix`: a range the key's unique
    index serves (LIKE would read every row)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


async def delete_keys(session: Session, exact: list[str], prefixes: list[str]) -> int:
    """Delete every message, whatever its status, whose key is one of `exact` or starts with
    one of `prefixes`: deleted, not marked dropped, since a dropped row keeps its payload.
    Returns how many went."""
    by_key = await session.execute_many(
        "DELETE FROM outbox WHERE idempotency_key = ?", [(key,) for key in exact]
    )
    by_prefix = await session.execute_many(
        "DELETE FROM outbox WHERE idempotency_key >= ? AND idempotency_key < ?",
        [(prefix, _after(prefix)) for prefix in prefixes],
    )
    return by_key + by_prefix


@dataclass(frozen=True)
class KeptMessage:
    created_at: str
    status: str
    payload: str


async def messages_under(session: Session, prefixes: list[str]) -> list[KeptMessage]:
    """Messages whose key starts with one of `prefixes`, oldest first (for /mydata)."""
    found: list[KeptMessage] = []
    for prefix in prefixes:
        rows = await session.fetch_all(
            "SELECT created_at, status, payload FROM outbox "
            "WHERE idempotency_key >= ? AND idempotency_key < ? ORDER BY id",
            (prefix, _after(prefix)),
        )
        found += [
            KeptMessage(
                str(r["created_at"]),
                str(r["status"]),
                session.unseal("outbox", "payload", r["payload"]),
            )
            for r in rows
        ]
    return sorted(found, key=lambda m: m.created_at)
