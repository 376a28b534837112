"""The check-in summaries /stats reads (migration 0010) always equal what the check-ins say."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from statistics import fmean

import aiosqlite
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from storage.db import Database
from storage.migrations import apply_migrations, load_migrations

STAMP = "2026-01-01T00:00:00+00:00"
FIRST_DAY = date(2026, 1, 1)
USERS = (1, 2)
SUMMARIES = 10  # the migration that adds them

Summaries = tuple[set[tuple[str, int, int, int, int]], set[tuple[int, str, str, float, float]]]


def expected(checkins: dict[tuple[int, date], tuple[int, int]]) -> Summaries:
    """The summaries worked out in Python from the check-ins alone."""
    weeks: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    days: dict[int, dict[date, int]] = defaultdict(dict)
    for (user, day), (mood, confidence) in checkins.items():
        monday = day - timedelta(days=day.weekday())
        weeks[(monday.isoformat(), user)].append((mood, confidence))
        days[user][day] = confidence
    week_rows = {
        (monday, user, len(rows), sum(m for m, _ in rows), sum(c for _, c in rows))
        for (monday, user), rows in weeks.items()
    }
    span_rows = set()
    for user, by_day in days.items():
        first, last = min(by_day), max(by_day)
        early = [c for d, c in by_day.items() if d < first + timedelta(days=14)]
        late = [c for d, c in by_day.items() if d > last - timedelta(days=14)]
        span_rows.add((user, first.isoformat(), last.isoformat(), fmean(early), fmean(late)))
    return week_rows, span_rows


def stored(conn: sqlite3.Connection) -> Summaries:
    weeks = set(conn.execute("SELECT * FROM member_weeks"))
    spans = {
        (u, f, last, round(a, 9), round(b, 9))
        for u, f, last, a, b in conn.execute("SELECT * FROM member_spans")
    }
    return weeks, spans


def rounded(summaries: Summaries) -> Summaries:
    weeks, spans = summaries
    return weeks, {(u, f, last, round(a, 9), round(b, 9)) for u, f, last, a, b in spans}


def add_member(conn: sqlite3.Connection, user: int) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO members (user_id, pseudonym, timezone, checkin_time, consent_at, "
        "consent_version, created_at) VALUES (?, ?, 'UTC', '20:00', ?, 1, ?)",
        (user, f"Member {user}", STAMP, STAMP),
    )


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("summaries") / "summaries.db"

    async def migrate() -> None:
        db = await Database.open(path)
        await db.close()

    asyncio.run(migrate())
    return path


steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("write"),
            st.sampled_from(USERS),
            st.integers(0, 30),
            st.integers(1, 5),
            st.integers(0, 10),
        ),
        st.tuples(st.just("delete"), st.sampled_from(USERS), st.integers(0, 30)),
        st.tuples(st.just("note"), st.sampled_from(USERS), st.integers(0, 30)),
        st.tuples(st.just("forget"), st.sampled_from(USERS)),
    ),
    max_size=40,
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=steps)
@example(steps=[("write", 1, 0, 1, 0), ("write", 1, 0, 5, 9)])  # a day answered again
def test_summaries_follow_every_write_delete_and_forget(
    migrated: Path, steps: list[tuple[object, ...]]
) -> None:
    conn = sqlite3.connect(migrated, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("DELETE FROM members")  # cascades to check-ins; triggers empty the summaries
    assert stored(conn) == (set(), set())
    checkins: dict[tuple[int, date], tuple[int, int]] = {}
    for step in steps:
        kind, user = step[0], int(step[1])  # type: ignore[call-overload]
        if kind == "forget":
            conn.execute("DELETE FROM members WHERE user_id = ?", (user,))
            checkins = {key: value for key, value in checkins.items() if key[0] != user}
            continue
        day = FIRST_DAY + timedelta(days=int(step[2]))  # type: ignore[call-overload]
        if kind == "write":
            mood, confidence = int(step[3]), int(step[4])  # type: ignore[call-overload]
            add_member(conn, user)
            # The same upsert storage.checkins.record runs.
            conn.execute(
                "INSERT INTO checkins (user_id, local_date, mood, confidence, answered_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, local_date) DO UPDATE SET "
                "mood = excluded.mood, confidence = excluded.confidence",
                (user, day.isoformat(), mood, confidence, STAMP),
            )
            checkins[(user, day)] = (mood, confidence)
        elif kind == "delete":
            conn.execute(
                "DELETE FROM checkins WHERE user_id = ? AND local_date = ?",
                (user, day.isoformat()),
            )
            checkins.pop((user, day), None)
        else:
            conn.execute(
                "UPDATE checkins SET note = 'private' WHERE user_id = ? AND local_date = ?",
                (user, day.isoformat()),
            )
    assert stored(conn) == rounded(expected(checkins))
    conn.close()


async def test_the_migration_summarises_check_ins_already_stored(tmp_path: Path) -> None:
    path = tmp_path / "upgrade.db"
    async with aiosqlite.connect(path, isolation_level=None) as aconn:
        await apply_migrations(aconn, up_to=SUMMARIES - 1)
    conn = sqlite3.connect(path, isolation_level=None)
    checkins = {}
    for user in USERS:
        add_member(conn, user)
        for back in range(0, 45, user):
            day = FIRST_DAY + timedelta(days=back)
            checkins[(user, day)] = (1 + back % 5, back % 11)
            conn.execute(
                "INSERT INTO checkins (user_id, local_date, mood, confidence, answered_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (user, day.isoformat(), *checkins[(user, day)], STAMP),
            )
    conn.close()
    async with aiosqlite.connect(path, isolation_level=None) as aconn:
        assert await apply_migrations(aconn) == [
            m.version for m in load_migrations() if m.version >= SUMMARIES
        ]
    conn = sqlite3.connect(path, timeout=30)
    assert stored(conn) == rounded(expected(checkins))
    conn.close()
