"""Peer moderators end to end: roles, refusals, sanctions, reports, alerts, audit log."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

import pytest

from bot.clock import ManualClock
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from tests.engines import peek, poke, refused_by_the_database, table_names
from tests.helpers import message_with_button, my_data_json, onboard, opened
from tests.test_circles_scenario import (  # noqa: F401
    MOD_CHAT,
    OPERATOR,
    member_in,
    new_circle,
    settings,
)

MODERATOR_COMMANDS = (
    "/promote 5",
    "/demote 5",
    "/modhelp",
    "/circlesize Morning Walkers 5",
    "/announce Morning Walkers hello",
    "/queue",
    "/reject 1 no",
    "/reports",
    "/warn Quiet Otter",
    "/mute Quiet Otter 2h",
    "/unmute Quiet Otter",
    "/ban Quiet Otter",
    "/unban Quiet Otter",
    "/audit",
    "/newcircle Sneaky",
    "/invite Morning Walkers",
    "/circles",
    "/circlemode Morning Walkers pre",
    "/tell 1 hello",
)


def table(database: str, sql: str) -> list[tuple[object, ...]]:
    return peek(database, sql)


async def pseudonym_of(user: EmulatedUser) -> str:
    shown = (await user.ask("/circle")).shown_text
    return shown.split("You are ")[1].removesuffix(" here.")


async def mod_message(emulator: BotApiEmulator, text: str, after: int = 0) -> SentMessage:
    """The first message in the moderators' chat (from index `after`) showing `text`."""
    group = emulator.group(MOD_CHAT)
    await emulator.wait_until(lambda: any(text in m.shown_text for m in group.messages[after:]))
    return next(m for m in group.messages[after:] if text in m.shown_text)


async def test_everyone_else_is_refused_and_nothing_changes(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    code = await new_circle(emulator)
    alex = await member_in(emulator, code)
    for command in MODERATOR_COMMANDS:
        assert (await alex.ask(command)).shown_text == "This is for moderators.", command
    for data in ("mr:ban:1", "mr:delete:1", "pm:ok:1", "pm:no:1", "cr:take:1", "cr:done:1"):
        answer = await alex.callback_answer(alex.press_data(data, alex.last_message))
        assert answer.text == "This is for moderators." and answer.show_alert, data
    assert table(storage_url, "SELECT action FROM audit_log") == [("newcircle",)]  # the operator's
    assert table(storage_url, "SELECT COUNT(*) FROM sanctions") == [(0,)]
    assert table(storage_url, "SELECT COUNT(*) FROM moderators") == [(0,)]
    # In a group that is not the moderators' chat, moderator commands are ignored.
    other = emulator.group(-100555, "Somewhere else")
    other.send(emulator.user(OPERATOR), "/circles")
    await emulator.user(OPERATOR).ask("/modhelp")
    assert other.messages == []


async def test_operators_promote_and_demote_moderators(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    operator, helper = emulator.user(OPERATOR), emulator.user()
    assert (await helper.ask("/modhelp")).shown_text == "This is for moderators."
    assert "is a moderator now" in (await operator.ask(f"/promote {helper.user_id}")).shown_text
    assert "already" in (await operator.ask(f"/promote {helper.user_id}")).shown_text
    assert "/circlesize" in (await helper.ask("/modhelp")).shown_text
    assert "Only an operator" in (await helper.ask(f"/promote {helper.user_id + 1}")).shown_text
    created = await helper.ask("/newcircle Evening Owls")
    assert "Evening Owls" in created.shown_text
    # Moderator commands work in the moderators' chat too.
    emulator.group(MOD_CHAT).send(helper, "/circlesize Evening Owls 6")
    await mod_message(emulator, "now takes up to 6 members")
    assert "no longer a moderator" in (await operator.ask(f"/demote {helper.user_id}")).shown_text
    assert (await helper.ask("/queue")).shown_text == "This is for moderators."
    for bad in ("/promote", "/promote abc", "/demote 1 2"):
        assert "user id" in (await operator.ask(bad)).shown_text
    actions = [r[0] for r in table(storage_url, "SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["promote", "newcircle", "circlesize", "demote"]


async def test_sanctions_stop_relaying_and_a_ban_outlives_forget(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    operator = emulator.user(OPERATOR)
    name = await pseudonym_of(alex)

    alex.skip_to_end()
    assert f"Muted {name} until" in (await operator.ask(f"/mute {name} 2h spamming")).shown_text
    notice = await alex.next_message()
    assert "paused your messages" in notice.shown_text and "spamming" in notice.shown_text
    exported = await my_data_json(alex)
    assert [(s["kind"], s["reason"]) for s in exported["moderation"]] == [("mute", "spamming")]
    refused = await alex.ask("/encourage hello all")
    assert "paused until" in refused.shown_text
    assert f"{name} can write" in (await operator.ask(f"/unmute {name}")).shown_text
    assert "not muted" in (await operator.ask(f"/unmute {name}")).shown_text
    await alex.next_message()  # "You can write to your circle again."
    assert "Sent to 1 member" in (await alex.ask("/encourage hello all")).shown_text

    banned = await operator.ask(f"/ban {name} repeated harassment")
    assert f"Banned {name}" in banned.shown_text
    ban_code = banned.shown_text.split("Ban code: ")[1][:8]
    assert "removed you from your circle" in (await alex.next_message()).shown_text
    assert "not in a circle" in (await alex.ask("/circle")).shown_text
    assert "closed circles to you" in (await alex.ask("/encourage hi")).shown_text
    bo.skip_to_end()
    assert "1 member" in (await bo.ask("/circle")).shown_text
    # /forget and a new /start do not lift the ban; only a salted hash was kept.
    await alex.ask("/forget")
    await alex.tap("Yes, delete everything")
    await emulator.wait_until(lambda: "deleted" in alex.last_message.shown_text.lower())
    assert table(
        storage_url, f"SELECT COUNT(*) FROM sanctions WHERE id_hash LIKE '%{alex.user_id}%'"
    ) == [(0,)]
    await onboard(alex)
    assert "closed circles to you" in (await alex.ask(f"/start {code}")).shown_text
    assert "lifted the ban" in (await operator.ask(f"/unban {ban_code}")).shown_text.lower()
    assert "Welcome to the circle" in (await alex.ask(f"/start {code}")).shown_text
    for bad in (
        "/mute Quiet",
        "/mute Quiet Otter soon",
        "/mute Quiet Otter 0h",
        "/ban",
        "/warn",
        "/unban",
        "/unmute",
    ):
        assert "<code>" in ((await operator.ask(bad)).raw_text or ""), bad


async def test_three_warnings_within_the_window_mute_for_a_day(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    code = await new_circle(emulator)
    alex, _ = await member_in(emulator, code), await member_in(emulator, code)
    operator = emulator.user(OPERATOR)
    name = await pseudonym_of(alex)
    alex.skip_to_end()
    assert "(1 in the warning window)" in (await operator.ask(f"/warn {name} tone")).shown_text
    warning = await alex.next_message()
    assert "gentle word" in warning.shown_text and "tone" in warning.shown_text
    assert warning.protect_content
    clock.advance(timedelta(days=31))  # the first warning falls out of the window
    assert "(1 in the warning window)" in (await operator.ask(f"/warn {name}")).shown_text
    assert "(2 in the warning window)" in (await operator.ask(f"/warn {name}")).shown_text
    third = await operator.ask(f"/warn {name}")
    assert "3 warnings in the window, so they are muted until 2026-04-03 09:00" in third.shown_text
    assert "paused until" in (await alex.ask("/encourage hi")).shown_text
    clock.advance(timedelta(hours=24, minutes=1))
    assert "Sent to 1 member" in (await alex.ask("/encourage hi")).shown_text


async def test_a_report_deleted_from_every_recipients_chat(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    code = await new_circle(emulator)
    alex, bo, cy = [await member_in(emulator, code) for _ in range(3)]
    name = await pseudonym_of(alex)
    await alex.ask("/encourage something unkind")
    copies = [await message_with_button(u, "Thanks") for u in (bo, cy)]
    bo.skip_to_end()
    await bo.tap("Report", copies[0])
    # Gone from the reporter's own chat at once, before any moderator has looked.
    await emulator.wait_until(lambda: copies[0].deleted)
    assert not copies[1].deleted
    report = await mod_message(emulator, "Report #")
    assert report.button_labels == ["Dismiss", "🗑 Delete everywhere", "Warn", "Mute", "Ban"]
    listed = await emulator.user(OPERATOR).ask("/reports")
    assert "something unkind" in listed.shown_text
    answer = await emulator.user(OPERATOR).tap("🗑 Delete everywhere", report)
    # The reporter's copy went when they reported it: counted apart, not deleted twice.
    assert answer.text == (
        "Deleted from 1 chat (the reporter's own copy went when they reported it). "
        "The report is closed."
    )
    await emulator.wait_until(lambda: all(copy.deleted for copy in copies))
    await emulator.wait_until(lambda: "Deleted from 1 chat" in report.shown_text)
    assert len(emulator.calls_of("deleteMessage")) == 2  # bo's at the report, cy's now
    assert report.button_labels == []
    outcome = await bo.next_message()  # the reporter hears what came of it
    assert outcome.shown_text == (
        f"A moderator looked at the message you reported (from {name}) and removed it, for "
        "everyone in the circle. Thank you for looking out for your circle. 💚"
    )
    moderator = emulator.user(OPERATOR)
    assert moderator.first_name not in outcome.shown_text  # never who decided
    cy.skip_to_end()  # cy did not report: no outcome for them
    assert "no open reports" in (await emulator.user(OPERATOR).ask("/reports")).shown_text
    thanks = await bo.callback_answer(bo.press_data(copies[0].buttons[0]["callback_data"]))
    assert thanks.text is not None and "expired" in thanks.text  # nothing to thank any more
    deletes = table(
        storage_url, "SELECT action, reason FROM audit_log WHERE action LIKE 'delete%'"
    )
    assert [(a, opened(storage_url, "audit_log", "reason", str(r))) for a, r in deletes] == [
        ("delete message", "encourage in Morning Walkers")
    ]


async def test_report_buttons_warn_and_dismiss(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, bo, cy = [await member_in(emulator, code) for _ in range(3)]
    name = await pseudonym_of(alex)
    await alex.ask("/encourage meh")
    copies = [await message_with_button(u, "Thanks") for u in (bo, cy)]
    for reporter, copy in zip((bo, cy), copies, strict=True):
        reporter.skip_to_end()
        await reporter.tap("Report", copy)
        await emulator.wait_until(lambda c=copy: c.deleted)  # type: ignore[misc]
    report = await mod_message(emulator, "Report #")
    operator = emulator.user(OPERATOR)
    warned = await operator.tap("Warn", report)
    assert warned.text is not None and "Warned" in warned.text
    await emulator.wait_until(lambda: "Warned" in report.shown_text)
    assert "Dismiss" in report.button_labels  # still open: a warning does not close it
    await operator.tap("Dismiss", report)
    await emulator.wait_until(lambda: "Dismissed" in report.shown_text)
    for reporter in (bo, cy):  # each reporter, once, and nothing after the warning
        outcome = await reporter.next_message()
        assert outcome.shown_text.startswith(
            f"A moderator looked at the message you reported (from {name}) and decided to "
            "leave it."
        )
    stale = await operator.callback_answer(operator.press_data("mr:dismiss:999", report))
    assert stale.text is not None and "expired" in stale.text


async def test_queue_reject_with_a_reason_and_announce(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    operator = emulator.user(OPERATOR)
    await operator.ask("/circlemode Morning Walkers pre")
    assert "read by a moderator first" in (await alex.ask("/encourage call me at home")).shown_text
    queued = await operator.ask("/queue")
    assert "call me at home" in queued.shown_text and queued.button_labels == ["Approve", "Reject"]
    relay_id = str(queued.buttons[0]["callback_data"]).split(":")[2]
    alex.skip_to_end()
    rejected = await operator.ask(f"/reject {relay_id} Please keep contact details private")
    assert "has been told why" in rejected.shown_text
    told = await alex.next_message()
    assert "wasn't shared" in told.shown_text and "contact details private" in told.shown_text
    assert "not waiting" in (await operator.ask(f"/reject {relay_id} again")).shown_text
    assert "Nothing is waiting" in (await operator.ask("/queue")).shown_text

    bo.skip_to_end()
    announced = await operator.ask("/announce Morning Walkers Welcome, both of you!")
    assert "Announced to Morning Walkers: 2 members" in announced.shown_text
    assert "Moderators: Welcome, both of you!" in (await bo.next_message()).shown_text
    assert "no circle called" in (await operator.ask("/announce Nowhere hi")).shown_text


async def test_an_untaken_crisis_alert_is_sent_again(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    code = await new_circle(emulator)
    alex, _ = await member_in(emulator, code), await member_in(emulator, code)
    await alex.ask("/encourage I want to end my life")
    first = await mod_message(emulator, "I want to end my life")
    group = emulator.group(MOD_CHAT)
    count = len(group.messages)
    clock.advance(timedelta(minutes=14))
    await alex.ask("/help")
    assert len(group.messages) == count
    clock.advance(timedelta(minutes=2))
    again = await mod_message(emulator, "Nobody has taken this yet", after=count)
    assert again.button_labels == first.button_labels
    operator = emulator.user(OPERATOR)
    await operator.tap(first.button_labels[0], again)
    await emulator.wait_until(lambda: "Taken by" in again.shown_text)
    count = len(group.messages)
    clock.advance(timedelta(minutes=30))
    await alex.ask("/help")
    await alex.ask("/help")
    assert len(group.messages) == count
    actions = [r[0] for r in table(storage_url, "SELECT action FROM audit_log ORDER BY id")]
    assert actions[-1] == "take crisis alert"


async def test_every_action_is_audited_and_the_log_is_append_only(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    code = await new_circle(emulator)
    alex, _ = await member_in(emulator, code), await member_in(emulator, code)
    name = await pseudonym_of(alex)
    operator = emulator.user(OPERATOR)
    commands = [
        f"/warn {name} be kind",
        f"/mute {name} 1h",
        f"/unmute {name}",
        f"/ban {name}",
        f"/unban {name}",
        "/circlesize Morning Walkers 8",
        "/circlemode Morning Walkers pre",
        "/announce Morning Walkers hi",
    ]
    for command in commands:
        await operator.ask(command)
    audit = await operator.ask("/audit 20")
    for action in (
        "newcircle",
        "warn",
        "mute",
        "unmute",
        "ban",
        "unban",
        "circlesize",
        "circlemode",
        "announce",
    ):
        assert f" · {action}" in audit.shown_text, action
    assert f"warn · {name} · be kind" in audit.shown_text
    assert str(alex.user_id) not in audit.shown_text
    assert (await operator.ask("/audit 2")).shown_text.count("\n") == 2
    for statement in ("UPDATE audit_log SET reason = 'edited'", "DELETE FROM audit_log"):
        # In a thread: the bot shares this event loop, and a write waiting here for its
        # lock would stop the bot from finishing the transaction that holds it.
        with pytest.raises(refused_by_the_database(), match="append-only"):
            await asyncio.to_thread(poke, storage_url, statement)


# -- every audited action commits with its audit row ---------------------------------------

# What a moderator does once everything is ready: the words they were shown (a reply, or a
# pressed button's answer).
Act = Callable[[], Awaitable[str]]
URGENT = "i dont want to be here anymore, i want to kill myself"


@dataclass(frozen=True)
class Audited:
    """An action that writes audit rows: how to get ready for it, and the rows it writes."""

    name: str
    ready: Callable[[BotApiEmulator], Awaitable[Act]]
    rows: tuple[str, ...]


def asking(user: EmulatedUser, text: str) -> Act:
    async def act() -> str:
        user.skip_to_end()
        return (await user.ask(text)).shown_text

    return act


def tapping(user: EmulatedUser, label: str, message: SentMessage) -> Act:
    async def act() -> str:
        return (await user.tap(label, message)).text or ""

    return act


def operator_of(emulator: BotApiEmulator) -> EmulatedUser:
    return emulator.user(OPERATOR)


async def circle_member(emulator: BotApiEmulator) -> str:
    """A circle with one member in it; the member's pseudonym."""
    return await pseudonym_of(await member_in(emulator, await new_circle(emulator)))


async def held_relay(emulator: BotApiEmulator) -> SentMessage:
    """A relay held for review in a pre-moderated circle; /queue's message about it."""
    code = await new_circle(emulator)
    alex, _ = await member_in(emulator, code), await member_in(emulator, code)
    await operator_of(emulator).ask("/circlemode Morning Walkers pre")
    await alex.ask("/encourage keep going, both of us")
    return await operator_of(emulator).ask("/queue")


async def reported(emulator: BotApiEmulator) -> SentMessage:
    """A relay a member reported; the report in the moderators' chat."""
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    await alex.ask("/encourage something unkind")
    await bo.tap("Report", await message_with_button(bo, "Thanks"))
    return await mod_message(emulator, "Report #")


async def raised_alert(emulator: BotApiEmulator) -> SentMessage:
    """A member's urgent crisis alert in the moderators' chat, taken by nobody."""
    member = emulator.user()
    await onboard(member)
    await member.ask(URGENT)
    return await mod_message(emulator, "Urgent crisis alert")


async def taken_alert(emulator: BotApiEmulator, by: EmulatedUser) -> tuple[SentMessage, str]:
    """An alert `by` has taken; the alert and its number (from the instructions)."""
    alert = await raised_alert(emulator)
    by.skip_to_end()
    await by.tap("I'll reach out", alert)
    await emulator.wait_until(lambda: "Taken by" in alert.shown_text)
    found = None
    while found is None:
        found = re.search(r"/tell (\d+)", (await by.next_message()).shown_text)
    return alert, found.group(1)


async def promoted(emulator: BotApiEmulator) -> EmulatedUser:
    helper = emulator.user()
    await onboard(helper)
    await operator_of(emulator).ask_for(f"/promote {helper.user_id}", "is a moderator now")
    return helper


async def ready_newcircle(emulator: BotApiEmulator) -> Act:
    return asking(operator_of(emulator), "/newcircle Night Owls")


async def ready_new_invite(emulator: BotApiEmulator) -> Act:
    await new_circle(emulator)
    return asking(operator_of(emulator), "/invite Morning Walkers new")


async def ready_revoke_invite(emulator: BotApiEmulator) -> Act:
    await new_circle(emulator)
    return asking(operator_of(emulator), "/revoke Morning Walkers")


async def ready_circlemode(emulator: BotApiEmulator) -> Act:
    await new_circle(emulator)
    return asking(operator_of(emulator), "/circlemode Morning Walkers pre")


async def ready_circlesize(emulator: BotApiEmulator) -> Act:
    await new_circle(emulator)
    return asking(operator_of(emulator), "/circlesize Morning Walkers 3")


async def ready_announce(emulator: BotApiEmulator) -> Act:
    await circle_member(emulator)
    return asking(operator_of(emulator), "/announce Morning Walkers hello all")


async def ready_approve(emulator: BotApiEmulator) -> Act:
    return tapping(operator_of(emulator), "Approve", await held_relay(emulator))


async def ready_reject(emulator: BotApiEmulator) -> Act:
    return tapping(operator_of(emulator), "Reject", await held_relay(emulator))


async def ready_reject_with_reason(emulator: BotApiEmulator) -> Act:
    queued = await held_relay(emulator)
    relay_id = str(queued.buttons[0]["callback_data"]).split(":")[2]
    return asking(operator_of(emulator), f"/reject {relay_id} Please keep it kind")


async def ready_promote(emulator: BotApiEmulator) -> Act:
    member = emulator.user()
    await onboard(member)
    return asking(operator_of(emulator), f"/promote {member.user_id}")


async def ready_demote(emulator: BotApiEmulator) -> Act:
    # Demoted while holding an alert: the alert goes back to the moderators, audited too.
    helper = await promoted(emulator)
    await taken_alert(emulator, helper)
    return asking(operator_of(emulator), f"/demote {helper.user_id}")


async def ready_warn(emulator: BotApiEmulator) -> Act:
    return asking(operator_of(emulator), f"/warn {await circle_member(emulator)} be kind")


async def ready_mute(emulator: BotApiEmulator) -> Act:
    return asking(operator_of(emulator), f"/mute {await circle_member(emulator)} 1h")


async def ready_unmute(emulator: BotApiEmulator) -> Act:
    name = await circle_member(emulator)
    await operator_of(emulator).ask_for(f"/mute {name} 1h", name)
    return asking(operator_of(emulator), f"/unmute {name}")


async def ready_ban(emulator: BotApiEmulator) -> Act:
    return asking(operator_of(emulator), f"/ban {await circle_member(emulator)}")


async def ready_unban(emulator: BotApiEmulator) -> Act:
    name = await circle_member(emulator)
    await operator_of(emulator).ask_for(f"/ban {name}", name)
    return asking(operator_of(emulator), f"/unban {name}")


async def ready_report(label: str, emulator: BotApiEmulator) -> Act:
    return tapping(operator_of(emulator), label, await reported(emulator))


async def ready_take(emulator: BotApiEmulator) -> Act:
    return tapping(operator_of(emulator), "I'll reach out", await raised_alert(emulator))


async def ready_not_a_crisis(emulator: BotApiEmulator) -> Act:
    return tapping(operator_of(emulator), "Not a crisis", await raised_alert(emulator))


async def ready_resolve(emulator: BotApiEmulator) -> Act:
    alert, _ = await taken_alert(emulator, operator_of(emulator))
    return tapping(operator_of(emulator), "Resolved", alert)


async def ready_take_over(emulator: BotApiEmulator) -> Act:
    helper = await promoted(emulator)
    alert, _ = await taken_alert(emulator, operator_of(emulator))
    return tapping(helper, "Take over", alert)


async def ready_tell(emulator: BotApiEmulator) -> Act:
    _, number = await taken_alert(emulator, operator_of(emulator))
    return asking(operator_of(emulator), f"/tell {number} I'm here. How are you?")


async def ready_forget(emulator: BotApiEmulator) -> Act:
    # Not a moderator's action, but audited all the same (by the bot, at the member's word)
    # when the log named the member: here a warning's row loses their name.
    member = await member_in(emulator, await new_circle(emulator))
    name = await pseudonym_of(member)
    await operator_of(emulator).ask_for(f"/warn {name} be kind", name)
    return tapping(member, "Yes, delete everything", await member.ask("/forget"))


AUDITED = (
    Audited("newcircle", ready_newcircle, ("newcircle",)),
    Audited("invite new", ready_new_invite, ("new invite",)),
    Audited("revoke", ready_revoke_invite, ("revoke invite",)),
    Audited("circlemode", ready_circlemode, ("circlemode",)),
    Audited("circlesize", ready_circlesize, ("circlesize",)),
    Audited("announce", ready_announce, ("announce",)),
    Audited("review approve", ready_approve, ("approve",)),
    Audited("review reject", ready_reject, ("reject",)),
    Audited("reject with a reason", ready_reject_with_reason, ("reject",)),
    Audited("promote", ready_promote, ("promote",)),
    Audited("demote", ready_demote, ("demote", "release crisis alert")),
    Audited("warn", ready_warn, ("warn",)),
    Audited("mute", ready_mute, ("mute",)),
    Audited("unmute", ready_unmute, ("unmute",)),
    Audited("ban", ready_ban, ("ban",)),
    Audited("unban", ready_unban, ("unban",)),
    Audited("report dismiss", partial(ready_report, "Dismiss"), ("dismiss report",)),
    Audited("report delete", partial(ready_report, "Delete everywhere"), ("delete message",)),
    Audited("report warn", partial(ready_report, "Warn"), ("warn",)),
    Audited("report mute", partial(ready_report, "Mute"), ("mute",)),
    Audited("report ban", partial(ready_report, "Ban"), ("ban",)),
    Audited("take alert", ready_take, ("take crisis alert",)),
    Audited("not a crisis", ready_not_a_crisis, ("not a crisis",)),
    Audited("resolve", ready_resolve, ("resolve crisis alert",)),
    Audited("take over", ready_take_over, ("take over crisis alert",)),
    Audited("tell", ready_tell, ("tell",)),
    Audited("forget", ready_forget, ("member data erased",)),
)

# What is not the action's: the intake's marks and offset for the failed update, and the
# delivery worker's bookkeeping on messages queued before it (it goes on sending them).
_NOT_THE_ACTIONS: dict[str, str | None] = {
    "handled_updates": None,
    "instance": "SELECT * FROM instance WHERE key != 'update_offset'",
    "outbox": "SELECT idempotency_key, chat_id, kind, payload FROM outbox",
}


def database_state(database: str) -> dict[str, list[str]]:
    """Every table's rows (as text, sorted), but what _NOT_THE_ACTIONS leaves out."""
    state = {}
    for name in table_names(database):
        if name.startswith("sqlite_"):
            continue
        query = _NOT_THE_ACTIONS.get(name, f"SELECT * FROM {name}")
        if query is not None:
            state[name] = sorted(repr(row) for row in peek(database, query))
    return state


def audit_actions(database: str) -> list[str]:
    return [str(a) for (a,) in peek(database, "SELECT action FROM audit_log ORDER BY id")]


# A trigger that refuses every new audit row, as a full disk would, in each engine's words.
REFUSE_AUDIT = {
    "sqlite": [
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'no room'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION no_room() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'no room'; END $$",
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION no_room()",
    ],
}
ALLOW_AUDIT = {
    "sqlite": ["DROP TRIGGER refuse_audit"],
    "postgresql": ["DROP TRIGGER refuse_audit ON audit_log"],
}


@pytest.mark.parametrize("case", AUDITED, ids=[case.name for case in AUDITED])
async def test_an_action_and_its_audit_row_commit_together(
    case: Audited, emulator: BotApiEmulator, bot: PeerApplication, storage_url: str, engine: str
) -> None:
    # The audit row is written in the action's own transaction: when it cannot be written
    # (here a trigger refuses it, as a full disk would), the action does not happen either,
    # and a crash can never leave an action without its record.
    act = await case.ready(emulator)
    audited_before = await asyncio.to_thread(audit_actions, storage_url)
    for statement in REFUSE_AUDIT[engine]:
        await asyncio.to_thread(poke, storage_url, statement)
    before = await asyncio.to_thread(database_state, storage_url)
    assert "went wrong" in await act()
    assert await asyncio.to_thread(database_state, storage_url) == before

    for statement in ALLOW_AUDIT[engine]:
        await asyncio.to_thread(poke, storage_url, statement)
    assert "went wrong" not in await act()
    audited = await asyncio.to_thread(audit_actions, storage_url)
    assert audited[len(audited_before) :] == list(case.rows)
