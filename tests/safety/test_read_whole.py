"""A crisis alert shortened to fit carries "Read the whole message": a moderator who presses
it gets every word in the moderators' chat (audited, without the words); anyone else, a
forged button or a forgotten member's alert, gets a polite refusal."""

from __future__ import annotations

from datetime import timedelta

from bot.alerts.callbacks import AlertAction, AlertButton
from bot.clock import ManualClock
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.texts.fit import units
from tests.engines import probe
from tests.helpers import answer_checkin
from tests.safety.test_long_texts import refused
from tests.safety.test_safety_scenario import (
    MOD_CHAT,
    OPERATOR,
    URGENT,
    member,
    mod_message,
    settings,
)

__all__ = ["settings"]

READ = "Read the whole message"
# Markup, an emoji (two UTF-16 units), right-to-left words: escaped and counted as Telegram
# does, and a marker at the very end that an excerpt cannot hold.
FILLER = 'it is <b>all</b> too much & "heavy" 😔 שלום עליכם '


def long_words(tail: str = "LAST-WORDS-7741") -> str:
    text = URGENT + " "
    while units(text + FILLER + tail) < 3990:
        text += FILLER
    return text + tail


def whole_text_read(emulator: BotApiEmulator, after: int) -> str:
    """What the moderators' chat received since message `after`, joined."""
    return "\n".join(m.shown_text for m in emulator.group(MOD_CHAT).messages[after:])


async def forget(user: EmulatedUser) -> None:
    await user.tap("Yes, delete everything", await user.ask_for("/forget", "cannot be undone"))
    await user.emulator.wait_until(lambda: "has been deleted" in user.last_message.shown_text)


async def test_a_moderator_reads_a_shortened_alert_whole_and_it_is_audited(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    user = await member(emulator)
    words = long_words()
    user.send(words)
    alert = await mod_message(emulator, "Urgent crisis alert")
    assert "LAST-WORDS-7741" not in alert.shown_text and "…" in alert.shown_text
    assert READ in alert.button_labels
    count = len(emulator.group(MOD_CHAT).messages)

    operator = emulator.user(OPERATOR)
    answered = await operator.tap(READ, alert)
    assert answered.show_alert is False
    await emulator.wait_until(lambda: "LAST-WORDS-7741" in whole_text_read(emulator, count))
    shown = whole_text_read(emulator, count)
    assert " ".join(words.split()) in " ".join(shown.split())  # every word, in order
    assert refused(emulator) == []
    with probe(storage_url) as conn:
        audits = conn.execute("SELECT action, target, reason FROM audit_log").fetchall()
    assert [a for a, _, _ in audits] == ["read whole alert"]
    assert all("heavy" not in str(value) for row in audits for value in row)

    await operator.tap("Resolved", alert)  # a closed alert can still be read whole
    await emulator.wait_until(lambda: "Resolved by" in alert.shown_text)
    assert alert.button_labels == [READ]


async def test_only_moderators_read_and_forged_or_forgotten_alerts_have_expired(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = await member(emulator)
    user.send(long_words())
    alert = await mod_message(emulator, "Urgent crisis alert")
    count = len(emulator.group(MOD_CHAT).messages)
    stranger = emulator.user()
    refusal = await stranger.tap(READ, alert)
    assert "moderators" in (refusal.text or "")

    operator = emulator.user(OPERATOR)
    forged = AlertButton(AlertAction.READ, 987654321).pack()
    expired = await operator.callback_answer(operator.press_data(forged, alert))
    assert "expired" in (expired.text or "")
    huge = await operator.callback_answer(operator.press_data("cr:read:" + "9" * 40, alert))
    assert "expired" in (huge.text or "")

    await forget(user)
    gone = await operator.tap(READ, alert)
    assert "expired" in (gone.text or "")
    assert "LAST-WORDS-7741" not in whole_text_read(emulator, count)


async def test_short_words_and_private_notes_get_no_button_and_repeats_keep_it(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    short = await member(emulator)
    short.send(URGENT)
    alert = await mod_message(emulator, "Urgent crisis alert")
    assert READ not in alert.button_labels

    note_writer = await member(emulator)
    await answer_checkin(note_writer, 2, 3)
    await note_writer.tap("Add a note")
    await emulator.wait_until(lambda: "Write your note" in note_writer.last_message.shown_text)
    note_writer.send(long_words())
    note_alert = await mod_message(emulator, "private check-in note")
    assert READ not in note_alert.button_labels

    long = await member(emulator)
    long.send(long_words())
    first = await mod_message(emulator, "…")
    count = len(emulator.group(MOD_CHAT).messages)
    clock.advance(timedelta(minutes=16))
    await emulator.wait_until(
        lambda: any(
            "Nobody has taken this yet" in m.shown_text and READ in m.button_labels
            for m in emulator.group(MOD_CHAT).messages[count:]
        )
    )
    assert READ in first.button_labels


def test_the_button_fits_telegrams_64_bytes_for_any_alert_number() -> None:
    data = AlertButton(AlertAction.READ, 2**63 - 1).pack()
    assert len(data.encode()) <= 64
    assert AlertButton.parse(data) == AlertButton(AlertAction.READ, 2**63 - 1)
