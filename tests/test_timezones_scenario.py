"""Time zones against the emulator: cities typed, zone buttons with the time there, and
every time a member reads shown in their own zone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from tests.helpers import my_data_json, onboard
from tests.test_circles_scenario import OPERATOR, member_in, new_circle, settings  # noqa: F401

# The clock starts on Monday 2026-03-02 at 09:00 UTC: 10:00 in Berlin, 04:00 in New York.


async def at_zone_question(user: EmulatedUser) -> tuple[SentMessage, str]:
    """/start, consent and the pseudonym kept; returns the zone question and the pseudonym."""
    await user.ask("/start")
    await user.tap("I agree")
    offer = await user.next_message()
    pseudonym = offer.shown_text.split("you will be ")[1].split(".")[0]
    await user.tap("Keep")
    await user.next_message()
    question = user.last_message
    assert "Which time zone" in question.shown_text
    return question, pseudonym


async def exported_zone(user: EmulatedUser) -> str:
    exported = await my_data_json(user)
    return str(exported["member"]["timezone"])


async def test_zone_buttons_name_the_city_and_its_time_now(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    question, _ = await at_zone_question(user)
    labels = question.button_labels
    for label in (
        "London (09:00 now)",
        "Berlin (10:00 now)",
        "Kyiv (11:00 now)",
        "New York (04:00 now)",
        "São Paulo (06:00 now)",
        "Kolkata (14:30 now)",
        "Tokyo (18:00 now)",
        "UTC (09:00 now)",
    ):
        assert label in labels, labels
    assert not any("/" in label for label in labels)  # no "Europe/London"
    await user.tap("Kyiv (11:00 now)")
    await emulator.wait_until(lambda: question.edits == 1)
    assert "Time zone set to Europe/Kyiv. It's 11:00 there now." in question.shown_text
    await user.next_message()  # the check-in time question
    await user.tap("20:00")
    await user.next_message()

    # The same picker under /settings, read from the clock as it is then.
    clock.advance(timedelta(hours=1, minutes=7))
    await user.ask("/settings")
    await user.tap("Time zone")
    picker = await user.next_message()
    assert "London (10:07 now)" in picker.button_labels
    assert "New York (05:07 now)" in picker.button_labels
    await user.tap("New York (05:07 now)", picker)
    await emulator.wait_until(lambda: "America/New_York" in picker.shown_text)
    assert "It's 05:07 there now" in picker.shown_text
    assert "America/New_York (05:07 now)" in (await user.ask("/settings")).shown_text


async def test_a_typed_city_answers_the_zone_question(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await at_zone_question(user)
    user.send("london")
    assert "Time zone set to Europe/London. It's 09:00 there now." in (
        (await user.next_message()).shown_text
    )
    time_question = await user.next_message()
    assert "check-in" in time_question.shown_text
    await user.tap("20:00")
    assert "(Europe/London)" in (await user.next_message()).shown_text

    # Later, with /timezone: case, accents, old spellings and big cities in other zones.
    for typed, zone, shown in (
        ("new york", "America/New_York", "America/New_York. It's 04:00"),
        ("São Paulo", "America/Sao_Paulo", "America/Sao_Paulo. It's 06:00"),
        ("SAO PAULO", "America/Sao_Paulo", "America/Sao_Paulo. It's 06:00"),
        ("Kyiv", "Europe/Kyiv", "Europe/Kyiv. It's 11:00"),
        ("Kiev", "Europe/Kyiv", "Europe/Kyiv. It's 11:00"),
        ("bombay", "Asia/Kolkata", "Asia/Kolkata (Mumbai). It's 14:30"),
        ("Manchester", "Europe/London", "Europe/London (Manchester). It's 09:00"),
        ("Europe/Berlin", "Europe/Berlin", "Europe/Berlin. It's 10:00"),
        ("UTC+2", "UTC+02:00", "UTC+02:00. It's 11:00"),
    ):
        reply = await user.ask(f"/timezone {typed}")
        assert f"Time zone set to {shown} there now." in reply.shown_text, typed
        assert await exported_zone(user) == zone
    # Typed as the answer to the settings question, too.
    await user.ask("/settings")
    await user.tap("Time zone")
    await user.next_message()
    assert "Europe/Kyiv" in (await user.ask("Kyiv")).shown_text
    assert "Europe/Kyiv" in (await user.ask("/settings")).shown_text


async def test_a_near_miss_asks_did_you_mean_and_its_button_works(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await at_zone_question(user)
    suggestion = await user.ask("Lodnon")
    assert "I couldn't find “Lodnon”. Did you mean London?" in suggestion.shown_text
    assert suggestion.button_labels == ["London (09:00 now)"]
    await user.tap("London (09:00 now)", suggestion)
    await emulator.wait_until(lambda: "Time zone set to" in suggestion.shown_text)
    assert "Europe/London" in suggestion.shown_text and suggestion.buttons == []
    assert "check-in" in (await user.next_message()).shown_text  # onboarding goes on
    await user.tap("20:00")
    assert "(Europe/London)" in (await user.next_message()).shown_text

    suggestion = await user.ask("/timezone Sao Polo")
    assert "Did you mean São Paulo?" in suggestion.shown_text
    assert "Europe/London" in (await exported_zone(user))  # nothing changed yet
    await user.tap("São Paulo (06:00 now)", suggestion)
    await emulator.wait_until(lambda: "America/Sao_Paulo" in suggestion.shown_text)
    assert await exported_zone(user) == "America/Sao_Paulo"


async def test_a_name_for_several_zones_lets_the_member_choose(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await onboard(user)
    choice = await user.ask("/timezone Birmingham")
    assert "“Birmingham” could be more than one time zone" in choice.shown_text
    assert choice.button_labels == [
        "Birmingham, England (09:00 now)",
        "Birmingham, Alabama (03:00 now)",
    ]
    await user.tap("Birmingham, Alabama (03:00 now)", choice)
    await emulator.wait_until(lambda: "America/Chicago" in choice.shown_text)
    assert await exported_zone(user) == "America/Chicago"
    usa = await user.ask("/timezone USA")
    assert "Los Angeles (01:00 now)" in usa.button_labels and len(usa.button_labels) == 7


@pytest.mark.parametrize("nonsense", ["blorptastic", "Mars/Olympus"])
async def test_nonsense_gets_a_kind_reply_loses_nothing_and_asks_again(
    emulator: BotApiEmulator, bot: PeerApplication, nonsense: str
) -> None:
    user = emulator.user()
    _, pseudonym = await at_zone_question(user)
    reply = await user.ask(nonsense)
    assert f"I couldn't find “{nonsense}”" in reply.shown_text
    assert "nothing was changed" in reply.shown_text
    assert "Berlin (10:00 now)" in reply.button_labels  # asked again, with the buttons
    # Still at the same step of joining, with the pseudonym kept: a city now goes on.
    assert "Europe/Berlin" in (await user.ask("Berlin")).shown_text
    assert "check-in" in (await user.next_message()).shown_text
    await user.tap("20:00")
    done = await user.next_message()
    assert "all set" in done.shown_text and pseudonym in done.shown_text

    # A member with a zone keeps it, and the next thing they type is read as a place.
    reply = await user.ask(f"/timezone {nonsense}")
    assert "nothing was changed" in reply.shown_text
    assert await exported_zone(user) == "Europe/Berlin"
    assert "Europe/Lisbon" in (await user.ask("Lisbon")).shown_text


async def test_a_zone_typed_before_the_pseudonym_is_kept_asks_for_the_pseudonym(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await user.ask("/start")
    await user.tap("I agree")
    await user.next_message()
    again = await user.ask("/timezone London")
    assert "Keep it, or draw another" in again.shown_text  # the step joining is at
    await user.tap("Keep", again)
    question = await user.next_message()
    assert "Which time zone" in question.shown_text
    assert "London (09:00 now)" in question.button_labels


async def test_pause_is_shown_in_the_members_own_zone(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await onboard(user, zone="America/Los_Angeles", at="08:00")  # 01:00 there now
    # Seven days on is after the clocks go forward there (8 March): 02:00, not 01:00.
    paused = await user.ask("/pause 7")
    assert "Paused until Mon 09 Mar 2026 at 02:00 (your time)" in paused.shown_text
    assert "UTC" not in paused.shown_text
    shown = await user.ask("/settings")
    assert "paused until Mon 09 Mar 2026 at 02:00" in shown.shown_text


async def test_a_mute_is_shown_to_the_member_in_their_zone(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, _ = await member_in(emulator, code), await member_in(emulator, code)  # Berlin
    name = (await alex.ask("/circle")).shown_text.split("You are ")[1].removesuffix(" here.")
    alex.skip_to_end()
    muted = await emulator.user(OPERATOR).ask(f"/mute {name} 2h")
    assert "until 2026-03-02 11:00 UTC" in muted.shown_text  # moderators read UTC
    notice = await alex.next_message()
    assert "until Mon 02 Mar 2026 at 12:00 (your time)" in notice.shown_text
    refused = await alex.ask("/encourage hello all")
    assert "paused until Mon 02 Mar 2026 at 12:00 (your time)" in refused.shown_text
