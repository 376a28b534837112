"""The outbox's idempotency keys and kinds, golden: the exact strings the bot writes today.

Every message the bot starts is written to the `outbox` table first, under an idempotency
key, and sent later by the delivery worker. Those keys and kinds are a persisted wire
format, not an implementation detail: rows still pending when a new version starts are
looked up, de-duplicated and sent by that version. If a key's format changes, the same
message is queued again under its new key and a member gets it twice (two check-in
prompts, a second crisis alert); if a kind changes, a pending row is refused or routed
wrongly; the combined message's parts are held under their own keys precisely so that a
part is never sent again alone. So a change of any format below must fail this test, and
must come with a migration of the pending rows, never as a quiet edit of an f-string.

One such change: thanks: and report: keys named the thanker or reporter by Telegram id, in a
row addressed to someone else that outlived their /forget; they name them by their opaque
member key now, and migration 0015 rewrote the rows of the week before (nothing is sent
twice by it: a second Thanks or Report is refused by relay_thanks and reports before a key
is looked up). A Telegram id may stand in a key only when the row is addressed to that
member, so that it goes with them (the last assertion). /forget finds the rows it deletes
by these formats (bot.members.rules.forget_outbox_keys); the one key it writes,
forgotten:<alert>, is held by tests/test_erasure.py.

One scenario drives the real bot through the Bot API emulator, moving the manual clock so
the due rows are swept, and then reads every outbox row straight from the database.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.clock import ManualClock
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from tests.engines import probe
from tests.helpers import onboard
from tests.test_circles_scenario import (  # noqa: F401
    MOD_CHAT,
    OPERATOR,
    member_in,
    new_circle,
    settings,
)
from tests.test_goals_scenario import new_habit

# The clock starts on Monday 2026-03-02 at 09:00 UTC: 10:00 in Berlin (tests.conftest).
URGENT = "i dont want to be here anymore, i want to kill myself"
TELL = "I'm here. How are you?"  # 22 characters: the length is part of the key
ANSWER = "Thank you, a bit better."  # 24 characters


async def shown(
    emulator: BotApiEmulator, messages: Callable[[], list[SentMessage]], text: str, nth: int = 1
) -> SentMessage:
    """Wait until `nth` messages of a chat show `text`; returns the latest of them."""

    def found() -> list[SentMessage]:
        return [m for m in messages() if text in m.shown_text]

    await emulator.wait_until(lambda: len(found()) >= nth)
    return found()[-1]


async def to(user: EmulatedUser, text: str, nth: int = 1) -> SentMessage:
    """The message to `user` showing `text` (the `nth` such one), once it has come."""
    return await shown(user.emulator, lambda: user.messages, text, nth)


async def to_moderators(emulator: BotApiEmulator, text: str) -> SentMessage:
    return await shown(emulator, lambda: emulator.group(MOD_CHAT).messages, text)


def read_ids(storage_url: str) -> dict[str, list[object]]:
    """The row ids the keys are built from, read straight from the database file."""
    queries = {
        "circles": "SELECT id FROM circles ORDER BY id",
        "relays": "SELECT id FROM relays ORDER BY id",
        "reports": "SELECT id FROM reports ORDER BY id",
        "alerts": "SELECT id FROM crisis_alerts ORDER BY id",
        "goals": "SELECT id FROM goals ORDER BY id",
        "hashes": "SELECT DISTINCT id_hash FROM sanctions",
    }
    with probe(storage_url) as conn:
        return {name: [r[0] for r in conn.execute(sql)] for name, sql in queries.items()}


def read_member_keys(storage_url: str) -> dict[int, str]:
    """Each member's opaque key, by Telegram id."""
    with probe(storage_url) as conn:
        rows = conn.execute("SELECT user_id, member_key FROM members")
        return {int(user_id): str(key) for user_id, key in rows}


def read_outbox(storage_url: str) -> list[tuple[str, str, str]]:
    """Every outbox row as (idempotency key, kind, status), in the order written."""
    with probe(storage_url) as conn:
        rows = conn.execute("SELECT idempotency_key, kind, status FROM outbox ORDER BY id")
        return [(str(key), str(kind), str(status)) for key, kind, status in rows]


def read_addressees(storage_url: str) -> dict[str, int]:
    """Each outbox key and the chat its row is addressed to."""
    with probe(storage_url) as conn:
        rows = conn.execute("SELECT idempotency_key, chat_id FROM outbox")
        return {str(key): int(chat_id) for key, chat_id in rows}


async def test_every_outbox_key_and_kind_keeps_its_format(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    operator = emulator.user(OPERATOR)
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)  # 20:00 Berlin
    cy = emulator.user()
    await onboard(cy, at="07:00")  # in no circle; tomorrow's check-in is out of the way
    circle_view = await alex.ask_for("/circle", "You are ")
    alex_name = circle_view.shown_text.split("You are ")[1].removesuffix(" here.")
    alex.skip_to_end()
    await new_habit(alex, "Walk 20 minutes", at="12:00")  # alone, at 11:00 UTC
    await new_habit(alex, "Stretch", at="20:30")  # along with the 20:00 check-in

    # A milestone: a journey begun on 1 January is 60 days old today.
    await cy.ask_for("/journey 2026-01-01", "Started 01 Jan 2026")
    await to(cy, "60 days on your recovery journey")

    # A relay, thanked and reported; the report dismissed.
    await alex.ask_for("/encourage You've got this", "Sent to 1 member")
    copy = await to(bo, "You've got this")
    await bo.tap("Thanks", copy)
    await to(alex, "thanked you for")
    await bo.tap("Report", copy)
    report = await to_moderators(emulator, "Report #")
    await operator.tap("Dismiss", report)
    await to(bo, "decided to leave it")

    # Pre-moderation: one held relay rejected by its button, one by /reject with a reason.
    await operator.ask_for("/circlemode Morning Walkers pre", "pre-moderated")
    await alex.ask_for("/encourage Keep going", "moderator")
    await operator.tap("Reject", await to_moderators(emulator, "Keep going"))
    await to(alex, "didn't pass on")
    await bo.ask_for("/encourage Call me at home", "moderator")
    review = await to_moderators(emulator, "Call me at home")
    held = str(review.buttons[0]["callback_data"]).split(":")[2]
    await operator.ask_for(f"/reject {held} Please keep contact details private", "told why")
    await to(bo, "wasn't shared")

    # An announcement and a warning.
    await operator.ask_for("/announce Morning Walkers Welcome, both of you!", "Announced")
    await to(alex, "Moderators: Welcome")
    await to(bo, "Moderators: Welcome")
    await operator.ask_for(f"/warn {alex_name} be kind", "warning window")
    await to(alex, "gentle word")

    # A crisis alert, the member's request for contact, a follow-up, and a repeat.
    asked = await cy.ask_for(URGENT, "sounds really serious")
    await to_moderators(emulator, "Urgent crisis alert")
    await cy.tap("Ask a moderator to reach out", asked)
    await to_moderators(emulator, "asked for a peer moderator to reach out")
    await cy.ask_for("I still want to end my life", "sounds really serious")
    await to_moderators(emulator, "wrote again")
    clock.advance(timedelta(minutes=16))  # 09:16: nobody has taken it
    again = await to_moderators(emulator, "Nobody has taken this yet")

    # A moderator takes it and writes to the member, who answers.
    await operator.tap("I'll reach out", again)
    instructions = await to(operator, "/tell ")
    found = re.search(r"/tell (\d+)", instructions.shown_text)
    assert found is not None
    await operator.ask_for(f"/tell {found.group(1)} {TELL}", "Sent")
    from_moderator = await to(cy, f"Moderator: {TELL}")
    cy.skip_to_end()
    await cy.tap("Reply to Moderator", from_moderator)
    await cy.next_message()  # the invitation to write
    await cy.ask_for(ANSWER, "Sent to the moderator")
    await to(operator, ANSWER)

    # A goal nudge alone at 12:00 Berlin, snoozed, and asked again an hour later.
    clock.set(datetime(2026, 3, 2, 11, 0, 30, tzinfo=UTC))
    nudge = await to(alex, "Walk 20 minutes: how did it go?")
    await alex.tap("⏰ Remind me in an hour", nudge)
    clock.set(datetime(2026, 3, 2, 12, 1, tzinfo=UTC))
    await emulator.wait_until(
        lambda: any(
            m is not nudge and "Walk 20 minutes: how did it go?" in m.shown_text
            for m in alex.messages
        )
    )

    # 20:00:30 Berlin: Alex's check-in brings the 20:30 nudge along; Bo's prompt goes alone.
    clock.set(datetime(2026, 3, 2, 19, 0, 30, tzinfo=UTC))
    await to(alex, "Your check-in and a goal, together in one message")
    await to(bo, "How is your mood today?")

    # Sunday 8 March, an hour after the check-in time: the weekly reflections.
    clock.set(datetime(2026, 3, 8, 20, 0, 30, tzinfo=UTC))
    await to(alex, "Your week")
    await to(bo, "Your week")

    ids = await asyncio.to_thread(read_ids, storage_url)
    [circle] = ids["circles"]
    relayed, rejected, reject_reason = ids["relays"]
    [reported] = ids["reports"]
    [alert] = ids["alerts"]
    walk, stretch = ids["goals"]
    [alex_hash] = ids["hashes"]
    assert str(reject_reason) == held
    a, b, c = alex.user_id, bo.user_id, cy.user_id
    bo_key = (await asyncio.to_thread(read_member_keys, storage_url))[b]
    expected = {
        # bot.journey.due
        f"milestone:{c}:2026-01-01:60": "milestone",
        # bot.circles.service
        f"relay:{relayed}:{b}": "relay",
        f"thanks:{relayed}:{bo_key}": "thanks",
        f"report:{relayed}:{bo_key}": "report",
        f"review:{rejected}": "review",
        f"rejected:{rejected}": "rejected",
        f"review:{reject_reason}": "review",
        # bot.moderation.service
        f"reported:{reported}": "moderation",
        f"rejected:{reject_reason}": "moderation",
        f"announce:{circle}:2026-03-02T09:00:00+00:00:{a}": "announce",
        f"announce:{circle}:2026-03-02T09:00:00+00:00:{b}": "announce",
        f"warn:{str(alex_hash)[:12]}:2026-03-02T09:00:00+00:00": "moderation",
        f"alert:{alert}:again:2026-03-02T09:16:00+00:00": "alert",
        # bot.safety.service
        f"alert:{alert}": "alert",
        f"alert:{alert}:asked:2026-03-02T09:00:00+00:00": "alert",
        f"alert:{alert}:more:2026-03-02T09:00:00+00:00": "alert",
        # bot.alerts.service
        f"tell:{alert}:2026-03-02T09:16:00+00:00:22": "moderator",
        f"answer:{alert}:2026-03-02T09:16:00+00:00:24": "moderator",
        # bot.goals.due
        f"nudge:{walk}:2026-03-02": "nudge",
        f"nudge:{walk}:2026-03-02:again": "nudge",
        # bot.combined.due, and the parts it holds under their own keys
        f"combined:checkin:{a}:2026-03-02": "combined",
        f"checkin:{a}:2026-03-02": "checkin",
        f"nudge:{stretch}:2026-03-02": "nudge",
        # bot.checkins.due
        f"checkin:{b}:2026-03-02": "checkin",
        f"weekly:{a}:2026-03-08": "weekly",
        f"weekly:{b}:2026-03-08": "weekly",
    }
    rows = await asyncio.to_thread(read_outbox, storage_url)
    assert {key: kind for key, kind, _ in rows} == expected
    # A part sent inside the combined message is held, finished, under its own key.
    held_parts = {key for key, _, status in rows if status == "combined"}
    assert held_parts == {f"checkin:{a}:2026-03-02", f"nudge:{stretch}:2026-03-02"}
    # A member's Telegram id stands in a key only when the row is addressed to them.
    addressed = await asyncio.to_thread(read_addressees, storage_url)
    for key, chat_id in addressed.items():
        for member in (a, b, c, OPERATOR):
            if re.search(rf"(?<!\d){member}(?!\d)", key):
                assert chat_id == member, f"{key} names {member} in a message to {chat_id}"
