"""Member text of every length (1 to 5,000 UTF-16 units) and alphabet, through every path
that carries it to Telegram: the emulator (which refuses what Telegram refuses) answers no
400, and the whole text reaches its reader, or a marked excerpt with "Read the whole
message" for a crisis alert, or the member hears kindly that it was too long to keep.

One running bot per test function; hypothesis draws a few examples beside the boundaries,
derandomized so CI sees the same texts every run."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bot.clock import ManualClock
from bot.config import CircleSettings, DeliverySettings, ModerationSettings, Settings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from bot.safety.confusables import INVISIBLE
from bot.texts.fit import units
from tests.conftest import make_settings
from tests.helpers import MYDATA_JSON, onboard
from tests.safety.test_safety_scenario import MOD_CHAT, OPERATOR, URGENT
from tests.test_circles_scenario import member_in, new_circle
from tests.test_goals_scenario import edited_to

# Pieces each alphabet's texts are made of: HTML specials, emoji outside the BMP (two UTF-16
# units, one with a skin tone), CJK, Hebrew and Arabic with direction marks and overrides,
# combining marks, zero-width characters. The first piece of each is visible.
ALPHABETS = {
    "markup": ("I feel ", "<b>", "&amp;", '"', "'", "<", ">", "& ", "</i> ", "so ", "tired "),
    "emoji": ("😔", "💚 ", "🌧️", "🫶🏽", " ", "🙏"),
    "cjk": ("我很累", "。", "今日は", " ", "疲れた", "\uff0c"),
    "rtl": ("שלום ", "مرحبا ", "\u200f", "\u200e", "\u202b", "\u202e", "עוד ", "\u202c"),
    "combining": ("e\u0301", "a\u0308", "n\u0303 ", "Z\u0336\u0334", " ", "o\u0342"),
    "zero_width": ("word", "\u200b", "\u200c", "\u200d", "\ufeff", " more", "\u2060"),
}
_DROP_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))


@dataclass(frozen=True)
class Sample:
    alphabet: str
    length: int  # in UTF-16 units
    text: str

    def __repr__(self) -> str:  # a failing example reads short, whatever its length
        return f"Sample({self.alphabet!r}, {self.length}, {self.text[:40]!r}…)"


def compose(alphabet: str, length: int, order: list[int]) -> str:
    """Pieces of `alphabet` in `order` (cycled) up to exactly `length` UTF-16 units; the
    text starts visible, and "x" fills what a piece would overrun."""
    pieces = ALPHABETS[alphabet]
    text, used, step = pieces[0][: max(1, length)], 0, 0
    used = units(text)
    if used > length:  # one emoji is two units: a one-unit text is a letter
        return "x"
    while used < length:
        piece = pieces[order[step % len(order)] % len(pieces)]
        step += 1
        if used + units(piece) > length:
            piece = "x" * (length - used)
        text += piece
        used += units(piece)
    return text


@st.composite
def samples(draw: st.DrawFn) -> Sample:
    alphabet = draw(st.sampled_from(sorted(ALPHABETS)))
    length = draw(st.one_of(st.integers(1, 1100), st.integers(1, 5000)))
    order = draw(st.lists(st.integers(0, 20), min_size=1, max_size=12))
    return Sample(alphabet, length, compose(alphabet, length, order))


def boundary(alphabet: str, length: int) -> Sample:
    return Sample(alphabet, length, compose(alphabet, length, [1, 2, 3, 4, 5, 6, 7]))


def at_the_boundaries(test: Callable[..., object]) -> Callable[..., object]:
    """The lengths where Telegram's limits bite (1,024 a caption, 4,096 a message), in the
    alphabets that count differently, then a few drawn examples."""
    for alphabet, length in (
        ("markup", 1),
        ("emoji", 1023),
        ("markup", 1024),
        ("rtl", 1025),
        ("emoji", 4095),
        ("markup", 4096),
        ("cjk", 4097),
        ("zero_width", 5000),
    ):
        test = example(sample=boundary(alphabet, length))(test)
    return hypothesis_settings(
        max_examples=4,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )(given(sample=samples())(test))


def comparable(text: str) -> str:
    """Words as a reader sees them: invisible characters and spacing aside."""
    return " ".join(text.translate(_DROP_INVISIBLE).split())


def refused(emulator: BotApiEmulator) -> list[str]:
    return [
        f"{c.method}: {c.status} {c.result}"
        for c in emulator.calls
        if c.status == 400 and c.method.startswith(("send", "edit"))
    ]


def received(messages: list[SentMessage]) -> str:
    return comparable("\n".join(m.shown_text for m in messages))


async def arrives(
    emulator: BotApiEmulator, chat: Callable[[], list[SentMessage]], text: str
) -> None:
    """Wait until every word of `text` has reached `chat` (in one message or several)."""
    words = comparable(text)
    try:
        await emulator.wait_until(lambda: words in received(chat()), 10)
    except TimeoutError:
        got = [m.shown_text[:80] + "…" + m.shown_text[-80:] for m in chat()]
        raise AssertionError(
            f"not every word arrived: {got}; refused: {refused(emulator)}"
        ) from None


@pytest.fixture
def settings(emulator: BotApiEmulator, storage_url: str, storage_key: bytes | None) -> Settings:
    emulator.group(MOD_CHAT, "Moderators")
    return make_settings(
        emulator,
        storage_url,
        storage_key,
        moderation=ModerationSettings(operators=[OPERATOR], moderator_chat_id=MOD_CHAT),
        circles=CircleSettings(max_members=6, relays_per_hour=1000),
        # Rendering is under test, not pacing: no second between two messages to one chat.
        delivery=DeliverySettings(per_chat_per_second=100),
    )


def since(user: EmulatedUser, count: int) -> Callable[[], list[SentMessage]]:
    return lambda: user.messages[count:]


def group_since(emulator: BotApiEmulator, count: int) -> Callable[[], list[SentMessage]]:
    return lambda: emulator.group(MOD_CHAT).messages[count:]


async def answered(user: EmulatedUser, count: int) -> SentMessage:
    """The first message `user` got after message `count`."""
    await user.emulator.wait_until(lambda: len(user.messages) > count, 10)
    return user.messages[count]


# -- relays: /encourage, /ask and a reply, reports, pre-moderation -----------------------------


@dataclass
class Circles:
    alex: EmulatedUser
    bo: EmulatedUser
    cy: EmulatedUser  # in a pre-moderated circle, with dee
    dee: EmulatedUser
    reports: int = 0


@pytest.fixture
async def circles(emulator: BotApiEmulator, bot: PeerApplication) -> Circles:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    held = await new_circle(emulator, "Quiet Harbour")
    operator = emulator.user(OPERATOR)
    assert "pre-moderated" in (await operator.ask("/circlemode Quiet Harbour pre")).shown_text
    cy, dee = await member_in(emulator, held), await member_in(emulator, held)
    return Circles(alex, bo, cy, dee)


async def relay(
    emulator: BotApiEmulator, sender: EmulatedUser, reader: EmulatedUser, command: str, text: str
) -> SentMessage | None:
    """`sender` relays `text`; the reader's copy, or None when the sender was told it could
    not go (too long)."""
    start, read = len(sender.messages), len(reader.messages)
    sender.send(f"/{command} {text}")
    said = await answered(sender, start)
    if "over 1,000 characters" in said.shown_text:
        return None
    await arrives(emulator, since(reader, read), text)
    return next(m for m in reader.messages[read:] if m.buttons)


@at_the_boundaries
async def test_relays_replies_reports_and_reviews_meet_no_400(
    emulator: BotApiEmulator, circles: Circles, sample: Sample
) -> None:
    alex, bo = circles.alex, circles.bo
    copy = await relay(emulator, alex, bo, "encourage", sample.text)
    if copy is not None and circles.reports < 8:  # a member files 10 reports a day
        circles.reports += 1
        count = len(emulator.group(MOD_CHAT).messages)
        await bo.tap("Report", copy)
        await arrives(emulator, group_since(emulator, count), sample.text)

    asked = await relay(emulator, alex, bo, "ask", sample.text)
    if asked is not None:
        await bo.tap("Send encouragement", asked)
        read = len(alex.messages)
        bo.send(sample.text)
        if len(sample.text) <= 1000:
            await arrives(emulator, since(alex, read), sample.text)

    count = len(emulator.group(MOD_CHAT).messages)
    start = len(circles.cy.messages)
    circles.cy.send(f"/encourage {sample.text}")
    await answered(circles.cy, start)
    if len(sample.text.strip()) <= 1000:
        await arrives(emulator, group_since(emulator, count), sample.text)
        review = next(m for m in emulator.group(MOD_CHAT).messages[count:] if m.buttons)
        read = len(circles.dee.messages)
        await emulator.user(OPERATOR).tap("Approve", review)
        await arrives(emulator, since(circles.dee, read), sample.text)
    assert refused(emulator) == []


# -- the moderator's thread and crisis alerts -------------------------------------------------


@dataclass
class Thread:
    member: EmulatedUser
    alert_id: str
    worried: EmulatedUser  # writes crisis words, alert after alert


@pytest.fixture
async def thread(emulator: BotApiEmulator, bot: PeerApplication) -> Thread:
    member = emulator.user()
    await onboard(member)
    member.skip_to_end()
    await member.ask(URGENT)
    operator = emulator.user(OPERATOR)
    await emulator.wait_until(lambda: bool(emulator.group(MOD_CHAT).messages))
    alert = emulator.group(MOD_CHAT).messages[-1]
    await operator.tap("I'll reach out", alert)
    instructions = await operator.next_message()
    found = re.search(r"/tell (\d+)", instructions.shown_text)
    assert found is not None
    await operator.tap("Resolved", alert)
    worried = emulator.user()
    await onboard(worried)
    return Thread(member, found.group(1), worried)


@at_the_boundaries
async def test_the_moderator_thread_and_crisis_alerts_meet_no_400(
    emulator: BotApiEmulator, thread: Thread, clock: ManualClock, sample: Sample
) -> None:
    # The outbox keys a /tell and an answer by the moment and the length: a real clock never
    # stands still between two messages, this one must be moved on.
    clock.advance(timedelta(seconds=1))
    operator, member = emulator.user(OPERATOR), thread.member
    read = len(member.messages)
    operator.send(f"/tell {thread.alert_id} {sample.text}")
    await arrives(emulator, since(member, read), sample.text)
    told = next(m for m in member.messages[read:] if m.find_button("Reply to Moderator"))
    await member.tap("Reply to Moderator", told)
    read = len(operator.messages)
    member.send(sample.text)
    await arrives(emulator, since(operator, read), sample.text)

    words = f"{URGENT} {sample.text}"
    count = len(emulator.group(MOD_CHAT).messages)
    thread.worried.send(words)
    await emulator.wait_until(lambda: len(emulator.group(MOD_CHAT).messages) > count, 10)
    alert = emulator.group(MOD_CHAT).messages[count]
    if "Read the whole message" in alert.button_labels:
        assert "…" in alert.shown_text
        more = len(emulator.group(MOD_CHAT).messages)
        await operator.tap("Read the whole message", alert)
        await arrives(emulator, group_since(emulator, more), words)
    else:
        await arrives(emulator, group_since(emulator, count), words)
    # Once more while it is open: the follow-up carries every word.
    count = len(emulator.group(MOD_CHAT).messages)
    thread.worried.send(words)
    await arrives(emulator, group_since(emulator, count), words)
    await operator.tap("Resolved", alert)
    assert refused(emulator) == []


# -- private words: notes, goals, the safety plan, /mydata ----------------------------------


@pytest.fixture
async def writer(emulator: BotApiEmulator, bot: PeerApplication) -> EmulatedUser:
    user = emulator.user()
    await onboard(user)
    start = len(user.messages)
    user.send("/journey 2026-01-10")  # a journey, so that /setback has one to mark
    await user.tap("Keep them private", await said(user, start, "hear about them"))
    return user


async def said(user: EmulatedUser, start: int, words: str) -> SentMessage:
    await user.emulator.wait_until(
        lambda: any(words in m.shown_text for m in user.messages[start:]), 10
    )
    return next(m for m in user.messages[start:] if words in m.shown_text)


async def tap_new(user: EmulatedUser, start: int, label: str) -> None:
    """Press the button whose label begins `label` on the newest message since `start`."""

    def found() -> tuple[SentMessage, str] | None:
        for message in reversed(user.messages[start:]):
            for pressed in message.button_labels:
                if pressed.startswith(label):
                    return message, pressed
        return None

    await user.emulator.wait_until(lambda: found() is not None, 10)
    message, pressed = found() or (user.messages[-1], label)
    await user.tap(pressed, message)


async def send_and_wait(user: EmulatedUser, text: str) -> SentMessage:
    start = len(user.messages)
    user.send(text)
    return await answered(user, start)


async def goal_why(user: EmulatedUser, why: str) -> None:
    """A daily habit whose "why" is `why` (while the member has room for another goal)."""
    kind = await send_and_wait(user, "/newgoal Walk")
    if not kind.buttons:  # ten goals already
        return
    await user.tap("A habit", kind)
    await edited_to(user, kind, "When should I ask")
    await user.tap("Every day", kind)
    await edited_to(user, kind, "At what time?")
    await user.tap("18:00", kind)
    await edited_to(user, kind, "why does this goal matter")
    await send_and_wait(user, why)
    await send_and_wait(user, "/cancel")  # a "why" too long is still being asked


@at_the_boundaries
async def test_notes_goals_the_safety_plan_and_mydata_meet_no_400(
    emulator: BotApiEmulator, writer: EmulatedUser, clock: ManualClock, sample: Sample
) -> None:
    clock.advance(timedelta(days=1))  # one check-in a day
    start = len(writer.messages)
    writer.send("/checkin")
    await tap_new(writer, start, "4 ")
    await tap_new(writer, start, "6")
    await tap_new(writer, start, "📝")
    await said(writer, start, "Write your note")
    await send_and_wait(writer, sample.text)

    if "about what happened" in (await send_and_wait(writer, "/setback")).shown_text:
        await send_and_wait(writer, sample.text)

    await send_and_wait(writer, f"/newgoal {sample.text}")  # a title
    await send_and_wait(writer, "/cancel")
    await goal_why(writer, sample.text)
    start = len(writer.messages)
    writer.send("/safetyplan")
    await said(writer, start, "warning signs")
    await send_and_wait(writer, sample.text)
    await send_and_wait(writer, "/cancel")

    start = len(writer.messages)
    writer.send("/mydata")
    await writer.emulator.wait_until(
        lambda: any(m.document_name == MYDATA_JSON for m in writer.messages[start:]), 10
    )
    exported = next(m for m in writer.messages[start:] if m.document_name == MYDATA_JSON)
    assert exported.document is not None
    everything = json.dumps(json.loads(exported.document), ensure_ascii=False)
    if units(sample.text) <= 4096:  # a note is kept whole
        assert json.dumps(sample.text.strip(), ensure_ascii=False)[1:-1] in everything
    assert refused(emulator) == []


# -- what moderators type: circle names, /audit ---------------------------------------------


@at_the_boundaries
async def test_circle_names_and_the_audit_log_meet_no_400(
    emulator: BotApiEmulator, bot: PeerApplication, sample: Sample
) -> None:
    operator = emulator.user(OPERATOR)
    start = len(operator.messages)
    operator.send(f"/newcircle {sample.text}")
    await answered(operator, start)
    start = len(operator.messages)
    operator.send("/audit 100")
    await answered(operator, start)
    assert refused(emulator) == []
