"""A circle of four: invites, /circle, /encourage, thanks, reports, sanitising, limits."""

from __future__ import annotations

import re

import pytest

from bot.config import CircleSettings, ModerationSettings, Settings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser
from tests.conftest import make_settings
from tests.helpers import answer_checkin, message_with_button, onboard

OPERATOR = 990001
MOD_CHAT = -100777


@pytest.fixture
def settings(emulator: BotApiEmulator, storage_url: str, storage_key: bytes | None) -> Settings:
    emulator.group(MOD_CHAT, "Moderators")
    return make_settings(
        emulator,
        storage_url,
        storage_key,
        moderation=ModerationSettings(operators=[OPERATOR], moderator_chat_id=MOD_CHAT),
        circles=CircleSettings(max_members=4, relays_per_hour=3),
    )


async def new_circle(emulator: BotApiEmulator, name: str = "Morning Walkers") -> str:
    """Make a circle as the operator; returns its invite code."""
    operator = emulator.user(OPERATOR)
    created = await operator.ask(f"/newcircle {name}")
    match = re.search(r"https://t\.me/peercircle_bot\?start=([\w-]+)", created.shown_text)
    assert match, created.shown_text
    return match.group(1)


async def member_in(emulator: BotApiEmulator, code: str) -> EmulatedUser:
    user = emulator.user()
    await onboard(user)
    joined = await user.ask(f"/start {code}")
    assert "Welcome to the circle" in joined.shown_text, joined.shown_text
    return user


async def test_non_moderators_are_refused_moderator_commands(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await onboard(user)
    for command in ("/newcircle Sneaky", "/invite Sneaky", "/circles"):
        assert (await user.ask(command)).shown_text == "This is for moderators."
    assert "no circles yet" in (await emulator.user(OPERATOR).ask("/circles")).shown_text


async def test_a_circle_of_four_encourages_thanks_and_reports(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, bo, cy, dee = [await member_in(emulator, code) for _ in range(4)]
    circle = await alex.ask("/circle")
    assert "Morning Walkers" in circle.shown_text and "4 members" in circle.shown_text
    listing = await emulator.user(OPERATOR).ask("/circles")
    assert "Morning Walkers: 4 of 4 members" in listing.shown_text

    late = emulator.user()
    await onboard(late)
    assert "full" in (await late.ask(f"/start {code}")).shown_text

    alex.skip_to_end()
    sent = await alex.ask("/encourage You've got this, one day at a time")
    assert "Sent to 3 members" in sent.shown_text
    copies = [await message_with_button(u, "Thanks") for u in (bo, cy, dee)]
    pseudonym = circle.shown_text.split("You are ")[1].removesuffix(" here.")
    for copy in copies:
        assert copy.shown_text == f"{pseudonym}: You've got this, one day at a time"
        assert copy.protect_content and copy.entities is None
    assert not emulator.calls_of("forwardMessage") and not emulator.calls_of("copyMessage")

    alex.skip_to_end()
    answer = await bo.tap("Thanks", copies[0])
    assert answer.text is not None and "Thanks sent" in answer.text
    await emulator.wait_until(lambda: copies[0].button_labels == ["💚 Thanked", "Report"])
    landed = await alex.next_message()
    # Which words landed, never who thanked.
    assert landed.shown_text == (
        "💚 Someone in your circle thanked you for “You've got this, one day at…”: your words "
        "landed. Helping others is part of recovery too."
    )
    assert bo.first_name not in landed.shown_text and "Thanked" not in landed.shown_text
    again = await bo.tap("Thanked", copies[0])
    assert again.text is not None and "already" in again.text
    assert copies[0].button_labels == ["💚 Thanked", "Report"]
    assert copies[2].button_labels == ["💚 Thanks", "Report"]  # only the thanker's copy changes

    report = await cy.tap("Report", copies[1])
    assert report.text is not None and "nobody will know" in report.text
    await emulator.wait_until(lambda: copies[1].deleted)  # gone from the reporter's chat
    assert not copies[0].deleted and not copies[2].deleted
    moderators = emulator.group(MOD_CHAT)
    await emulator.wait_until(lambda: any("Report" in m.shown_text for m in moderators.messages))
    alert = next(m for m in moderators.messages if "Report" in m.shown_text)
    assert "Morning Walkers" in alert.shown_text and pseudonym in alert.shown_text
    assert cy.first_name not in alert.shown_text and str(cy.user_id) not in alert.shown_text

    assert "left" in (await dee.ask("/leave")).shown_text
    assert "not in a circle" in (await dee.ask("/circle")).shown_text


async def test_contact_details_never_reach_the_circle(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    alex.skip_to_end()
    alex.send("/encourage")
    assert "Write your encouragement" in (await alex.next_message()).shown_text
    alex.send(
        "So proud of you! Three months ago I could not get out of bed, and today I walked to "
        "the sea. Call me on +1 555 123 4567, mail me at me@example.com, see "
        "https://example.org or t.me/mychannel, or ping @alex_private. Keep walking every day!"
    )
    note = await alex.next_message()
    assert all(k in note.shown_text for k in ("links", "e-mail", "usernames", "phone"))
    assert "Sent to 1 member" in (await alex.next_message()).shown_text
    copy = await message_with_button(bo, "Thanks")
    for gone in ("555", "example", "t.me", "@alex_private", "me@"):
        assert gone not in copy.shown_text
    assert "So proud of you!" in copy.shown_text and "Keep walking every day!" in copy.shown_text

    alex.skip_to_end()
    held = await alex.ask("/encourage @alex_private +1 555 123 4567")
    assert "didn't send that" in held.shown_text


async def test_crisis_language_is_held_and_answered_with_resources(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    bo.skip_to_end()
    reply = await alex.ask("/encourage honestly I want to kill myself tonight")
    assert "sounds really serious" in reply.shown_text and "988" in reply.shown_text
    assert "haven't passed your words on" in (await alex.next_message()).shown_text
    # The circle hears that someone is struggling: no words, no name; help goes back.
    notice = await message_with_button(bo, "Send encouragement")
    assert "very hard time" in notice.shown_text
    assert "kill" not in notice.shown_text and "Calm" not in notice.shown_text
    assert not any(m.find_button("Thanks") for m in bo.messages)
    await bo.tap("Send encouragement", notice)
    await bo.next_message()
    bo.send("We're here for you.")
    assert "We're here for you" in (await message_with_button(alex, "Thanks")).shown_text


async def test_relay_limit_bad_codes_and_no_circle(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    loner = emulator.user()
    await onboard(loner)
    assert "not in a circle" in (await loner.ask("/encourage hello")).shown_text
    assert "isn't valid" in (await loner.ask("/start no-such-code")).shown_text
    code = await new_circle(emulator)
    alex, _ = await member_in(emulator, code), await member_in(emulator, code)
    for n in range(3):
        assert "Sent to 1 member" in (await alex.ask(f"/encourage keep going {n}")).shown_text
    assert "wait a little" in (await alex.ask("/encourage one more")).shown_text
    other_code = await new_circle(emulator, "Evening Readers")
    assert "one circle at a time" in (await alex.ask(f"/start {other_code}")).shown_text


async def test_a_new_user_with_an_invite_joins_when_onboarding_ends(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    user = emulator.user()
    await user.ask(f"/start {code}")
    await user.tap("I agree")
    await user.next_message()
    await user.tap("Keep")
    await user.next_message()
    await user.tap("UTC")
    await user.next_message()
    await user.tap("20:00")
    assert "all set" in (await user.next_message()).shown_text
    assert "Welcome to the circle" in (await user.next_message()).shown_text


async def test_forwards_and_media_are_never_relayed(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    alex.skip_to_end()
    alex.send("/encourage")
    await alex.next_message()
    origin = {"type": "user", "date": 0, "sender_user": bo.payload()}
    alex.send_raw(text="forwarded words", forward_origin=origin)
    assert "never passed on" in (await alex.next_message()).shown_text
    alex.send_raw(voice={"file_id": "v1", "file_unique_id": "v1", "duration": 3})
    assert "never passed on" in (await alex.next_message()).shown_text
    bo.skip_to_end()
    await bo.ask("/help")
    assert not any(m.find_button("Thanks") for m in bo.messages)


async def test_ask_and_an_answer_that_reaches_only_the_asker(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, bo, cy = [await member_in(emulator, code) for _ in range(3)]
    alex.skip_to_end()
    alex.send("/ask")
    assert "What would you like support with" in (await alex.next_message()).shown_text
    alex.send("First weekend sober in years. Any tips for Saturday night?")
    assert "Their encouragement will come to you here" in (await alex.next_message()).shown_text
    asked = await message_with_button(bo, "Send encouragement")
    assert "asks the circle for support" in asked.shown_text
    await message_with_button(cy, "Send encouragement")

    bo.skip_to_end()
    cy.skip_to_end()
    await bo.tap("Send encouragement", asked)
    assert "goes only to them" in (await bo.next_message()).shown_text
    bo.send("Plan something for 9pm, a film or a call. You've done the hard part already.")
    assert "Encouragement sent" in (await bo.next_message()).shown_text
    answer = await message_with_button(alex, "Thanks")
    assert "sent you encouragement" in answer.shown_text and "film" in answer.shown_text
    await cy.ask("/help")
    assert not any("film" in m.shown_text for m in cy.messages)
    bo.skip_to_end()
    await alex.tap("Thanks", answer)
    assert "your words landed" in (await bo.next_message()).shown_text


async def test_a_hard_day_can_be_shared_with_the_circle(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    await answer_checkin(alex, 1, 2)  # the first hard day is enough
    await alex.tap("Skip")
    await emulator.wait_until(lambda: "Today: mood" in alex.last_message.shown_text)
    reply = alex.last_message
    # In a circle: the circle first, not a moderator.
    assert reply.button_labels == [
        "Let my circle know",
        "Let my circle know it's me",
        "📋 Make a safety plan",
        "Crisis resources",
    ]
    alex.skip_to_end()
    bo.skip_to_end()
    await alex.tap("Let my circle know", reply)
    assert "Your circle knows" in (await alex.next_message()).shown_text
    shared = await message_with_button(bo, "Send encouragement")
    assert shared.shown_text.startswith("Someone in your circle is having a hard day")
    await bo.tap("Send encouragement", shared)
    await bo.next_message()
    bo.send("Thinking of you. Tomorrow is a new day.")
    assert "Thinking of you" in (await message_with_button(alex, "Thanks")).shown_text

    # Pressed again after leaving the circle: what else there is, not a refusal.
    await alex.ask("/leave")
    await alex.tap("Let my circle know it's me", reply)
    support = await alex.next_message()
    assert "You don't have to carry it alone" in support.shown_text
    assert support.button_labels == [
        "Talk to a moderator",
        "📋 Make a safety plan",
        "Crisis resources",
    ]


async def test_crisis_alert_is_taken_and_becomes_a_private_thread(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    operator = emulator.user(OPERATOR)
    moderators = emulator.group(MOD_CHAT)
    alex.skip_to_end()
    await alex.ask("/ask I can't go on like this")  # the crisis answer
    assert "haven't passed your words on" in (await alex.next_message()).shown_text
    await emulator.wait_until(
        lambda: any("Concern #" in m.shown_text for m in moderators.messages)
    )
    alert = next(m for m in moderators.messages if "Concern #" in m.shown_text)
    assert "Morning Walkers" in alert.shown_text and "I can't go on like this" in alert.shown_text
    assert alex.first_name not in alert.shown_text

    refused = await bo.callback_answer(bo.press("I'll reach out", alert))
    assert refused.text == "This is for moderators."
    operator.skip_to_end()
    await operator.tap("I'll reach out", alert)
    await emulator.wait_until(lambda: "Taken by" in alert.shown_text)
    instructions = await operator.next_message()
    alert_id = re.search(r"/tell (\d+)", instructions.shown_text)
    assert alert_id is not None
    assert (
        "Sent"
        in (await operator.ask(f"/tell {alert_id.group(1)} I'm here. How are you?")).shown_text
    )
    from_moderator = await alex.next_message()
    assert from_moderator.shown_text == "Moderator: I'm here. How are you?"
    assert from_moderator.protect_content
    await alex.tap("Reply to Moderator", from_moderator)
    await alex.next_message()
    alex.send("Thank you. A bit better after talking.")
    assert "Sent to the moderator" in (await alex.next_message()).shown_text
    answered = await operator.next_message()
    assert "A bit better after talking" in answered.shown_text
    await operator.tap("Resolved", alert)
    await emulator.wait_until(lambda: "Resolved by" in alert.shown_text)
    assert alert.buttons == []


async def test_crisis_in_a_note_alerts_without_the_note(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex = await member_in(emulator, code)
    moderators = emulator.group(MOD_CHAT)
    await answer_checkin(alex, 2, 3)
    await alex.tap("Add a note")
    await emulator.wait_until(lambda: "Write your note" in alex.last_message.shown_text)
    alex.send("the pills in the drawer, thinking about an overdose")
    await emulator.wait_until(
        lambda: any("Urgent crisis alert" in m.shown_text for m in moderators.messages)
    )
    alert = next(m for m in moderators.messages if "Urgent crisis alert" in m.shown_text)
    assert "private check-in note" in alert.shown_text
    assert "pills" not in alert.shown_text and "overdose" not in alert.shown_text


async def test_pre_moderated_circle_holds_until_approved_or_rejected(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    operator = emulator.user(OPERATOR)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    assert "not-a-mode" not in (await bo.ask("/circlemode Morning Walkers pre")).shown_text
    assert bo.last_message.shown_text == "This is for moderators."
    assert "pre-moderated" in (await operator.ask("/circlemode Morning Walkers pre")).shown_text
    moderators = emulator.group(MOD_CHAT)

    alex.skip_to_end()
    bo.skip_to_end()
    held = await alex.ask("/encourage Proud of every one of you")
    assert "moderator" in held.shown_text
    await emulator.wait_until(
        lambda: any("Awaiting approval" in m.shown_text for m in moderators.messages)
    )
    review = next(m for m in moderators.messages if "Proud of every" in m.shown_text)
    await bo.ask("/help")
    assert not any(m.find_button("Thanks") for m in bo.messages)
    assert (await bo.callback_answer(bo.press("Approve", review))).text == (
        "This is for moderators."
    )
    await operator.tap("Approve", review)
    copy = await message_with_button(bo, "Thanks")
    assert "Proud of every one of you" in copy.shown_text
    await emulator.wait_until(lambda: "Approved by" in review.shown_text)

    alex.skip_to_end()
    await alex.ask("/encourage something a moderator will not pass on")
    await emulator.wait_until(
        lambda: any("will not pass" in m.shown_text and m.buttons for m in moderators.messages)
    )
    second = next(m for m in moderators.messages if "will not pass" in m.shown_text)
    await operator.tap("Reject", second)
    assert "didn't pass on" in (await alex.next_message()).shown_text
    stale = await operator.callback_answer(operator.press_data("pm:ok:1", second))
    assert stale.text is not None and "expired" in stale.text
