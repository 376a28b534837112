"""Two members, two languages, one circle: each reads peercircle in their own language from
the first /start, what one writes reaches the other as written inside a frame in the
reader's language, and a message waiting in the outbox follows a language changed meanwhile.
Expected words come from the catalogs themselves (rendered as each reader would), and every
check first makes sure the translation differs from the English, so a missing catalog fails.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.config import ModerationSettings, Settings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from bot.emulator.state import visible_html_text
from bot.i18n import speaking
from bot.members.callbacks import ChooseLanguage
from bot.texts import checkins as checkin_texts
from bot.texts import circles as circle_texts
from bot.texts import language as language_texts
from bot.texts import onboarding as onboarding_texts
from bot.texts import trends as trend_texts
from tests.conftest import make_settings
from tests.helpers import finish_onboarding
from tests.test_circles_scenario import OPERATOR, new_circle


@pytest.fixture
def settings(emulator: BotApiEmulator, storage_url: str, storage_key: bytes | None) -> Settings:
    return make_settings(
        emulator, storage_url, storage_key, moderation=ModerationSettings(operators=[OPERATOR])
    )


def said(language: str, text: Callable[[], str]) -> str:
    """`text` as a reader of `language` sees it; it must differ from the English."""
    with speaking(language):
        translated = text()
    with speaking("en"):
        english = text()
    assert translated != english, f"{language} has no translation of {english!r}"
    return translated


def shown(html: str) -> str:
    return visible_html_text(html)


async def press(user: EmulatedUser, message: SentMessage, data: str) -> None:
    await user.callback_answer(user.press_data(data, message))


async def join_in(user: EmulatedUser, language: str, code: str) -> None:
    """Onboard in the user's own language and join the circle."""
    notice = await user.ask("/start")
    agree = said(language, onboarding_texts.button_agree)
    assert agree in notice.button_labels
    assert said(language, onboarding_texts.button_not_now) in notice.button_labels
    await user.tap(agree)
    await finish_onboarding(user, "Europe/Madrid" if language == "es" else "Europe/Kyiv")
    await user.ask(f"/start {code}")


async def test_two_members_each_read_their_own_language(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator, "Puente")
    ana = emulator.user(first_name="Ana", language_code="es")
    oleh = emulator.user(first_name="Oleh", language_code="uk")
    await join_in(ana, "es", code)
    await join_in(oleh, "uk", code)

    # A check-in, each in their own words.
    question = await ana.ask("/checkin")
    assert question.shown_text == shown(said("es", checkin_texts.ask_mood))
    question = await oleh.ask("/checkin")
    assert question.shown_text == shown(said("uk", checkin_texts.ask_mood))
    await ana.tap("4", question := ana.last_message)
    await emulator.wait_until(lambda: len(question.button_labels) > 5 or question.edits > 0)
    await ana.tap("7", ana.last_message)
    note = said("es", checkin_texts.button_add_note)
    await emulator.wait_until(lambda: note in ana.last_message.button_labels)

    # /trends: Oleh has none yet, Ana's chart offers its periods in Spanish.
    assert (await oleh.ask("/trends")).shown_text == shown(said("uk", trend_texts.no_checkins_yet))
    chart = await ana.ask("/trends")
    assert chart.photo is not None or chart.document is not None
    week = said("es", lambda: trend_texts.period_label(7, False))
    assert week in chart.button_labels

    # Ana asks her circle in Spanish; Oleh reads her words as written in a Ukrainian frame.
    oleh.skip_to_end()
    words = "Hoy me cuesta mucho, ¿algún consejo?"
    ana.send(f"/ask {words}")
    await emulator.wait_until(lambda: any(words in m.shown_text for m in oleh.messages))
    relayed = next(m for m in oleh.messages if words in m.shown_text)
    services = bot.bot_data.running_services
    assert services is not None
    member = await services.members.get(ana.user_id)
    assert member is not None
    frame = said("uk", lambda: circle_texts.relayed_ask(member.pseudonym, words))
    assert relayed.shown_text == shown(frame)
    assert said("uk", circle_texts.button_send_encouragement) in relayed.button_labels

    # Oleh switches to Spanish while Ana's next message waits in the outbox: it goes out in
    # the language he reads when it leaves.
    worker = bot.bot_data.delivery
    assert worker is not None
    await worker.stop()
    again = "Gracias a todos."
    ana.skip_to_end()
    await ana.ask(f"/encourage {again}")  # queued for Oleh, not sent: delivery is stopped
    oleh.skip_to_end()
    menu = await oleh.ask("/language")
    assert "Español" in menu.button_labels and "Українська" in menu.button_labels
    await press(oleh, menu, ChooseLanguage("es").pack())
    await emulator.wait_until(
        lambda: (
            menu.shown_text == shown(said("es", lambda: language_texts.language_set("Español")))
        )
    )
    worker.start()
    await emulator.wait_until(lambda: any(again in m.shown_text for m in oleh.messages))
    encouraged = next(m for m in oleh.messages if again in m.shown_text)
    thanks = said("es", circle_texts.button_thanks)
    assert thanks in encouraged.button_labels
    assert said("uk", circle_texts.button_thanks) not in encouraged.button_labels
