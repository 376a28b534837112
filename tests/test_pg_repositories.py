"""Repositories on PostgreSQL give what they give on SQLite: the same calls, the same
results, where the SQL is common and where the session's dialect spells it (index hints,
day arithmetic).
Skipped without PostgreSQL's binaries (tests/pg.py)."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from storage import checkins, circles, goals, members, outbox, outcomes, stats
from storage.db import Database as SQLiteDatabase
from storage.engines.postgres import Database as PostgreSQLDatabase
from storage.sealed import Keys

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = os.urandom(32)
Step = tuple[str, Callable[[Any], Awaitable[Any]]]


def member(user_id: int, pseudonym: str) -> Step:
    return (
        f"members.create {user_id}",
        lambda s: members.create(
            s,
            user_id=user_id,
            pseudonym=pseudonym,
            timezone="Europe/Berlin",
            checkin_time="20:00",
            consent_version=1,
            pending_invite=None,
            awaiting="timezone",
            now=NOW,
        ),
    )


STEPS: list[Step] = [
    member(7, "Quiet Fox"),
    member(8, "Brave Owl"),
    ("members.get", lambda s: members.get(s, 7)),
    ("members.get_many", lambda s: members.get_many(s, {7, 8, 9})),
    ("members.update", lambda s: members.update(s, 7, awaiting=None, next_checkin_at="x")),
    ("members.set_next", lambda s: members.set_next_checkins(s, [(7, NOW), (8, NOW)])),
    ("members.due_checkins", lambda s: members.due_checkins(s, NOW + timedelta(hours=1), 10)),
    *[
        (
            f"checkins.record {day}",
            lambda s, day=day: checkins.record(s, 7, date(2026, 2, day), day % 5 + 1, 6, NOW),
        )
        for day in (20, 21, 23, 23)
    ],
    ("checkins.set_note", lambda s: checkins.set_note(s, 7, date(2026, 2, 21), "a walk")),
    ("checkins.since", lambda s: checkins.since(s, 7, date(2026, 2, 1))),
    ("checkins.existing", lambda s: checkins.existing(s, [(7, date(2026, 2, 20)), (8, NOW)])),
    ("checkins.streak_dates", lambda s: checkins.streak_dates(s, 7)),
    ("checkins.export", lambda s: checkins.export(s, 7)),
    (
        "outbox.enqueue",
        lambda s: outbox.enqueue(
            s,
            key="checkin:7:2026-03-02",
            chat_id=7,
            user_id=7,
            kind="checkin",
            payload='{"text": "How are you?"}',
            not_before=NOW,
            now=NOW,
        ),
    ),
    (
        "outbox.enqueue again",
        lambda s: outbox.enqueue(
            s,
            key="checkin:7:2026-03-02",
            chat_id=7,
            user_id=7,
            kind="checkin",
            payload="{}",
            not_before=NOW,
            now=NOW,
        ),
    ),
    ("outbox.pending_count", outbox.pending_count),
    ("outbox.next_batch", lambda s: outbox.next_batch(s, NOW, 10)),
    ("outbox.next_batch leaving out", lambda s: outbox.next_batch(s, NOW, 10, {1})),
    ("outbox.claim_batch", lambda s: outbox.claim_batch(s, "web-1", NOW, 10)),
    ("outbox.claim_batch taken", lambda s: outbox.claim_batch(s, "web-2", NOW, 10)),
    ("outbox.release_claims", outbox.release_claims),
    ("outbox.claim_batch leaving out", lambda s: outbox.claim_batch(s, "web-2", NOW, 10, {1})),
    ("outbox.hand_back", lambda s: outbox.hand_back(s, 1)),
    ("outbox.mark_sent", lambda s: outbox.mark_sent(s, 1, 555, NOW)),
    ("outbox.recent_sends", lambda s: outbox.recent_sends(s, NOW)),
    ("outbox.messages_under", lambda s: outbox.messages_under(s, ["checkin:7:"])),
    ("outbox.delete_keys", lambda s: outbox.delete_keys(s, [], ["checkin:7:"])),
    ("circles.create", lambda s: circles.create(s, "Hope", "code1", 5, NOW)),
    ("circles.by_name any case", lambda s: circles.by_name(s, "HOPE")),
    ("circles.add_member", lambda s: circles.add_member(s, 1, 7, NOW)),
    ("circles.relays_since", lambda s: circles.relays_since(s, 7, NOW)),
    *[
        (
            f"circles.add_relay {author}",
            lambda s, author=author: circles.add_relay(
                s,
                circle_id=1,
                author_id=author,
                kind="encourage",
                pseudonym="x",
                text="You can do this",
                status="sent",
                now=NOW,
            ),
        )
        for author in (7, 8, 8)
    ],
    ("goals.create_draft", lambda s: goals.create_draft(s, 7, "Walk", "daily", "18:00", NOW)),
    ("goals.delete_drafts", lambda s: goals.delete_drafts(s, 7)),
    ("goals.create_draft again", lambda s: goals.create_draft(s, 7, "Run", "daily", "18:00", NOW)),
    (
        "outcomes.start_response",
        lambda s: outcomes.start_response(
            s, user_id=7, questionnaire="who5", version=1, language="en", now=NOW, day=NOW.date()
        ),
    ),
    ("stats.checkin_weeks", lambda s: stats.checkin_weeks(s, date(2026, 2, 1), NOW.date())),
    ("stats.activity", lambda s: stats.activity(s, NOW.date())),
    ("stats.confidence_changes", stats.confidence_changes),
    ("stats.member_count", stats.member_count),
    ("stats.export_summaries", lambda s: stats.export_summaries(s, 7)),
    ("outcomes.counted_changes", outcomes.counted_changes),
    (
        "members joined 36 days before",
        lambda s: s.execute(
            "UPDATE members SET onboarded_at = '2026-01-25T10:00:00+00:00' WHERE user_id = 7"
        ),
    ),
    (
        "outcomes consent",
        lambda s: s.execute("INSERT INTO outcome_members (user_id, consent) VALUES (7, 1)"),
    ),
    ("checkins.record day 1", lambda s: checkins.record(s, 7, date(2026, 1, 26), 2, 3, NOW)),
    ("outcomes.peer_rows", lambda s: outcomes.peer_rows(s, NOW)),
    ("members.delete", lambda s: members.delete(s, 8)),
    (
        "circles.add_relay after a forgotten member's",
        lambda s: circles.add_relay(
            s,
            circle_id=1,
            author_id=7,
            kind="encourage",
            pseudonym="x",
            text="Still here",
            status="sent",
            now=NOW,
        ),
    ),
    ("members.get_many after", lambda s: members.get_many(s, {7, 8})),
]


async def run(db: Any) -> list[tuple[str, Any]]:
    results = []
    try:
        for name, step in STEPS:
            async with db.transaction() as session:
                results.append((name, await step(session)))
    finally:
        await db.close()
    return results


async def test_the_same_calls_give_the_same_results_on_both_engines(
    tmp_path: Path, pg_database: str
) -> None:
    on_sqlite = await run(await SQLiteDatabase.open(tmp_path / "bot.db", keys=Keys(key=KEY)))
    on_postgresql = await run(await PostgreSQLDatabase.open(pg_database, keys=Keys(key=KEY)))
    for (name, ours), (_, theirs) in zip(on_sqlite, on_postgresql, strict=True):
        assert theirs == ours, name
