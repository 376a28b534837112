"""The nets under the net: the lexicons only know the words they were given. The backstop
hears some crisis talk they do not list (at the tier it leans to, said humbly); and a
message no feature
understood never ends in a shrug: it offers a person (a peer moderator, for members, when
moderators can hear) and /crisis."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from bot.app import build_application, running_bot
from bot.clock import ManualClock
from bot.config import ModerationSettings, SafetySettings, Settings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator
from bot.safety.callbacks import RequestTalk
from bot.safety.lexicon import Tier
from bot.safety.screen import screener_for
from tests.conftest import make_settings
from tests.engines import probe
from tests.helpers import answer_checkin, message_with_button, rows_holding
from tests.safety.test_safety_scenario import MOD_CHAT, OPERATOR, member, mod_message
from tests.test_circles_scenario import member_in, new_circle

# A heavy message in words no lexicon holds (a metaphor): exactly what the fallback is for.
UNKNOWN = "the grey fog came back and sat on my chest all day"
# Crisis talk no lexicon phrase lists, which the backstop hears: an urgent one (a plan
# around a date), and a passive wish it leans to concern for.
WRITTEN_AROUND = "after the funeral i will go and be with her, i have it all sorted"
LEANS_CONCERN = "some mornings i hope the ceiling just falls on me"


def alerts(storage_url: str) -> list[tuple[str, str]]:
    """(tier, source) of every alert: written in the transaction the reply waits for."""
    with probe(storage_url) as conn:
        return conn.execute("SELECT tier, source FROM crisis_alerts ORDER BY id").fetchall()


def test_the_examples_are_what_they_stand_for() -> None:
    """If a lexicon change lists WRITTEN_AROUND, or the backstop hears UNKNOWN, pick others."""
    assert screener_for(None).screen(UNKNOWN) is None
    urgent = screener_for(None).screen(WRITTEN_AROUND)
    assert urgent is not None and urgent.unsure and urgent.tier is Tier.URGENT
    concern = screener_for(None).screen(LEANS_CONCERN)
    assert concern is not None and concern.unsure and concern.tier is Tier.CONCERN


async def test_a_concern_only_the_backstop_hears_gets_a_humble_answer_and_a_quiet_notice(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = await member(emulator)
    reply = await user.ask(LEANS_CONCERN)
    assert reply.shown_text.startswith(
        "Thank you for writing. I might be reading this wrong, and if so, I'm sorry."
    )
    assert "988" in reply.shown_text  # the resources, as for any concern
    notice = await mod_message(emulator, "Concern #")
    assert LEANS_CONCERN in notice.shown_text  # a free message: the words go with it
    assert "Signs:" not in notice.shown_text  # no listed phrase was behind it
    assert "No listed phrase: the bot guessed from the words" in notice.shown_text
    assert "Not a crisis" in notice.button_labels
    assert "may not have understood" not in reply.shown_text


async def test_urgent_talk_only_the_backstop_hears_is_an_urgent_alert_said_humbly(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    """A plan written around the listed words reads urgent to the backstop: the moderators
    get the alert that is repeated until someone takes it; the member's reply still says
    the bot may have read it wrong."""
    user = await member(emulator)
    reply = await user.ask(WRITTEN_AROUND)
    assert reply.shown_text.startswith("Thank you for writing. I might be reading this wrong")
    assert "988" in reply.shown_text and "Ask a moderator to reach out" in reply.button_labels
    alert = await mod_message(emulator, "Urgent crisis alert")
    assert WRITTEN_AROUND in alert.shown_text and "Signs:" not in alert.shown_text
    assert "No listed phrase: the bot guessed from the words" in alert.shown_text
    count = len(emulator.group(MOD_CHAT).messages)
    clock.advance(timedelta(minutes=16))
    await mod_message(emulator, "Nobody has taken this yet", after=count)


async def test_a_guess_keeps_a_phrases_signs_and_a_concern_guess_is_sent_once(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    """An urgent guess escalates a member's open concern alert without wiping the signs a
    listed phrase gave it (its repeats still show them), and its follow-up says it is a
    guess; another member's concern guess is a quiet notice, never repeated."""
    alex = await member(emulator)
    await alex.ask("honestly everyone would be better off without me")
    first = await mod_message(emulator, "Concern #")
    assert "Signs:" in first.shown_text
    await alex.ask(WRITTEN_AROUND)  # the backstop's urgent guess, on the open alert
    follow_up = await mod_message(emulator, "(urgent): ")
    assert "wrote again" in follow_up.shown_text
    assert "No listed phrase: the bot guessed from the words" in follow_up.shown_text
    bo = await member(emulator)
    await bo.ask(LEANS_CONCERN)
    guess = await mod_message(emulator, "Concern #2")
    assert "No listed phrase: the bot guessed from the words" in guess.shown_text
    count = len(emulator.group(MOD_CHAT).messages)
    clock.advance(timedelta(minutes=16))
    again = await mod_message(emulator, "Nobody has taken this yet", after=count)
    # The sweep that repeated alex's alert passed bo's notice by: it is sent once.
    repeats = [
        m for m in emulator.group(MOD_CHAT).messages[count:] if "Nobody has taken" in m.shown_text
    ]
    assert repeats == [again] and "Urgent crisis alert" in again.shown_text
    assert "Signs:" in again.shown_text and "No listed phrase" not in again.shown_text


async def test_elsewhere_only_listed_phrases_speak(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    """A guess must not withhold encouragement from a circle or raise notices about private
    notes: there the backstop is not heard, and the words go where they were meant to."""
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    alex.skip_to_end()
    assert "Sent to 1 member" in (await alex.ask(f"/encourage {WRITTEN_AROUND}")).shown_text
    copy = await message_with_button(bo, "Thanks")
    assert WRITTEN_AROUND in copy.shown_text
    await answer_checkin(alex, 4, 4)
    await alex.tap("Add a note")
    await emulator.wait_until(lambda: "Write your note" in alex.last_message.shown_text)
    alex.skip_to_end()
    saved = await alex.ask(WRITTEN_AROUND)  # the private note
    assert "note is saved" in saved.shown_text
    assert not any("might be reading this wrong" in m.shown_text for m in alex.messages)
    # A command's argument: the unknown-command reply, which points to /crisis.
    unknown = await alex.ask(f"/sos {WRITTEN_AROUND}")
    assert "I don't know that command" in unknown.shown_text and "/crisis" in unknown.shown_text
    # An answer to a question the bot asked is never swallowed by a guess.
    assert "time zone" in (await alex.ask("/timezone")).shown_text.lower()
    answer = await alex.ask(WRITTEN_AROUND)
    assert "might be reading this wrong" not in answer.shown_text
    assert alerts(storage_url) == []


@pytest.fixture
def settings(emulator: BotApiEmulator, storage_url: str, storage_key: bytes | None) -> Settings:
    emulator.group(MOD_CHAT, "Moderators")
    return make_settings(
        emulator,
        storage_url,
        storage_key,
        moderation=ModerationSettings(operators=[OPERATOR], moderator_chat_id=MOD_CHAT),
    )


async def test_a_message_nobody_understood_offers_a_moderator_who_then_hears(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    user = await member(emulator)
    reply = await user.ask(UNKNOWN)
    assert "may not have understood" in reply.shown_text
    assert "/crisis" in reply.shown_text
    assert reply.button_labels == ["Talk to a moderator"]
    assert alerts(storage_url) == []  # nothing until the member asks
    await user.tap("Talk to a moderator", reply)
    told = await user.next_message()
    assert "I've asked a peer moderator to write to you here" in told.shown_text
    assert reply.button_labels == []  # one request per reply
    request = await mod_message(emulator, "Request #")
    assert "wrote something the bot did not understand" in request.shown_text
    assert UNKNOWN not in request.shown_text  # their words were for the bot, not kept
    assert "Not a crisis" not in request.button_labels  # a request raises no alarm
    operator = emulator.user(OPERATOR)
    await operator.tap("I'll reach out", request)
    assert "/tell" in (await operator.next_message()).shown_text


async def test_asking_twice_reuses_the_open_request(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    user = await member(emulator)
    await user.tap("Talk to a moderator", await user.ask("hmm"))
    await user.next_message()
    await mod_message(emulator, "Request #")
    await user.tap("Talk to a moderator", await user.ask("hello?"))
    assert "I've asked a peer moderator" in (await user.next_message()).shown_text
    # Still one request, repeated until taken (as a check-in's), not a second alert.
    with probe(storage_url) as conn:
        assert conn.execute("SELECT tier, source FROM crisis_alerts").fetchall() == [
            ("request", "message")
        ]


async def test_someone_who_has_not_joined_gets_crisis_not_a_button_and_nothing_is_kept(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    user = emulator.user()
    await user.ask("/start")  # the consent notice; they have not agreed
    reply = await user.ask(UNKNOWN)
    assert "may not have understood" in reply.shown_text and "/crisis" in reply.shown_text
    assert reply.button_labels == []
    assert rows_holding(storage_url, user.user_id) == []


async def test_a_forged_talk_button_expires_kindly(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    user = await member(emulator)
    await user.ask("/help")
    for data in ("sf:talk:1", "sf:talkx", "sf:talk:" + "9" * 40):
        answer = await user.callback_answer(user.press_data(data))
        assert answer.text == "This button has expired. Nothing was changed.", data
    assert alerts(storage_url) == []


async def test_without_a_moderators_chat_the_reply_has_no_button(
    emulator: BotApiEmulator, storage_url: str, storage_key: bytes | None
) -> None:
    app = build_application(
        make_settings(emulator, storage_url, storage_key), rng=random.Random(7)
    )
    async with running_bot(app):
        user = await member(emulator)
        reply = await user.ask(UNKNOWN)
        assert "may not have understood" in reply.shown_text and "/crisis" in reply.shown_text
        assert reply.button_labels == []


def test_the_talk_button_keeps_its_wire_string() -> None:
    assert RequestTalk().pack() == "sf:talk"
    assert RequestTalk.parse("sf:talk") == RequestTalk()
    assert RequestTalk.parse("sf:talk:1") is None


async def test_a_member_who_ended_the_thread_can_ask_again_and_is_heard(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    """Taken, talked, ended: asking again the same day reaches the moderators again."""
    user = await member(emulator)
    await user.tap("Talk to a moderator", await user.ask("hmm"))
    await user.next_message()
    request = await mod_message(emulator, "Request #")
    operator = emulator.user(OPERATOR)
    await operator.tap("I'll reach out", request)
    await operator.next_message()
    count = len(emulator.group(MOD_CHAT).messages)
    await user.tap("Talk to a moderator", await user.ask("hello again?"))
    assert "I've asked a peer moderator" in (await user.next_message()).shown_text
    again = await mod_message(emulator, "asked for a peer moderator to reach out", count)
    assert "Press" in again.shown_text


async def test_someone_who_has_not_joined_and_is_heard_by_the_backstop_is_not_stored(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    user = emulator.user()
    await user.ask("/start")
    reply = await user.ask(WRITTEN_AROUND)
    assert "might be reading this wrong" in reply.shown_text and "988" in reply.shown_text
    assert "haven't joined" in reply.shown_text
    assert rows_holding(storage_url, user.user_id) == []
    assert alerts(storage_url) == []


async def test_an_operator_can_turn_the_backstop_off(
    emulator: BotApiEmulator, storage_url: str, storage_key: bytes | None
) -> None:
    emulator.group(MOD_CHAT, "Moderators")
    quiet = make_settings(
        emulator,
        storage_url,
        storage_key,
        moderation=ModerationSettings(operators=[OPERATOR], moderator_chat_id=MOD_CHAT),
        safety=SafetySettings(backstop=False),
    )
    async with running_bot(build_application(quiet, rng=random.Random(7))):
        user = await member(emulator)
        reply = await user.ask(WRITTEN_AROUND)
        assert "may not have understood" in reply.shown_text
        assert reply.button_labels == ["Talk to a moderator"]
        assert alerts(storage_url) == []
