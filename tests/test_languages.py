"""Choosing and keeping a language, crisis lines by language and region, and command menus
per language: settings, storage and the emulator's HTTP boundary. (The catalogs themselves
are checked in test_translations.py; two members in two languages in
test_languages_scenario.py.)"""

from __future__ import annotations

import csv
import io
import random
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from html import escape
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.app import build_application, running_bot
from bot.checkins.callbacks import (
    Answers,
    ChooseConfidence,
    ChooseMood,
    CrisisResources,
    SkipNote,
)
from bot.circles.messages import in_reader_words
from bot.circles.rules import RelayKind
from bot.clock import ManualClock
from bot.config import (
    DEFAULT_CRISIS_RESOURCES,
    MemberSettings,
    ModerationSettings,
    OutcomeSettings,
    SafetySettings,
    Settings,
)
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from bot.emulator.state import visible_html_text
from bot.i18n import _ as gettext
from bot.i18n import formats, speaking
from bot.i18n.languages import SHIPPED, telegram_code
from bot.journey.callbacks import Choice
from bot.members.callbacks import Agree, ChooseRegion
from bot.outcomes.callbacks import OptIn, StartMeasure
from bot.outgoing import OutgoingMessage, in_every_language
from bot.safety.resources import crisis_lines
from bot.texts import alerts as alert_texts
from bot.texts import checkins as checkin_texts
from bot.texts import circles as circle_texts
from bot.texts import commands as command_texts
from bot.texts import common as common_texts
from bot.texts import export as export_texts
from bot.texts import language as language_texts
from bot.texts import moderation as moderation_texts
from bot.texts import onboarding as onboarding_texts
from bot.texts import outcomes as outcome_texts
from tests.conftest import make_settings
from tests.engines import probe
from tests.helpers import (
    MYDATA_CSV,
    MYDATA_HTML,
    finish_onboarding,
    my_data,
    my_data_json,
    onboard,
    rows_holding,
)

OPERATOR = 990001
MOD_CHAT = -100888
MEXICO = "México: Línea de la Vida, 800 911 2000."
SPAIN = "España: 024."
# An operator's own words, "&" included: every reply must escape them for Telegram's HTML.
UKRAINE = "Lifeline Ukraine (calls & chat): 7333."
KYIV = ZoneInfo("Europe/Kyiv")


def test_a_queued_message_is_stored_in_every_language_and_read_in_its_readers() -> None:
    payload = in_every_language(lambda: OutgoingMessage(common_texts.cancelled()))
    for language in SHIPPED:
        with speaking(language):
            expected = common_texts.cancelled()
        assert OutgoingMessage.from_json(payload, language).text == expected
    # A language not shipped, and payloads from before languages, read the English.
    assert OutgoingMessage.from_json(payload, "fr").text == "Okay, cancelled. Nothing was changed."
    old = OutgoingMessage("Hello").to_json()
    assert OutgoingMessage.from_json(old, "de").text == "Hello"


def test_the_bots_own_words_in_a_relay_reach_each_reader_in_their_language() -> None:
    """A hard-day notice is the bot's words, not the member's: each reader's own."""
    notice = partial(
        in_reader_words, 7, RelayKind.HARD_DAY, "Calm Swan", circle_texts.hard_day_anonymous
    )
    payload = in_every_language(notice)
    for language in SHIPPED:
        with speaking(language):
            expected = escape(circle_texts.hard_day_anonymous())
        assert OutgoingMessage.from_json(payload, language).text == expected
    assert (
        OutgoingMessage.from_json(payload, "uk").text
        != OutgoingMessage.from_json(payload, "en").text
    )


def test_a_message_without_words_of_ours_is_stored_once() -> None:
    payload = in_every_language(lambda: OutgoingMessage("🎉"))
    assert "languages" not in payload


def test_unknown_languages_in_the_configuration_are_refused_with_the_fix() -> None:
    with pytest.raises(ValidationError, match="not a shipped language"):
        MemberSettings(default_language="xx")
    with pytest.raises(ValidationError, match="not a shipped language"):
        SafetySettings(crisis_resources_by_language={"klingon": "Qapla'"})
    assert MemberSettings(default_language="pt-BR").default_language == "pt_BR"
    with pytest.raises(ValidationError, match="one region alone is never offered"):
        SafetySettings(crisis_resources_by_region={"México": MEXICO})
    assert SafetySettings(
        crisis_resources_by_language={"ES": SPAIN}
    ).crisis_resources_by_language == {"es": SPAIN}


def test_crisis_lines_come_from_the_region_then_the_language_then_the_list() -> None:
    safety = SafetySettings(
        crisis_resources_by_language={"es": SPAIN},
        crisis_resources_by_region={"México": MEXICO, "España": SPAIN},
    )
    assert crisis_lines(safety, "es", "México") == MEXICO
    assert crisis_lines(safety, "es", None) == SPAIN
    assert crisis_lines(safety, "es", "a region since removed") == SPAIN
    assert crisis_lines(safety, "en", None) == DEFAULT_CRISIS_RESOURCES
    with speaking("de"):
        translated = crisis_lines(safety, "de", None)
    assert translated != DEFAULT_CRISIS_RESOURCES and "findahelpline.com" in translated
    own = SafetySettings(crisis_resources="Call 555.")
    assert crisis_lines(own, "de", None) == "Call 555."  # the operator's own text, as written


@pytest.fixture
def settings(emulator: BotApiEmulator, storage_url: str, storage_key: bytes | None) -> Settings:
    emulator.group(MOD_CHAT, "Moderators")
    return make_settings(
        emulator,
        storage_url,
        storage_key,
        moderation=ModerationSettings(operators=[OPERATOR], moderator_chat_id=MOD_CHAT),
        safety=SafetySettings(
            crisis_resources_by_language={"uk": UKRAINE},
            crisis_resources_by_region={"España": SPAIN, "México": MEXICO},
        ),
        # One short questionnaire, so a WHO-5 result comes with a few taps.
        outcomes=OutcomeSettings(questionnaires=["who5"]),
    )


async def test_menus_are_set_in_every_language_for_members_moderators_and_their_chat(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    private = {"type": "all_private_chats"}
    for language in SHIPPED:
        menu = emulator.commands_for(private, telegram_code(language))
        with speaking(language):
            expected = [description for _, description in command_texts.member_commands()]
        assert [c["description"] for c in menu] == expected
    # Users whose app language is not shipped get the default (English here).
    fallback = emulator.commands_for(private)
    assert fallback[0]["description"] == command_texts.member_commands()[0][1]
    chat = emulator.commands_for({"type": "chat", "chat_id": MOD_CHAT}, "uk")
    with speaking("uk"):
        assert chat[0]["description"] == command_texts.moderator_commands()[0][1]


async def test_a_member_picks_a_region_and_crisis_lines_follow_it(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    oksana = emulator.user(language_code="uk")
    await onboard_in_language(oksana)
    assert UKRAINE in (await oksana.ask("/crisis")).shown_text
    settings = await oksana.ask("/settings")
    with speaking("uk"):
        region_button = language_texts.button_region()
    await oksana.tap(region_button, settings)
    menu = await oksana.next_message()
    assert menu.button_labels[:2] == ["España", "México"]
    await oksana.callback_answer(
        oksana.press_data(ChooseRegion(ChooseRegion.key_of("México")).pack(), menu)
    )
    await emulator.wait_until(lambda: "México" in menu.shown_text)
    assert MEXICO in (await oksana.ask("/crisis")).shown_text
    exported = await my_data_json(oksana)
    assert exported["member"]["region"] == "México"
    assert exported["member"]["language"] == "uk"
    # A stale or forged region number changes nothing.
    gone = ChooseRegion(ChooseRegion.key_of("Atlantis")).pack()
    answer = await oksana.callback_answer(oksana.press_data(gone, menu))
    assert answer.text
    assert MEXICO in (await oksana.ask("/crisis")).shown_text
    by_language = ChooseRegion(ChooseRegion.BY_LANGUAGE).pack()
    await oksana.callback_answer(oksana.press_data(by_language, menu))
    await emulator.wait_until(lambda: len(oksana.messages) > 0)
    assert UKRAINE in (await oksana.ask_for("/crisis", UKRAINE)).shown_text


async def onboard_in_language(user: EmulatedUser) -> None:
    """onboard() taps English labels; a member whose Telegram is Ukrainian answers by data."""
    notice = await user.ask("/start")
    await user.callback_answer(user.press_data(Agree().pack(), notice))
    await finish_onboarding(user, "Europe/Kyiv")


async def test_an_english_member_is_unchanged(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    """A member whose Telegram is English (and every member from before languages) reads
    exactly what they read before, and is stored with that language."""
    user = emulator.user()
    await onboard(user)
    exported = await my_data_json(user)
    assert exported["member"]["language"] == "en"


async def test_before_agreeing_a_person_can_read_the_notice_in_another_language(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    """An English Telegram, a Spanish reader: the notice switches language in place (the
    invite code kept on "I agree"), nothing is stored until they agree, then Spanish is."""
    lucia = emulator.user(language_code="en")
    notice = await lucia.ask("/start spring-walkers")
    assert language_texts.button_language() in notice.button_labels
    await lucia.tap(language_texts.button_language(), notice)
    await emulator.wait_until(lambda: "Español" in notice.button_labels)
    assert rows_holding(storage_url, lucia.user_id) == []
    await lucia.tap("Español", notice)
    with speaking("es"):
        agree = onboarding_texts.button_agree()
    await emulator.wait_until(lambda: agree in notice.button_labels)
    assert agree != "✅ I agree"
    assert notice.find_button(agree) == {
        "text": agree,
        "callback_data": Agree("spring-walkers").pack(),
    }
    assert rows_holding(storage_url, lucia.user_id) == []  # still nothing stored
    await lucia.tap(agree, notice)
    await lucia.next_message()
    exported = await my_data_json(lucia)
    assert exported["member"]["language"] == "es"


async def test_a_telegram_language_not_shipped_reads_the_default(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    amelie = emulator.user(language_code="fr")
    notice = await amelie.ask("/start")
    assert "✅ I agree" in notice.button_labels


async def test_the_audit_log_keeps_one_language_whoever_acts(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    """An operator whose Telegram is Russian promotes someone: the reply is in Russian, the
    audit row in the operator's configured language (English here), as every moderator
    reads the same log."""
    operator = emulator.user(OPERATOR, language_code="ru")
    await operator.ask("/promote 424242")
    with probe(storage_url) as conn:
        targets = [row[0] for row in conn.execute("SELECT target FROM audit_log")]
    assert targets == ["moderator 424242"]


async def press_and_wait(user: EmulatedUser, data: str, message: SentMessage) -> None:
    """Press a button by its data and wait until the bot has edited the message."""
    edits = message.edits
    await user.callback_answer(user.press_data(data, message))
    await user.emulator.wait_until(lambda: message.edits > edits)


async def first_with(user: EmulatedUser, showing: str, after: int) -> SentMessage:
    """The first message after the first `after` that shows `showing`, once there is one."""

    def found() -> SentMessage | None:
        return next((m for m in user.messages[after:] if showing in m.shown_text), None)

    await user.emulator.wait_until(lambda: found() is not None)
    message = found()
    assert message is not None
    return message


def with_data(user: EmulatedUser, prefix: str) -> SentMessage:
    """The newest message with a button whose data starts with `prefix`."""
    return next(
        m
        for m in reversed(user.messages)
        if any(str(b.get("callback_data", "")).startswith(prefix) for b in m.buttons)
    )


async def who5_result(user: EmulatedUser) -> str:
    """Opt in from /measures and answer the WHO-5 at its lowest: the result's words."""
    seen = len(user.messages)
    offer = await user.ask("/measures")
    await user.callback_answer(user.press_data(OptIn(Choice.YES).pack(), offer))
    await user.emulator.wait_until(lambda: len(user.messages) > seen + 1)
    invitation = with_data(user, StartMeasure("who5").pack())
    await press_and_wait(user, StartMeasure("who5").pack(), invitation)
    for _ in range(5):
        lowest = str(invitation.buttons[-2]["callback_data"])  # "At no time" (0), then Later
        await press_and_wait(user, lowest, invitation)
    return invitation.shown_text


async def check_in_by_data(
    user: EmulatedUser, day: date, mood: int, confidence: int
) -> SentMessage:
    """/checkin answered by the buttons' data, in any language, note skipped: the reply."""
    seen = len(user.messages)
    user.send("/checkin")
    await user.emulator.wait_until(lambda: len(user.messages) > seen)
    question = with_data(user, "ci:m:")
    await press_and_wait(user, ChooseMood(day, mood).pack(), question)
    await press_and_wait(user, ChooseConfidence(day, mood, confidence).pack(), question)
    await press_and_wait(user, SkipNote(day, Answers.FIRST).pack(), question)
    return question


async def hard_day_resources(user: EmulatedUser, clock: ManualClock, lines: str) -> str:
    """A check-in at mood 1 and "Crisis resources" from its reply: the resources' words."""
    question = await check_in_by_data(user, clock.now().astimezone(KYIV).date(), 1, 2)
    assert CrisisResources().pack() in [b.get("callback_data") for b in question.buttons]
    seen = len(user.messages)
    await user.callback_answer(user.press_data(CrisisResources().pack(), question))
    return (await first_with(user, lines, seen)).shown_text


async def test_every_crisis_reply_carries_the_members_own_lines(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    """The notice, the crisis screen's reply, a hard day's "Crisis resources" and the WHO-5's
    gentle line carry the lines of the member's language, then of the region they chose."""
    oksana = emulator.user(language_code="uk")
    notice = await oksana.ask("/start")
    assert UKRAINE in notice.shown_text
    assert "findahelpline" not in notice.shown_text
    await oksana.callback_answer(oksana.press_data(Agree().pack(), notice))
    await finish_onboarding(oksana, "Europe/Kyiv")

    with speaking("uk"):
        heavy = outcome_texts.reach_out("").strip()
    result = await who5_result(oksana)
    assert heavy in result and UKRAINE in result
    assert UKRAINE in await hard_day_resources(oksana, clock, UKRAINE)
    seen = len(oksana.messages)
    oksana.send("I want to kill myself")
    assert "findahelpline" not in (await first_with(oksana, UKRAINE, seen)).shown_text

    # The next day, with México chosen in /settings: its lines everywhere instead.
    clock.advance(timedelta(days=1))
    oksana.skip_to_end()
    shown = await oksana.ask("/settings")
    await oksana.callback_answer(
        oksana.press_data(ChooseRegion(ChooseRegion.key_of("México")).pack(), shown)
    )
    await emulator.wait_until(lambda: "México" in oksana.last_message.shown_text)
    seen = len(oksana.messages)
    oksana.send("/measures")
    measures = await first_with(oksana, MEXICO, seen)
    assert heavy in measures.shown_text and UKRAINE not in measures.shown_text
    assert UKRAINE not in await hard_day_resources(oksana, clock, MEXICO)
    seen = len(oksana.messages)
    oksana.send("I want to kill myself")
    assert UKRAINE not in (await first_with(oksana, MEXICO, seen)).shown_text


def shown(render: Callable[[], str], language: str) -> str:
    """What a member reading `language` sees of one of the bot's texts."""
    with speaking(language):
        return visible_html_text(render())


def message_with(showing: str, messages: list[SentMessage]) -> SentMessage | None:
    return next((m for m in messages if showing in m.shown_text), None)


async def test_announcements_and_a_moderators_words_come_in_the_readers_frame(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    """The moderator writes in English; a Ukrainian member reads the English words in a
    Ukrainian frame, the buttons Ukrainian too."""
    operator = emulator.user(OPERATOR)
    created = await operator.ask("/newcircle Harbour")
    code = re.search(r"start=([\w-]+)", created.shown_text)
    assert code is not None
    oksana = emulator.user(language_code="uk")
    await onboard_in_language(oksana)
    await oksana.ask(f"/start {code.group(1)}")

    oksana.skip_to_end()
    await operator.ask("/announce Harbour Welcome, everyone!")
    announced = await oksana.next_message()
    frame = partial(moderation_texts.announcement, "Welcome, everyone!")
    assert announced.shown_text == shown(frame, "uk") != shown(frame, "en")

    oksana.send("I can't go on like this")
    moderators = emulator.group(MOD_CHAT)
    await emulator.wait_until(
        lambda: any("Concern #" in m.shown_text for m in moderators.messages)
    )
    alert = next(m for m in moderators.messages if "Concern #" in m.shown_text)
    operator.skip_to_end()
    await operator.tap("I'll reach out", alert)
    instructions = await operator.next_message()
    alert_id = re.search(r"/tell (\d+)", instructions.shown_text)
    assert alert_id is not None
    oksana.skip_to_end()
    await operator.ask(f"/tell {alert_id.group(1)} I'm here. How are you?")
    told = await oksana.next_message()
    frame = partial(alert_texts.from_moderator, "I'm here. How are you?")
    assert told.shown_text == shown(frame, "uk") != shown(frame, "en")
    reply = shown(alert_texts.button_reply_moderator, "uk")
    assert reply in told.button_labels and "Reply to Moderator" not in told.button_labels


async def test_the_settings_button_changes_the_language_at_once(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    """🌐 Language in /settings: every language by its own name; a choice answers in it at
    once, and /settings and /mydata follow."""
    sam = emulator.user()
    await onboard(sam)
    settings_shown = await sam.ask("/settings")
    await sam.tap("🌐 Language", settings_shown)
    menu = await sam.next_message()
    assert menu.button_labels == [
        "English",
        "Español",
        "Português (Brasil)",
        "Deutsch",
        "Русский",
        "Українська",
    ]
    await sam.tap("Español", menu)
    with speaking("es"):
        done = language_texts.language_set("Español")
        button = language_texts.button_language()
    await emulator.wait_until(lambda: menu.shown_text == done)
    assert button != "🌐 Language"
    assert button in (await sam.ask("/settings")).button_labels
    assert (await my_data_json(sam))["member"]["language"] == "es"


async def test_a_spanish_members_data_copy_and_spreadsheet_are_in_spanish(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    """/mydata's readable copy and the check-ins CSV: headings, columns, weekdays and mood
    words in the member's language (the JSON keeps its keys, for other apps)."""
    lucia = emulator.user(language_code="es")
    notice = await lucia.ask("/start")
    await lucia.callback_answer(lucia.press_data(Agree().pack(), notice))
    await finish_onboarding(lucia, "Europe/Madrid")
    day = clock.now().astimezone(ZoneInfo("Europe/Madrid")).date()
    await check_in_by_data(lucia, day, 4, 7)
    lucia.skip_to_end()
    documents = await my_data(lucia)

    with speaking("es"):
        columns = export_texts.checkins_csv_columns(True)
        title = gettext("Your peercircle data")
        weekday, mood = formats.weekday_name(day), checkin_texts.mood_word(4)
        later = export_texts.filled_in_later(False)
    assert title != "Your peercircle data" and mood != "good" and columns[1] != "weekday"
    html = documents[MYDATA_HTML].decode("utf-8")
    assert '<html lang="es">' in html
    assert f"<h1>{title}</h1>" in html and f"4 {mood}" in html
    spreadsheet = list(csv.reader(io.StringIO(documents[MYDATA_CSV].decode("utf-8-sig"))))
    assert spreadsheet[0] == columns
    assert spreadsheet[1][:2] == [day.isoformat(), weekday]
    assert spreadsheet[1][3:6] == [mood, "4", "7"] and spreadsheet[1][-1] == later


async def test_a_language_not_shipped_reads_the_operators_default(
    emulator: BotApiEmulator, storage_url: str, clock: ManualClock, storage_key: bytes | None
) -> None:
    """members.default_language = "es": a French Telegram app gets the Spanish notice, and
    the member is stored as Spanish."""
    settings = make_settings(
        emulator, storage_url, storage_key, members=MemberSettings(default_language="es")
    )
    app = build_application(settings, clock=clock, rng=random.Random(7))
    async with running_bot(app):
        amelie = emulator.user(language_code="fr")
        notice = await amelie.ask("/start")
        with speaking("es"):
            agree = onboarding_texts.button_agree()
        assert agree in notice.button_labels and agree != "✅ I agree"
        await amelie.callback_answer(amelie.press_data(Agree().pack(), notice))
        await finish_onboarding(amelie, "Europe/Paris")
        assert (await my_data_json(amelie))["member"]["language"] == "es"
