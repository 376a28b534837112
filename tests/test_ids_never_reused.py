"""Ids carried in buttons are never handed out again (issue 20, §3 and §6): after /forget
deletes the newest relay, goal or questionnaire sitting, the next one gets a new id, so an
old button in someone's chat cannot act on another member's message."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from bot.config import CircleSettings, ModerationSettings, Settings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator
from storage import circles as circle_rows
from storage import goals as goal_rows
from storage import outcomes as outcome_rows
from storage.db import Database, Session
from storage.migrations import apply_migrations, load_migrations
from tests.conftest import make_settings
from tests.engines import OpenDb
from tests.test_account_scenario import settled
from tests.test_circles_scenario import MOD_CHAT, OPERATOR, member_in, new_circle
from tests.test_erasure import copy_of, forget
from tests.test_moderation_scenario import mod_message, table
from tests.test_trust_scenario import EXPIRED, answered, relay_id

IDS = next(m.version for m in load_migrations() if m.name.endswith("_ids_never_reused.sql"))


@pytest.fixture
def settings(emulator: BotApiEmulator, storage_url: str, storage_key: bytes | None) -> Settings:
    emulator.group(MOD_CHAT, "Moderators")
    return make_settings(
        emulator,
        storage_url,
        storage_key,
        moderation=ModerationSettings(operators=[OPERATOR], moderator_chat_id=MOD_CHAT),
        circles=CircleSettings(max_members=6, relays_per_hour=20),
    )


async def test_an_old_thanks_or_report_button_expires_after_its_author_forgets(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    code = await new_circle(emulator)
    alex = await member_in(emulator, code)
    bo = await member_in(emulator, code)
    cy = await member_in(emulator, code)
    alex.skip_to_end()
    await alex.ask("/encourage One step at a time, you are doing fine")
    old_copy = await copy_of(cy, "One step at a time")
    old = relay_id(old_copy)
    await forget(alex)  # alex's relay was the newest row: it goes with them

    bo.skip_to_end()
    await bo.ask("/encourage Drink some water and rest tonight")
    new = relay_id(await copy_of(cy, "Drink some water"))

    cy.skip_to_end()
    for label in ("Thanks", "Report"):  # on alex's message, still in cy's chat
        assert (await cy.callback_answer(cy.press(label, old_copy))).text == EXPIRED, label
    await settled(bo)
    assert not any("thanked you" in m.shown_text for m in bo.messages)
    assert table(storage_url, "SELECT count(*) FROM relay_thanks") == [(0,)]
    assert table(storage_url, "SELECT count(*) FROM reports") == [(0,)]
    assert new != old, "a relay id was handed out again"
    # The new relay's own buttons still work for who received it.
    assert "Thanks sent" in (await answered(cy, f"rl:t:{new}") or "")


async def test_a_reply_begun_on_a_forgotten_members_message_never_reaches_another(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex = await member_in(emulator, code)
    bo = await member_in(emulator, code)
    cy = await member_in(emulator, code)
    alex.skip_to_end()
    await alex.ask("/ask How do you get through the evenings?")
    asked = await copy_of(cy, "get through the evenings")
    await cy.tap("Send encouragement", asked)  # cy's next text goes to alex only
    await forget(alex)
    bo.skip_to_end()
    await bo.ask("/encourage Small steps still count")
    await copy_of(cy, "Small steps still count")

    cy.skip_to_end()
    answer = await cy.ask("Call someone you trust, it helps me")
    assert "has left the circle" in answer.shown_text, answer.shown_text
    await settled(bo)
    assert not any("Call someone you trust" in m.shown_text for m in bo.messages)


# -- storage: the next id is past every id ever deleted ----------------------------------------

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def _member(session: Session, user_id: int) -> None:
    await session.execute(
        "INSERT INTO members (user_id, pseudonym, timezone, checkin_time, consent_at, "
        "consent_version, created_at) VALUES (?, ?, 'UTC', '20:00', ?, 1, ?)",
        (user_id, f"Member {user_id}", NOW.isoformat(), NOW.isoformat()),
    )


async def _relay(session: Session, author: int) -> int:
    return await circle_rows.add_relay(
        session,
        circle_id=1,
        author_id=author,
        kind="encourage",
        pseudonym=f"Member {author}",
        text="hold on",
        status="sent",
        now=NOW,
    )


async def _goal(session: Session, user_id: int) -> int:
    return await goal_rows.create_draft(session, user_id, "Walk", "daily", "09:00", NOW)


async def _sitting(session: Session, user_id: int) -> int:
    return await outcome_rows.start_response(
        session,
        user_id=user_id,
        questionnaire="who5",
        version=1,
        language="en",
        now=NOW,
        day=NOW.date(),
    )


NEW_ROW: dict[str, Callable[[Session, int], Awaitable[int]]] = {
    "relays": _relay,
    "goals": _goal,
    "outcome_responses": _sitting,
}


@pytest.mark.parametrize("table", sorted(NEW_ROW))
async def test_no_id_is_handed_out_twice_whatever_deletes_the_newest_row(
    table: str, open_db: OpenDb
) -> None:
    db = await open_db()
    try:
        new_row = NEW_ROW[table]
        async with db.transaction() as session:
            for user_id in (1, 2):
                await _member(session, user_id)
            await session.execute(
                "INSERT INTO circles (id, name, invite_code, max_members, created_at) "
                "VALUES (1, 'Walkers', 'code-aaaaaaaa', 8, ?)",
                (NOW.isoformat(),),
            )
            kept = await new_row(session, 1)
            newest = await new_row(session, 2)
        given = {kept, newest}
        # Deleted on its own (a discarded draft, answers deleted), then with the member who
        # owned it (/forget: the foreign keys cascade).
        async with db.transaction() as session:
            await session.execute(f"DELETE FROM {table} WHERE id = ?", (newest,))
            newest = await new_row(session, 1)
        assert newest > max(given)
        given.add(newest)
        async with db.transaction() as session:
            await session.execute("DELETE FROM members WHERE user_id = 1")
            await _member(session, 1)
            newest = await new_row(session, 1)
        assert newest > max(given)
    finally:
        await db.close()


async def test_on_an_older_database_ids_already_given_are_never_given_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        await apply_migrations(conn, up_to=IDS - 1)
        with sqlite3.connect(path, timeout=30) as raw:
            raw.execute("PRAGMA foreign_keys = ON")
            raw.executemany(
                "INSERT INTO members (user_id, pseudonym, timezone, checkin_time, consent_at, "
                "consent_version, created_at) VALUES (?, ?, 'UTC', '20:00', ?, 1, ?)",
                [(n, f"Member {n}", NOW.isoformat(), NOW.isoformat()) for n in (1, 2)],
            )
            raw.execute(
                "INSERT INTO circles (id, name, invite_code, max_members, created_at) "
                "VALUES (1, 'Walkers', 'code-aaaaaaaa', 8, ?)",
                (NOW.isoformat(),),
            )
            raw.executemany(
                "INSERT INTO relays (id, circle_id, author_id, kind, pseudonym, text, status, "
                "created_at) VALUES (?, 1, ?, 'encourage', 'x', 'words', 'sent', ?)",
                [(5, 1, NOW.isoformat()), (9, 2, NOW.isoformat())],
            )
        assert await apply_migrations(conn, up_to=IDS) == [IDS]
    finally:
        await conn.close()
    db = await Database.open(path)
    try:
        async with db.transaction() as session:
            await session.execute("DELETE FROM members WHERE user_id = 2")  # relay 9 goes
            assert await _relay(session, 1) == 10
    finally:
        await db.close()


async def test_only_a_member_a_message_reached_can_answer_it(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex = await member_in(emulator, code)
    bo = await member_in(emulator, code)
    alex.skip_to_end()
    await alex.ask("/ask Any tips for a long weekend?")
    asked = relay_id(await copy_of(bo, "long weekend"))
    late = await member_in(emulator, code)  # joined after it was sent: it never reached them
    await answered(late, f"rl:h:{asked}")
    await emulator.wait_until(lambda: "Write your encouragement" in late.last_message.shown_text)
    late.skip_to_end()
    answer = await late.ask("Plan one nice thing each day")
    assert "has left the circle" in answer.shown_text, answer.shown_text
    await settled(alex)
    assert not any("Plan one nice thing" in m.shown_text for m in alex.messages)


async def test_an_old_approve_button_never_passes_another_members_held_message(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    code = await new_circle(emulator)
    alex = await member_in(emulator, code)
    bo = await member_in(emulator, code)
    cy = await member_in(emulator, code)
    operator = emulator.user(OPERATOR)
    assert "pre-moderated" in (await operator.ask("/circlemode Morning Walkers pre")).shown_text
    await alex.ask("/encourage Held for a moderator, from alex")
    review = await mod_message(emulator, "from alex")
    await forget(alex)  # the held message goes with them: its review stays in the chat
    await bo.ask("/encourage Held for a moderator, from bo")
    await mod_message(emulator, "from bo")

    answer = await operator.callback_answer(operator.press("Approve", review))
    assert answer.text == EXPIRED
    assert table(storage_url, "SELECT status FROM relays") == [("held",)]
    await settled(cy)
    assert not any("from bo" in m.shown_text for m in cy.messages)
