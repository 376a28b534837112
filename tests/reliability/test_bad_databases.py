"""Bad databases and paths at start: one line naming the file and the fix, exit 2, promptly.

Each case runs `peercircle` as its own process against the emulator, as an operator (or
systemd) would, and bounds it: a process that hangs or prints a traceback fails the test.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator
from storage.db import Database
from storage.preflight import DatabaseFileError, check_writes
from storage.sealed import default_key_file
from tests.helpers import subprocess_env
from tests.reliability.test_fanout_kill import start_bot

pytestmark = pytest.mark.sqlite_only("bad, missing and unwritable database files")

# The promise: a process that cannot use its database says so and exits within 5 s
# (systemd then restarts it, or an operator reads the line).
BOUND_SECONDS = 5.0
PAGE = 4096


def write_config(folder: Path, emulator: BotApiEmulator, db: Path) -> Path:
    config = folder / "config.toml"
    config.write_text(
        f'[telegram]\ntoken = "{emulator.token}"\napi_base_url = "{emulator.base_url}"\n'
        f'poll_timeout = 1\n[storage]\npath = "{db}"\n',
        encoding="utf-8",
    )
    return config


async def peercircle_within(seconds: float, *args: str, cwd: Path) -> tuple[int, float, str]:
    """`python -m bot <args>`: (exit code, seconds taken, stderr); killed and failed if it
    is still running after `seconds`."""
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=subprocess_env(),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, err = await asyncio.wait_for(process.communicate(), seconds)
    except TimeoutError:
        process.kill()
        await process.wait()
        pytest.fail(f"`peercircle {args[0]}` was still running after {seconds} s")
    assert process.returncode is not None
    return process.returncode, time.monotonic() - started, err.decode()


def assert_one_line(err: str, *names: str) -> str:
    """stderr is one line, no traceback, naming each of `names`."""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


async def make_database(path: Path) -> None:
    """A real peercircle database, migrated and closed (its log checkpointed away)."""
    db = await Database.open(path)
    await db.close()
    assert not path.with_name(path.name + "-wal").exists()


def truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 5 + 100])


def random_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:100] = random.Random(1).randbytes(100)
    path.write_bytes(bytes(data))


def random_pages(path: Path) -> None:
    """Every third page after the first overwritten with noise: the header stays sound."""
    data = bytearray(path.read_bytes())
    noise = random.Random(2)
    for start in range(PAGE, len(data), 3 * PAGE):
        data[start : start + PAGE] = noise.randbytes(PAGE)
    path.write_bytes(bytes(data))


def text_file(path: Path) -> None:
    path.write_text("name,mood\nAlex,4\n" * 40, encoding="utf-8")


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "truncated": truncated,
    "random header": random_header,
    "random pages": random_pages,
    "text file": text_file,
}


@pytest.mark.parametrize("command", ["run", "migrate", "backup"])
@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
async def test_a_damaged_database_is_one_line_and_exit_2_within_5_seconds(
    emulator: BotApiEmulator, tmp_path: Path, corruption: str, command: str
) -> None:
    db = tmp_path / "bot.db"
    await make_database(db)
    CORRUPTIONS[corruption](db)
    damaged = db.read_bytes()
    config = write_config(tmp_path, emulator, db)
    extra = [str(tmp_path / "copy.db")] if command == "backup" else []
    code, took, err = await peercircle_within(
        BOUND_SECONDS, command, "--config", str(config), *extra, cwd=tmp_path
    )
    line = assert_one_line(err, str(db), "peercircle restore")
    assert code == 2, line
    assert "damaged" in line and "move it aside" in line
    assert took < BOUND_SECONDS
    assert db.read_bytes() == damaged  # nothing written over what is left
    assert emulator.calls_of("getUpdates") == []
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.parametrize("corruption", ["random header", "text file"])
async def test_opening_a_damaged_database_leaves_no_thread_and_no_new_key(
    tmp_path: Path, corruption: str
) -> None:
    """In the process itself: SQLite refuses these at the first statement. (A damaged page
    deeper in shows only when read: `verify_database`, at every start, reads them all.)"""
    db = tmp_path / "bot.db"
    await make_database(db)
    CORRUPTIONS[corruption](db)
    key = default_key_file(db)
    key.unlink()  # lost too: a key made for a damaged database would not open its backup
    before = set(threading.enumerate())
    with pytest.raises(DatabaseFileError, match="damaged"):
        await Database.open(db)
    assert not key.exists()
    # aiosqlite's thread, not a daemon, kept the process alive: it must end by itself.
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=5)
        assert not thread.is_alive(), thread
    empty = tmp_path / "empty" / "bot.db"
    empty.parent.mkdir()
    empty.touch()
    with pytest.raises(DatabaseFileError, match="empty"):
        await Database.open(empty)
    assert [p.name for p in empty.parent.iterdir()] == ["bot.db"]  # no key made for it


async def test_an_empty_file_is_refused_at_run_and_made_a_database_by_migrate(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    db = tmp_path / "bot.db"
    db.touch()
    config = write_config(tmp_path, emulator, db)
    code, _, err = await peercircle_within(
        BOUND_SECONDS, "run", "--config", str(config), cwd=tmp_path
    )
    line = assert_one_line(err, str(db), "peercircle migrate")
    assert code == 2 and "empty" in line, line
    assert db.stat().st_size == 0  # not silently turned into a new database
    assert emulator.calls_of("getUpdates") == []
    code, _, err = await peercircle_within(30, "migrate", "--config", str(config), cwd=tmp_path)
    assert code == 0, err
    with sqlite3.connect(db, timeout=30) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] > 0


@contextmanager
def unwritable(path: Path) -> Iterator[None]:
    """`path` (a file or a folder) made unwritable for this user, put back afterwards.

    chmod stops any user but root; root writes whatever the mode, so as root the file is
    made immutable (chattr +i, which ext4, xfs, btrfs and tmpfs support), which stops root
    too: it is the case the issue names ("an immutable file let the bot start").
    """
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o500 if path.is_dir() else 0o400)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("as root chmod does not stop writes, and there is no chattr here")
    made = subprocess.run([chattr, "+i", str(path)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"as root chmod does not stop writes, and chattr +i failed: {made.stderr}")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


async def test_a_read_only_folder_is_one_line_and_exit_2(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    config = write_config(tmp_path, emulator, folder / "bot.db")
    with unwritable(folder):  # a first start: the database cannot even be made
        code, _, err = await peercircle_within(
            BOUND_SECONDS, "run", "--config", str(config), cwd=tmp_path
        )
    line = assert_one_line(err, str(folder))
    assert code == 2 and "writable" in line, line
    await make_database(folder / "bot.db")
    with unwritable(folder):  # a database there, but no room for its -wal and -shm files
        code, _, err = await peercircle_within(
            BOUND_SECONDS, "run", "--config", str(config), cwd=tmp_path
        )
    line = assert_one_line(err, str(folder))
    assert code == 2 and "writable" in line, line
    assert emulator.calls_of("getUpdates") == []


async def test_an_unwritable_database_file_is_one_line_and_exit_2(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    db = tmp_path / "bot.db"
    await make_database(db)
    config = write_config(tmp_path, emulator, db)
    with unwritable(db):
        code, _, err = await peercircle_within(
            BOUND_SECONDS, "run", "--config", str(config), cwd=tmp_path
        )
    line = assert_one_line(err, str(db))
    assert code == 2 and "writable" in line, line
    assert emulator.calls_of("getUpdates") == []


def test_the_write_check_catches_a_database_sqlite_opened_read_only(tmp_path: Path) -> None:
    """SQLite opens a file it may not write read-only without a word, and BEGIN IMMEDIATE
    succeeds on it: only a write tells (here the read-only open is asked for, as root
    cannot be refused one)."""
    db = tmp_path / "bot.db"
    with sqlite3.connect(db, timeout=30) as conn:
        conn.execute("CREATE TABLE t (x INTEGER)")
    conn.close()
    raw = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    try:
        raw.execute("BEGIN IMMEDIATE")  # the check BEGIN alone would have passed
        raw.execute("ROLLBACK")
        with pytest.raises(DatabaseFileError, match=f"{db}.*writable"):
            check_writes(raw, db)
        assert not raw.in_transaction
    finally:
        raw.close()
    writable = sqlite3.connect(db, isolation_level=None)
    try:
        check_writes(writable, db)
        names = writable.execute("SELECT name FROM sqlite_master").fetchall()
        assert names == [("t",)]  # the probe left nothing behind
    finally:
        writable.close()


async def test_the_same_database_through_a_symlink_or_hard_link_is_already_running(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    db = tmp_path / "bot.db"
    first = await start_bot(write_config(tmp_path, emulator, db), tmp_path)
    try:
        await emulator.wait_until(lambda: bool(emulator.calls_of("getUpdates")), timeout=30)
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        (elsewhere / "link.db").symlink_to(db)
        os.link(db, elsewhere / "hard.db")
        for name in ("link.db", "hard.db"):
            config = write_config(elsewhere, emulator, elsewhere / name)
            code, _, err = await peercircle_within(
                BOUND_SECONDS, "run", "--config", str(config), cwd=elsewhere
            )
            line = assert_one_line(err, str(elsewhere / name))
            assert code == 2 and "already running" in line, line
        assert first.returncode is None  # the first one is still serving
    finally:
        first.send_signal(signal.SIGTERM)
        await asyncio.wait_for(first.wait(), 15)
