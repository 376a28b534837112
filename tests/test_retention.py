"""Optional retention (config [privacy]): old notes and relayed words cleared on the sweep,
the figures kept; off by default."""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.config import PrivacySettings, Settings
from bot.privacy.due import TextRetention
from bot.runtime.sweeper import DueSweeper
from bot.services import Services
from storage import checkins, circles, journey
from storage.db import Database
from tests.engines import OpenDb, storage_settings
from tests.helpers import opened_rows

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = NOW.date()
MEMBER = 7
WORDS = "Cerulean mornings by the harbour"


@pytest.fixture
async def db(open_db: OpenDb) -> AsyncIterator[Database]:
    database = await open_db()
    async with database.transaction() as session:
        await session.execute(
            "INSERT INTO members (user_id, pseudonym, timezone, checkin_time, consent_at, "
            "consent_version, created_at) VALUES (?, 'Calm Otter', 'UTC', '20:00', ?, 1, ?)",
            (MEMBER, NOW.isoformat(), NOW.isoformat()),
        )
    yield database
    await database.close()


async def note_on(db: Database, day: date, answered: datetime) -> None:
    async with db.transaction() as session:
        await checkins.record(session, MEMBER, day, 4, day.day % 11, answered)
        await checkins.set_note(session, MEMBER, day, f"{WORDS} {day.isoformat()}")


async def relay(db: Database, circle_id: int, status: str, at: datetime) -> int:
    async with db.transaction() as session:
        return await circles.add_relay(
            session,
            circle_id=circle_id,
            author_id=MEMBER,
            kind="encourage",
            pseudonym="Calm Otter",
            text=f"{WORDS} ({status})",
            status=status,
            now=at,
        )


def notes(path: str) -> dict[object, tuple[object, object, object]]:
    rows = opened_rows(path, "SELECT local_date, mood, confidence, note FROM checkins", "checkins")
    return {r["local_date"]: (r["mood"], r["confidence"], r["note"]) for r in rows}


async def test_old_notes_and_relayed_words_go_on_the_sweep_and_the_figures_stay(
    db: Database, caplog: pytest.LogCaptureFixture, storage_url: str
) -> None:
    caplog.set_level(logging.INFO, logger="peercircle.retention")
    for offset in range(5):  # answered on five days running
        await note_on(db, DAY + timedelta(days=offset), NOW + timedelta(days=offset))
    async with db.transaction() as session:
        ended = await journey.start(session, MEMBER, DAY - timedelta(days=40))
        await journey.end(session, ended, DAY)
        await journey.set_setback_note(session, ended, MEMBER, f"{WORDS} setback")
        current = await journey.start(session, MEMBER, DAY + timedelta(days=1))
        circle = await circles.create(session, "Harbour", "code", 12, NOW)
    old_sent = await relay(db, circle, "sent", NOW)
    old_held = await relay(db, circle, "held", NOW)
    young = await relay(db, circle, "sent", NOW + timedelta(days=30))

    clock = ManualClock(NOW + timedelta(days=33))
    retention = TextRetention(
        PrivacySettings(note_retention_days=30, relay_retention_days=7), chunk_rows=2
    )
    sweeper = DueSweeper(db, clock, 200, lambda: None, [retention])
    await sweeper.sweep()

    kept = notes(storage_url)
    for offset in range(5):  # notes older than 30 days lose their words, never the figures
        day = DAY + timedelta(days=offset)
        note = None if offset < 3 else f"{WORDS} {day.isoformat()}"
        assert kept[day.isoformat()] == (4, day.day % 11, note), day
    journeys = opened_rows(
        storage_url, "SELECT id, ended_on, setback_note FROM journeys", "journeys"
    )
    assert {r["id"]: r["setback_note"] for r in journeys} == {ended: None, current: None}
    assert {r["ended_on"] for r in journeys} == {DAY.isoformat(), None}
    texts = opened_rows(storage_url, "SELECT id, status, text FROM relays", "relays")
    assert {r["id"]: r["text"] for r in texts} == {
        old_sent: "",
        old_held: f"{WORDS} (held)",  # still waiting for a moderator: kept until decided
        young: f"{WORDS} (sent)",
    }
    lines = [r.getMessage() for r in caplog.records if r.name == "peercircle.retention"]
    assert lines == ["retention: cleared 3 check-in notes, 1 setback notes, 1 relay texts"]
    assert WORDS not in caplog.text

    # A pass at most once an hour: a note that is old now waits for the next one.
    await note_on(db, DAY - timedelta(days=1), NOW - timedelta(days=1))
    await sweeper.sweep()
    assert notes(storage_url)[(DAY - timedelta(days=1)).isoformat()][2] is not None
    clock.advance(timedelta(hours=1))
    await sweeper.sweep()
    assert notes(storage_url)[(DAY - timedelta(days=1)).isoformat()][2] is None


async def test_retention_is_off_by_default_and_joins_the_sweep_when_set(
    storage_url: str, storage_key: bytes | None
) -> None:
    assert Settings().privacy == PrivacySettings(note_retention_days=0, relay_retention_days=0)
    for privacy, expected in (
        (PrivacySettings(), False),
        (PrivacySettings(relay_retention_days=14), True),
    ):
        settings = Settings(storage=storage_settings(storage_url, storage_key), privacy=privacy)
        services = await Services.open(settings, ManualClock(NOW), random.Random(1))
        try:
            names = [source.name for source in services.sweeper.sources]
            assert ("retention" in names) is expected
        finally:
            await services.close()


async def test_with_only_relay_retention_notes_are_kept(db: Database, storage_url: str) -> None:
    await note_on(db, DAY, NOW)
    retention = TextRetention(PrivacySettings(relay_retention_days=1))
    sweeper = DueSweeper(
        db, ManualClock(NOW + timedelta(days=400)), 200, lambda: None, [retention]
    )
    await sweeper.sweep()
    assert notes(storage_url)[DAY.isoformat()][2] == f"{WORDS} {DAY.isoformat()}"
