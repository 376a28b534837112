"""Shared scenario steps and database probes for tests."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from bot.emulator import EmulatedUser, SentMessage
from bot.members.callbacks import KeepPseudonym
from storage.sealed import SEALED, Sealer
from tests.engines import (
    as_url,
    column_names,
    key_of,
    peek,
    peek_dicts,
    poke_many,
    sqlite_path,
    table_names,
)


async def onboard(user: EmulatedUser, zone: str = "Europe/Berlin", at: str = "20:00") -> None:
    """Take a new user through /start, consent, pseudonym, time zone and check-in time."""
    await user.ask("/start")
    await user.tap("I agree")
    offer = await user.next_message()
    assert "pseudonym" not in offer.shown_text.lower() or offer.buttons
    await user.tap("Keep")
    await user.next_message()  # the time-zone question
    await user.tap(zone_label(zone))
    await user.next_message()  # the check-in time question
    await user.tap(at)
    done = await user.next_message()
    assert "all set" in done.shown_text


async def finish_onboarding(user: EmulatedUser, zone: str, at: str = "20:00") -> None:
    """After "I agree", in any language: keep the pseudonym and type the zone and the time
    (buttons by their data, answers by text, so no label is read)."""
    offer = await user.next_message()
    await user.callback_answer(user.press_data(KeepPseudonym().pack(), offer))
    question = await user.next_message()
    user.send(zone)
    await user.emulator.wait_until(lambda: user.last_message is not question)
    user.skip_to_end()
    user.send(at)
    await user.emulator.wait_until(lambda: at in user.last_message.shown_text)
    user.skip_to_end()


def zone_label(zone: str) -> str:
    """How the zone picker's button for `zone` begins: "Europe/Berlin" reads "Berlin (10:00
    now)", "America/New_York" "New York (…)"; tapping finds the label that contains it.
    (Only "America/Sao_Paulo" is spelled otherwise: "São Paulo".)"""
    return zone.rsplit("/", 1)[-1].replace("_", " ") + " ("


def rows_holding(database: Path | str, value: int) -> list[tuple[str, str]]:
    """(table, column) pairs where any row holds `value`, across every table. `database`:
    a db_path, or the test's storage URL (either engine)."""
    found: list[tuple[str, str]] = []
    # PostgreSQL's case-insensitive (nondeterministic) collation refuses LIKE: compare bytes.
    bytewise = "" if as_url(database).startswith("sqlite:") else ' COLLATE "C"'
    for table in table_names(database):
        for column in column_names(database, table):
            text = f"CAST({column} AS TEXT){bytewise}"
            hit = peek(
                database,
                f"SELECT 1 FROM {table} WHERE {text} = ? OR {text} LIKE ? LIMIT 1",
                (str(value), f"%{value}%"),
            )
            if hit:
                found.append((table, column))
    return found


def opened(database: Path | str, table: str, column: str, value: str | None) -> str | None:
    """A value read straight from the database, opened with its key."""
    return Sealer(key_of(database)).unseal(table, column, value)


def opened_row(database: Path | str, table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row read straight from the database, `table`'s sealed columns opened."""
    sealer = Sealer(key_of(database))
    sealed = SEALED.get(table, ())
    return {k: sealer.unseal(table, k, v) if k in sealed else v for k, v in row.items()}


def opened_rows(database: Path | str, sql: str, table: str) -> list[dict[str, object]]:
    """Rows read straight from the database, `table`'s sealed columns opened."""
    sealer = Sealer(key_of(database))
    rows = peek_dicts(database, sql)
    for row in rows:
        for column, value in row.items():
            if isinstance(value, str) and value.startswith("enc1:"):
                row[column] = sealer.unseal(table, column, value)
    return rows


ROOT = Path(__file__).resolve().parents[1]


def subprocess_env() -> dict[str, str]:
    """The environment for running `python -m bot` from a test: no stray PEERCIRCLE_ vars."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERCIRCLE_")}
    env["PYTHONPATH"] = str(ROOT)
    return env


async def message_with_button(user: EmulatedUser, label: str) -> SentMessage:
    """The next message to `user` that carries a button labelled `label`."""
    message = await user.next_message()
    while message.find_button(label) is None:
        message = await user.next_message()
    return message


MYDATA_JSON, MYDATA_HTML, MYDATA_CSV = (
    "peercircle-my-data.json",
    "peercircle-my-data.html",
    "peercircle-checkins.csv",
)


async def my_data(user: EmulatedUser) -> dict[str, bytes]:
    """/mydata's three documents by file name: the JSON, the readable copy, the CSV."""
    documents = [await user.ask("/mydata"), await user.next_message(), await user.next_message()]
    found = {d.document_name or "": d.document or b"" for d in documents}
    assert set(found) == {MYDATA_JSON, MYDATA_HTML, MYDATA_CSV}, found.keys()
    return found


async def my_data_json(user: EmulatedUser) -> dict[str, Any]:
    """The complete JSON of /mydata (the other two documents are read and set aside)."""
    exported: dict[str, Any] = json.loads((await my_data(user))[MYDATA_JSON])
    return exported


async def answer_checkin(user: EmulatedUser, mood: int, confidence: int) -> None:
    """/checkin, then mood and confidence, up to the offer of a private note."""
    await user.ask("/checkin")
    await user.tap(str(mood))
    await user.emulator.wait_until(lambda: "confident" in user.last_message.shown_text)
    await user.tap(str(confidence))
    await user.emulator.wait_until(lambda: "private note" in user.last_message.shown_text)


async def peercircle(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """`python -m bot <args>` as its own process: (exit code, stdout, stderr)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=subprocess_env() | (env or {}),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def write_beside_bot(database: Path | str, sql: str, rows: list[tuple[object, ...]]) -> None:
    """Change the database while the bot runs on it, in one transaction. Call it off the
    event loop (asyncio.to_thread): the bot's transaction in flight needs the loop to
    commit, so a wait on the loop would hold up the very lock it waits for. On SQLite,
    BEGIN IMMEDIATE takes the write lock first (a deferred transaction that read first
    would be refused at once, whatever the timeout, when the bot wrote meanwhile)."""
    if isinstance(database, str) and not database.startswith("sqlite:"):
        poke_many(database, sql, rows)
        return
    conn = sqlite3.connect(sqlite_path(database), timeout=30, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(sql, rows)
        conn.execute("COMMIT")
    finally:
        conn.close()
