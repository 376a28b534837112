"""Key rotation as an operator runs it: while the bot runs and a member writes notes, and
killed half-way then run again."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path

from bot.emulator import BotApiEmulator
from storage.db import Database
from storage.sealed import (
    ROTATION,
    ROTATION_PROGRESS,
    Sealer,
    SealError,
    default_key_file,
    read_key_file,
)
from tests.helpers import my_data_json, onboard, peercircle, subprocess_env
from tests.reliability.test_fanout_kill import start_bot
from tests.test_checkin_scenario import check_in
from tests.test_key_rotation import assert_all_open_with, instance, sealed_values, seed


def write_config(tmp_path: Path, emulator: BotApiEmulator) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[telegram]\ntoken = "{emulator.token}"\napi_base_url = "{emulator.base_url}"\n'
        f'poll_timeout = 1\n[storage]\npath = "{tmp_path / "bot.db"}"\n'
        "[scheduler]\nsweep_interval_seconds = 0.2\n",
        encoding="utf-8",
    )
    return config


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)


def _stop(pid: int) -> None:
    """SIGSTOP `pid` and return once every thread of it has stopped (within microseconds)."""
    os.kill(pid, signal.SIGSTOP)
    deadline = time.monotonic() + 5
    tasks = list(Path(f"/proc/{pid}/task").iterdir())
    while any((t / "stat").read_text().rsplit(") ", 1)[1][0] != "T" for t in tasks):
        assert time.monotonic() < deadline, "the rotation did not stop"
        time.sleep(0.0005)


def _write_lock_free(path: Path) -> bool:
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:  # "database is locked"
        return False
    finally:
        conn.close()


async def pause_between_transactions(process: asyncio.subprocess.Process, path: Path) -> None:
    """Stop `process` (SIGSTOP) where it holds no write lock on the database at `path`:
    stopped inside a transaction, it would keep the bot waiting past its busy timeout."""
    while True:
        _stop(process.pid)
        if _write_lock_free(path):
            return
        process.send_signal(signal.SIGCONT)
        await asyncio.sleep(0.005)  # let it finish that transaction


async def first_batch_written(path: Path) -> None:
    """Wait for the rotation's first recorded progress, looking every 20 ms (the emulator's
    wait would look only when the bot next calls it)."""
    for _ in range(1500):
        if instance(path, ROTATION_PROGRESS) is not None:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the rotation never got going")


async def test_rotate_while_the_bot_runs_and_a_member_writes_notes(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    config = write_config(tmp_path, emulator)
    code, _, err = await peercircle("migrate", "--config", str(config), cwd=tmp_path)
    assert code == 0, err
    path, key_file = tmp_path / "bot.db", default_key_file(tmp_path / "bot.db")
    old = read_key_file(key_file)
    seed(path, Sealer(old), members=300, days=20)  # 6,000 notes: some hundred batches
    bot = await start_bot(config, tmp_path)
    try:
        await emulator.wait_until(lambda: bool(emulator.calls_of("getUpdates")), timeout=30)
        user = emulator.user()
        await onboard(user)
        rotating = asyncio.Event()
        notes: list[str] = []  # each written and answered

        async def write_notes() -> None:
            while not rotating.is_set() or len(notes) < 3:
                note = f"Walked to the bakery, round {len(notes) + 1}"
                reply = await check_in(user, 4, 6, note=note)
                assert "Today: mood 4" in reply.shown_text
                notes.append(note)

        writer = asyncio.create_task(write_notes())
        new_file = tmp_path / "new.key"
        rotate = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "rotate-key",
            "--config",
            str(config),
            "--new-key-file",
            str(new_file),
            "--batch-size",
            "20",
            cwd=tmp_path,
            env=subprocess_env(),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        rotation = asyncio.create_task(rotate.communicate())
        await first_batch_written(path)
        # Half-way, held between two batches (the member's note would race a rotation that
        # takes a second or two): a note written now is written while it runs.
        await pause_between_transactions(rotate, path)
        try:
            assert instance(path, ROTATION) is not None  # not finished
            written_before = len(notes)
            await emulator.wait_until(lambda: len(notes) > written_before, 30)
        finally:
            rotate.send_signal(signal.SIGCONT)
        out, err = (text.decode() for text in await asyncio.wait_for(rotation, 60))
        rotating.set()
        await writer
        assert rotate.returncode == 0, out + err
        assert "waiting for the running bot to take up the new key" in out
    finally:
        await stop(bot)

    new = read_key_file(new_file)
    # (the seeded outbox row was pruned: it was sent long ago)
    assert assert_all_open_with(path, new, not_with=old, every_table=False) > 6000
    with sqlite3.connect(path, timeout=30) as conn:
        (stored,) = conn.execute(
            "SELECT note FROM checkins WHERE user_id = ?", (user.user_id,)
        ).fetchone()
    conn.close()
    assert Sealer(new).unseal("checkins", "note", stored) == notes[-1]

    # The old key no longer opens the database; the operator swaps the key file, restarts.
    code, _, err = await peercircle("migrate", "--config", str(config), cwd=tmp_path)
    assert code == 2 and "does not open this database" in err, err
    new_file.replace(key_file)
    polled = len(emulator.calls_of("getUpdates"))
    bot = await start_bot(config, tmp_path)
    try:
        await emulator.wait_until(lambda: len(emulator.calls_of("getUpdates")) > polled, 30)
        user.skip_to_end()
        exported = await my_data_json(user)
        assert exported["checkins"][-1]["note"] == notes[-1]
    finally:
        await stop(bot)


async def test_a_rotation_killed_half_way_resumes_and_finishes(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\npath = "{tmp_path / "bot.db"}"\n', encoding="utf-8")
    path = tmp_path / "bot.db"
    db = await Database.open(path)
    await db.close()
    old = read_key_file(default_key_file(path))
    seed(path, Sealer(old), members=500, days=40)
    new_file = tmp_path / "new.key"
    args = ("rotate-key", "--config", str(config), "--new-key-file", str(new_file))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        "--batch-size",
        "3",
        cwd=tmp_path,
        env=subprocess_env(),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )

    def half_way() -> bool:
        progress = json.loads(instance(path, ROTATION_PROGRESS) or "{}")
        return progress.get("table") == "checkins" and progress.get("after") is not None

    try:
        for _ in range(600):
            if half_way() or process.returncode is not None:
                break
            await asyncio.sleep(0.05)
        assert half_way(), "the rotation never got going"
    finally:
        process.kill()
        _, err = await process.communicate()
    new = read_key_file(new_file)
    used = set()
    for table, column, value in sealed_values(path):
        try:
            Sealer(new).unseal(table, column, value)
            used.add("new")
        except SealError:
            Sealer(old).unseal(table, column, value)  # every value opens with one of them
            used.add("old")
    assert used == {"old", "new"}, err

    code, out, err = await peercircle(*args, cwd=tmp_path)
    assert code == 0, err
    assert "resuming the key rotation" in out
    assert assert_all_open_with(path, new, not_with=old) == 500 * 40 + 15
