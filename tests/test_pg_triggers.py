"""PostgreSQL's triggers do what SQLite's do: the same statements on both engines leave the
same check-in summaries, kept pseudonyms, member keys, audit log and id high-water marks.
Skipped without PostgreSQL's binaries (tests/pg.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg
import pytest

from storage.engines.placeholders import numbered
from storage.engines.postgres import connect
from storage.migrations import apply_migrations
from storage.migrations.postgresql import apply_postgresql_migrations

STAMP = "2026-01-01T09:00:00+00:00"
MEMBER = (
    "INSERT INTO members (user_id, pseudonym, timezone, checkin_time, consent_at, "
    "consent_version, created_at) VALUES (?, ?, 'UTC', '20:00', ?, 1, ?)"
)
CHECKIN = (
    "INSERT INTO checkins (user_id, local_date, mood, confidence, answered_at) "
    "VALUES (?, ?, ?, ?, ?)"
)
# Days over four weeks (2026-01-05 is a Monday), a change of figures, a change of day that
# moves a check-in to another week, a note (no figure), deletions, a member forgotten.
SCRIPT: list[tuple[str, tuple[Any, ...]]] = [
    (MEMBER, (1, "Quiet Fox", STAMP, STAMP)),
    (MEMBER, (2, "Calm Heron", STAMP, STAMP)),
    ("UPDATE members SET pseudonym = ? WHERE user_id = ?", ("Brave Owl", 1)),
    *[
        (CHECKIN, (1, f"2026-01-{day:02d}", 1 + day % 5, day % 11, STAMP))
        for day in (2, 4, 5, 6, 11, 12, 18, 19, 25, 28)
    ],
    *[(CHECKIN, (2, f"2026-01-{day:02d}", 3, 5, STAMP)) for day in (6, 7, 8)],
    ("UPDATE checkins SET confidence = 9 WHERE user_id = ? AND local_date = ?", (1, "2026-01-05")),
    (
        "UPDATE checkins SET local_date = ? WHERE user_id = ? AND local_date = ?",
        ("2026-02-10", 1, "2026-01-28"),
    ),
    ("UPDATE checkins SET note = 'a walk' WHERE user_id = ?", (1,)),
    ("DELETE FROM checkins WHERE user_id = ? AND local_date = ?", (1, "2026-01-02")),
    (
        "INSERT INTO circles (id, name, invite_code, max_members, created_at) "
        "VALUES (1, 'Hope', 'code', 5, ?)",
        (STAMP,),
    ),
    *[
        (
            "INSERT INTO relays (id, circle_id, author_id, kind, pseudonym, text, status, "
            "created_at) VALUES (?, 1, ?, 'encourage', 'x', 'y', 'sent', ?)",
            (relay, 1 + relay % 2, STAMP),
        )
        for relay in (1, 2, 3, 4)
    ],
    ("DELETE FROM relays WHERE id = ?", (3,)),
    (
        "INSERT INTO audit_log (at, moderator_id, moderator_name, action, target, reason) "
        "VALUES (?, 9, 'Mod', 'warn', 'Calm Heron', 'enc1:why')",
        (STAMP,),
    ),
    ("DELETE FROM members WHERE user_id = ?", (2,)),  # /forget: its check-ins and relays go
    (
        "UPDATE audit_log SET target = '(a former member)', reason = NULL WHERE target = ?",
        ("Calm Heron",),
    ),
]
READ = {
    "member_weeks": "SELECT * FROM member_weeks ORDER BY user_id, week_start",
    "member_spans": "SELECT * FROM member_spans ORDER BY user_id",
    "member_pseudonyms": "SELECT * FROM member_pseudonyms ORDER BY user_id, pseudonym",
    "audit_log": "SELECT target, reason FROM audit_log",
    "id_high_water": "SELECT name, high FROM id_high_water ORDER BY name",
    "member_keys": "SELECT user_id, member_key FROM members ORDER BY user_id",
}


async def on_sqlite(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await conn.execute("PRAGMA foreign_keys = ON")
        await apply_migrations(conn)
        for sql, params in SCRIPT:
            await conn.execute(sql, params)
        with pytest.raises(aiosqlite.IntegrityError, match="append-only"):
            await conn.execute("UPDATE audit_log SET action = 'ban'")
        return {
            name: [tuple(r) for r in await conn.execute_fetchall(q)] for name, q in READ.items()
        }


async def on_postgresql(url: str) -> dict[str, list[tuple[Any, ...]]]:
    conn = await connect(url)
    try:
        await apply_postgresql_migrations(conn)
        for sql, params in SCRIPT:
            await conn.execute(numbered(sql).sql, *params)
        with pytest.raises(asyncpg.exceptions.RestrictViolationError, match="append-only"):
            await conn.execute("UPDATE audit_log SET action = 'ban'")
        return {name: [tuple(r) for r in await conn.fetch(q)] for name, q in READ.items()}
    finally:
        await conn.close()


async def test_the_same_statements_leave_the_same_rows_on_both_engines(
    tmp_path: Path, pg_database: str
) -> None:
    ours, theirs = await on_sqlite(tmp_path / "bot.db"), await on_postgresql(pg_database)
    for keys in (ours.pop("member_keys"), theirs.pop("member_keys")):
        assert [user for user, _ in keys] == [1]
        assert all(re.fullmatch(r"[0-9a-f]{16}", key) for _, key in keys)
    assert theirs == ours
    # What the script is for: weeks moved and recomputed, spans, kept names, marks.
    assert [w[:3] for w in ours["member_weeks"]] == [
        ("2025-12-29", 1, 1),
        ("2026-01-05", 1, 3),
        ("2026-01-12", 1, 2),
        ("2026-01-19", 1, 2),
        ("2026-02-09", 1, 1),
    ]
    assert ours["member_pseudonyms"] == [(1, "Brave Owl"), (1, "Quiet Fox")]
    assert ours["audit_log"] == [("(a former member)", None)]
    assert dict(ours["id_high_water"]) == {"goals": 0, "outcome_responses": 0, "relays": 3}
