"""Nothing the bot must say is lost to Telegram's limits: member text of every length and
alphabet, through the paths that carry it to a moderator or back, meets no 400."""

from __future__ import annotations

import asyncio

import pytest

from bot.context import PeerApplication
from bot.emulator import BotApiEmulator
from bot.texts.fit import units
from tests.helpers import message_with_button, write_beside_bot
from tests.safety.test_safety_scenario import (
    MOD_CHAT,
    OPERATOR,
    URGENT,
    member,
    mod_message,
    settings,
    take_alert,
)

__all__ = ["settings"]  # the moderators' chat and an operator, as a fixture here too

# What a member can type at most (4,096 UTF-16 units), in alphabets that count differently:
# an emoji is two units, markup characters grow when escaped, Cyrillic is one.
ALPHABETS = {
    "emoji": "😔💔🌧️ ",
    "markup": '<b>&amp; "quotes" & < > ',
    "cyrillic": "мне очень тяжело ",
    "mixed": "I can't 😔 <tonight> & ж ",
}


def longest(alphabet: str, crisis: str = "") -> str:
    """`crisis` words first, then `alphabet` repeated up to 4,096 UTF-16 units."""
    text = crisis + " "
    while units(text + alphabet) <= 4096:
        text += alphabet
    return text.rstrip() or text


def refused(emulator: BotApiEmulator) -> list[str]:
    return [
        f"{c.method}: {c.status}"
        for c in emulator.calls
        if c.status == 400 and c.method.startswith(("send", "edit"))
    ]


@pytest.mark.parametrize("alphabet", ALPHABETS)
async def test_a_crisis_message_of_full_length_reaches_the_moderators(
    emulator: BotApiEmulator, bot: PeerApplication, alphabet: str
) -> None:
    user = await member(emulator)
    user.send(longest(ALPHABETS[alphabet], URGENT))
    alert = await mod_message(emulator, "Urgent crisis alert")
    assert URGENT.split()[0] in alert.shown_text
    await message_with_button(user, "Ask a moderator to reach out")
    assert refused(emulator) == []


@pytest.mark.parametrize("alphabet", ALPHABETS)
async def test_a_full_length_answer_to_a_moderator_is_delivered(
    emulator: BotApiEmulator, bot: PeerApplication, alphabet: str
) -> None:
    user = await member(emulator)
    await user.ask(URGENT)
    operator, alert_id = await take_alert(emulator, "Urgent crisis alert")
    reply = longest(ALPHABETS[alphabet])
    await operator.ask(f"/tell {alert_id} {reply[:3000]}")
    await message_with_button(user, "Reply to Moderator")
    user.skip_to_end()
    operator.skip_to_end()
    user.send("start " + reply[6:])
    answered = await message_with_button(operator, "End conversation")
    assert "start" in answered.shown_text
    assert refused(emulator) == []
    assert emulator.group(MOD_CHAT).messages  # the alert and the answer are there


async def test_audit_100_with_long_reasons_arrives_whole_in_several_messages(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    reason = longest("😔 reason <b>& ", "")[:400]
    await asyncio.to_thread(
        write_beside_bot,
        storage_url,
        "INSERT INTO audit_log (at, moderator_id, moderator_name, action, target, reason) "
        "VALUES ('2026-11-30T10:00:00+00:00', ?, 'Kind Owl', 'warn', 'Calm Swan', ?)",
        [(OPERATOR, f"{n}: {reason}") for n in range(100)],
    )
    operator = emulator.user(OPERATOR)
    operator.send("/audit 100")
    # Every line, across several messages (one would be about 24,000 units long).
    await emulator.wait_until(
        lambda: sum(m.shown_text.count("Kind Owl") for m in operator.messages) == 100, 10
    )
    assert sum("Kind Owl" in m.shown_text for m in operator.messages) > 1
    assert refused(emulator) == []
