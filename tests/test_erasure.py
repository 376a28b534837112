"""/forget erases: what waits in the outbox, sanctions, audit rows, free pages and the log.

Scenarios drive the real bot through the emulator and then read the database file itself,
row by row and byte by byte; the upgrade tests build a database of the version before.
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.clock import ManualClock
from bot.config import CircleSettings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from bot.i18n import speaking
from bot.members.rules import FORMER_MEMBER
from bot.moderation.sanctions import id_hash
from bot.texts import moderation as moderation_texts
from storage import members as member_rows
from storage import moderation as moderation_rows
from storage.db import Database
from storage.migrations import apply_migrations
from tests.engines import REFUSED_IN_A_SESSION, OpenDb, driver_error, peek, probe
from tests.helpers import (
    my_data_json,
    onboard,
    opened_row,
    opened_rows,
    rows_holding,
)
from tests.test_account_scenario import (  # noqa: F401
    ALEX_ASK,
    ALEX_WORDS,
    ANSWER,
    CRISIS,
    NOTE,
    SETBACK_NOTE,
    everything_used,
    settings,
)
from tests.test_circles_scenario import MOD_CHAT, OPERATOR, member_in, new_circle
from tests.test_moderation_scenario import mod_message, pseudonym_of

FIRST_WORDS = "Small steps still count, you are doing fine"
SECOND_WORDS = "Sending you all strength for tonight"
BO_WORDS = "Grateful for this circle today"
# A Telegram id as they are now: past 2**32, so SQLite stores it in six bytes.
ALEX_ID = 7_412_365_902


def read(database: Path | str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    return peek(database, sql, params)


def outbox_rows(database: Path | str) -> list[dict[str, object]]:
    """Every outbox row, its payload opened with the key beside the database."""
    return opened_rows(database, "SELECT * FROM outbox ORDER BY id", "outbox")


def holding(rows: list[dict[str, object]], *needles: str) -> list[dict[str, object]]:
    """The rows any of whose values holds any of `needles`."""
    return [r for r in rows if any(n in str(v) for v in r.values() for n in needles)]


async def forget(user: EmulatedUser) -> None:
    await user.tap("Yes, delete everything", await user.ask_for("/forget", "cannot be undone"))
    await user.emulator.wait_until(lambda: "has been deleted" in user.last_message.shown_text)


async def copy_of(user: EmulatedUser, words: str) -> SentMessage:
    """The relayed message showing `words`, once `user` has it."""
    await user.emulator.wait_until(lambda: any(words in m.shown_text for m in user.messages))
    return next(m for m in user.messages if words in m.shown_text)


async def stopped_delivery(bot: PeerApplication) -> Any:
    """The outbox worker, stopped: what is queued now waits in the outbox."""
    worker = bot.bot_data.delivery
    assert worker is not None
    await worker.stop()
    return worker


async def test_forget_drops_what_waits_for_others_and_says_an_open_alert_closed(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    code = await new_circle(emulator)
    alex, bo, cy = [await member_in(emulator, code) for _ in range(3)]
    name = await pseudonym_of(alex)
    for user in (alex, bo, cy):
        user.skip_to_end()
    await bo.ask(f"/encourage {BO_WORDS}")
    bos_copy = await copy_of(alex, BO_WORDS)
    await alex.ask(f"/encourage {FIRST_WORDS}")
    alex_copy, bo_copy = await copy_of(cy, FIRST_WORDS), await copy_of(bo, FIRST_WORDS)
    [alex_key] = [
        r[0]
        for r in read(
            storage_url, "SELECT member_key FROM members WHERE user_id = ?", (alex.user_id,)
        )
    ]

    # Delivery stops: a report by Alex, a report and a thanks about Alex's words, Alex's
    # second message to the circle and their crisis alert all wait in the outbox.
    worker = await stopped_delivery(bot)
    await alex.tap("Report", bos_copy)
    await cy.tap("Report", alex_copy)
    await bo.tap("Thanks", bo_copy)
    await alex.ask(f"/encourage {SECOND_WORDS}")
    alex.send(CRISIS)
    await emulator.wait_until(lambda: "sounds really serious" in alex.last_message.shown_text)
    [alert_id] = [r[0] for r in read(storage_url, "SELECT id FROM crisis_alerts")]
    waiting = outbox_rows(storage_url)
    assert len(holding(waiting, name, SECOND_WORDS)) >= 4  # copies, a report, the alert
    assert holding(waiting, alex_key)  # Alex's own report of Bo's words

    await forget(alex)
    left = outbox_rows(storage_url)
    assert (
        holding(left, name, FIRST_WORDS, SECOND_WORDS, CRISIS, alex_key, str(alex.user_id)) == []
    )
    [notice] = [r for r in left if r["chat_id"] == MOD_CHAT and r["status"] == "pending"]
    assert notice["idempotency_key"] == f"forgotten:{alert_id}" and notice["kind"] == "alert"

    # Delivery goes on: the moderators hear only that the alert closed; nobody gets Alex's
    # words, and no report about or by Alex arrives.
    group = emulator.group(MOD_CHAT)
    seen = len(group.messages)
    worker.start()
    closed = await mod_message(emulator, f"Alert #{alert_id} is closed", after=seen)
    assert "/forget" in closed.shown_text and "Morning Walkers" in closed.shown_text
    await emulator.wait_until(
        lambda: read(storage_url, "SELECT count(*) FROM outbox WHERE status = 'pending'") == [(0,)]
    )
    for message in group.messages[seen:]:
        assert name not in message.shown_text and "Report #" not in message.shown_text
    for user in (bo, cy):
        assert not any(SECOND_WORDS in m.shown_text for m in user.messages)


async def test_ids_of_a_forgotten_members_alert_are_never_given_again(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    alex.send(CRISIS)
    old = await mod_message(emulator, "Urgent crisis alert #1")
    await forget(alex)
    bo.send(CRISIS)
    await mod_message(emulator, "Urgent crisis alert #2")
    # The old alert's button belonged to Alex's alert: it must not take Bo's.
    operator = emulator.user(OPERATOR)
    answer = await operator.tap("I'll reach out", old)
    assert answer.text == "This button has expired. Nothing was changed."
    assert read(storage_url, "SELECT id, taken_by FROM crisis_alerts") == [(2, None)]


async def test_only_a_ban_outlives_forget_and_nothing_else_comes_back(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    operator = emulator.user(OPERATOR)
    alex_name, bo_name = await pseudonym_of(alex), await pseudonym_of(bo)
    await operator.ask(f"/warn {alex_name} mind the tone")
    await operator.ask(f"/mute {alex_name} 2h spamming")
    await operator.ask(f"/warn {bo_name} be kind")
    await operator.ask(f"/ban {bo_name} harassment")
    [salt] = read(storage_url, "SELECT value FROM instance WHERE key = 'sanction_salt'")[0]
    alex_hash, bo_hash = id_hash(salt, alex.user_id), id_hash(salt, bo.user_id)
    assert len(read(storage_url, "SELECT id FROM sanctions")) == 4

    await forget(alex)
    await forget(bo)
    kept = opened_rows(
        storage_url, "SELECT id_hash, kind, pseudonym, reason FROM sanctions", "sanctions"
    )
    assert kept == [
        {"id_hash": bo_hash, "kind": "ban", "pseudonym": FORMER_MEMBER, "reason": "harassment"}
    ]

    # A warning a version before this one kept from an earlier membership: it does not
    # come back either when that person agrees anew.
    cy = emulator.user()
    cy_hash = id_hash(salt, cy.user_id)
    with probe(storage_url) as conn:
        conn.execute(
            "INSERT INTO sanctions (id_hash, kind, pseudonym, created_at) "
            "VALUES (?, 'warning', 'Old Name', '2026-01-01T00:00:00+00:00')",
            (cy_hash,),
        )
    for user in (alex, bo, cy):
        await onboard(user)
    assert read(storage_url, "SELECT id_hash FROM sanctions") == [(bo_hash,)]
    for user in (alex, cy):
        assert "Welcome to the circle" in (await user.ask(f"/start {code}")).shown_text
        assert (await my_data_json(user))["moderation"] == []
    assert "Sent to 1 member" in (await alex.ask("/encourage hello again")).shown_text
    assert "closed circles to you" in (await bo.ask(f"/start {code}")).shown_text
    assert alex_hash not in {r[0] for r in read(storage_url, "SELECT id_hash FROM sanctions")}
    # The ban is lifted by its code; the reply names nobody.
    unbanned = await operator.ask(f"/unban {bo_hash[:8]}")
    assert "a former member" in unbanned.shown_text and FORMER_MEMBER not in unbanned.shown_text


async def test_audit_rows_keep_the_action_and_lose_the_name_in_one_recorded_redaction(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    operator = emulator.user(OPERATOR)
    alex_name, bo_name = await pseudonym_of(alex), await pseudonym_of(bo)
    await operator.ask(f"/warn {alex_name} mind the tone")
    await operator.ask(f"/mute {alex_name} 1h")
    await operator.ask(f"/warn {bo_name} be kind")
    alex.send(CRISIS)
    await operator.tap("I'll reach out", await mod_message(emulator, "Urgent crisis alert"))
    await operator.ask_for(f"/promote {alex.user_id}", "is a moderator now")
    before = read(
        storage_url,
        "SELECT id, at, moderator_id, moderator_name, action FROM audit_log ORDER BY id",
    )

    await forget(alex)
    after = read(
        storage_url,
        "SELECT id, at, moderator_id, moderator_name, action FROM audit_log ORDER BY id",
    )
    assert after[: len(before)] == before  # who did what, and when, stays
    assert [row[3:] for row in after[len(before) :]] == [("peercircle", "member data erased")]
    rows = opened_rows(
        storage_url, "SELECT action, target, reason FROM audit_log ORDER BY id", "audit_log"
    )
    assert [(r["action"], r["target"], r["reason"]) for r in rows] == [
        ("newcircle", "Morning Walkers", None),
        ("warn", FORMER_MEMBER, None),
        ("mute", FORMER_MEMBER, None),
        ("warn", bo_name, "be kind"),
        ("take crisis alert", FORMER_MEMBER, None),
        ("promote", FORMER_MEMBER, None),
        ("member data erased", None, None),
    ]
    assert rows_holding(storage_url, alex.user_id) == []
    shown = (await operator.ask("/audit 10")).shown_text
    assert "peercircle · member data erased" in shown
    assert "· warn · a former member\n" in shown and f"warn · {bo_name} · be kind" in shown
    assert alex_name not in shown and "mind the tone" not in shown
    with speaking("de"):
        assert moderation_texts.shown_name(FORMER_MEMBER) == "ein ehemaliges Mitglied"


async def test_the_audit_log_allows_only_the_redaction(open_db: OpenDb) -> None:
    db = await open_db()
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    async with db.transaction() as session:
        await moderation_rows.audit(
            session,
            moderator_id=1,
            moderator_name="Mo",
            action="warn",
            target="Quiet Otter",
            reason="be kind",
            now=now,
        )
    refused = (
        "UPDATE audit_log SET target = 'Someone Else', reason = NULL",
        f"UPDATE audit_log SET target = '{FORMER_MEMBER}'",  # the reason must go too
        "UPDATE audit_log SET reason = NULL",  # the name must go too
        f"UPDATE audit_log SET target = '{FORMER_MEMBER}', reason = NULL, action = 'x'",
        f"UPDATE audit_log SET target = '{FORMER_MEMBER}', reason = NULL, moderator_name = 'x'",
        "DELETE FROM audit_log",
    )
    for statement in refused:
        with pytest.raises(REFUSED_IN_A_SESSION) as refusal:
            async with db.transaction() as session:
                await session.execute(statement)
        assert "append-only" in str(driver_error(refusal.value)), statement
    async with db.transaction() as session:
        assert await member_rows.unname_audit_rows(session, [1], FORMER_MEMBER) == 1
    async with db.read() as session:
        row = await session.fetch_one(
            "SELECT moderator_name, action, target, reason FROM audit_log"
        )
    assert row is not None and tuple(row) == ("Mo", "warn", FORMER_MEMBER, None)
    await db.close()


async def test_every_connection_zeroes_deleted_content_and_the_log_can_be_truncated(
    tmp_path: Path,
) -> None:
    path = tmp_path / "wal.db"
    db = await Database.open(path)
    async with db.read() as session:
        row = await session.fetch_one("PRAGMA secure_delete")
    assert row is not None and row[0] == 1
    async with db.transaction() as session:
        await session.execute("INSERT INTO instance (key, value) VALUES ('x', 'Quiet Otter')")
    assert path.with_name("wal.db-wal").stat().st_size > 0
    assert await db.checkpoint()
    assert path.with_name("wal.db-wal").stat().st_size == 0
    await db.close()


# -- the upgrade ---------------------------------------------------------------------------


def old_rows(conn: sqlite3.Connection) -> None:
    """A database of version 14 with what a week of use leaves: two members (101, 102), a
    member forgotten then (103), thanks and reports under Telegram ids, a relay copy of the
    forgotten member's words still waiting."""
    at = "2026-03-01T09:00:00+00:00"
    for user_id, name in ((101, "Calm Otter"), (102, "Bright Heron")):
        conn.execute(
            "INSERT INTO members (user_id, pseudonym, timezone, checkin_time, consent_at, "
            "consent_version, created_at) VALUES (?, ?, 'UTC', '20:00', ?, 1, ?)",
            (user_id, name, at, at),
        )
    conn.execute(
        "INSERT INTO circles (id, name, invite_code, max_members, created_at) "
        "VALUES (1, 'Morning Walkers', 'abc', 8, ?)",
        (at,),
    )
    for relay_id, author in ((1, 101), (2, 102)):
        conn.execute(
            "INSERT INTO relays (id, circle_id, author_id, kind, pseudonym, text, status, "
            "created_at) VALUES (?, 1, ?, 'encourage', 'x', 'hello', 'sent', ?)",
            (relay_id, author, at),
        )
    conn.execute("INSERT INTO relay_thanks (relay_id, user_id) VALUES (1, 102)")
    conn.execute(
        "INSERT INTO reports (relay_id, reporter_id, created_at) VALUES (2, 101, ?)", (at,)
    )
    payload = json.dumps({"text": "words"})
    for key, chat, user, status in (
        ("thanks:1:102", 101, 101, "pending"),
        ("report:2:101", MOD_CHAT, None, "sent"),
        ("report:1:103", MOD_CHAT, None, "sent"),  # by the member forgotten meanwhile
        ("relay:3:102", 102, 102, "pending"),  # relay 3 went with the forgotten member
        ("alert:9", MOD_CHAT, None, "pending"),  # so did alert 9
        ("checkin:101:2026-03-01", 101, 101, "sent"),
    ):
        conn.execute(
            "INSERT INTO outbox (idempotency_key, chat_id, user_id, kind, payload, not_before, "
            "status, created_at) VALUES (?, ?, ?, 'x', ?, ?, ?, ?)",
            (key, chat, user, payload, at, status, at),
        )


async def version_14(path: Path, fill: Any) -> None:
    """A database as version 14 left it, `fill` writing its rows as that version's SQLite
    may have (secure_delete is off in builds without SQLITE_SECURE_DELETE)."""
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        await apply_migrations(conn, up_to=14)
    finally:
        await conn.close()
    raw = sqlite3.connect(path, timeout=30)
    try:
        raw.execute("PRAGMA foreign_keys=ON")
        raw.execute("PRAGMA secure_delete=OFF")
        with raw:
            fill(raw)
    finally:
        raw.close()


async def test_the_upgrade_names_members_by_key_and_sends_nothing_again(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    await version_14(path, old_rows)
    db = await Database.open(path)
    async with db.read() as session:
        keys = dict(
            tuple(r) for r in await session.fetch_all("SELECT user_id, member_key FROM members")
        )
        rows = await session.fetch_all(
            "SELECT id, idempotency_key, status FROM outbox ORDER BY id"
        )
    assert len(set(keys.values())) == 2 and all(len(str(k)) == 16 for k in keys.values())
    assert [(r["idempotency_key"], r["status"]) for r in rows] == [
        (f"thanks:1:{keys[102]}", "pending"),
        (f"report:2:{keys[101]}", "sent"),
        (f"report:1:gone{rows[2]['id']}", "sent"),
        ("checkin:101:2026-03-01", "sent"),
    ]
    # Pressing Thanks or Report again queues nothing: the rows say it was done already.
    from bot.circles.service import CircleService

    clock = ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
    circles = CircleService(db, clock, random.Random(1), CircleSettings(), MOD_CHAT, lambda: None)
    assert not (await circles.thank(102, 1)).first
    assert await circles.report(101, 2, MOD_CHAT)
    async with db.transaction() as session:
        assert len(await session.fetch_all("SELECT id FROM outbox")) == 4
        # Members who agree from now on get a key of their own.
        await session.execute(
            "INSERT INTO members (user_id, pseudonym, timezone, checkin_time, consent_at, "
            "consent_version, created_at) VALUES (104, 'New Wren', 'UTC', '20:00', 'x', 1, 'x')"
        )
        added = await member_rows.key_of(session, 104)
    assert added is not None and added not in keys.values()
    await db.close()


async def test_the_upgrade_wipes_what_earlier_deletes_left_in_free_pages(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    gone = "Zyxwvut Quokka"

    def a_member_forgotten_before(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO members (user_id, pseudonym, timezone, checkin_time, consent_at, "
            "consent_version, created_at) VALUES (5, ?, 'UTC', '20:00', 'x', 1, 'x')",
            (gone,),
        )
        conn.execute("DELETE FROM members WHERE user_id = 5")

    await version_14(path, a_member_forgotten_before)
    assert gone.encode() in path.read_bytes()  # the old version left it in a free cell
    db = await Database.open(path)
    await db.close()
    assert gone.encode() not in path.read_bytes()


# -- byte by byte ----------------------------------------------------------------------------


def encodings(number: int) -> list[bytes]:
    """How SQLite may hold an integer: as decimal text, in a record (big-endian in the
    fewest of 1, 2, 3, 4, 6 or 8 bytes), as a b-tree key (a varint), and the 8-byte forms."""
    size = next(n for n in (1, 2, 3, 4, 6, 8) if number < 1 << (8 * n - 1))
    return [
        str(number).encode(),
        number.to_bytes(size, "big"),
        number.to_bytes(8, "big"),
        number.to_bytes(8, "little"),
        varint(number),
    ]


def varint(number: int) -> bytes:
    """SQLite's varint: big-endian groups of 7 bits, the high bit set on all but the last."""
    groups = [number & 0x7F]
    number >>= 7
    while number:
        groups.append((number & 0x7F) | 0x80)
        number >>= 7
    return bytes(reversed(groups))


def files(db_path: Path) -> bytes:
    """The database file and its write-ahead log, as bytes."""
    wal = db_path.with_name(db_path.name + "-wal")
    return db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def stored_values(db_path: Path, user_id: int, names: set[str], texts: set[str]) -> set[str]:
    """Every text value, as stored (sealed values sealed), of every row in any table that
    holds the member's id, one of their names or one of their texts (once opened)."""
    found: set[str] = set()
    with sqlite3.connect(db_path, timeout=30) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        for stored in [dict(r) for r in read_dicts(db_path, f"SELECT * FROM {table}")]:
            shown = opened_row(db_path, table, stored)
            values = [str(v) for v in shown.values()]
            if user_id in shown.values() or any(n in v for v in values for n in names | texts):
                found |= {v for v in stored.values() if _theirs(v, user_id, names | texts)}
    return found


def _theirs(value: object, user_id: int, needles: set[str]) -> bool:
    """A sealed value of such a row, or a plain one holding their id, a name or a text (a
    circle's name or a moment in such a row is not theirs)."""
    if not isinstance(value, str):
        return False
    return value.startswith("enc1:") or any(n in value for n in {str(user_id), *needles})


def read_dicts(db_path: Path, sql: str) -> list[sqlite3.Row]:
    with sqlite3.connect(db_path, timeout=30) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql).fetchall()


async def test_a_forgotten_member_leaves_no_byte_in_the_database_or_its_log(
    emulator: BotApiEmulator, bot: PeerApplication, db_path: Path
) -> None:
    alex, _ = await everything_used(emulator, ALEX_ID)
    [(name, key)] = read(
        db_path, "SELECT pseudonym, member_key FROM members WHERE user_id = ?", (ALEX_ID,)
    )
    texts = {
        NOTE,
        SETBACK_NOTE,
        ALEX_WORDS,
        ALEX_ASK,
        CRISIS,
        ANSWER,
        "for my kids",
        "mind the tone",
    }
    texts |= {"not sleeping, skipping meals", "racing thoughts", "my kids"}
    stored = await asyncio.to_thread(stored_values, db_path, ALEX_ID, {name, key}, texts)
    sealed = {v for v in stored if v.startswith("enc1:")}
    before = files(db_path)
    # The scenario bites: the name, the id and sealed words are all in the files now.
    assert name.encode() in before and all(e in before for e in encodings(ALEX_ID)[:2])
    assert len(sealed) >= 20 and all(v.encode() in before for v in sealed)

    await forget(alex)
    after = files(db_path)
    for needle in [*encodings(ALEX_ID), name.encode(), key.encode()]:
        assert needle not in after, needle
    for text in texts:
        assert text.encode() not in after, text
    leftovers = [v for v in stored if v.encode() in after]
    assert leftovers == [], leftovers
    assert rows_holding(db_path, ALEX_ID) == []
