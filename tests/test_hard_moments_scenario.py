"""Hard moments for a member with no circle: support first, a moderator to talk to, their
safety plan one tap away; and the check-in's own words (mood buttons, the number of taps)."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.clock import ManualClock
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from tests.engines import probe
from tests.helpers import answer_checkin, onboard
from tests.test_circles_scenario import MOD_CHAT, OPERATOR, settings  # noqa: F401


async def hard_checkin(user: EmulatedUser) -> SentMessage:
    """A check-in with mood 1 and confidence 4, note skipped; returns the reply."""
    await answer_checkin(user, 1, 4)
    await user.tap("Skip")
    await user.emulator.wait_until(lambda: "Today: mood" in user.last_message.shown_text)
    return user.last_message


async def test_a_member_with_no_circle_can_talk_to_a_moderator(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    user = emulator.user()
    await onboard(user)
    reply = await hard_checkin(user)
    assert reply.shown_text.startswith(
        "That sounds like a hard day. Thank you for checking in anyway."
    )
    assert "a peer moderator can write to you here" in reply.shown_text
    assert "circle" not in reply.shown_text  # nothing offered that they cannot use
    assert reply.button_labels == [
        "Talk to a moderator",
        "📋 Make a safety plan",
        "Crisis resources",
    ]

    user.skip_to_end()
    await user.tap("Talk to a moderator", reply)
    asked = await user.next_message()
    assert asked.shown_text.startswith("I've asked a peer moderator to write to you here.")
    assert "/crisis" in asked.shown_text  # sooner help, should they need it

    moderators = emulator.group(MOD_CHAT)
    await emulator.wait_until(
        lambda: any("Request #" in m.shown_text for m in moderators.messages)
    )
    request = next(m for m in moderators.messages if "Request #" in m.shown_text)
    assert "had a hard day at their check-in and asked to talk" in request.shown_text
    assert "mood" not in request.shown_text.lower()  # the check-in itself stays private
    # Asking to talk is no alarm to call false: take it, or resolve it.
    assert request.button_labels == ["I'll reach out", "Resolved"]
    for identity in (user.first_name, user.username, str(user.user_id)):
        assert identity not in request.shown_text

    again = await user.tap("Talk to a moderator", reply)  # asking twice raises no second one
    assert again.text is None
    assert "I've asked a peer moderator" in (await user.next_message()).shown_text
    with probe(storage_url) as conn:
        alerts = conn.execute("SELECT tier, contact_requested_at IS NOT NULL FROM crisis_alerts")
        assert alerts.fetchall() == [("request", 1)]
    assert sum("Request #" in m.shown_text for m in moderators.messages) == 1

    # Crisis words the same day outrank the request: the same alert becomes a concern.
    user.skip_to_end()
    user.send("I can't go on like this")
    answer = await user.next_message()
    assert "already know you may be struggling" in answer.shown_text
    with probe(storage_url) as conn:
        assert conn.execute("SELECT tier FROM crisis_alerts").fetchall() == [("concern",)]
        counted = dict(conn.execute("SELECT tier || ':' || outcome, count FROM alert_outcomes"))
    assert counted == {"request:raised": 0, "concern:raised": 1}

    operator = emulator.user(OPERATOR)
    operator.skip_to_end()
    await operator.tap("I'll reach out", request)
    instructions = await operator.next_message()
    alert_id = re.search(r"/tell (\d+)", instructions.shown_text)
    assert alert_id is not None
    await operator.ask(f"/tell {alert_id.group(1)} Hi, I'm here. How was today?")
    heard = await user.next_message()
    assert heard.shown_text == "Moderator: Hi, I'm here. How was today?"


async def test_the_safety_plan_is_one_tap_away_on_a_hard_day(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    await onboard(user)
    reply = await hard_checkin(user)
    user.skip_to_end()
    await user.tap("📋 Make a safety plan", reply)
    assert "A safety plan is a short list" in (await user.next_message()).shown_text
    assert "1/7 · My warning signs" in (await user.next_message()).shown_text
    user.send("Not sleeping, skipping meals")
    for part in range(2, 8):
        question = await user.next_message()
        assert f"{part}/7" in question.shown_text
        await user.tap("Skip", question)
    assert "Your safety plan is saved" in (await user.next_message()).shown_text

    clock.advance(timedelta(days=1))
    reply = await hard_checkin(user)
    assert "Your safety plan is a tap away." in reply.shown_text
    assert "📋 My safety plan" in reply.button_labels
    user.skip_to_end()
    await user.tap("📋 My safety plan", reply)
    plan = await user.next_message()
    assert plan.shown_text.startswith("Your safety plan") and "Not sleeping" in plan.shown_text


async def test_mood_buttons_carry_words_and_the_taps_are_as_promised(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await onboard(user)
    asked_time = [
        str(call.params.get("text"))
        for call in emulator.calls_of("sendMessage")
        if call.params.get("chat_id") == user.chat_id and "daily check-in?" in str(call.params)
    ]
    assert len(asked_time) == 1 and "Three quick taps" in asked_time[0]
    question = await user.ask("/checkin")
    assert question.button_labels == [
        "1 😞 awful",
        "2 🙁 bad",
        "3 😐 okay",
        "4 🙂 good",
        "5 😄 great",
    ]
    # One: the mood. Two: the confidence. Three: a note, or Skip. Then the reply.
    await user.tap("3 😐 okay", question)
    await emulator.wait_until(lambda: "Mood: 3 😐 okay" in question.shown_text)
    await user.tap("6", question)
    await emulator.wait_until(lambda: "private note" in question.shown_text)
    await user.tap("Skip", question)
    await emulator.wait_until(lambda: "Thank you for checking in. 🌱" in question.shown_text)
    assert "Today: mood 3 😐 okay · confidence 6/10" in question.shown_text
