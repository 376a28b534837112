"""Contact details never reach the circle however they are typed: one-step and two-step
/encourage, /ask and a reply to a relay, with details split over lines and disguised."""

from __future__ import annotations

import pytest

from bot.config import CircleSettings, ModerationSettings, Settings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator
from tests.conftest import make_settings
from tests.helpers import message_with_button
from tests.test_circles_scenario import MOD_CHAT, OPERATOR, member_in, new_circle

SPLIT_DETAILS = (
    "Thirty days today and I honestly did not think I would ever get here, so thank you all "
    "for every message this month.\nIf you need me:\n415   555\n0100\nor t.me/\nalex_private\n"
    "or name at example dot com or @@alex_private or myname.dev. Keep going, one day at a time!"
)
LEFT_BEHIND = ("415", "555", "0100", "t.me", "alex_private", "example", "myname", "name at")


@pytest.fixture
def settings(emulator: BotApiEmulator, storage_url: str, storage_key: bytes | None) -> Settings:
    emulator.group(MOD_CHAT, "Moderators")
    return make_settings(
        emulator,
        storage_url,
        storage_key,
        moderation=ModerationSettings(operators=[OPERATOR], moderator_chat_id=MOD_CHAT),
        circles=CircleSettings(max_members=4, relays_per_hour=10),
    )


async def test_details_split_over_lines_in_the_two_step_encourage_are_removed(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    alex.skip_to_end()
    alex.send("/encourage")
    assert "Write your encouragement" in (await alex.next_message()).shown_text
    alex.send(SPLIT_DETAILS)
    note = await alex.next_message()
    assert all(k in note.shown_text for k in ("links", "e-mail", "usernames", "phone"))
    assert "Sent to 1 member" in (await alex.next_message()).shown_text
    copy = await message_with_button(bo, "Thanks")
    assert [piece for piece in LEFT_BEHIND if piece in copy.shown_text] == []
    assert copy.shown_text.count("[removed]") == 5
    assert "thank you all for every message this month.\nIf you need me:\n" in copy.shown_text
    assert "Keep going, one day at a time!" in copy.shown_text


async def test_disguised_details_in_one_step_ask_and_reply_are_removed(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    alex.skip_to_end()
    await alex.ask(
        "/ask Rough week, cravings every evening. Anyone around? "
        "\uff54\uff0e\uff4d\uff45/alex_private or exa\u200bmple.ai or +44 20 7946 0958"
    )
    asked = await message_with_button(bo, "Send encouragement")
    for piece in ("\uff54\uff0e\uff4d\uff45", "alex_private", "mple", "7946"):
        assert piece not in asked.shown_text
    assert "Rough week, cravings every evening. Anyone around?" in asked.shown_text
    await bo.tap("Send encouragement", asked)
    await bo.next_message()
    bo.skip_to_end()
    bo.send(
        "You are not alone, I had the same in week two. Text me: 0151 234 5678 \u202emoc.elpmaxe"
    )
    answer = await message_with_button(alex, "Thanks")
    for piece in ("0151", "234", "5678", "elpmaxe", "\u202e"):
        assert piece not in answer.shown_text
    assert "You are not alone, I had the same in week two." in answer.shown_text


async def test_relays_go_out_with_link_previews_off(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    await alex.ask_for("/encourage keep going, you are doing great", "Sent to")
    relay = await message_with_button(bo, "Thanks")
    assert "keep going" in relay.shown_text
    calls = [
        c
        for c in emulator.calls_of("sendMessage")
        if c.params.get("chat_id") == bo.user_id and "keep going" in str(c.params.get("text"))
    ]
    assert calls and all(
        c.params.get("link_preview_options") == {"is_disabled": True} for c in calls
    )
