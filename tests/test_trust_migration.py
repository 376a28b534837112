"""Migration 0016 on a database with relays already sent: who received each is filled in
from the circle and the outbox, so Thanks and Report keep working on older messages."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite

from storage.migrations import apply_migrations, load_migrations

TRUST = next(m.version for m in load_migrations() if m.name.endswith("_trust.sql"))
EARLY, LATER = "2026-01-01T09:00:00+00:00", "2026-01-05T09:00:00+00:00"


def seed(conn: sqlite3.Connection) -> None:
    """A circle of alex (1), bo (2) and cy (3, joined later); dee (4) has left. Alex wrote
    to the circle (relay 1) before cy joined, bo answered alex (relay 2), and the outbox
    still holds the copy of relay 1 that reached dee."""
    conn.executemany(
        "INSERT INTO members (user_id, pseudonym, timezone, checkin_time, consent_at, "
        "consent_version, created_at) VALUES (?, ?, 'UTC', '20:00', ?, 1, ?)",
        [(n, f"Member {n}", EARLY, EARLY) for n in (1, 2, 3, 4)],
    )
    conn.execute(
        "INSERT INTO circles (id, name, invite_code, max_members, created_at) "
        "VALUES (1, 'Walkers', 'code-aaaaaaaa', 8, ?)",
        (EARLY,),
    )
    conn.executemany(
        "INSERT INTO circle_members (user_id, circle_id, joined_at) VALUES (?, 1, ?)",
        [(1, EARLY), (2, EARLY), (3, LATER)],
    )
    conn.executemany(
        "INSERT INTO relays (id, circle_id, author_id, kind, pseudonym, text, status, "
        "reply_to, created_at) VALUES (?, 1, ?, ?, ?, 'words', 'sent', ?, ?)",
        [(1, 1, "encourage", "Member 1", None, EARLY), (2, 2, "reply", "Member 2", 1, EARLY)],
    )
    conn.execute(
        "INSERT INTO outbox (idempotency_key, chat_id, user_id, kind, payload, not_before, "
        "status, created_at) VALUES ('relay:1:4', 4, 4, 'relay', '{}', ?, 'sent', ?)",
        (EARLY, EARLY),
    )


async def test_relays_sent_before_keep_their_recipients(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        await apply_migrations(conn, up_to=TRUST - 1)
        with sqlite3.connect(path, timeout=30) as raw:
            seed(raw)
        assert await apply_migrations(conn, up_to=TRUST) == [TRUST]
    finally:
        await conn.close()
    with sqlite3.connect(path, timeout=30) as raw:
        found = sorted(raw.execute("SELECT relay_id, user_id FROM relay_recipients"))
    # Relay 1: bo (in the circle then) and dee (the outbox's copy), not cy nor alex.
    # Relay 2: alex only, the author of what it answered.
    assert found == [(1, 2), (1, 4), (2, 1)]
