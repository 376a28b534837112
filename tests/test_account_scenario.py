"""/mydata against every table that holds a member, its readable copy and CSV, /forget's
offer, /help's groups and the moderators' command menus, at the emulator."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections import deque
from typing import Any

import pytest

from bot.config import CircleSettings, ModerationSettings, Settings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from bot.moderation.sanctions import id_hash
from bot.texts import alerts as alert_texts
from bot.texts import commands as command_texts
from tests.conftest import make_settings
from tests.engines import column_names, foreign_keys, probe, table_names
from tests.helpers import (
    MYDATA_CSV,
    MYDATA_HTML,
    MYDATA_JSON,
    message_with_button,
    my_data,
    onboard,
    opened_row,
    rows_holding,
)
from tests.test_checkin_scenario import check_in
from tests.test_circles_scenario import MOD_CHAT, OPERATOR, member_in, new_circle
from tests.test_goals_scenario import new_habit
from tests.test_moderation_scenario import mod_message

# Every table that holds a member's data, and where /mydata's JSON holds it ("a/b": the
# items under b in each item under a). Add a table here when it is added to /mydata.
EXPORTED = {
    "members": ("member",),
    "checkins": ("checkins",),
    "member_weeks": ("checkin_summaries/weeks",),
    "member_spans": ("checkin_summaries/span",),
    "goals": ("goals",),
    "goal_entries": ("goals/answers",),
    "journeys": ("journeys",),
    "safety_plans": ("safety_plan", "safety_plan_draft"),
    "circle_members": ("circle",),
    "relays": ("messages_to_circle",),
    "relay_thanks": ("thanks_given",),
    "reports": ("reports_filed",),
    "crisis_alerts": ("crisis_alerts",),
    "sanctions": ("moderation",),
    "moderators": ("moderator",),
    "outcome_members": ("questionnaires/choice",),
    "outcome_schedule": ("questionnaires/schedule",),
    "outcome_responses": ("questionnaires/answers",),
    "member_pseudonyms": ("pseudonyms",),
    "audit_log": ("moderator_actions",),
}
# Tables that hold a member's id or name but are left out of /mydata on purpose. Keep this
# short.
EXCLUDED = {
    # Messages queued for the member: copies of what their chat already shows, other
    # members' words among them; delivery bookkeeping that /forget clears. Of the rows for
    # others that hold their name, their answers to a moderator are in /mydata
    # (answers_to_moderators, checked below); the rest repeat relays, alerts and reports.
    "outbox",
    # Which relays were sent to the member (whom Thanks and Report are open to): other
    # members' messages, which /mydata never holds; /forget clears it.
    "relay_recipients",
}
# Columns of exported tables whose values stay out, and why.
EXCLUDED_COLUMNS = {
    # Members meet moderators only as "Moderator": not which one took or closed an alert.
    ("crisis_alerts", "taken_by"),
    ("crisis_alerts", "taken_by_name"),
    ("crisis_alerts", "resolved_by_name"),
    # Which operator promoted the member.
    ("moderators", "added_by"),
    # Which moderator acted on the member.
    ("audit_log", "moderator_id"),
    ("audit_log", "moderator_name"),
    # Which of the two rows this is: the JSON's two keys say it.
    ("safety_plans", "draft"),
}


@pytest.fixture
def settings(emulator: BotApiEmulator, storage_url: str, storage_key: bytes | None) -> Settings:
    """A circle of at most 4, an operator who has talked to the bot, a moderators' chat."""
    emulator.group(MOD_CHAT, "Moderators")
    emulator.user(OPERATOR)
    return make_settings(
        emulator,
        storage_url,
        storage_key,
        moderation=ModerationSettings(operators=[OPERATOR], moderator_chat_id=MOD_CHAT),
        circles=CircleSettings(max_members=4, relays_per_hour=3),
    )


NOTE = "Walked by the sea with Mia <3"
SETBACK_NOTE = "a hard evening after the party"
ALEX_WORDS = "You've got this, one day at a time"
ALEX_ASK = "Any tips for a calm evening?"
BO_WORDS = "Thank you all, this circle keeps me going"
BO_REPORTED = "Bo's second message, reported"
CRISIS = "i dont want to be here anymore, i want to kill myself"
ANSWER = "A bit calmer now, thank you for asking"


def path_to_members(database: str, table: str) -> list[tuple[str, str, str]] | None:
    """The shortest chain of foreign keys from `table` to members, or None."""
    queue: deque[tuple[str, list[tuple[str, str, str]]]] = deque([(table, [])])
    seen = {table}
    while queue:
        current, path = queue.popleft()
        if current == "members":
            return path
        for column, parent, parent_column in foreign_keys(database, current):
            if parent not in seen:
                seen.add(parent)
                queue.append((parent, [*path, (column, parent, parent_column)]))
    return None


def names(row: dict[str, Any], user_id: int, pseudonyms: set[str], alerts: set[str]) -> bool:
    """Whether a row holds the member's id, one of their pseudonyms, or is about one of their
    crisis alerts ("alert 12"), in any of its (opened) values."""
    for value in row.values():
        text = str(value)
        if value == user_id or re.search(rf"(?<!\d){user_id}(?!\d)", text):
            return True
        if text in alerts or any(pseudonym in text for pseudonym in pseudonyms):
            return True
    return False


def known_as(storage_url: str, user_id: int) -> tuple[set[str], set[str]]:
    """The member's pseudonyms and their crisis alerts as the audit log names them."""
    with probe(storage_url) as conn:
        pseudonyms = {
            r[0]
            for r in conn.execute(
                "SELECT pseudonym FROM members WHERE user_id = ? "
                "UNION SELECT pseudonym FROM relays WHERE author_id = ?",
                (user_id, user_id),
            )
        }
        alert_ids = [
            r[0]
            for r in conn.execute("SELECT id FROM crisis_alerts WHERE user_id = ?", (user_id,))
        ]
    return pseudonyms, {alert_texts.audit_alert(alert_id) for alert_id in alert_ids}


def member_data(storage_url: str, user_id: int, hashed: str) -> dict[str, list[dict[str, Any]]]:
    """Per table that can hold a member's data, the member's rows.

    A table holds member data when its foreign keys lead to members, when it has a user_id
    or id_hash column, or when any of its values holds the member's id (rows_holding) or
    one of their pseudonyms (the rows that do, then).
    """
    holding = {table for table, _ in rows_holding(storage_url, user_id)}
    pseudonyms, alerts = known_as(storage_url, user_id)
    found: dict[str, list[dict[str, Any]]] = {}
    with probe(storage_url) as conn:
        conn.row_factory = sqlite3.Row
        for table in table_names(storage_url):
            columns = set(column_names(storage_url, table))
            path = path_to_members(storage_url, table)
            if path is not None:
                joins, alias = [], "t0"
                for n, (column, parent, parent_column) in enumerate(path, start=1):
                    joins.append(f"JOIN {parent} t{n} ON t{n}.{parent_column} = {alias}.{column}")
                    alias = f"t{n}"
                sql = f"SELECT t0.* FROM {table} t0 {' '.join(joins)} WHERE {alias}.user_id = ?"
                rows = conn.execute(sql, (user_id,))
                found[table] = [opened_row(storage_url, table, dict(r)) for r in rows]
            elif "user_id" in columns:
                sql = f"SELECT * FROM {table} WHERE user_id = ?"
                rows = conn.execute(sql, (user_id,))
                found[table] = [opened_row(storage_url, table, dict(r)) for r in rows]
            elif "id_hash" in columns:
                sql = f"SELECT * FROM {table} WHERE id_hash = ?"
                rows = conn.execute(sql, (hashed,))
                found[table] = [opened_row(storage_url, table, dict(r)) for r in rows]
            else:
                rows = [
                    opened_row(storage_url, table, dict(r))
                    for r in conn.execute(f"SELECT * FROM {table}")
                ]
                named = [row for row in rows if names(row, user_id, pseudonyms, alerts)]
                if named:
                    found[table] = named
                elif table in holding:
                    found[table] = [{"(found by value)": user_id}]
    return found


def key_columns(storage_url: str, table: str) -> set[str]:
    """Row ids, foreign keys and the member's own id: links between rows, not data."""
    keys = {column for column, _, _ in foreign_keys(storage_url, table)}
    keys |= {column for column in column_names(storage_url, table) if column == "id"}
    return keys | {"user_id"}


def items_at(export: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """The items under `path` ("goals/answers"), lists flattened, None left out."""
    found: list[Any] = [export]
    for key in path.split("/"):
        found = [item[key] for item in found]
        found = [x for item in found for x in (item if isinstance(item, list) else [item])]
    return [item for item in found if item is not None]


def leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in leaves(v)]
    return [value]


async def said(user: EmulatedUser, text: str) -> SentMessage:
    """The newest message to `user` showing `text`, once there is one."""
    await user.emulator.wait_until(lambda: any(text in m.shown_text for m in user.messages))
    return next(m for m in reversed(user.messages) if text in m.shown_text)


async def settled(user: EmulatedUser) -> None:
    """Wait until everything the user sent so far has been handled: a member's updates are
    handled in order, so the answer to a /help sent now comes after all of them."""

    def helps() -> int:
        return sum("Urgent help" in m.shown_text for m in user.messages)

    before = helps()
    user.send("/help")
    await user.emulator.wait_until(lambda: helps() > before)


async def pseudonym(user: EmulatedUser) -> str:
    user.send("/circle")
    found = re.search(r"You are (.+) here\.$", (await said(user, "Your circle: ")).shown_text)
    assert found is not None
    return found.group(1)


async def everything_used(
    emulator: BotApiEmulator, alex_id: int | None = None
) -> tuple[EmulatedUser, EmulatedUser]:
    """Alex (with `alex_id` as Telegram id, if given) uses every feature (Bo shares the
    circle); returns (alex, bo)."""
    code = await new_circle(emulator)
    alex = emulator.user(alex_id)
    await onboard(alex)
    assert "Welcome to the circle" in (await alex.ask(f"/start {code}")).shown_text
    bo = await member_in(emulator, code)
    operator = emulator.user(OPERATOR)
    await check_in(alex, 4, 7, note=NOTE)
    await new_habit(alex, why="for my kids")
    alex.send("/done 1")
    alex.send("/journey 2026-01-10")  # day 51: no milestone today
    await alex.tap("Keep them private", await said(alex, "hear about them"))
    alex.send("/setback")
    await said(alex, "about what happened")  # the offer of a private note
    alex.send(SETBACK_NOTE)
    await said(alex, "Be gentle with yourself")

    # The circle: words written, thanks given and received, a report filed.
    alex.skip_to_end()
    bo.skip_to_end()
    await alex.ask(f"/encourage {ALEX_WORDS}")
    await bo.tap("Thanks", await message_with_button(bo, "Thanks"))
    await alex.ask(f"/ask {ALEX_ASK}")
    await bo.ask(f"/encourage {BO_WORDS}")
    await alex.tap("Thanks", await message_with_button(alex, "Thanks"))
    await bo.ask(f"/encourage {BO_REPORTED}")
    await alex.tap("Report", await message_with_button(alex, "Report"))

    # Questionnaires: yes, and the first item answered.
    alex.send("/measures")
    await alex.tap("Yes, count me in", await message_with_button(alex, "Yes, count me in"))
    await alex.tap("Start", await message_with_button(alex, "Start"))
    await alex.tap("Exactly true", await said(alex, "1 of 10"))
    await said(alex, "2 of 10")

    # A crisis alert, taken, written about and resolved by a moderator.
    alex.send(CRISIS)
    alert = await mod_message(emulator, "Urgent crisis alert")
    await operator.tap("I'll reach out", alert)
    found = re.search(r"/tell (\d+)", (await said(operator, "/tell ")).shown_text)
    assert found is not None
    operator.send(f"/tell {found.group(1)} I'm here. How are you doing right now?")
    told = await said(alex, "How are you doing right now?")
    await alex.tap("Reply to Moderator", told)
    await said(alex, "moderator")  # the invitation to write
    alex.send(ANSWER)
    await said(alex, "Sent to the moderator")
    await said(operator, ANSWER)
    await operator.tap("Resolved", alert)
    await emulator.wait_until(lambda: "Resolved by" in alert.shown_text)

    # A warning, a pause, the moderator role, and a safety plan with an unfinished edit.
    operator.send(f"/warn {await pseudonym(alex)} mind the tone")
    assert "mind the tone" in (await said(alex, "gentle word")).shown_text
    alex.send("/pause 3")
    operator.send(f"/promote {alex.user_id}")
    await said(operator, "is a moderator now")
    alex.send("/safetyplan")
    await said(alex, "1/7")
    alex.send("not sleeping, skipping meals")
    for step in range(2, 7):
        await alex.tap("Skip", await said(alex, f"{step}/7"))
    await said(alex, "7/7")
    alex.send("my kids")
    await said(alex, "safety plan is saved")
    alex.send("/safetyplan")
    await alex.tap("Edit my plan", await message_with_button(alex, "Edit my plan"))
    await message_with_button(alex, "Keep as it is")
    alex.send("racing thoughts")  # the edit stays unfinished: a draft
    await settled(alex)
    await settled(bo)
    alex.skip_to_end()
    return alex, bo


async def test_mydata_holds_every_table_that_holds_the_member(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    alex, bo = await everything_used(emulator)
    documents = await my_data(alex)
    export = json.loads(documents[MYDATA_JSON])
    with probe(storage_url) as conn:
        salt = conn.execute("SELECT value FROM instance WHERE key = 'sanction_salt'").fetchone()
    found = member_data(storage_url, alex.user_id, id_hash(salt[0], alex.user_id))

    # Every table that can hold a member is exported or excluded on purpose...
    unhandled = set(found) - set(EXPORTED) - EXCLUDED
    assert not unhandled, f"tables with member data missing from /mydata: {unhandled}"
    # ...and the scenario really filled every exported table, so the checks below bite.
    empty = {table for table in EXPORTED if not found.get(table)}
    assert not empty, f"the scenario left these tables empty for the member: {empty}"

    for table, paths in EXPORTED.items():
        items = [item for path in paths for item in items_at(export, path)]
        assert len(items) == len(found[table]), table
        exported = leaves(items)
        skip = key_columns(storage_url, table)
        for row in found[table]:
            for column, value in row.items():
                if value is None or column in skip or (table, column) in EXCLUDED_COLUMNS:
                    continue
                assert value in exported, f"{table}.{column} = {value!r} is not in /mydata"

    # Nothing of anyone else: not Bo's words, name or id, nor the moderator's.
    bo_name = await pseudonym(bo)
    operator = emulator.user(OPERATOR)
    for document in documents.values():
        content = document.decode("utf-8-sig")
        for other in (
            BO_WORDS,
            BO_REPORTED,
            bo_name,
            str(bo.user_id),
            str(OPERATOR),
            operator.first_name,
            bo.first_name,
        ):
            assert other not in content
    assert ALEX_WORDS.replace("'", "&#x27;") in documents[MYDATA_HTML].decode()
    # The questionnaire begun: its first answer (4, "Exactly true"), not finished.
    assert "<td>gse</td>" in documents[MYDATA_HTML].decode()
    assert "<td>4</td><td></td><td>unfinished</td>" in documents[MYDATA_HTML].decode()
    assert export["crisis_alerts"][0]["outcome"] == "resolved"
    assert export["circle"]["circle"] == "Morning Walkers"
    assert [r["status"] for r in export["reports_filed"]] == ["open"]
    assert [(s["kind"], s["reason"]) for s in export["moderation"]] == [
        ("warning", "mind the tone")
    ]
    # Their answer to the moderator waits in the outbox for a week: it is theirs too.
    assert [ANSWER in a["text"] for a in export["answers_to_moderators"]] == [True]
    html = documents[MYDATA_HTML].decode()
    assert ANSWER in html and "What the moderators' log records about you" in html
    assert [a["action"] for a in export["moderator_actions"]] == [
        "take crisis alert",
        "tell",
        "resolve crisis alert",
        "warn",
        "promote",
    ]


async def test_the_readable_copy_and_the_checkins_csv(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await onboard(user)  # Europe/Berlin; the clock stands at 09:00 UTC, 10:00 there
    await check_in(user, 4, 7, note="-2 days without a drink, <b>proud</b>")
    user.skip_to_end()
    yesterday = await user.ask("/checkin yesterday")  # filled in later
    await user.tap("3", yesterday)
    await emulator.wait_until(lambda: "confident" in yesterday.shown_text)
    await user.tap("5", yesterday)
    await emulator.wait_until(lambda: "private note" in yesterday.shown_text)
    await user.tap("Skip", yesterday)
    await emulator.wait_until(lambda: "checking in for Sun 01 Mar" in yesterday.shown_text)
    user.skip_to_end()
    await user.ask("honestly everyone would be better off without me")  # a concern
    await new_habit(user, title="Call my sponsor")
    user.skip_to_end()
    documents = await my_data(user)

    html = documents[MYDATA_HTML].decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    sections = re.findall(r"<h2>(.*?)</h2>", html)
    assert sections == [
        "You",
        "Check-ins",
        "Goals",
        "Recovery journey",
        "Questionnaires",
        "Safety plan",
        "Circle",
        "Crisis alerts about you",
        "Moderation",
    ]
    assert "-2 days without a drink, &lt;b&gt;proud&lt;/b&gt;" in html  # escaped, as written
    assert "4 good" in html and "7/10" in html and "Mon 2 Mar 2026" in html
    assert "Sun 1 Mar 2026 (filled in later)" in html
    assert "Call my sponsor" in html and "nudged every day at 18:00" in html
    assert "concern" in html and "hopelessness" in html and "a message to the bot" in html
    assert "times in Europe/Berlin" in html and "Mon 2 Mar 2026, 10:00" in html

    table = list(csv.reader(io.StringIO(documents[MYDATA_CSV].decode("utf-8-sig"))))
    assert documents[MYDATA_CSV].startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    assert table == [
        [
            "date",
            "weekday",
            "time",
            "mood",
            "mood_number",
            "confidence",
            "note",
            "filled_in_later",
        ],
        [
            "2026-03-02",
            "Monday",
            "10:00",
            "good",
            "4",
            "7",
            "'-2 days without a drink, <b>proud</b>",
            "no",
        ],  # a spreadsheet keeps it text
        ["2026-03-01", "Sunday", "10:00", "okay", "3", "5", "", "yes"],  # answered on the 2nd
    ]
    export = json.loads(documents[MYDATA_JSON])
    assert export["checkins"][-1]["note"] == "-2 days without a drink, <b>proud</b>"


async def test_forget_offers_a_copy_first_and_the_safe_answer_comes_first(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    user = emulator.user()
    await onboard(user)
    confirm = await user.ask("/forget")
    assert "/mydata" in confirm.shown_text and "cannot be undone" in confirm.shown_text
    assert confirm.button_labels == [
        "No, keep everything",
        "📦 Get a copy first",
        "Yes, delete everything",
    ]
    assert [len(row) for row in (confirm.reply_markup or {})["inline_keyboard"]] == [1, 1, 1]

    await user.tap("Get a copy first", confirm)
    names = [(await user.next_message()).document_name for _ in range(3)]
    assert names == [MYDATA_JSON, MYDATA_HTML, MYDATA_CSV]
    again = await user.next_message()
    assert "still want to delete" in again.shown_text
    assert again.button_labels == ["No, keep everything", "Yes, delete everything"]
    assert confirm.button_labels == []  # the question moved below the copy

    await user.tap("No, keep everything", again)
    await emulator.wait_until(lambda: "Nothing was deleted" in again.shown_text)
    assert rows_holding(storage_url, user.user_id) != []

    await user.tap("Yes, delete everything", await user.ask("/forget"))
    await emulator.wait_until(lambda: "has been deleted" in user.last_message.shown_text)
    assert rows_holding(storage_url, user.user_id) == []


async def test_help_is_grouped_short_and_names_every_menu_command(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await onboard(user)
    shown = (await user.ask("/help")).shown_text
    groups = ["Daily", "Circle", "Goals and journey", "Account", "Urgent help"]
    positions = [shown.index(f"\n{group}\n") for group in groups]
    assert positions == sorted(positions)
    for name, _ in command_texts.member_commands():
        assert name == "help" or f"/{name}" in shown, name
    assert len(shown.splitlines()) <= 30 and len(shown) < 1200
    assert "/modhelp" not in shown
    assert "/modhelp" in (await emulator.user(OPERATOR).ask("/help")).shown_text


def menu(emulator: BotApiEmulator, chat_id: int) -> list[str]:
    return [c["command"] for c in emulator.commands_for({"type": "chat", "chat_id": chat_id})]


async def test_moderators_have_their_own_menus_updated_on_promote_and_demote(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    members = [name for name, _ in command_texts.member_commands()]
    moderators = [name for name, _ in command_texts.moderator_commands()]
    everyone = emulator.commands_for({"type": "all_private_chats"})
    assert [c["command"] for c in everyone] == members
    # The operator (known at start-up) and the moderators' chat have their own menus.
    assert menu(emulator, OPERATOR) == [*members, *moderators, "promote", "demote"]
    assert menu(emulator, MOD_CHAT) == [name for name in moderators if name != "tell"]

    operator, helper = emulator.user(OPERATOR), emulator.user()
    await onboard(helper)
    assert menu(emulator, helper.user_id) == []  # a member sees the members' menu
    promoted = await operator.ask(f"/promote {helper.user_id}")
    assert "is a moderator now" in promoted.shown_text
    assert menu(emulator, helper.user_id) == [*members, *moderators]
    assert "no longer a moderator" in (await operator.ask(f"/demote {helper.user_id}")).shown_text
    assert menu(emulator, helper.user_id) == []

    # Promoted before they ever wrote to the bot: the menu comes with their /start.
    stranger = 5_550_001
    later = await operator.ask(f"/promote {stranger}")
    assert "once they send /start" in later.shown_text
    newcomer = emulator.user(stranger)
    await newcomer.ask("/start")
    assert menu(emulator, stranger) == [*members, *moderators]
