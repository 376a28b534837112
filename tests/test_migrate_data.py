"""`peercircle migrate-data`: a SQLite database copied whole into a new, empty PostgreSQL
one, or refused with nothing written. Skipped without PostgreSQL's binaries (tests/pg.py)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg
import pytest

from storage import alerts, checkins, circles, goals, members, moderation, outbox
from storage.db import Database as SQLiteDatabase
from storage.engines.postgres import Database as PostgreSQLDatabase
from storage.migrate_data import (
    Copied,
    MigrateDataError,
    converter,
    foreign_key_order,
    migrate_data,
)
from storage.migrations import apply_migrations, load_migrations
from storage.sealed import KeyFileError, Keys, read_key_file, write_new_key_file
from tests.helpers import peercircle

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOTE = "walked by the river, felt steadier"
PASSWORD = "correct-horse-battery-staple"


async def populate(path: Path, keys: Keys) -> None:
    """A small installation through the repositories: members, check-ins with a sealed note
    (and so the summaries), a circle with relays, goals, crisis alerts, moderation."""
    db = await SQLiteDatabase.open(path, keys=keys, now=lambda: NOW)
    try:
        async with db.transaction() as s:
            for user_id, pseudonym in ((7, "Quiet Fox"), (8, "Brave Owl"), (9, "Calm Elk")):
                await members.create(
                    s,
                    user_id=user_id,
                    pseudonym=pseudonym,
                    timezone="Europe/Berlin",
                    checkin_time="20:00",
                    consent_version=1,
                    pending_invite=None,
                    awaiting=None,
                    now=NOW,
                )
            for days_ago in range(12):
                day = date(2026, 3, 1) - timedelta(days=days_ago)
                await checkins.record(s, 7, day, days_ago % 5 + 1, days_ago % 11, NOW)
                await checkins.record(s, 8, day, 3, 6, NOW)
            await checkins.set_note(s, 7, date(2026, 3, 1), NOTE)
            circle = await circles.create(s, "Harbour", "inv-harbour", 12, NOW)
            for user_id in (7, 8, 9):
                await circles.add_member(s, circle, user_id, NOW)
            first = await circles.add_relay(
                s,
                circle_id=circle,
                author_id=7,
                kind="encouragement",
                pseudonym="Quiet Fox",
                text="you can do this",
                status="sent",
                now=NOW,
            )
            reply = await circles.add_relay(
                s,
                circle_id=circle,
                author_id=8,
                kind="encouragement",
                pseudonym="Brave Owl",
                text="thank you",
                status="sent",
                now=NOW,
                reply_to=first,
            )
            await circles.add_recipients(s, first, [8, 9])
            await circles.add_recipients(s, reply, [7])
            await circles.add_thanks(s, first, 8)
            await circles.add_report(s, reply, 9, NOW)
            goal = await goals.create_draft(s, 7, "walk daily", "daily", "18:00", NOW)
            await goals.update(s, goal, status="active", number=1)
            await goals.record(s, goal, date(2026, 3, 1), "done", NOW)
            dropped = await goals.create_draft(s, 8, "read", "daily", "19:00", NOW)
            for text in ("I feel hopeless", "a second alert"):
                await alerts.create(
                    s,
                    user_id=9,
                    source="message",
                    circle_name="Harbour",
                    pseudonym="Calm Elk",
                    text=text,
                    now=NOW,
                )
            await moderation.add_moderator(s, 8, 8, NOW)
            await moderation.audit(
                s,
                moderator_id=8,
                moderator_name="Brave Owl",
                action="warn",
                target="Calm Elk",
                reason="kept posting links",
                now=NOW,
            )
            await moderation.add_sanction(
                s,
                id_hash="abc",
                kind="warning",
                pseudonym="Calm Elk",
                reason="links",
                until=None,
                now=NOW,
            )
            await outbox.enqueue(
                s,
                key="checkin:7:2026-03-02",
                chat_id=7,
                user_id=7,
                kind="checkin",
                payload='{"text": "How are you?"}',
                not_before=NOW,
                now=NOW,
            )
            # Ids SQLite remembers beyond the rows present: the newest draft goal (0017's
            # high-water mark) and the newest alert (AUTOINCREMENT's counter) deleted.
            await s.execute("DELETE FROM goals WHERE id = ?", (dropped,))
            await s.execute(
                "DELETE FROM crisis_alerts WHERE id = (SELECT max(id) FROM crisis_alerts)"
            )
    finally:
        await db.close()


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "peercircle.key"
    write_new_key_file(path)
    return path


@pytest.fixture
async def source(tmp_path: Path, key_file: Path) -> Path:
    path = tmp_path / "peercircle.db"
    await populate(path, Keys(file=key_file))
    return path


def config(tmp_path: Path, key_file: Path | None) -> Path:
    path = tmp_path / "config.toml"
    key = f'key_file = "{key_file}"\n' if key_file else ""
    path.write_text(f"[storage]\n{key}", encoding="utf-8")
    return path


async def migrate_cli(tmp_path: Path, key_file: Path | None, source: Path, target: str) -> Any:
    return await peercircle(
        "migrate-data",
        "--config",
        str(config(tmp_path, key_file)),
        "--from",
        f"sqlite:///{source}",
        "--to",
        target,
        cwd=tmp_path,
        env={"PEERCIRCLE_STORAGE__PASSWORD": PASSWORD},
    )


def sqlite_rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return [tuple(row) for row in conn.execute(sql)]


def dump(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [*conn.iterdump(), str(conn.execute("PRAGMA user_version").fetchone()[0])]


def sqlite_tables(path: Path) -> list[str]:
    return [
        str(row[0])
        for row in sqlite_rows(
            path,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
    ]


@asynccontextmanager
async def pg(url: str) -> AsyncIterator[Any]:
    conn = await asyncpg.connect(url)
    try:
        yield conn
    finally:
        await conn.close()


async def pg_counts(url: str, tables: list[str]) -> dict[str, int]:
    async with pg(url) as conn:
        return {t: int(await conn.fetchval(f"SELECT count(*) FROM {t}")) for t in tables}


async def test_every_table_is_copied_and_the_bot_goes_on_on_postgresql(
    tmp_path: Path, key_file: Path, source: Path, pg_database: str
) -> None:
    code, out, err = await migrate_cli(tmp_path, key_file, source, pg_database)
    assert code == 0, out + err
    tables = sqlite_tables(source)
    counts = {t: sqlite_rows(source, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    # One line per table, every table of the SQLite schema, then the total.
    lines = out.strip().splitlines()
    printed = {line.split()[0]: int(line.split()[1]) for line in lines[:-1]}
    assert printed == counts
    assert lines[-1].split()[:2] == ["total", str(sum(counts.values()))]
    assert f"{len(tables)} tables" in lines[-1]
    assert "copying checkins (24 rows)" in err
    assert PASSWORD not in out + err and NOTE not in out + err
    assert await pg_counts(pg_database, tables) == counts
    assert counts["checkins"] == 24 and counts["member_weeks"] > 0 and counts["audit_log"] == 1
    # The summaries as they were, not recomputed (and not doubled by the copy's triggers).
    for table in ("member_weeks", "member_spans", "member_pseudonyms", "id_high_water"):
        async with pg(pg_database) as conn:
            copied = sorted(tuple(r) for r in await conn.fetch(f"SELECT * FROM {table}"))
        assert copied == sorted(sqlite_rows(source, f"SELECT * FROM {table}")), table
    # The sealed note is copied sealed, and opens through PostgreSQL's Database with the key.
    async with pg(pg_database) as conn:
        sealed = await conn.fetchval("SELECT note FROM checkins WHERE note IS NOT NULL")
        salt = await conn.fetchval("SELECT value FROM instance WHERE key = 'sanction_salt'")
    assert sealed.startswith("enc1:") and NOTE not in sealed
    assert (
        salt == sqlite_rows(source, "SELECT value FROM instance WHERE key = 'sanction_salt'")[0][0]
    )
    db = await PostgreSQLDatabase.connect_to(
        pg_database, keys=Keys(file=key_file), now=lambda: NOW
    )
    try:
        async with db.read() as s:
            notes = [row["note"] for row in await checkins.export(s, 7) if row["note"]]
            reasons = [row.reason for row in await moderation.last_audit(s, 5)]
        assert notes == [NOTE] and reasons == ["kept posting links"]
        async with db.transaction() as s:
            # Ids continue past every id SQLite handed out, the deleted ones included.
            goal = await goals.create_draft(s, 9, "sleep", "daily", "22:00", NOW)
            alert = await alerts.create(
                s,
                user_id=7,
                source="note",
                circle_name=None,
                pseudonym="Quiet Fox",
                text=None,
                now=NOW,
            )
            sanction = await moderation.add_sanction(
                s,
                id_hash="def",
                kind="warning",
                pseudonym="Quiet Fox",
                reason=None,
                until=None,
                now=NOW,
            )
            # The summary triggers are on again: a new check-in reaches member_spans.
            await checkins.record(s, 9, date(2026, 3, 2), 4, 7, NOW)
            span = await s.fetch_one("SELECT last_date FROM member_spans WHERE user_id = 9")
    finally:
        await db.close()
    high = sqlite_rows(source, "SELECT high FROM id_high_water WHERE name = 'goals'")[0][0]
    seq = sqlite_rows(source, "SELECT seq FROM sqlite_sequence WHERE name = 'crisis_alerts'")[0][0]
    most = sqlite_rows(source, "SELECT max(id) FROM sanctions")[0][0]
    assert goal == high + 1 and alert == seq + 1 and sanction == most + 1
    assert seq > sqlite_rows(source, "SELECT max(id) FROM crisis_alerts")[0][0]
    assert span is not None and span["last_date"] == "2026-03-02"


async def test_big_tables_go_in_batches_and_the_source_is_left_as_it_was(
    key_file: Path, source: Path, pg_database: str
) -> None:
    before = await asyncio.to_thread(dump, source)
    seen: list[tuple[str, int, int]] = []
    copied = await migrate_data(
        source,
        pg_database,
        keys=Keys(file=key_file),
        progress=lambda table, done, total: seen.append((table, done, total)),
        batch_rows=5,
    )
    assert [(t, d) for t, d, _ in seen if t == "checkins"] == [
        ("checkins", n) for n in (0, 5, 10, 15, 20, 24)
    ]
    assert Copied("checkins", 24) in copied
    assert await asyncio.to_thread(dump, source) == before


async def test_a_target_that_is_not_empty_is_refused_and_left_as_it_was(
    tmp_path: Path, key_file: Path, source: Path, pg_database: str
) -> None:
    code, out, err = await migrate_cli(tmp_path, key_file, source, pg_database)
    assert code == 0, out + err
    tables = sqlite_tables(source)
    counts = await pg_counts(pg_database, tables)
    code, out, err = await migrate_cli(tmp_path, key_file, source, pg_database)
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "migrate-data refused: the PostgreSQL database is not empty (alert_outcomes has rows): "
        "migrate-data copies into a new, empty database only, and never merges; make one with "
        "CREATE DATABASE"
    ]
    assert await pg_counts(pg_database, tables) == counts


async def test_a_target_holding_one_setting_of_its_own_is_refused(
    key_file: Path, source: Path, pg_database: str
) -> None:
    """The instance table is filled by migrations, so it is checked key by key."""
    empty = await PostgreSQLDatabase.connect_to(pg_database, keys=Keys(file=key_file))
    try:
        async with empty.transaction() as s:
            await s.execute("INSERT INTO instance (key, value) VALUES ('health_probe', 'x')")
    finally:
        await empty.close()
    with pytest.raises(MigrateDataError, match=r"not empty \(instance has rows\)"):
        await migrate_data(source, pg_database, keys=Keys(file=key_file))
    assert (await pg_counts(pg_database, ["members"])) == {"members": 0}


async def test_a_database_of_another_application_is_refused_before_it_is_migrated(
    key_file: Path, source: Path, pg_database: str
) -> None:
    async with pg(pg_database) as conn:
        await conn.execute("CREATE TABLE invoices (id bigint PRIMARY KEY)")
    with pytest.raises(MigrateDataError, match=r"a table that is not peercircle's \(invoices\)"):
        await migrate_data(source, pg_database, keys=Keys(file=key_file))
    async with pg(pg_database) as conn:
        assert await conn.fetchval("SELECT to_regclass('members')") is None


async def test_a_source_newer_than_this_version_is_refused(
    key_file: Path, source: Path, pg_database: str
) -> None:
    with closing(sqlite3.connect(source, isolation_level=None)) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(MigrateDataError, match="is at schema version 99, newer than this"):
        await migrate_data(source, pg_database, keys=Keys(file=key_file))


async def test_an_unreachable_server_is_refused_in_one_line(
    tmp_path: Path, key_file: Path, source: Path
) -> None:
    target = "postgresql://peer@127.0.0.1:1/peercircle"
    code, out, err = await migrate_cli(tmp_path, key_file, source, target)
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        f"migrate-data refused: cannot reach PostgreSQL at {target} (Connect call failed "
        "('127.0.0.1', 1)): is the server running and listening there? check --to"
    ]


async def test_a_source_that_is_no_database_is_refused_in_one_line(
    tmp_path: Path, key_file: Path, pg_database: str
) -> None:
    junk = tmp_path / "junk.db"
    await asyncio.to_thread(junk.write_bytes, b"not a database at all" * 100)
    code, out, err = await migrate_cli(tmp_path, key_file, junk, pg_database)
    assert code == 2 and out == ""
    assert err.strip() == (
        f"migrate-data refused: {junk} is not a peercircle database or is damaged (file is "
        "not a database): restore a backup (peercircle restore BACKUP) or move it aside"
    )
    missing = tmp_path / "missing.db"
    code, out, err = await migrate_cli(tmp_path, key_file, missing, pg_database)
    assert code == 2 and err.strip() == (
        f"migrate-data refused: {missing} does not exist: name the SQLite database with --from"
    )
    assert not await asyncio.to_thread(missing.exists)


async def test_a_target_made_by_the_bot_and_still_empty_is_taken(
    key_file: Path, source: Path, pg_database: str
) -> None:
    """Migrated and opened once with the key (its key check written), but no data."""
    empty = await PostgreSQLDatabase.connect_to(pg_database, keys=Keys(file=key_file))
    await empty.close()
    copied = await migrate_data(source, pg_database, keys=Keys(file=key_file))
    assert Copied("members", 3) in copied


async def test_a_source_at_an_older_schema_is_refused_before_the_target_is_touched(
    tmp_path: Path, key_file: Path, pg_database: str
) -> None:
    old = tmp_path / "old.db"
    async with aiosqlite.connect(old, isolation_level=None) as conn:
        await apply_migrations(conn, up_to=16)
    latest = load_migrations()[-1].version
    code, out, err = await migrate_cli(tmp_path, key_file, old, pg_database)
    assert code == 2 and out == ""
    assert err.startswith(
        f"migrate-data refused: {old} is at schema version 16, not {latest}: bring it up to "
        "date first with this version's `peercircle migrate`"
    )
    async with pg(pg_database) as conn:
        assert await conn.fetchval("SELECT to_regclass('schema_migrations')") is None


async def test_a_wrong_key_is_refused_before_copying(
    tmp_path: Path, source: Path, pg_database: str
) -> None:
    other = tmp_path / "other.key"
    write_new_key_file(other)
    code, out, err = await migrate_cli(tmp_path, other, source, pg_database)
    assert code == 2 and out == ""
    assert err.strip() == (
        f"migrate-data refused: the configured encryption key does not open {source}: set "
        "storage.key_file or PEERCIRCLE_STORAGE__KEY to its key (the PostgreSQL database will "
        "open with the same one)"
    )
    async with pg(pg_database) as conn:
        assert await conn.fetchval("SELECT to_regclass('schema_migrations')") is None


async def test_a_missing_key_is_refused_and_none_is_made(
    tmp_path: Path, source: Path, pg_database: str
) -> None:
    code, out, err = await migrate_cli(tmp_path, None, source, pg_database)
    assert code == 2 and out == ""
    assert err.startswith("migrate-data refused: migrate-data needs the encryption key named")
    missing = tmp_path / "missing.key"
    code, out, err = await migrate_cli(tmp_path, missing, source, pg_database)
    assert code == 2 and out == ""
    assert err.strip() == (
        f"migrate-data refused: cannot read the encryption key file {missing} (No such file "
        "or directory); check storage.key_file"
    )
    assert not missing.exists()
    async with pg(pg_database) as conn:
        assert await conn.fetchval("SELECT to_regclass('schema_migrations')") is None


async def test_a_write_to_the_source_during_the_copy_rolls_everything_back(
    key_file: Path, source: Path, pg_database: str
) -> None:
    """The bot left running: the copy is of one snapshot, and the count after it differs."""

    def write_meanwhile(table: str, done: int, total: int) -> None:
        if table == "members" and done == 0:
            with closing(sqlite3.connect(source, isolation_level=None)) as conn:
                conn.execute("INSERT INTO moderators VALUES (9, 8, '2026-03-02T09:00:00+00:00')")

    with pytest.raises(MigrateDataError) as refused:
        await migrate_data(source, pg_database, keys=Keys(file=key_file), progress=write_meanwhile)
    assert str(refused.value) == (
        "moderators has 2 rows in SQLite and 1 in PostgreSQL after copying 1: something wrote "
        "to a database meanwhile (stop the bot first); nothing was copied"
    )
    # Only what the target's migrations wrote before the copy's transaction is there.
    data = [t for t in sqlite_tables(source) if t not in ("instance", "id_high_water")]
    assert set((await pg_counts(pg_database, data)).values()) == {0}
    async with pg(pg_database) as conn:
        triggers = await conn.fetchval(
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'"
        )
    assert triggers == 0
    # The tables made stay, empty; a second run, with nothing writing, takes them.
    again = await migrate_data(source, pg_database, keys=Keys(file=key_file))
    assert Copied("moderators", 2) in again


async def test_a_value_postgresql_cannot_take_is_refused_naming_its_column_not_the_value(
    key_file: Path, source: Path, pg_database: str
) -> None:
    with closing(sqlite3.connect(source, isolation_level=None)) as conn:
        conn.execute("UPDATE members SET notice_version = 'secret words' WHERE user_id = 8")
    with pytest.raises(MigrateDataError) as refused:
        await migrate_data(source, pg_database, keys=Keys(file=key_file))
    assert str(refused.value) == (
        "members.notice_version of row 2 (str) does not fit PostgreSQL's column: not a whole "
        "number; nothing was copied"
    )
    assert await pg_counts(pg_database, ["members", "checkins"]) == {"members": 0, "checkins": 0}


def test_the_copy_order_puts_every_table_after_those_it_references() -> None:
    with closing(sqlite3.connect(":memory:")) as conn:
        for migration in load_migrations():
            conn.executescript(migration.sql)
        tables = [
            str(r[0])
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        references = {
            t: {str(r[2]) for r in conn.execute(f"PRAGMA foreign_key_list({t})")} for t in tables
        }
    order = foreign_key_order(references)
    assert sorted(order) == sorted(tables)
    for table, refs in references.items():
        assert all(order.index(r) <= order.index(table) for r in refs), table
    with pytest.raises(MigrateDataError, match="form a cycle"):
        foreign_key_order({"a": {"b"}, "b": {"a"}})


@pytest.mark.parametrize(
    ("source", "target", "said"),
    [
        ("postgresql://peer@127.0.0.1:1/x", "postgresql://peer@127.0.0.1:1/y", "--from must be"),
        ("sqlite:///peercircle.db", "sqlite:///other.db", "--to must be"),
        (
            "sqlite:///peercircle.db",
            f"postgresql://peer:{PASSWORD}@127.0.0.1:1/y",
            "must not hold the password",
        ),
    ],
)
async def test_urls_of_the_wrong_kind_are_refused_in_one_line(
    tmp_path: Path, source: str, target: str, said: str
) -> None:
    code, out, err = await peercircle(
        "migrate-data",
        "--config",
        str(config(tmp_path, None)),
        "--from",
        source,
        "--to",
        target,
        cwd=tmp_path,
    )
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and said in err
    assert PASSWORD not in err


def test_the_key_is_never_made_by_migrate_data(tmp_path: Path) -> None:
    from storage.migrate_data import configured_key

    with pytest.raises(KeyFileError):
        configured_key(Keys(file=tmp_path / "absent.key"))
    assert not (tmp_path / "absent.key").exists()
    made = tmp_path / "made.key"
    write_new_key_file(made)
    assert configured_key(Keys(file=made)) == read_key_file(made)


@pytest.mark.parametrize(
    ("pg_type", "value", "copied"),
    [
        ("bigint", 12, 12),
        ("bigint", 12.0, 12),
        ("integer", " 12", 12),
        ("double precision", 3, 3.0),
        ("double precision", "2.5", 2.5),
        ("text", 12, "12"),
        ("text", None, None),
    ],
)
def test_values_are_given_postgresql_s_type_of_their_column(
    pg_type: str, value: object, copied: object
) -> None:
    convert = converter(pg_type)
    assert convert is not None
    result = convert(value)
    assert result == copied and type(result) is type(copied)


@pytest.mark.parametrize(
    ("pg_type", "value"),
    [("bigint", 2.5), ("bigint", "١٢"), ("bigint", b"12"), ("text", b"x")],
)
def test_values_that_would_change_or_are_bytes_are_refused(pg_type: str, value: object) -> None:
    convert = converter(pg_type)
    assert convert is not None
    with pytest.raises(ValueError):
        convert(value)
