"""Where the key comes from (environment or key file, both file formats), `peercircle keygen`,
and `storage.encrypt = false`."""

from __future__ import annotations

import base64
import logging
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from storage import checkins
from storage.db import Database
from storage.sealed import (
    PREFIX,
    KeyFileError,
    Keys,
    Sealer,
    decode_key,
    default_key_file,
    encode_key,
)
from tests.helpers import peercircle

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = date(2026, 3, 2)
NOTE = "Heliotrope evenings with my sister"


async def add_note(db: Database, user_id: int = 7, note: str = NOTE) -> None:
    """A member and a check-in with a private note, through the repositories."""
    async with db.transaction() as session:
        await session.execute(
            "INSERT OR IGNORE INTO members (user_id, pseudonym, timezone, checkin_time, "
            "consent_at, consent_version, created_at) VALUES (?, 'Calm Otter', 'UTC', '20:00', "
            "?, 1, ?)",
            (user_id, NOW.isoformat(), NOW.isoformat()),
        )
        await checkins.record(session, user_id, DAY, 4, 7, NOW)
        await checkins.set_note(session, user_id, DAY, note)


async def note_of(db: Database, user_id: int = 7) -> str | None:
    async with db.read() as session:
        note = (await checkins.export(session, user_id))[0]["note"]
    return None if note is None else str(note)


def stored_note(path: Path, user_id: int = 7) -> str:
    """The note column as it is in the file."""
    with sqlite3.connect(path, timeout=30) as conn:
        (value,) = conn.execute(
            "SELECT note FROM checkins WHERE user_id = ?", (user_id,)
        ).fetchone()
    conn.close()
    return str(value)


def config_file(tmp_path: Path, storage: str = "") -> Path:
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\npath = "{tmp_path / "bot.db"}"\n{storage}', encoding="utf-8")
    return config


# -- the key file's two formats ------------------------------------------------------------


async def test_a_key_file_of_raw_bytes_from_before_still_opens_its_database(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.db"
    key = os.urandom(32)
    default_key_file(path).write_bytes(key)  # as the first versions with sealing made it
    default_key_file(path).chmod(0o600)
    db = await Database.open(path)
    await add_note(db)
    await db.close()
    assert Sealer(key).unseal("checkins", "note", stored_note(path)) == NOTE
    db = await Database.open(path)
    try:
        assert await note_of(db) == NOTE
    finally:
        await db.close()
    assert default_key_file(path).read_bytes() == key  # left as it was


@pytest.mark.parametrize(
    "written",
    [
        lambda key: encode_key(key) + "\n",  # keygen's line
        lambda key: encode_key(key).rstrip("="),  # secrets.token_urlsafe(32)'s form
        lambda key: base64.b64encode(key).decode() + "\n",  # openssl rand -base64 32
    ],
)
async def test_a_key_file_may_hold_a_base64_line(
    tmp_path: Path, written: Callable[[bytes], str]
) -> None:
    path = tmp_path / "bot.db"
    key = os.urandom(32)
    default_key_file(path).write_text(written(key))
    default_key_file(path).chmod(0o600)
    db = await Database.open(path)
    try:
        await add_note(db)
        assert await note_of(db) == NOTE
    finally:
        await db.close()
    assert Sealer(key).unseal("checkins", "note", stored_note(path)) == NOTE


async def test_a_key_file_that_is_no_key_is_refused_without_quoting_it(tmp_path: Path) -> None:
    held = "not-a-key-but-a-secret-looking-line-of-text-here"
    (tmp_path / "peercircle.key").write_text(held)
    with pytest.raises(KeyFileError) as refused:
        await Database.open(tmp_path / "bot.db")
    assert "44-character base64 line" in str(refused.value)
    assert held not in str(refused.value)


# -- the key from the environment ------------------------------------------------------------


async def test_the_environment_key_wins_over_the_file_and_is_never_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key = os.urandom(32)
    monkeypatch.setenv("PEERCIRCLE_STORAGE__KEY", encode_key(key))
    settings = Settings(storage={"path": tmp_path / "bot.db"})  # type: ignore[arg-type]
    other = tmp_path / "peercircle.key"
    other.write_text(encode_key(os.urandom(32)))  # a key file beside it: not used
    db = await Database.open(settings.storage.path, keys=settings.storage.keys)
    try:
        await add_note(db)
        assert await note_of(db) == NOTE
    finally:
        await db.close()
    assert Sealer(key).unseal("checkins", "note", stored_note(tmp_path / "bot.db")) == NOTE
    assert encode_key(key) not in caplog.text and encode_key(key) not in repr(settings)
    other.unlink()
    db = await Database.open(settings.storage.path, keys=settings.storage.keys)
    await db.close()
    assert not other.exists()  # with the key in the environment no key file is made


async def test_the_environment_key_through_the_command(tmp_path: Path) -> None:
    config = config_file(tmp_path)
    key = encode_key(os.urandom(32))
    env = {"PEERCIRCLE_STORAGE__KEY": key}
    code, out, err = await peercircle("migrate", "--config", str(config), cwd=tmp_path, env=env)
    assert code == 0, err
    assert not (tmp_path / "peercircle.key").exists()
    assert key not in out + err

    wrong = {"PEERCIRCLE_STORAGE__KEY": encode_key(os.urandom(32))}
    code, out, err = await peercircle("migrate", "--config", str(config), cwd=tmp_path, env=wrong)
    assert code == 2, out + err
    last = err.strip().splitlines()[-1]
    assert last.startswith("the encryption key in PEERCIRCLE_STORAGE__KEY does not open"), err
    assert "set PEERCIRCLE_STORAGE__KEY to the key that belongs to it" in last
    assert wrong["PEERCIRCLE_STORAGE__KEY"] not in out + err

    typo = {"PEERCIRCLE_STORAGE__KEY": key[:-3] + "!" + key[-2:]}
    code, out, err = await peercircle("migrate", "--config", str(config), cwd=tmp_path, env=typo)
    assert code == 2, out + err
    assert "storage.key" in err and "PEERCIRCLE_STORAGE__KEY" in err, err
    assert "as `peercircle keygen` prints them" in err
    assert typo["PEERCIRCLE_STORAGE__KEY"] not in out + err and key[:20] not in out + err


# -- peercircle keygen ---------------------------------------------------------------------


def test_keygen_prints_a_new_key_and_nothing_else(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keygen"]) == 0
    first = capsys.readouterr()
    assert main(["keygen"]) == 0
    second = capsys.readouterr()
    assert first.err == second.err == ""
    assert first.out.endswith("\n") and first.out.count("\n") == 1
    line = first.out.strip()
    assert len(line) == 44 and len(decode_key(line)) == 32
    assert set(line) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
    assert second.out != first.out


# -- storage.encrypt = false -----------------------------------------------------------------


async def test_with_encryption_off_new_text_is_plain_and_older_text_still_opens(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "bot.db"
    db = await Database.open(path)
    await add_note(db, 7, "Sealed before it went off")
    await db.close()
    assert stored_note(path, 7).startswith(PREFIX)

    caplog.set_level(logging.INFO, logger="storage.sealed")
    db = await Database.open(path, keys=Keys(encrypt=False))
    try:
        await add_note(db, 8, NOTE)
        assert await note_of(db, 7) == "Sealed before it went off"
        assert await note_of(db, 8) == NOTE
    finally:
        await db.close()
    assert stored_note(path, 8) == NOTE
    off = [r for r in caplog.records if "encryption at rest is off" in r.getMessage()]
    assert len(off) == 1 and off[0].levelno == logging.WARNING
    assert "storage.encrypt = false" in off[0].getMessage()

    db = await Database.open(path)  # on again: what was written plain is sealed at start
    try:
        assert await note_of(db, 8) == NOTE
    finally:
        await db.close()
    assert stored_note(path, 8).startswith(PREFIX)


async def test_with_encryption_off_and_no_key_none_is_made(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    db = await Database.open(path, keys=Keys(encrypt=False))
    try:
        await add_note(db)
        assert await note_of(db) == NOTE
    finally:
        await db.close()
    assert not default_key_file(path).exists()
    assert stored_note(path) == NOTE


async def test_encrypted_text_without_its_key_stops_the_start_even_with_encryption_off(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.db"
    db = await Database.open(path)
    await add_note(db)
    await db.close()
    default_key_file(path).unlink()
    with pytest.raises(KeyFileError, match="holds encrypted text and no key is configured"):
        await Database.open(path, keys=Keys(encrypt=False))


def test_encrypt_is_a_setting_on_by_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert Settings().storage.encrypt is True
    monkeypatch.setenv("PEERCIRCLE_STORAGE__ENCRYPT", "false")
    assert Settings().storage.keys == Keys(None, None, False)
