"""The safety net at the HTTP boundary: every text screened first, two tiers, honest
answers, alerts that carry private words never, the moderator thread and the safety plan."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import aiohttp
import pytest

from bot.clock import ManualClock
from bot.config import CircleSettings, MetricsSettings, ModerationSettings, Settings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from tests.conftest import make_settings
from tests.engines import probe
from tests.helpers import (
    MYDATA_JSON,
    answer_checkin,
    message_with_button,
    my_data,
    onboard,
    rows_holding,
    write_beside_bot,
)
from tests.reliability.test_webhook import free_port

OPERATOR = 990001
MOD_CHAT = -100777
URGENT = "i dont want to be here anymore, i want to kill myself"


@pytest.fixture
def settings(emulator: BotApiEmulator, storage_url: str, storage_key: bytes | None) -> Settings:
    emulator.group(MOD_CHAT, "Moderators")
    return make_settings(
        emulator,
        storage_url,
        storage_key,
        moderation=ModerationSettings(operators=[OPERATOR], moderator_chat_id=MOD_CHAT),
        circles=CircleSettings(max_members=4, relays_per_hour=3),
        metrics=MetricsSettings(port=free_port()),
    )


async def mod_message(emulator: BotApiEmulator, text: str, after: int = 0) -> SentMessage:
    group = emulator.group(MOD_CHAT)
    await emulator.wait_until(lambda: any(text in m.shown_text for m in group.messages[after:]))
    return next(m for m in group.messages[after:] if text in m.shown_text)


async def take_alert(emulator: BotApiEmulator, header: str) -> tuple[EmulatedUser, str]:
    """The operator presses "I'll reach out" on the alert showing `header`: (the operator,
    the alert's number for /tell)."""
    alert = await mod_message(emulator, header)
    operator = emulator.user(OPERATOR)
    await operator.tap("I'll reach out", alert)
    instructions = await operator.next_message()
    found = re.search(r"/tell (\d+)", instructions.shown_text)
    assert found is not None
    return operator, found.group(1)


def send_edit(emulator: BotApiEmulator, user: EmulatedUser, text: str) -> None:
    """The user edits an earlier message so that it reads `text`."""
    chat = emulator.chat_payload(emulator.chats[user.user_id])
    emulator.push_update({"edited_message": user.message_payload(chat, text=text, edit_date=1)})


async def member(emulator: BotApiEmulator) -> EmulatedUser:
    user = emulator.user()
    await onboard(user)
    user.skip_to_end()
    return user


async def test_crisis_words_with_nothing_pending_get_help_not_a_shrug(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = await member(emulator)
    answer = await user.ask(URGENT)
    assert "sounds really serious" in answer.shown_text
    assert "988" in answer.shown_text and "can see this message" in answer.shown_text
    assert answer.button_labels == ["Ask a moderator to reach out"]
    alert = await mod_message(emulator, "Urgent crisis alert")
    assert URGENT in alert.shown_text and "a message to the bot" in alert.shown_text
    assert "Not a crisis" in alert.button_labels
    await user.ask("/help")  # the next answer is /help's: nothing else came in between
    assert not any("may not have understood" in m.shown_text for m in user.messages)

    await user.tap("Ask a moderator to reach out", answer)
    assert "asked to reach out" in (await user.next_message()).shown_text
    await mod_message(emulator, "asked for a peer moderator to reach out")


async def test_concern_gets_a_warm_answer_and_one_quiet_notice(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = await member(emulator)
    answer = await user.ask("honestly everyone would be better off without me")
    assert "sounds really heavy" in answer.shown_text and "988" in answer.shown_text
    notice = await mod_message(emulator, "Concern #")
    assert "hopelessness" in notice.shown_text
    group = emulator.group(MOD_CHAT)
    count = len(group.messages)
    clock.advance(timedelta(minutes=40))
    await user.ask("/help")
    await user.ask("/help")
    assert len(group.messages) == count  # a concern notice is never repeated


async def test_a_person_who_has_not_joined_gets_the_resources_and_nothing_is_stored(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    user = emulator.user()
    await user.ask("/start")  # the consent notice; they have not agreed
    answer = await user.ask("i want to die")
    assert "haven't joined" in answer.shown_text and "988" in answer.shown_text
    assert answer.button_labels == []
    assert rows_holding(storage_url, user.user_id) == []
    assert emulator.group(MOD_CHAT).messages == []


async def test_onboarding_text_is_screened(emulator: BotApiEmulator, bot: PeerApplication) -> None:
    user = emulator.user()
    await user.ask("/start")
    await user.tap("I agree")
    await user.next_message()  # the pseudonym offer
    answer = await user.ask("kms fr")
    assert "sounds really serious" in answer.shown_text
    alert = await mod_message(emulator, "Urgent crisis alert")
    assert "while joining" in alert.shown_text


async def test_an_edit_is_screened_and_its_words_stay_private(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = await member(emulator)
    send_edit(emulator, user, "gonna unalive myself")
    answer = await user.next_message()
    assert "sounds really serious" in answer.shown_text
    alert = await mod_message(emulator, "Urgent crisis alert")
    assert "edited message" in alert.shown_text and "unalive" not in alert.shown_text


async def test_a_caption_is_screened(emulator: BotApiEmulator, bot: PeerApplication) -> None:
    user = await member(emulator)
    photo = [{"file_id": "p1", "file_unique_id": "p1", "width": 9, "height": 9}]
    user.send_raw(photo=photo, caption="I've been stockpiling my meds")
    answer = await user.next_message()
    assert "sounds really serious" in answer.shown_text
    alert = await mod_message(emulator, "Urgent crisis alert")
    assert "stockpiling" in alert.shown_text and "caption" in alert.shown_text
    await user.ask("/help")
    assert not any("never passed on" in m.shown_text for m in user.messages)


async def test_a_note_alerts_without_its_words_and_nothing_cheerful_follows(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = await member(emulator)
    await answer_checkin(user, 2, 3)
    await user.tap("Add a note")
    await emulator.wait_until(lambda: "Write your note" in user.last_message.shown_text)
    user.skip_to_end()
    user.send("I wrote letters to everyone I love")
    answer = await user.next_message()
    assert "Your private words stay private" in answer.shown_text
    assert (await user.next_message()).shown_text == "Your note is saved, privately."
    alert = await mod_message(emulator, "Urgent crisis alert")
    assert "private check-in note" in alert.shown_text
    assert "letters" not in alert.shown_text and "preparation" not in alert.shown_text
    await user.ask("/help")
    assert not any("🎉" in m.text or "streak" in m.text for m in user.messages)


RAISED = "I can't go on, I've made up my mind and it ends tonight"


async def test_a_concern_the_backstop_hears_as_urgent_is_urgent_only_where_it_is_heard(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    """The listed phrase is a concern ("I can't go on"); the backstop hears it as urgent
    beyond doubt. Typed to the bot, the alert is urgent; in a private note, where the
    backstop's guesses are never heard, the listed phrase's own tier stands."""
    user = await member(emulator)
    answer = await user.ask(RAISED)
    assert "sounds really serious" in answer.shown_text
    alert = await mod_message(emulator, "Urgent crisis alert")
    assert RAISED in alert.shown_text and "hopelessness" in alert.shown_text

    other = await member(emulator)
    await answer_checkin(other, 2, 3)
    await other.tap("Add a note")
    await emulator.wait_until(lambda: "Write your note" in other.last_message.shown_text)
    other.skip_to_end()
    before = len(emulator.group(MOD_CHAT).messages)
    other.send(RAISED)
    answer = await other.next_message()
    assert "sounds really heavy" in answer.shown_text
    notice = await mod_message(emulator, "private check-in note", after=before)
    assert "Concern #" in notice.shown_text and "Urgent" not in notice.shown_text


async def test_a_second_message_updates_the_open_alert(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = await member(emulator)
    await user.ask("i feel so hopeless")
    await mod_message(emulator, "Concern #")
    again = await user.ask("kms fr")
    assert "already know" in again.shown_text
    follow_up = await mod_message(emulator, "wrote again")
    assert "(urgent)" in follow_up.shown_text and "kms fr" in follow_up.shown_text
    group = emulator.group(MOD_CHAT)
    assert (
        sum("Concern #" in m.shown_text or "crisis alert" in m.shown_text for m in group.messages)
        == 1
    )


async def test_not_a_crisis_is_counted_for_stats(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str, settings: Settings
) -> None:
    user = await member(emulator)
    await user.ask("I can't take it anymore")
    notice = await mod_message(emulator, "Concern #")
    operator = emulator.user(OPERATOR)
    await operator.tap("Not a crisis", notice)
    await emulator.wait_until(lambda: "not a crisis by" in notice.shown_text)
    with probe(storage_url) as conn:
        counts = dict(
            ((tier, outcome), n)
            for tier, outcome, n in conn.execute("SELECT tier, outcome, count FROM alert_outcomes")
        )
    assert counts == {("concern", "raised"): 1, ("concern", "false_alarm"): 1}
    operator.skip_to_end()
    stats = await operator.ask("/stats")
    while "false alarm" not in stats.shown_text:
        stats = await operator.next_message()
    assert "Concern notices: 1 raised, 0 taken, 1 false alarm" in stats.shown_text
    url = f"http://127.0.0.1:{settings.metrics.port}/metrics"
    false_alarm = 'peercircle_crisis_alert_outcomes{outcome="false_alarm",tier="concern"} 1.0'
    scraped = ""
    async with aiohttp.ClientSession() as http:
        # A scrape on a busy machine may get the last figures (refreshed every 5 s).
        for _ in range(40):
            async with http.get(url) as response:
                scraped = await response.text()
            if false_alarm in scraped:
                break
            await asyncio.sleep(0.25)
    assert false_alarm in scraped
    assert 'peercircle_crisis_screened_total{tier="concern"} 1.0' in scraped


async def test_a_moderators_thread_takes_plain_messages_until_ended(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = await member(emulator)
    await user.ask(URGENT)
    operator, alert_id = await take_alert(emulator, "Urgent crisis alert")
    await operator.ask(f"/tell {alert_id} I'm here. How are you doing right now?")
    await message_with_button(user, "Reply to Moderator")
    user.skip_to_end()
    user.send("a bit calmer, thank you")  # no button pressed: a plain message
    notice = await user.next_message()
    assert "now go to the moderator" in notice.shown_text
    assert notice.button_labels == ["End conversation"]
    answer = await message_with_button(operator, "End conversation")
    assert "a bit calmer" in answer.shown_text
    assert "Sent to the moderator" in (await user.ask("still here")).shown_text
    await user.tap("End conversation", notice)
    assert "has ended" in (await user.next_message()).shown_text
    assert "may not have understood" in (await user.ask("hello again")).shown_text


async def test_an_answer_to_a_moderator_is_screened_and_still_delivered(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = await member(emulator)
    await user.ask("i feel like a burden to everyone")
    operator, alert_id = await take_alert(emulator, "Concern #")
    await operator.ask(f"/tell {alert_id} Thanks for telling us. Are you safe?")
    await user.tap("Reply to Moderator", await message_with_button(user, "Reply to Moderator"))
    await user.next_message()
    operator.skip_to_end()
    user.send("not really, I have the pills in front of me")
    assert "sounds really serious" in (await user.next_message()).shown_text
    answered = await message_with_button(operator, "End conversation")
    assert "pills in front of me" in answered.shown_text
    follow_up = await mod_message(emulator, "wrote again")
    assert (
        "(urgent)" in follow_up.shown_text and "an answer to a moderator" in follow_up.shown_text
    )


async def test_the_safety_plan_comes_first_and_forget_removes_it(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    user = await member(emulator)
    intro = await user.ask("/safetyplan")
    assert "safety plan" in intro.shown_text
    first = await user.next_message()
    assert "1/7" in first.shown_text and first.button_labels == ["Skip"]
    user.send("not sleeping, skipping meals")
    assert "2/7" in (await user.next_message()).shown_text
    user.send("a long walk with the dog")
    for step in range(3, 7):
        question = await user.next_message()
        assert f"{step}/7" in question.shown_text
        await user.tap("Skip", question)
    reasons = await user.next_message()
    assert "7/7" in reasons.shown_text
    user.send("my daughter Mia")
    saved = await user.next_message()
    assert "safety plan is saved" in saved.shown_text and "my daughter Mia" in saved.shown_text

    answer = await user.ask("i want to die")
    text = answer.shown_text
    assert text.index("a long walk with the dog") < text.index("988")
    assert text.index("sounds really serious") < text.index("Your safety plan")

    assert b"my daughter Mia" in (await my_data(user))[MYDATA_JSON]

    await user.ask("/forget")
    await user.tap("Yes, delete everything")
    await emulator.wait_until(lambda: "deleted" in user.last_message.shown_text.lower())
    assert rows_holding(storage_url, user.user_id) == []
    with probe(storage_url) as conn:
        assert conn.execute("SELECT count(*) FROM safety_plans").fetchone() == (0,)


async def test_cancel_keeps_nothing_new_and_a_plan_can_be_edited(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = await member(emulator)
    await user.ask("/safetyplan")
    await user.next_message()
    user.send("racing thoughts")
    await user.next_message()
    assert "nothing new was kept" in (await user.ask("/cancel")).shown_text
    assert "Seven short questions" in (await user.ask("/safetyplan")).shown_text
    await user.next_message()
    user.send("racing thoughts")
    for _ in range(6):
        await user.tap("Skip", await user.next_message())
    assert "racing thoughts" in (await user.next_message()).shown_text
    shown = await user.ask("/safetyplan")
    assert shown.button_labels == ["Edit my plan", "Delete it"]
    await user.tap("Edit my plan", shown)
    first = await user.next_message()
    assert "racing thoughts" in first.shown_text
    assert first.button_labels == ["Keep as it is", "Clear it"]
    user.send("racing thoughts, not eating")
    await user.next_message()
    assert "nothing new was kept" in (await user.ask("/cancel")).shown_text
    kept = await user.ask("/safetyplan")
    assert "not eating" not in kept.shown_text and "racing thoughts" in kept.shown_text


async def test_a_held_ask_becomes_a_softened_notice_and_answers_reach_the_asker(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    operator = emulator.user(OPERATOR)
    created = await operator.ask("/newcircle Night Owls")
    code = re.search(r"start=([\w-]+)", created.shown_text)
    assert code is not None
    alex, bo = await member(emulator), await member(emulator)
    for person in (alex, bo):
        assert "Welcome to the circle" in (await person.ask(f"/start {code.group(1)}")).shown_text
    alex.skip_to_end()
    await alex.ask("/ask I have pills saved to end my life")
    assert "haven't passed your words on" in (await alex.next_message()).shown_text
    notice = await message_with_button(bo, "Send encouragement")
    assert "very hard time" in notice.shown_text and "pills" not in notice.shown_text
    await bo.tap("Send encouragement", notice)
    await bo.next_message()
    bo.send("You matter to us. Please reach out.")
    assert "You matter" in (await message_with_button(alex, "Thanks")).shown_text
    alert = await mod_message(emulator, "Urgent crisis alert")
    assert "request for support" in alert.shown_text and "pills" in alert.shown_text
    # Anonymous unless they choose to be known.
    held = next(m for m in alex.messages if "haven't passed your words on" in m.shown_text)
    await alex.tap("Let my circle know it's me", held)
    named = await message_with_button(bo, "Send encouragement")
    assert "is having a hard day" in named.shown_text


async def test_everyday_recovery_talk_is_not_flagged(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = await member(emulator)
    for text in (
        "the suicide prevention walk was moving",
        "killing it at my new job",
        "cravings are bad today but I went to my meeting",
    ):
        assert "may not have understood" in (await user.ask(text)).shown_text
    assert emulator.group(MOD_CHAT).messages == []


async def test_members_of_the_old_notice_are_told_the_change_once(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    newcomer = emulator.user()
    notice = await newcomer.ask("/start")
    assert "sounds like a crisis" in notice.shown_text
    assert "never see your words" in notice.shown_text
    old = emulator.user()  # a member who agreed to the notice before this change
    await asyncio.to_thread(
        write_beside_bot,
        storage_url,
        "INSERT INTO members (user_id, pseudonym, timezone, checkin_time, consent_at, "
        "consent_version, onboarded_at, created_at, notice_version) "
        "VALUES (?, 'Calm Heron', 'UTC', '20:00', ?, 1, ?, ?, 1)",
        [(old.user_id, *["2026-01-01T00:00:00+00:00"] * 3)],
    )
    assert "peercircle" in (await old.ask("/help")).shown_text  # their own answer first
    changed = await old.next_message()
    assert "A change in how peercircle looks after you" in changed.shown_text
    await old.ask("/help")
    await old.ask("/crisis")
    assert sum("A change in how" in m.shown_text for m in old.messages) == 1


async def test_a_moderator_asking_directly_is_not_screened(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = await member(emulator)
    await user.ask("i feel like such a burden")
    operator, alert_id = await take_alert(emulator, "Concern #")
    sent = await operator.ask(f"/tell {alert_id} Are you having thoughts of suicide?")
    assert "Sent" in sent.shown_text  # no crisis answer to the moderator, no alert about them
    group = emulator.group(MOD_CHAT)
    assert (
        sum("Concern #" in m.shown_text or "crisis alert" in m.shown_text for m in group.messages)
        == 1
    )


async def test_a_huge_crisis_message_and_a_long_plan_still_fit(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = await member(emulator)
    await user.ask("/safetyplan")
    await user.next_message()
    user.send("x" * 1200)
    assert "1200 characters" in (await user.next_message()).shown_text
    for _ in range(7):
        user.send("y" * 450)
        await user.next_message()
    assert "safety plan is saved" in user.last_message.shown_text
    user.skip_to_end()
    user.send("i want to kill myself " + "and nobody would care " * 180)
    first = await user.next_message()
    assert "sounds really serious" in first.shown_text and "Your safety plan" in first.shown_text
    second = await user.next_message()
    assert "988" in second.shown_text and second.button_labels == ["Ask a moderator to reach out"]
    alert = await mod_message(emulator, "Urgent crisis alert")
    assert alert.shown_text.endswith("…") and len(alert.shown_text) <= 4096


async def test_commands_are_screened_and_the_crisis_answer_is_the_whole_answer(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = await member(emulator)
    for text in (
        "/sos i want to kill myself",
        "/kill myself",
        "/setback relapsed and i want to die",
    ):
        answer = await user.ask(text)
        assert "sounds really serious" in answer.shown_text, text
    before_help = len(user.messages)
    await user.ask("/help")  # whatever followed the commands came before this answer
    shown = [m.shown_text for m in user.messages[:before_help]]
    assert not any("don't know that command" in t or "YYYY-MM-DD" in t for t in shown)


async def test_an_edit_is_never_taken_as_an_answer(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = await member(emulator)
    await user.ask("i feel like such a burden")
    operator, alert_id = await take_alert(emulator, "Concern #")
    await operator.ask(f"/tell {alert_id} I'm here for you.")
    await message_with_button(user, "Reply to Moderator")
    operator.skip_to_end()
    send_edit(emulator, user, "drank again at Sam's place, 3 beers")
    await operator.ask("/help")  # the operator's next message is /help's answer
    assert not any("Sam's place" in m.shown_text for m in operator.messages)
    assert not any("Sam's place" in m.shown_text for m in emulator.group(MOD_CHAT).messages)


async def test_crisis_words_in_the_safety_plan_are_not_kept_as_the_plan(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    user = await member(emulator)
    await user.ask("/safetyplan")
    await user.next_message()
    user.send("i am going to kill myself tonight")
    assert "sounds really serious" in (await user.next_message()).shown_text
    after = await user.next_message()
    assert "come back to your safety plan" in after.shown_text
    with probe(storage_url) as conn:
        assert conn.execute("SELECT count(*) FROM safety_plans").fetchone() == (0,)
    assert "may not have understood" in (await user.ask("hello")).shown_text  # nothing pending


async def test_forged_safety_buttons_expire_kindly(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = await member(emulator)
    await user.ask("/help")
    for data in (
        "sf:ask:\u00b2",
        "sf:ask:" + "9" * 40,
        "cr:end:" + "9" * 40,
        "cr:reply:\u00b2",
        "sp:skip:warning_signs",
        "sp:nonsense",
        "sf:ask:1",
    ):
        answer = await user.callback_answer(user.press_data(data))
        assert answer.text == "This button has expired. Nothing was changed.", data


async def test_asking_after_an_alert_was_closed_opens_it_again(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = await member(emulator)
    answer = await user.ask(URGENT)
    alert = await mod_message(emulator, "Urgent crisis alert")
    operator = emulator.user(OPERATOR)
    await operator.tap("Not a crisis", alert)
    await emulator.wait_until(lambda: "not a crisis by" in alert.shown_text)
    await user.tap("Ask a moderator to reach out", answer)
    assert "asked to reach out" in (await user.next_message()).shown_text
    asked = await mod_message(emulator, "asked for a peer moderator")
    count = len(emulator.group(MOD_CHAT).messages)
    clock.advance(timedelta(minutes=16))
    again = await mod_message(emulator, "Nobody has taken this yet", after=count)
    assert asked.button_labels == again.button_labels


async def test_a_stale_copy_of_a_closed_alert_does_not_act_again(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    user = await member(emulator)
    await user.ask(URGENT)
    alert = await mod_message(emulator, "Urgent crisis alert")
    copies = []
    for _ in range(2):  # repeated until someone takes it: two more copies with buttons
        count = len(emulator.group(MOD_CHAT).messages)
        clock.advance(timedelta(minutes=16))
        copies.append(await mod_message(emulator, "Nobody has taken this yet", after=count))
    operator = emulator.user(OPERATOR)
    await operator.tap("Resolved", alert)
    await emulator.wait_until(lambda: "Resolved by" in alert.shown_text)

    late = await operator.tap("Not a crisis", copies[0])
    assert "already closed" in (late.text or "")
    await emulator.wait_until(lambda: not copies[0].buttons)
    assert "Resolved by" in copies[0].shown_text
    late = await operator.tap("I'll reach out", copies[1])
    assert "already closed" in (late.text or "")
    await emulator.wait_until(lambda: not copies[1].buttons)
    with probe(storage_url) as conn:
        outcomes = set(conn.execute("SELECT outcome FROM alert_outcomes"))
        row = conn.execute(
            "SELECT taken_by, false_alarm_at FROM crisis_alerts ORDER BY id DESC"
        ).fetchone()
        audits = [a for (a,) in conn.execute("SELECT action FROM audit_log")]
    assert outcomes == {("raised",)}  # neither taken nor a false alarm
    assert row == (None, None)
    assert audits == ["resolve crisis alert"]
