"""The whole first-run journey against the emulator, through /forget."""

from __future__ import annotations

from bot.context import PeerApplication
from bot.emulator import BotApiEmulator
from tests.helpers import my_data_json, rows_holding


async def test_new_member_journey_through_forget(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    user = emulator.user()

    notice = await user.ask("/start")
    assert "not a medical" in notice.shown_text
    assert "crisis" in notice.shown_text.lower() or "urgent help" in notice.shown_text.lower()
    assert rows_holding(storage_url, user.user_id) == []  # nothing stored before consent

    await user.tap("I agree")
    offer = await user.next_message()
    assert notice.buttons == []  # the notice lost its buttons, and says when consent was given
    assert "You agreed on" in notice.shown_text
    first_name = offer.shown_text.split("you will be ")[1].split(".")[0]
    await user.tap("Draw another")
    await emulator.wait_until(lambda: offer.edits == 1)
    second_name = offer.shown_text.split("How about ")[1].split("?")[0]
    assert second_name != first_name
    await user.tap("Keep")
    await user.next_message()  # "Your pseudonym is now" is an edit; next is the zone question
    zone_question = user.last_message
    assert "time zone" in zone_question.shown_text

    user.send("Mars/Olympus")
    assert "couldn't find “Mars/Olympus”" in (await user.next_message()).shown_text
    user.send("utc+5:30")
    assert "UTC+05:30" in (await user.next_message()).shown_text
    time_question = await user.next_message()
    assert "check-in" in time_question.shown_text
    user.send("25:99")
    assert "HH:MM" in (await user.next_message()).shown_text
    user.send("21:15")
    done = await user.next_message()
    assert "all set" in done.shown_text and "21:15" in done.shown_text
    assert second_name in done.shown_text

    settings = await user.ask("/settings")
    assert "UTC+05:30" in settings.shown_text and "21:15" in settings.shown_text
    assert "active" in settings.shown_text

    assert "Paused" in (await user.ask("/pause")).shown_text
    assert "paused until you /resume" in (await user.ask("/settings")).shown_text
    assert "on again" in (await user.ask("/resume")).shown_text

    assert "Europe/Berlin" in (await user.ask("/timezone europe/berlin")).shown_text
    assert "07:30" in (await user.ask("/checkintime 7:30")).shown_text

    exported = await my_data_json(user)
    assert exported["member"]["user_id"] == user.user_id
    assert exported["member"]["pseudonym"] == second_name
    assert exported["member"]["timezone"] == "Europe/Berlin"
    assert exported["member"]["checkin_time"] == "07:30"
    assert exported["member"]["consent_version"] == 1
    assert rows_holding(storage_url, user.user_id) != []

    confirm = await user.ask("/forget")
    assert "cannot be undone" in confirm.shown_text
    await user.tap("Yes, delete everything")
    await emulator.wait_until(lambda: "has been deleted" in confirm.shown_text)
    assert rows_holding(storage_url, user.user_id) == []

    again = await user.ask("/start")  # a new person now: the notice again
    assert any("I agree" in label for label in again.button_labels)


async def test_not_now_stores_nothing(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    user = emulator.user()
    await user.ask("/start")
    await user.tap("Not now")
    reply = await user.next_message()
    assert "Nothing about you has been stored" in reply.shown_text
    assert rows_holding(storage_url, user.user_id) == []
    assert "/start" in (await user.ask("/settings")).shown_text


async def test_invite_code_is_kept_through_onboarding(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    notice = await user.ask("/start circleABC123")
    agree = notice.find_button("I agree")
    assert agree is not None and agree["callback_data"].endswith("circleABC123")
    await user.tap("I agree")
    await user.next_message()
    await user.tap("Keep")
    await user.next_message()
    await user.tap("Tokyo (")
    await user.next_message()
    await user.tap("08:00")
    await user.next_message()
    kept = await user.next_message()  # the code was carried through; it names no circle
    assert "invite link isn't valid" in kept.shown_text
    exported = await my_data_json(user)
    assert exported["member"]["pending_invite"] is None  # used up, even though unknown
