"""Trust at the emulator (issue 20, §3 and §5): forwards are never commands, buttons act only
for who they were sent to, a hard day is told once, a demoted moderator stops hearing from
members, alerts can be taken over, pseudonyms are unique and redrawn a few times a day,
reports are limited, and invite links can be replaced and revoked."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.config import CircleSettings, ModerationSettings, Settings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from bot.emulator.users import command_entities
from bot.i18n import speaking
from bot.safety.pseudonyms import every_pseudonym
from tests.conftest import make_settings
from tests.engines import probe
from tests.helpers import answer_checkin, message_with_button, onboard, write_beside_bot
from tests.test_account_scenario import settled
from tests.test_circles_scenario import MOD_CHAT, OPERATOR, member_in, new_circle
from tests.test_moderation_scenario import mod_message, pseudonym_of, table

EXPIRED = "This button has expired. Nothing was changed."
URGENT = "i dont want to be here anymore, i want to kill myself"


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


async def write(storage_url: str, sql: str, params: tuple[object, ...] = ()) -> None:
    """A change made straight in the database file, off the event loop the bot runs on."""

    await asyncio.to_thread(write_beside_bot, storage_url, sql, [params])


def relay_id(copy: SentMessage) -> int:
    """The relay a copy shows, from its Report button's data (rl:r:<relay id>)."""
    button = copy.find_button("Report")
    assert button is not None
    return int(str(button["callback_data"]).rsplit(":", 1)[1])


async def answered(user: EmulatedUser, data: str) -> str | None:
    """Press a button with `data` on the user's newest message; the pop-up's text."""
    return (await user.callback_answer(user.press_data(data))).text


def forward(user: EmulatedUser, text: str, sender: EmulatedUser) -> None:
    """`user` forwards `sender`'s message reading `text` (a command keeps its entity)."""
    origin = {"type": "user", "date": 0, "sender_user": sender.payload()}
    entities = command_entities(text)
    user.send_raw(text=text, forward_origin=origin, **({"entities": entities} if entities else {}))


# -- forwards --------------------------------------------------------------------------------


async def test_a_forwarded_command_is_never_run_nor_relayed(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    alex.skip_to_end()
    bo.skip_to_end()
    for text in ("/encourage You are all amazing, keep going", "/leave", "/ask any tips?"):
        forward(alex, text, bo)
        assert "never passed on" in (await alex.next_message()).shown_text, text
    assert "Your circle: Morning Walkers" in (await alex.ask("/circle")).shown_text
    await settled(bo)
    assert not any("amazing" in m.shown_text or "tips" in m.shown_text for m in bo.messages)


# -- Thanks and Report only for whom a relay reached -------------------------------------------


async def test_thanks_and_report_work_only_for_members_who_received_the_relay(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    other_code = await new_circle(emulator, "Evening Readers")
    cy = await member_in(emulator, other_code)
    alex.skip_to_end()
    await alex.ask("/encourage You've got this, one day at a time")
    relay = relay_id(await message_with_button(bo, "Thanks"))
    late = await member_in(emulator, code)  # joined after it was sent: it never reached them

    for stranger in (cy, late):
        for data in (f"rl:t:{relay}", f"rl:r:{relay}", f"rl:t:{relay + 1}", f"rl:r:{relay + 7}"):
            assert await answered(stranger, data) == EXPIRED, data
    alex.skip_to_end()
    await settled(alex)  # nothing about thanks came before this answer
    assert not any("thanked you" in m.shown_text for m in alex.messages)
    assert table(storage_url, "SELECT count(*) FROM relay_thanks") == [(0,)]
    assert table(storage_url, "SELECT count(*) FROM reports") == [(0,)]
    # The member it reached still can.
    assert "Thanks sent" in (await answered(bo, f"rl:t:{relay}") or "")


# -- the hard-day button ------------------------------------------------------------------------


async def hard_day_reply(member: EmulatedUser) -> SentMessage:
    """A check-in of mood 1 and confidence 2: the reply that offers "Let my circle know"."""
    await answer_checkin(member, 1, 2)
    await member.tap("Skip")
    await member.emulator.wait_until(lambda: "Today: mood" in member.last_message.shown_text)
    return member.last_message


async def test_the_hard_day_button_tells_the_circle_once(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    reply = await hard_day_reply(alex)
    alex.skip_to_end()
    await alex.tap("Let my circle know", reply)
    assert "Your circle knows" in (await alex.next_message()).shown_text
    await alex.tap("Let my circle know", reply)
    assert "already knows" in (await alex.next_message()).shown_text
    await alex.tap("Let my circle know it's me", reply)
    assert "already knows" in (await alex.next_message()).shown_text
    await settled(bo)
    assert sum(m.find_button("Send encouragement") is not None for m in bo.messages) == 1


async def test_the_hard_day_button_waits_for_a_moderator_in_a_pre_moderated_circle(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    operator = emulator.user(OPERATOR)
    assert "pre-moderated" in (await operator.ask("/circlemode Morning Walkers pre")).shown_text
    reply = await hard_day_reply(alex)
    alex.skip_to_end()
    bo.skip_to_end()
    await alex.tap("Let my circle know it's me", reply)
    assert "read by a moderator first" in (await alex.next_message()).shown_text
    review = await mod_message(emulator, "is having a hard day")
    assert "Awaiting approval" in review.shown_text
    await settled(bo)
    assert not any(m.find_button("Send encouragement") for m in bo.messages)
    await operator.tap("Approve", review)
    shared = await message_with_button(bo, "Send encouragement")
    assert f"{await pseudonym_of(alex)} is having a hard day" in shared.shown_text


# -- moderators who are no longer, and taking over ---------------------------------------------


async def promoted(emulator: BotApiEmulator) -> EmulatedUser:
    """A member the operator has made a moderator."""
    helper = emulator.user()
    await onboard(helper)
    operator = emulator.user(OPERATOR)
    assert "is a moderator now" in (await operator.ask(f"/promote {helper.user_id}")).shown_text
    return helper


async def take(moderator: EmulatedUser, alert: SentMessage, label: str = "I'll reach out") -> str:
    """The moderator presses `label` on the alert; the alert's number, from the instructions."""
    moderator.skip_to_end()
    await moderator.tap(label, alert)
    instructions = await message_with_button_free(moderator, "/tell ")
    found = re.search(r"/tell (\d+)", instructions.shown_text)
    assert found is not None
    return found.group(1)


async def message_with_button_free(user: EmulatedUser, text: str) -> SentMessage:
    """The next message to `user` showing `text`."""
    message = await user.next_message()
    while text not in message.shown_text:
        message = await user.next_message()
    return message


def answers_queued_to(storage_url: str, moderator: EmulatedUser) -> int:
    """Members' answers ever queued for this moderator, sent or not."""
    found = table(
        storage_url,
        "SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'answer:%' "
        f"AND chat_id = {moderator.user_id}",
    )
    return int(str(found[0][0]))


async def talking(emulator: BotApiEmulator, member: EmulatedUser, moderator: EmulatedUser) -> str:
    """The member's crisis words raise an alert the moderator takes and writes about; the
    alert's number."""
    await member.ask(URGENT)
    alert = await mod_message(emulator, "Urgent crisis alert")
    number = await take(moderator, alert)
    member.skip_to_end()
    assert "Sent" in (await moderator.ask(f"/tell {number} I'm here. Are you safe?")).shown_text
    await message_with_button(member, "Reply to Moderator")
    return number


async def test_a_demoted_moderator_stops_receiving_at_once_and_the_alert_goes_back(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    alex, helper = emulator.user(), await promoted(emulator)
    await onboard(alex)
    number = await talking(emulator, alex, helper)
    group = emulator.group(MOD_CHAT)
    before = len(group.messages)
    operator = emulator.user(OPERATOR)
    assert "no longer a moderator" in (await operator.ask(f"/demote {helper.user_id}")).shown_text
    helper.skip_to_end()
    alex.send("I live at 12 Elm Street, please come")  # a plain message: the thread's
    await settled(alex)  # handled, in order
    await settled(helper)
    assert not any("Elm Street" in m.shown_text for m in helper.messages)
    assert answers_queued_to(storage_url, helper) == 0  # nor on its way
    released = await mod_message(emulator, "is nobody's now", after=before)
    assert f"Alert #{number}" in released.shown_text and "kill" not in released.shown_text
    assert table(storage_url, "SELECT taken_by FROM crisis_alerts") == [(None,)]
    actions = [a for (a,) in table(storage_url, "SELECT action FROM audit_log ORDER BY id")]
    assert actions[-2:] == ["demote", "release crisis alert"]

    # Another moderator takes it; the member's answers reach them.
    alert = next(m for m in group.messages if "Urgent crisis alert" in m.shown_text)
    await take(operator, alert, "Take over")
    operator.skip_to_end()
    alex.send("still here")
    assert "still here" in (await message_with_button(operator, "End conversation")).shown_text


async def test_a_reply_goes_nowhere_once_its_moderator_is_not_one_any_more(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    alex, helper = emulator.user(), await promoted(emulator)
    await onboard(alex)
    await talking(emulator, alex, helper)
    # Their role gone by any road, not only /demote.
    await write(storage_url, "DELETE FROM moderators WHERE user_id = ?", (helper.user_id,))
    before = len(emulator.group(MOD_CHAT).messages)
    helper.skip_to_end()
    await alex.tap("Reply to Moderator")  # on the moderator's message
    alex.send("my address is 12 Elm Street")
    await settled(alex)  # handled, in order
    await settled(helper)
    assert not any("Elm Street" in m.shown_text for m in helper.messages)
    assert answers_queued_to(storage_url, helper) == 0  # nor on its way
    await mod_message(emulator, "is nobody's now", after=before)


async def test_another_moderator_can_take_over_an_alert_and_its_thread(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    alex, helper = emulator.user(), await promoted(emulator)
    await onboard(alex)
    operator = emulator.user(OPERATOR)
    number = await talking(emulator, alex, operator)
    alert = next(m for m in emulator.group(MOD_CHAT).messages if "crisis alert" in m.shown_text)
    assert "Take over" in alert.button_labels and "I'll reach out" not in alert.button_labels

    operator.skip_to_end()
    assert await take(helper, alert, "Take over") == number
    notice = (await operator.next_message()).shown_text
    assert "Another moderator has taken over alert" in notice and helper.first_name not in notice
    alex.send("a bit calmer now")
    assert "calmer" in (await message_with_button(helper, "End conversation")).shown_text
    await settled(operator)
    assert not any("calmer" in m.shown_text for m in operator.messages)
    actions = [a for (a,) in table(storage_url, "SELECT action FROM audit_log ORDER BY id")]
    assert "take over crisis alert" in actions
    again = await helper.callback_answer(helper.press("Take over", alert))
    assert "already yours" in (again.text or "")

    # Resolved, the conversation goes on: /takeover takes it back.
    await helper.tap("Resolved", alert)
    await emulator.wait_until(lambda: "Resolved by" in alert.shown_text)
    operator.skip_to_end()
    operator.send(f"/takeover {number}")
    await message_with_button_free(operator, f"/tell {number}")
    alex.send("thank you both")
    assert "thank you both" in (await message_with_button(operator, "End conversation")).shown_text
    assert "/takeover" in (await operator.ask("/takeover")).shown_text  # its usage
    assert await alex.ask_for(f"/takeover {number}", "This is for moderators.")


# -- pseudonyms -------------------------------------------------------------------------------


def fill_pseudonyms(storage_url: str, keep: int = 0, leave: str | None = None) -> set[str]:
    """Members going by every English pseudonym nobody has yet but `keep` of them (or the
    one called `leave`); returns those left free."""
    with speaking("en"):
        names = every_pseudonym()
    with probe(storage_url) as conn:
        used = {r[0] for r in conn.execute("SELECT pseudonym FROM members")}
        unused = [name for name in names if name not in used]
        free = {leave} if leave is not None else set(unused[:keep])
        highest = conn.execute("SELECT max(user_id) FROM members").fetchone()[0] or 0
        start = max(9_000_000, highest + 1)
        rows = [(start + n, name) for n, name in enumerate(unused) if name not in free]
        conn.executemany(
            "INSERT INTO members (user_id, pseudonym, timezone, checkin_time, consent_at, "
            "consent_version, created_at) VALUES (?, ?, 'UTC', '20:00', "
            "'2026-01-01T00:00:00+00:00', 1, '2026-01-01T00:00:00+00:00')",
            rows,
        )
    return free


async def new_pseudonym(member: EmulatedUser) -> tuple[str | None, str]:
    """Press "New pseudonym" under /settings: (the pop-up, if any, and the pseudonym now)."""
    shown = await member.ask("/settings")
    answer = await member.tap("New pseudonym", shown)
    return answer.text, await pseudonym_of(member)


async def test_new_pseudonyms_are_unique_and_a_few_a_day(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str, clock: ManualClock
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    first = await pseudonym_of(alex)
    free = await asyncio.to_thread(fill_pseudonyms, storage_url, 5)
    free.add(first)  # alex's own is free once they have another
    alex.skip_to_end()
    name = first
    for _ in range(5):
        popup, drawn = await new_pseudonym(alex)
        assert popup is None and drawn in free and drawn != name
        name = drawn
    popup, after = await new_pseudonym(alex)
    assert popup is not None and "tomorrow" in popup and name in popup
    assert after == name

    # The next local day, more; with every pseudonym in use, unique in the circle.
    await asyncio.to_thread(fill_pseudonyms, storage_url)
    clock.advance(timedelta(days=1))
    taken = {await pseudonym_of(bo), name}
    popup, drawn = await new_pseudonym(alex)
    assert popup is None and drawn not in taken


async def test_a_joining_member_never_shares_a_pseudonym_in_the_circle(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    code = await new_circle(emulator)
    alex = await member_in(emulator, code)
    bo = emulator.user()
    await onboard(bo)
    await write(
        storage_url,
        "UPDATE members SET pseudonym = (SELECT pseudonym FROM members WHERE user_id = ?) "
        "WHERE user_id = ?",
        (alex.user_id, bo.user_id),
    )
    joined = await bo.ask(f"/start {code}")
    assert "Welcome to the circle" in joined.shown_text
    assert await pseudonym_of(bo) != await pseudonym_of(alex)


async def test_a_new_member_gets_a_pseudonym_nobody_has(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    await asyncio.to_thread(fill_pseudonyms, storage_url, 0, "Calm Wren")
    newcomer = emulator.user()
    await onboard(newcomer)
    chosen = f"SELECT pseudonym FROM members WHERE user_id = {newcomer.user_id}"
    assert table(storage_url, chosen) == [("Calm Wren",)]


# -- reports -------------------------------------------------------------------------------------


async def test_reports_are_limited_per_day_and_nothing_filed_is_lost(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str, clock: ManualClock
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    bo.skip_to_end()
    for n in range(12):
        await alex.ask(f"/encourage keep going, message {n}")
    copies = []
    for _ in range(12):
        copies.append(await message_with_button(bo, "Report"))
    for copy in copies[:10]:
        assert "nobody will know" in ((await bo.tap("Report", copy)).text or "")
    limited = await bo.tap("Report", copies[10])
    assert limited.text is not None and "moderators have every one" in limited.text
    assert limited.show_alert and not copies[10].deleted
    assert table(storage_url, "SELECT count(*) FROM reports") == [(10,)]
    await mod_message(emulator, "message 0")  # on its way to the moderators (20 a minute)

    clock.advance(timedelta(days=1, minutes=1))
    assert "nobody will know" in ((await bo.tap("Report", copies[11])).text or "")


# -- invite links ---------------------------------------------------------------------------------


def code_in(text: str) -> str:
    found = re.search(r"\?start=([\w-]+)", text)
    assert found is not None, text
    return found.group(1)


async def test_invite_links_can_be_replaced_and_revoked_by_moderators_only(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    first = await new_circle(emulator)
    operator = emulator.user(OPERATOR)
    renewed = await operator.ask("/invite Morning Walkers new")
    assert "New invite link for Morning Walkers" in renewed.shown_text
    second = code_in(renewed.shown_text)
    assert second != first

    alex = emulator.user()
    await onboard(alex)
    old = await alex.ask(f"/start {first}")
    assert "no longer valid" in old.shown_text and "whoever shared it" in old.shown_text
    assert "Welcome to the circle" in (await alex.ask(f"/start {second}")).shown_text

    assert "revoked" in (await operator.ask("/revoke Morning Walkers")).shown_text
    assert "revoked" in (await operator.ask("/invite Morning Walkers")).shown_text
    bo = emulator.user()
    await onboard(bo)
    assert "no longer valid" in (await bo.ask(f"/start {second}")).shown_text
    third = code_in((await operator.ask("/invite Morning Walkers new")).shown_text)
    assert "Welcome to the circle" in (await bo.ask(f"/start {third}")).shown_text

    for command in ("/invite Morning Walkers new", "/revoke Morning Walkers"):
        assert (await alex.ask(command)).shown_text == "This is for moderators."
    assert "no circle called Nowhere" in (await operator.ask("/revoke Nowhere")).shown_text
    actions = [a for (a,) in table(storage_url, "SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["newcircle", "new invite", "revoke invite", "new invite"]
    audit = (await operator.ask("/audit")).shown_text
    assert "new invite link" in audit and "revoke invite link" in audit
    modhelp = (await operator.ask("/modhelp")).shown_text
    assert "/invite <circle> new" in modhelp and "/revoke <circle>" in modhelp
    assert "/takeover <alert>" in modhelp


async def test_a_moderator_who_forgets_themselves_hands_their_alerts_back(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    alex, helper = emulator.user(), await promoted(emulator)
    await onboard(alex)
    number = await talking(emulator, alex, helper)
    before = len(emulator.group(MOD_CHAT).messages)
    helper.skip_to_end()
    await helper.tap("Yes, delete everything", await helper.ask_for("/forget", "cannot be undone"))
    released = await mod_message(emulator, "is nobody's now", after=before)
    assert f"Alert #{number}" in released.shown_text
    assert table(storage_url, "SELECT taken_by FROM crisis_alerts") == [(None,)]
