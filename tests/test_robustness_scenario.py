"""Odd input, stale and forged buttons, out-of-order commands, groups, failures: kind replies."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator
from storage.timestamps import to_db
from tests.engines import probe
from tests.helpers import onboard, rows_holding


async def test_command_menu_is_registered_at_startup(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    registered = emulator.commands_for({"type": "all_private_chats"})
    names = {command["command"] for command in registered}
    assert {"start", "help", "crisis", "settings", "pause", "resume", "mydata", "forget"} <= names


async def test_non_member_commands_point_to_start(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    user = emulator.user()
    for command in ("/settings", "/pause", "/resume", "/mydata", "/forget", "/timezone UTC"):
        assert "Send /start" in (await user.ask(command)).shown_text
    assert "988" in (await user.ask("/crisis")).shown_text
    assert "/checkintime" in (await user.ask("/help")).shown_text
    assert rows_holding(storage_url, user.user_id) == []


async def test_unknown_commands_free_text_and_media_get_kind_replies(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await onboard(user)
    assert "don't know that command" in (await user.ask("/frobnicate now")).shown_text
    assert "/help" in (await user.ask("just saying hi")).shown_text
    assert "/help" in (await user.ask("x" * 4096)).shown_text
    assert "/help" in (await user.ask("\u202e\u0000 odd ✨ text")).shown_text
    user.send_raw(
        sticker={
            "file_id": "s1",
            "file_unique_id": "s1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    )
    assert "/help" in (await user.next_message()).shown_text


async def test_bad_shortcut_arguments_change_nothing(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await onboard(user, zone="Asia/Tokyo", at="08:00")
    assert "couldn't find “Atlantis”" in (await user.ask("/timezone Atlantis")).shown_text
    assert "HH:MM" in (await user.ask("/checkintime soon")).shown_text
    assert "1 to 365" in (await user.ask("/pause forever")).shown_text
    assert "1 to 365" in (await user.ask("/pause 9999")).shown_text
    settings = (await user.ask("/settings")).shown_text
    assert "Asia/Tokyo" in settings and "08:00" in settings and "active" in settings
    until = (await user.ask("/pause 3")).shown_text
    assert "Paused until Thu 05 Mar 2026 at 18:00 (your time)" in until  # Tokyo


async def test_forged_and_stale_buttons_expire_politely(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await onboard(user)
    for data in (
        "onb:keep",
        "onb:redraw",
        "tz:set:Mars/Base",
        "time:set:99:99",
        "set:nuke",
        "forget:maybe",
        "nonsense",
        "x" * 64,
    ):
        answer = await user.callback_answer(user.press_data(data))
        assert answer.text is not None and "expired" in answer.text
    assert "active" in (await user.ask("/settings")).shown_text


async def test_double_tap_on_agree_does_not_onboard_twice(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    notice = await user.ask("/start")
    first = user.press("I agree", notice)
    second = user.press("I agree", notice)
    await user.callback_answer(first)
    await user.callback_answer(second)
    await emulator.wait_until(lambda: len(user.messages) >= 3)
    offers = [m for m in user.messages if "you will be" in m.shown_text]
    assert len(offers) == 1


async def test_start_again_mid_onboarding_resumes_the_step(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await user.ask("/start")
    await user.tap("I agree")
    await user.next_message()
    await user.tap("Keep")
    await user.next_message()
    assert "finish setting up" in (await user.ask("/start")).shown_text
    assert "time zone" in (await user.next_message()).shown_text
    done = await user.ask("/checkintime 09:00")  # the default zone stays; onboarding ends
    assert "all set" in done.shown_text and "09:00" in done.shown_text
    welcome_back = await user.ask("/start")
    assert "Welcome back" in welcome_back.shown_text


async def test_group_messages_get_silence(emulator: BotApiEmulator, bot: PeerApplication) -> None:
    group = emulator.group(-100123, "Some group")
    user = emulator.user()
    group.send(user, "/start")
    group.send(user, "hello bot")
    user.send("/help")  # a private message after them, to know the group ones were handled
    await user.next_message()
    assert group.messages == []


async def test_a_failed_reply_is_logged_without_text_and_the_member_reassured(
    emulator: BotApiEmulator, bot: PeerApplication, caplog: pytest.LogCaptureFixture
) -> None:
    user = emulator.user()
    emulator.fail_next("sendMessage", code=400, description="Bad Request: injected")
    with caplog.at_level(logging.ERROR, logger="peercircle.errors"):
        user.send("/help my secret words")
        reply = await user.next_message()
    assert "Nothing was lost" in reply.shown_text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"user_id={user.user_id}" in logged and "kind=message" in logged
    assert "secret words" not in caplog.text
    assert "Welcome" not in (await user.ask("/crisis")).shown_text  # still running


async def test_update_marks_are_stamped_by_the_bots_clock(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str, clock: ManualClock
) -> None:
    # Intake prunes marks by the bot's clock; stamped by the wall clock, a mark could be
    # pruned at once (or kept forever) whenever the two disagree.
    clock.advance(timedelta(days=400))
    await onboard(emulator.user())  # its taps write, and mark their updates as they commit

    def stamps() -> set[str]:
        with probe(storage_url) as conn:
            return {at for (at,) in conn.execute("SELECT handled_at FROM handled_updates")}

    await emulator.wait_until(lambda: len(stamps()) > 0)
    assert stamps() == {to_db(clock.now())}
