"""`peercircle rotate-key`: every sealed value sealed again with the new key, in batches, with
progress that survives an interruption; old and new keys both read while it runs."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.context import PeerApplication
from bot.emulator import BotApiEmulator
from storage import rotation
from storage.db import Database
from storage.sealed import (
    PREFIX,
    ROTATION,
    ROTATION_PROGRESS,
    SEALED,
    KeyFileError,
    Keys,
    Sealer,
    SealError,
    default_key_file,
    encode_key,
    read_key_file,
    row_key,
)
from tests.engines import OpenDb, peek
from tests.helpers import onboard, peercircle
from tests.test_checkin_scenario import check_in

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STAMP = NOW.isoformat()


def seed(path: Path, sealer: Sealer, members: int = 3, days: int = 4) -> None:
    """Rows in every sealed column, sealed with `sealer`; each value names its place."""

    def sealed(table: str, column: str, n: int) -> str:
        return sealer.seal(table, column, f"{table}.{column} #{n}")

    with sqlite3.connect(path, timeout=30) as conn:
        for user in range(1, members + 1):
            conn.execute(
                "INSERT INTO members (user_id, pseudonym, timezone, checkin_time, consent_at, "
                "consent_version, created_at) VALUES (?, ?, 'UTC', '20:00', ?, 1, ?)",
                (user, f"Member {user}", STAMP, STAMP),
            )
            conn.executemany(
                "INSERT INTO checkins (user_id, local_date, mood, confidence, note, answered_at)"
                " VALUES (?, ?, 3, 6, ?, ?)",
                [
                    (
                        user,
                        (date(2026, 1, 1) + timedelta(days=day)).isoformat(),
                        sealed("checkins", "note", user * 100 + day),
                        STAMP,
                    )
                    for day in range(1, days + 1)
                ],
            )
        conn.execute(
            "INSERT INTO journeys (user_id, started_on, ended_on, setback_note) "
            "VALUES (1, '2026-01-01', '2026-02-01', ?)",
            (sealed("journeys", "setback_note", 1),),
        )
        conn.execute(
            "INSERT INTO goals (user_id, number, title, why, kind, schedule, nudge_time, status,"
            " created_at) VALUES (1, 1, ?, ?, 'habit', 'daily', '18:00', 'active', ?)",
            (sealed("goals", "title", 1), sealed("goals", "why", 1), STAMP),
        )
        conn.execute(
            "INSERT INTO circles (name, invite_code, max_members, created_at) "
            "VALUES ('C', 'code', 5, ?)",
            (STAMP,),
        )
        conn.execute(
            "INSERT INTO relays (circle_id, author_id, kind, pseudonym, text, status, created_at)"
            " VALUES (1, 1, 'encourage', 'Member 1', ?, 'sent', ?)",
            (sealed("relays", "text", 1), STAMP),
        )
        conn.execute(
            "INSERT INTO crisis_alerts (user_id, source, pseudonym, text, created_at) "
            "VALUES (1, 'ask', 'Member 1', ?, ?)",
            (sealed("crisis_alerts", "text", 1), STAMP),
        )
        plan = SEALED["safety_plans"]
        conn.execute(
            f"INSERT INTO safety_plans (user_id, draft, {', '.join(plan)}, updated_at) "
            f"VALUES (1, 0, {', '.join('?' for _ in plan)}, ?)",
            (*(sealed("safety_plans", c, 1) for c in plan), STAMP),
        )
        conn.execute(
            "INSERT INTO sanctions (id_hash, kind, pseudonym, reason, created_at) "
            "VALUES ('h', 'warning', 'Member 1', ?, ?)",
            (sealed("sanctions", "reason", 1), STAMP),
        )
        conn.execute(
            "INSERT INTO audit_log (at, moderator_id, moderator_name, action, reason) "
            "VALUES (?, 1, 'Mod', 'warn', ?)",
            (STAMP, sealed("audit_log", "reason", 1)),
        )
        conn.execute(
            "INSERT INTO outbox (idempotency_key, chat_id, user_id, kind, payload, not_before,"
            " status, created_at, finished_at) VALUES ('k', 1, 1, 'relay', ?, ?, 'sent', ?, ?)",
            (sealed("outbox", "payload", 1), STAMP, STAMP, STAMP),
        )
    conn.close()


def sealed_values(path: Path) -> list[tuple[str, str, str]]:
    """Every sealed value in the file: (table, column, value)."""
    found = []
    with sqlite3.connect(path, timeout=30) as conn:
        for table, columns in SEALED.items():
            for column in columns:
                for (value,) in conn.execute(f"SELECT {column} FROM {table}"):
                    if isinstance(value, str) and value.startswith(PREFIX):
                        found.append((table, column, value))
    conn.close()
    return found


def assert_all_open_with(path: Path, key: bytes, not_with: bytes, every_table: bool = True) -> int:
    """Every sealed value opens with `key` alone and with `not_with` not; returns how many."""
    values = sealed_values(path)
    only, old = Sealer(key), Sealer(not_with)
    for table, column, value in values:
        only.unseal(table, column, value)  # raises SealError when it does not open
        with pytest.raises(SealError):
            old.unseal(table, column, value)
    assert not every_table or {table for table, _, _ in values} == set(SEALED)
    return len(values)


async def made(path: Path) -> bytes:
    """A database with its key file; the key."""
    db = await Database.open(path)
    await db.close()
    return read_key_file(default_key_file(path))


def instance(path: Path, key: str) -> str | None:
    with sqlite3.connect(path, timeout=30) as conn:
        row = conn.execute("SELECT value FROM instance WHERE key = ?", (key,)).fetchone()
    conn.close()
    return None if row is None else str(row[0])


def config_file(tmp_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\npath = "{tmp_path / "bot.db"}"\n', encoding="utf-8")
    return config


async def test_rotate_key_seals_every_value_again_and_the_old_key_no_longer_opens(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.db"
    old = await made(path)
    seed(path, Sealer(old), members=5, days=7)
    config = config_file(tmp_path)
    new_file = tmp_path / "new.key"
    code, out, err = await peercircle(
        "rotate-key",
        "--config",
        str(config),
        "--new-key-file",
        str(new_file),
        "--batch-size",
        "4",
        cwd=tmp_path,
    )
    assert code == 0, err
    assert f"made a new key in {new_file} (mode 0600)" in out
    new = read_key_file(new_file)
    assert (new_file.stat().st_mode & 0o777) == 0o600 and len(new_file.read_text()) == 45
    assert "key rotation started" in out and "values encrypted again" in out
    assert f"mv {new_file} {default_key_file(path)}" in out
    assert encode_key(new) not in out + err and encode_key(old) not in out + err

    assert assert_all_open_with(path, new, not_with=old) == 5 * 7 + 15
    assert instance(path, ROTATION) is None and instance(path, ROTATION_PROGRESS) is None
    conn = sqlite3.connect(path, timeout=30)  # the audit log's triggers are back, as they were
    with conn, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit_log SET reason = NULL")
    conn.close()

    with pytest.raises(KeyFileError, match="does not open this database") as refused:
        await Database.open(path)  # the old key file is still in its place
    assert "replaced on 20" in str(refused.value) and "rotate-key" in str(refused.value)
    db = await Database.open(path, keys=Keys(file=new_file))
    try:
        async with db.read() as session:
            row = await session.fetch_one("SELECT reason FROM audit_log")
            assert row is not None
            assert session.unseal("audit_log", "reason", row["reason"]) == "audit_log.reason #1"
    finally:
        await db.close()


async def test_during_a_rotation_both_keys_read_and_an_interrupted_one_resumes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.db"
    old = await made(path)
    seed(path, Sealer(old), members=4, days=5)
    new_file = tmp_path / "new.key"
    new_file.write_text(encode_key(new := os.urandom(32)) + "\n")
    new_file.chmod(0o600)

    db = await Database.open(path)
    try:
        assert await rotation.request(db, new, new_file) is False
        for _ in range(3):
            step = await rotation.reseal_batch(db, 4)
            assert step.table == "audit_log" or step.resealed <= 4
    finally:
        await db.close()  # stopped half-way, as a killed command would be
    progress = json.loads(instance(path, ROTATION_PROGRESS) or "{}")
    assert progress["table"] == "checkins" and progress["after"] is not None
    keys_used = {"new" if _opens(new, t, c, v) else "old" for t, c, v in sealed_values(path)}
    assert keys_used == {"old", "new"}  # half and half

    db = await Database.open(path)  # a start meanwhile takes up the rotation: both keys read
    try:
        assert db.sealer.seals_with(new)
        async with db.read() as session:
            rows = await session.fetch_all(
                "SELECT note FROM checkins ORDER BY user_id, local_date"
            )
            notes = [session.unseal("checkins", "note", r["note"]) for r in rows]
        assert notes == [f"checkins.note #{u * 100 + d}" for u in range(1, 5) for d in range(1, 6)]
    finally:
        await db.close()

    config = config_file(tmp_path)
    code, out, err = await peercircle(
        "rotate-key", "--config", str(config), "--new-key-file", str(new_file), cwd=tmp_path
    )
    assert code == 0, err
    assert "resuming the key rotation" in out
    assert_all_open_with(path, new, not_with=old)


def more_safety_plans(path: Path, sealer: Sealer, members: int) -> None:
    """A plan and an edit in progress for each member but the first (seed made its plan)."""
    plan = SEALED["safety_plans"]
    rows = [(user, draft) for user in range(1, members + 1) for draft in (0, 1)][1:]
    with sqlite3.connect(path) as conn:
        conn.executemany(
            f"INSERT INTO safety_plans (user_id, draft, {', '.join(plan)}, updated_at) "
            f"VALUES (?, ?, {', '.join('?' for _ in plan)}, ?)",
            [
                (user, draft, *(sealer.seal("safety_plans", c, f"#{user}") for c in plan), STAMP)
                for user, draft in rows
            ],
        )
    conn.close()


async def test_a_rotation_under_way_by_rowid_starts_safety_plans_again(tmp_path: Path) -> None:
    """A rotation begun by a version that walked safety_plans by rowid and stopped half-way
    through it: its saved position names no row by (user_id, draft), so the table starts
    again, and no plan is left sealed with the old key."""
    path = tmp_path / "bot.db"
    old = await made(path)
    seed(path, Sealer(old), members=4, days=1)
    more_safety_plans(path, Sealer(old), members=4)
    new_file = tmp_path / "new.key"
    new_file.write_text(encode_key(new := os.urandom(32)) + "\n")
    new_file.chmod(0o600)
    db = await Database.open(path)
    try:
        await rotation.request(db, new, new_file)
        async with db.transaction() as session:  # as the older version left it
            await session.execute(
                "INSERT INTO instance (key, value) VALUES (?, ?)",
                (ROTATION_PROGRESS, json.dumps({"table": "safety_plans", "after": [5]})),
            )
        while not (step := await rotation.reseal_batch(db, 2)).finished:
            if step.table == "safety_plans":
                progress = json.loads(instance(path, ROTATION_PROGRESS) or "{}")
                assert progress.get("key") in (None, ["user_id", "draft"])
    finally:
        await db.close()
    plans = [(c, v) for t, c, v in sealed_values(path) if t == "safety_plans"]
    assert len(plans) == 8 * len(SEALED["safety_plans"])
    assert all(_opens(new, "safety_plans", c, v) for c, v in plans)


async def test_every_sealed_table_is_walked_by_its_primary_key(tmp_path: Path) -> None:
    """Not SQLite's rowid, which no other engine has: the start-up pass, rotation and
    retention name each table's rows by its primary key."""
    path = tmp_path / "bot.db"
    await made(path)
    with sqlite3.connect(path) as conn:
        for table in SEALED:
            columns = conn.execute(f"PRAGMA table_info({table})").fetchall()
            # table_info's last field is the column's place in the primary key (0: none)
            primary = tuple(c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5])
            assert row_key(table) == primary, table
    conn.close()


async def test_a_rotation_refuses_what_would_lose_text(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    old = await made(path)
    config = config_file(tmp_path)
    args = ("rotate-key", "--config", str(config), "--new-key-file")

    code, _, err = await peercircle(*args, str(default_key_file(path)), cwd=tmp_path)
    assert code == 2 and "the new key is the key in use" in err, err

    first = tmp_path / "first.key"
    db = await Database.open(path)
    try:
        first.write_text(encode_key(os.urandom(32)))
        first.chmod(0o600)
        await rotation.request(db, read_key_file(first), first)
    finally:
        await db.close()
    code, _, err = await peercircle(*args, str(tmp_path / "second.key"), cwd=tmp_path)
    assert code == 2 and f"a rotation to another key ({first}) is under way" in err, err

    # The new key put in place before the rotation finished: refused, and said why.
    default_key_file(path).write_text(first.read_text())
    with pytest.raises(KeyFileError, match="the new key of a rotation that has not finished"):
        await Database.open(path)
    default_key_file(path).write_text(encode_key(old))
    first.unlink()  # the new key lost mid-way: refused until it is back
    with pytest.raises(KeyFileError, match=r"its new key file .*first\.key cannot be read"):
        await Database.open(path)


def _opens(key: bytes, table: str, column: str, value: str) -> bool:
    try:
        Sealer(key).unseal(table, column, value)
    except SealError:
        return False
    return True


async def test_the_running_bot_takes_up_a_rotation_at_its_next_sweep(
    emulator: BotApiEmulator,
    bot: PeerApplication,
    storage_url: str,
    open_db: OpenDb,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="storage.rotation")
    user = emulator.user()
    await onboard(user)
    new_file, away = tmp_path / "new.key", tmp_path / "away.key"
    new_file.write_text(encode_key(new := os.urandom(32)) + "\n")
    new_file.chmod(0o600)
    command = await open_db()  # the rotate-key command's connection
    try:
        await rotation.request(command, new, new_file)
    finally:
        await command.close()
    new_file.rename(away)  # not readable by the bot (gone): it says so once, and waits

    def complaints() -> list[logging.LogRecord]:
        return [r for r in caplog.records if "cannot be read" in r.getMessage()]

    await emulator.wait_until(lambda: bool(complaints()), timeout=10)
    sealer = bot.bot_data.services.db.sealer
    assert not sealer.seals_with(new)
    away.rename(new_file)
    await emulator.wait_until(lambda: sealer.seals_with(new), timeout=10)
    assert len(complaints()) == 1 and complaints()[0].levelno == logging.ERROR
    assert "new text is sealed with the new key" in caplog.text
    assert encode_key(new) not in caplog.text

    await check_in(user, 4, 6, note="Cooked for friends tonight")
    [(stored,)] = peek(storage_url, "SELECT note FROM checkins")
    assert Sealer(new).unseal("checkins", "note", stored) == "Cooked for friends tonight"
