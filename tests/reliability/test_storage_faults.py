"""Storage that fails for a while (read-only, locked): nothing the member did is lost or
marked handled unsaved, the member is told honestly, and intake resumes by itself."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import aiohttp
import pytest

from bot.app import build_application, running_bot
from bot.clock import ManualClock
from bot.config import MetricsSettings, ModerationSettings, Settings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.runtime.health import METRICS_WAIT, PROBE_EVERY
from bot.texts import common as common_texts
from tests.conftest import make_settings
from tests.engines import (
    READ_ONLY_WORDS,
    WriteLockHolder,
    peek,
    read_only_on,
    writable_on,
)
from tests.helpers import onboard
from tests.reliability.test_webhook import free_port
from tests.safety.test_safety_scenario import MOD_CHAT, OPERATOR, URGENT, mod_message

T = TypeVar("T")
NOT_SAVED = common_texts.not_saved_yet()
NOTHING_LOST = "Nothing was lost"


@asynccontextmanager
async def read_only(app: PeerApplication, engine: str) -> AsyncIterator[None]:
    """The bot's own connection refuses every write, as a read-only file (or a standby)
    would."""
    services = app.bot_data.running_services
    assert services is not None
    async with services.db.read() as session:
        await session.execute(read_only_on(engine))
    try:
        yield
    finally:
        async with services.db.read() as session:
            await session.execute(writable_on(engine))


def lock_held(database: str) -> WriteLockHolder:
    """Another process's connection holding the write lock; taken off the event loop, which
    the bot's transaction in flight needs to finish."""
    return WriteLockHolder(database)


def release(holder: WriteLockHolder) -> None:
    holder.release()


@pytest.fixture
def moderated_app(
    emulator: BotApiEmulator, clock: ManualClock, storage_url: str, storage_key: bytes | None
) -> PeerApplication:
    """The bot with a moderators' chat, where crisis alerts go."""
    emulator.group(MOD_CHAT, "Moderators")
    moderation = ModerationSettings(operators=[OPERATOR], moderator_chat_id=MOD_CHAT)
    settings = make_settings(emulator, storage_url, storage_key, moderation=moderation)
    return build_application(settings, clock=clock, rng=random.Random(7))


async def at_confidence(emulator: BotApiEmulator) -> EmulatedUser:
    """A member in a check-in, mood 3 saved, asked how confident they feel."""
    member = emulator.user()
    await onboard(member)
    await member.ask_for("/checkin", "mood")
    await member.tap("3")
    await emulator.wait_until(lambda: "confident" in member.last_message.shown_text)
    return member


def mood_of(database: str, user_id: int) -> list[int]:
    rows = peek(database, "SELECT mood FROM checkins WHERE user_id = ?", (user_id,))
    return [int(r[0]) for r in rows]


def texts_to(emulator: BotApiEmulator, user_id: int) -> list[str]:
    return [m.shown_text for m in emulator.chats[user_id].messages]


async def test_a_tap_that_could_not_be_saved_is_told_so_and_saved_when_storage_recovers(
    emulator: BotApiEmulator,
    settings: Settings,
    clock: ManualClock,
    storage_url: str,
    engine: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="peercircle")
    app = build_application(settings, clock=clock, rng=random.Random(7))
    async with running_bot(app):
        member, other = emulator.user(), emulator.user()
        await onboard(member)
        await onboard(other)
        await member.ask_for("/checkin", "mood")
        await member.tap("3")
        await emulator.wait_until(lambda: "confident" in member.last_message.shown_text)
        async with read_only(app, engine):
            answer = await member.tap("4")
            # Honest: not "nothing was lost", but that it did not save, and will be tried.
            assert answer.text == NOT_SAVED and answer.show_alert
            # The bot still listens meanwhile: another member is answered during the fault.
            await other.ask_for("/help", "/checkin")
            await asyncio.sleep(2.5)  # a few retries meet the same fault
            assert mood_of(storage_url, member.user_id) == []
        # Storage is back: the tap is saved by itself, and the member goes on to the note.
        await emulator.wait_until(lambda: "private note" in member.last_message.shown_text, 40)
    assert mood_of(storage_url, member.user_id) == [3]
    answers = [a.text for a in emulator.callback_answers.values()]
    assert answers.count(NOT_SAVED) == 1
    assert not any(NOTHING_LOST in t for t in texts_to(emulator, member.user_id))
    faults = [r for r in caplog.records if r.getMessage().startswith("storage fault")]
    recovered = [r for r in caplog.records if r.getMessage().startswith("storage recovered")]
    assert len(faults) == 1 and len(recovered) == 1
    assert READ_ONLY_WORDS[engine] in faults[0].getMessage()


async def test_every_crisis_message_while_writes_fail_gets_the_resources_at_once(
    emulator: BotApiEmulator, moderated_app: PeerApplication, engine: str
) -> None:
    """The alert cannot be stored, so the member is told honestly that no moderator knows;
    the update is not held for a retry, which would hold their next message behind it."""
    app = moderated_app
    async with running_bot(app):
        member = emulator.user()
        await onboard(member)
        member.skip_to_end()
        async with read_only(app, engine):
            for text in (URGENT, "i have the pills in my hand now and i am taking them all"):
                answer = await member.ask(text, timeout=10)
                assert "988" in answer.shown_text
                assert "couldn't let a peer moderator know" in answer.shown_text


async def test_crisis_words_behind_an_unsaved_tap_get_help_at_once_and_in_full_later(
    emulator: BotApiEmulator, moderated_app: PeerApplication, storage_url: str, engine: str
) -> None:
    """A member's later updates wait behind their unsaved one, in order; crisis words among
    them must not wait for storage: the screen answers them at once, and when storage is
    back they are handled in full (the alert goes out) after the tap."""
    app = moderated_app
    moderators = emulator.group(MOD_CHAT)
    async with running_bot(app):
        member = await at_confidence(emulator)
        async with read_only(app, engine):
            tapped = await member.tap("4")
            assert tapped.text == NOT_SAVED
            member.skip_to_end()
            answer = await member.ask(URGENT, timeout=10)
            assert "988" in answer.shown_text
            assert "couldn't let a peer moderator know" in answer.shown_text
            # Anything else waits its turn, unanswered, as before.
            member.send("/help")
        alert = await mod_message(emulator, "Urgent crisis alert")
        assert URGENT in alert.shown_text
        await emulator.wait_until(
            lambda: any("can see this message" in m.shown_text for m in member.messages), 40
        )
        await emulator.wait_until(lambda: "/checkin" in member.last_message.shown_text, 40)
    assert mood_of(storage_url, member.user_id) == [3]
    texts = [m.shown_text for m in member.messages]
    # The crisis answer during the fault, then (storage back, after the tap, which edits
    # its own message) the crisis message in full, and /help last.
    during = next(i for i, t in enumerate(texts) if "couldn't let a peer moderator know" in t)
    in_full = next(i for i, t in enumerate(texts) if "can see this message" in t)
    assert during < in_full < len(texts) - 1 and "/checkin" in texts[-1]
    assert any("Confidence: 4/10" in t for t in texts)
    assert len([m for m in moderators.messages if "Urgent crisis alert" in m.shown_text]) == 1


async def test_a_lock_held_past_the_busy_timeout_delays_but_loses_nothing(
    emulator: BotApiEmulator, settings: Settings, clock: ManualClock, storage_url: str
) -> None:
    app = build_application(settings, clock=clock, rng=random.Random(7))
    async with running_bot(app):
        member = emulator.user()
        await onboard(member)
        await member.ask_for("/checkin", "mood")
        await member.tap("4")
        await emulator.wait_until(lambda: "confident" in member.last_message.shown_text)
        # Another process holds the write lock longer than the bot's 5 s busy timeout.
        holder = await asyncio.to_thread(lock_held, storage_url)
        try:
            # Every write waits out the 5 s busy timeout first, one after another.
            answer = await member.tap("2", timeout=40)
            assert answer.text == NOT_SAVED
        finally:
            await asyncio.to_thread(release, holder)
        await emulator.wait_until(lambda: "private note" in member.last_message.shown_text, 40)
    assert mood_of(storage_url, member.user_id) == [4]


async def test_healthz_says_when_writes_fail_and_metrics_never_wait_on_the_database(
    emulator: BotApiEmulator,
    clock: ManualClock,
    storage_url: str,
    storage_key: bytes | None,
    engine: str,
) -> None:
    settings = make_settings(
        emulator, storage_url, storage_key, metrics=MetricsSettings(port=free_port())
    )
    base = f"http://127.0.0.1:{settings.metrics.port}"
    app = build_application(settings, clock=clock, rng=random.Random(7))

    async def healthz(http: aiohttp.ClientSession) -> tuple[int, str]:
        async with http.get(f"{base}/healthz") as response:
            return response.status, await response.text()

    async with running_bot(app), aiohttp.ClientSession() as http:
        assert (await healthz(http))[0] == 200
        async with read_only(app, engine):
            _, body = await wait_for(lambda: healthz(http), lambda r: r[0] == 503, 15)
            assert "database not taking writes" in body and READ_ONLY_WORDS[engine] in body
        await wait_for(lambda: healthz(http), lambda r: r[0] == 200, 15)
        # Another process holds the write lock: /metrics still answers at once.
        holder = await asyncio.to_thread(lock_held, storage_url)
        try:
            await asyncio.sleep(PROBE_EVERY + 1)  # a probe is waiting on the lock now
            started = time.monotonic()
            async with http.get(f"{base}/metrics") as response:
                text = await response.text()
            assert response.status == 200 and "peercircle_outbox_depth" in text
            assert time.monotonic() - started < 1.0 + METRICS_WAIT
        finally:
            await asyncio.to_thread(release, holder)


async def wait_for(
    get: Callable[[], Awaitable[T]], good: Callable[[T], bool], timeout: float
) -> T:
    """Ask again until the answer is good (an endpoint that changes with a probe's pace)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = await get()
        if good(answer) or time.monotonic() > deadline:
            assert good(answer), answer
            return answer
        await asyncio.sleep(0.2)


async def test_crisis_words_in_the_same_batch_as_an_unsaved_tap_get_help_at_once(
    emulator: BotApiEmulator, moderated_app: PeerApplication, engine: str
) -> None:
    """The tap and the crisis words reach intake in one getUpdates batch (the member was
    quick, or the bot busy): the tap cannot be saved, and the crisis words behind it are
    read by the screen alone at once, not held unanswered (found by a review)."""
    app = moderated_app
    async with running_bot(app):
        member = await at_confidence(emulator)
        async with read_only(app, engine):
            member.skip_to_end()
            # Both pushed before the event loop runs again: one batch for intake.
            member.press("4")
            member.send(URGENT)
            await emulator.wait_until(
                lambda: any(
                    "couldn't let a peer moderator know" in m.shown_text for m in member.messages
                ),
                10,
            )


async def test_a_screen_that_fails_behind_an_unsaved_tap_lets_nothing_else_handle_it(
    emulator: BotApiEmulator, moderated_app: PeerApplication, engine: str
) -> None:
    """The crisis reply to a held message cannot be sent: nothing else handles the message
    before its turn (no fallback answer during the fault), and the next held message is
    still screened (found by a review)."""
    app = moderated_app
    async with running_bot(app):
        member = await at_confidence(emulator)
        async with read_only(app, engine):
            tapped = await member.tap("4")
            assert tapped.text == NOT_SAVED
            before = len(member.messages)
            emulator.fail_next("sendMessage", code=400, description="Bad Request: refused")
            member.send("I want to kill myself tonight")
            # A second held message, screened after the first one's pass has ended.
            member.send(URGENT)
            await emulator.wait_until(
                lambda: any(
                    "couldn't let a peer moderator know" in m.shown_text
                    for m in member.messages[before:]
                ),
                10,
            )
            during = [m.shown_text for m in member.messages[before:]]
            assert not any("may not have understood" in t for t in during), during


async def test_a_button_pressed_behind_an_unsaved_tap_is_told_it_waits(
    emulator: BotApiEmulator, settings: Settings, clock: ManualClock, engine: str
) -> None:
    app = build_application(settings, clock=clock, rng=random.Random(7))
    async with running_bot(app):
        member = await at_confidence(emulator)
        async with read_only(app, engine):
            first = await member.tap("4")
            assert first.text == NOT_SAVED
            second = await member.tap("5", timeout=10)
            assert second.text == NOT_SAVED and second.show_alert
