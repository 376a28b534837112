"""Members' text sealed at rest: the cipher, the key file, older rows, and the file's bytes."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import Settings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator
from storage import alerts, checkins, circles, goals, journey, moderation, outbox, safety_plans
from storage.db import Database
from storage.sealed import (
    PREFIX,
    SEALED,
    KeyFileError,
    Sealer,
    SealError,
    decode_key,
    default_key_file,
)
from tests.engines import OpenDb, probe, sqlite_path
from tests.test_checkin_scenario import check_in
from tests.test_circles_scenario import member_in, new_circle, settings  # noqa: F401
from tests.test_cli import peercircle, write_config
from tests.test_goals_scenario import new_habit

SEALER = Sealer(bytes(range(32)))


@given(st.text())
def test_seal_then_unseal_gives_the_text_back(text: str) -> None:
    sealed = SEALER.seal("checkins", "note", text)
    assert sealed.startswith(PREFIX)
    assert SEALER.unseal("checkins", "note", sealed) == text


def test_the_same_text_seals_differently_each_time() -> None:
    assert SEALER.seal("relays", "text", "same") != SEALER.seal("relays", "text", "same")


def test_a_value_opens_only_in_its_own_column() -> None:
    sealed = SEALER.seal("relays", "text", "hold on")
    with pytest.raises(SealError):
        SEALER.unseal("crisis_alerts", "text", sealed)
    with pytest.raises(SealError):
        SEALER.unseal("goals", "why", SEALER.seal("goals", "title", "walk"))


def test_a_changed_value_or_another_key_is_detected() -> None:
    sealed = SEALER.seal("checkins", "note", "a quiet day")
    body = sealed.removeprefix(PREFIX)
    flipped = body[:20] + ("A" if body[20] != "A" else "B") + body[21:]
    with pytest.raises(SealError):
        SEALER.unseal("checkins", "note", PREFIX + flipped)
    with pytest.raises(SealError):
        SEALER.unseal("checkins", "note", sealed[:-4])
    with pytest.raises(SealError):
        Sealer(os.urandom(32)).unseal("checkins", "note", sealed)


def test_plain_text_and_null_pass_through() -> None:
    assert SEALER.unseal("checkins", "note", "written before sealing") == "written before sealing"
    assert SEALER.seal("checkins", "note", None) is None
    assert SEALER.unseal("checkins", "note", None) is None
    with pytest.raises(KeyError):
        SEALER.seal("members", "pseudonym", "not a sealed column")


async def test_a_missing_key_is_made_private_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="storage.sealed")
    db = await Database.open(tmp_path / "d" / "bot.db")
    await db.close()
    key_file = tmp_path / "d" / "peercircle.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    line = key_file.read_text().strip()  # new key files hold a base64 line (keygen's form)
    assert len(line) == 44 and len(decode_key(line)) == 32
    assert str(key_file) in caplog.text and line not in caplog.text
    db = await Database.open(tmp_path / "d" / "bot.db")  # the same key opens it again
    await db.close()
    key_file.chmod(0o644)
    db = await Database.open(tmp_path / "d" / "bot.db")
    await db.close()
    assert "chmod 600" in caplog.text


async def test_a_lost_key_is_not_replaced_by_a_new_one(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.db")
    await db.close()
    key_file = tmp_path / "peercircle.key"
    key_file.unlink()
    with pytest.raises(KeyFileError, match=r"peercircle\.key is missing, and this database"):
        await Database.open(tmp_path / "bot.db")
    assert not key_file.exists()  # nothing in the way of restoring the right one


async def test_a_key_file_of_the_wrong_size_is_refused(tmp_path: Path) -> None:
    (tmp_path / "peercircle.key").write_bytes(b"too short")
    with pytest.raises(KeyFileError, match="holds 9 bytes, not 32"):
        await Database.open(tmp_path / "bot.db")


def test_the_key_file_is_a_setting_with_an_environment_override(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert Settings().storage.key_file is None
    monkeypatch.setenv("PEERCIRCLE_STORAGE__KEY_FILE", str(tmp_path / "k"))
    assert Settings().storage.key_file == tmp_path / "k"


WORDS = {
    "note": "Marigold lanterns tonight",
    "relay": "Periwinkle bravery for everyone",
    "title": "Juniper stretches",
    "why": "Saffron mornings matter",
    "plan": "Quokka walks by the river",
    "reasons": "Tangerine afternoons with Mia",
}


def database_bytes(db_path: Path) -> bytes:
    with sqlite3.connect(db_path, timeout=30) as conn:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    conn.close()
    wal = db_path.with_name(db_path.name + "-wal")
    return db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_members_text_never_reaches_the_file_in_plain(
    emulator: BotApiEmulator, bot: PeerApplication, db_path: Path
) -> None:
    code = await new_circle(emulator)
    alex = await member_in(emulator, code)
    bo = await member_in(emulator, code)
    alex.skip_to_end()
    bo.skip_to_end()
    reply = await check_in(alex, 4, 7, note=WORDS["note"])
    assert "Today: mood" in reply.shown_text
    await alex.ask(f"/encourage {WORDS['relay']}")
    await emulator.wait_until(lambda: WORDS["relay"] in bo.last_message.shown_text)
    done = await new_habit(alex, title=WORDS["title"], why=WORDS["why"])
    assert "is set" in done.shown_text
    alex.skip_to_end()
    await alex.ask("/safetyplan")
    await alex.next_message()  # 1/7
    alex.send(WORDS["plan"])
    for step in range(2, 7):
        question = await alex.next_message()
        assert f"{step}/7" in question.shown_text
        await alex.tap("Skip", question)
    assert "7/7" in (await alex.next_message()).shown_text
    alex.send(WORDS["reasons"])
    assert "safety plan is saved" in (await alex.next_message()).shown_text

    stored = database_bytes(db_path)
    for words in WORDS.values():
        # the phrase, and each of its distinctive words ("courage" is in the kind "encourage")
        for word in (words, *(w for w in words.split() if w[0].isupper() and w != "Mia")):
            assert word.encode() not in stored, word
    assert stored.count(PREFIX.encode()) >= 6

    document = (await alex.ask("/mydata")).document
    assert document is not None
    export = document.decode()
    for key in ("note", "title", "why", "plan", "reasons"):
        assert WORDS[key] in export, key


async def test_older_plain_rows_are_sealed_at_start_and_read_the_same(
    storage_url: str, engine: str, open_db: OpenDb
) -> None:
    db = await open_db()
    await db.close()
    # What a database from before sealing holds: plain text, no key and no check value.
    if engine == "sqlite":
        default_key_file(sqlite_path(storage_url)).unlink()
    stamp = "2026-03-01T10:00:00+00:00"
    goal = relay = alert = 1  # the first row of each table
    with probe(storage_url) as conn:
        conn.execute("DELETE FROM instance WHERE key IN ('key_check', 'sealed_columns')")
        conn.execute(
            "INSERT INTO members (user_id, pseudonym, timezone, checkin_time, consent_at, "
            "consent_version, created_at) VALUES (7, 'Calm Otter', 'UTC', '20:00', ?, 1, ?)",
            (stamp, stamp),
        )
        conn.execute(
            "INSERT INTO checkins (user_id, local_date, mood, confidence, note, answered_at) "
            "VALUES (7, '2026-03-01', 3, 6, 'old note', ?)",
            (stamp,),
        )
        conn.execute(
            "INSERT INTO journeys (user_id, started_on, ended_on, setback_note) "
            "VALUES (7, '2026-01-01', '2026-02-01', 'old setback')"
        )
        conn.execute(
            "INSERT INTO goals (id, user_id, number, title, why, kind, schedule, nudge_time,"
            " status, created_at) VALUES (?, 7, 1, 'old title', NULL, 'habit', 'daily', '18:00',"
            " 'active', ?)",
            (goal, stamp),
        )
        conn.execute(
            "INSERT INTO circles (name, invite_code, max_members, created_at) "
            "VALUES ('C', 'code', 5, ?)",
            (stamp,),
        )
        conn.execute(
            "INSERT INTO relays (id, circle_id, author_id, kind, pseudonym, text, status,"
            " created_at) VALUES (?, 1, 7, 'encourage', 'Calm Otter', 'old relay', 'sent', ?)",
            (relay, stamp),
        )
        conn.execute(
            "INSERT INTO crisis_alerts (id, user_id, source, pseudonym, text, created_at) "
            "VALUES (?, 7, 'ask', 'Calm Otter', 'old alert', ?)",
            (alert, stamp),
        )
        conn.execute(
            "INSERT INTO safety_plans (user_id, draft, coping, reasons, updated_at) "
            "VALUES (7, 0, 'old coping', 'old reasons', ?)",
            (stamp,),
        )
        conn.execute(
            "INSERT INTO sanctions (id_hash, kind, pseudonym, reason, created_at) "
            "VALUES ('h', 'warning', 'Calm Otter', 'old reason', ?)",
            (stamp,),
        )
        conn.execute(
            "INSERT INTO audit_log (at, moderator_id, moderator_name, action, reason) "
            "VALUES (?, 1, 'Mod', 'warn', 'old audit reason')",
            (stamp,),
        )
        conn.execute(
            "INSERT INTO outbox (idempotency_key, chat_id, user_id, kind, payload, not_before,"
            " created_at) VALUES ('k', 7, 7, 'relay', '{\"text\": \"old payload\"}', ?, ?)",
            (stamp, stamp),
        )
        weeks = conn.execute("SELECT * FROM member_weeks").fetchall()
    conn.close()

    db = await open_db()
    try:
        with probe(storage_url) as conn:
            for table, columns in SEALED.items():
                for column in columns:
                    for (value,) in conn.execute(
                        f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"
                    ):
                        sealed = value.startswith(PREFIX)
                        assert sealed == (table != "audit_log"), (table, column, value)
            assert conn.execute("SELECT * FROM member_weeks").fetchall() == weeks
        conn.close()
        async with db.read() as session:
            assert (await checkins.export(session, 7))[0]["note"] == "old note"
            assert (await journey.export(session, 7))[0]["setback_note"] == "old setback"
            row = await goals.get(session, 7, goal)
            assert row is not None and (row.title, row.why) == ("old title", None)
            found = await circles.relay(session, relay)
            assert found is not None and found.text == "old relay"
            raised = await alerts.get(session, alert)
            assert raised is not None and raised.text == "old alert"
            plan = await safety_plans.get(session, 7)
            assert plan == safety_plans.PlanRow(coping="old coping", reasons="old reasons")
            assert (await moderation.export(session, "h"))[0]["reason"] == "old reason"
            assert (await moderation.last_audit(session, 1))[0].reason == "old audit reason"
            batch = await outbox.next_batch(session, datetime(2026, 3, 2, tzinfo=UTC), 10)
            assert [json.loads(r.payload) for r in batch] == [{"text": "old payload"}]
        async with db.transaction() as session:  # sealed when written again, too
            await checkins.set_note(session, 7, date(2026, 3, 1), "new note")
        async with db.read() as session:
            assert (await checkins.export(session, 7))[0]["note"] == "new note"
    finally:
        await db.close()
    db = await open_db()  # the pass ran once; a second start finds nothing to do
    await db.close()


async def test_a_wrong_key_stops_the_start_with_one_clear_line(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "config.toml", emulator.token, emulator.base_url)
    config.write_text(config.read_text().replace('"DEBUG"', '"INFO"'))
    code, _, err = await peercircle("migrate", "--config", str(config), cwd=tmp_path)
    assert code == 0, err
    key_file = tmp_path / "peercircle.key"
    key_file.write_bytes(os.urandom(32))
    for command in ("migrate", "run"):
        code, out, err = await peercircle(command, "--config", str(config), cwd=tmp_path)
        assert code == 2, (command, out, err)
        assert "Traceback" not in err, err
        last = err.strip().splitlines()[-1]
        assert last.startswith("the encryption key in") and str(key_file) in last, err
        assert "does not open this database" in last


async def test_a_backup_leaves_the_key_out_and_says_so(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "config.toml", emulator.token, emulator.base_url)
    code, _, err = await peercircle("migrate", "--config", str(config), cwd=tmp_path)
    assert code == 0, err
    target = tmp_path / "backups" / "copy.db"
    code, out, err = await peercircle("backup", str(target), "--config", str(config), cwd=tmp_path)
    assert code == 0, err
    key_file = tmp_path / "peercircle.key"
    assert f"the encryption key {key_file} is not in the backup" in out
    key = key_file.read_bytes()
    assert all(key not in copied.read_bytes() for copied in target.parent.iterdir())
