"""Forwarded words are screened for crisis like every other text a member sends (issue 14
§1): never a command, never relayed, but crisis words get a warm answer suited to words that
may be someone else's, and the moderators a quiet concern notice marked as forwarded."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.emulator.users import command_entities
from bot.members.rules import Awaiting
from bot.safety.places import Place, place_of
from tests.safety.test_safety_scenario import MOD_CHAT, URGENT, mod_message, settings
from tests.test_account_scenario import settled
from tests.test_circles_scenario import member_in, new_circle

__all__ = ["settings"]

FORWARD_REPLY = "If this is about you, or someone you know"
NOT_RELAYED = "never passed on"


def forward(user: EmulatedUser, text: str, sender: EmulatedUser, caption: bool = False) -> None:
    """`user` forwards `sender`'s message reading `text` (as a photo's caption if asked)."""
    origin = {"type": "user", "date": 0, "sender_user": sender.payload()}
    if caption:
        photo = [{"file_id": "p1", "file_unique_id": "p1", "width": 9, "height": 9}]
        user.send_raw(photo=photo, caption=text, forward_origin=origin)
        return
    entities = command_entities(text)
    user.send_raw(text=text, forward_origin=origin, **({"entities": entities} if entities else {}))


async def test_forwarded_crisis_words_get_a_warm_answer_and_a_quiet_notice(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    alex.skip_to_end()
    bo.skip_to_end()

    forward(alex, URGENT, bo)
    answer = await alex.next_message()
    assert FORWARD_REPLY in answer.shown_text and "988" in answer.shown_text
    assert answer.button_labels == ["Ask a moderator to reach out"]
    notice = await mod_message(emulator, "Concern #")
    assert "forwarded" in notice.shown_text and URGENT in notice.shown_text
    group = emulator.group(MOD_CHAT)
    assert not any("Urgent crisis alert" in m.shown_text for m in group.messages)

    # A concern notice is never repeated, whatever tier the forwarded words screen at.
    count = len(group.messages)
    clock.advance(timedelta(minutes=40))
    await settled(alex)
    assert len(group.messages) == count
    assert not any(NOT_RELAYED in m.shown_text for m in alex.messages)
    await settled(bo)
    assert not any("kill myself" in m.shown_text for m in bo.messages)

    await alex.tap("Ask a moderator to reach out", answer)
    await mod_message(emulator, "asked for a peer moderator to reach out")


async def test_a_forwarded_command_or_caption_with_crisis_words_is_never_run_nor_relayed(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    alex.skip_to_end()
    bo.skip_to_end()

    forward(alex, "/encourage kms fr", bo)
    assert FORWARD_REPLY in (await alex.next_message()).shown_text
    forward(alex, "I've been stockpiling my meds", bo, caption=True)
    assert FORWARD_REPLY in (await alex.next_message()).shown_text
    await settled(alex)
    assert not any(NOT_RELAYED in m.shown_text for m in alex.messages)
    await settled(bo)
    assert not any("kms" in m.shown_text or "stockpiling" in m.shown_text for m in bo.messages)
    again = await mod_message(emulator, "wrote again")
    assert "forwarded" in again.shown_text and "(concern)" in again.shown_text


async def test_an_everyday_forward_gets_todays_reply(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    alex.skip_to_end()
    forward(alex, "See you at the meeting at 7, bring the cake", bo)
    answer = await alex.next_message()
    assert NOT_RELAYED in answer.shown_text and FORWARD_REPLY not in answer.shown_text
    await settled(alex)
    assert emulator.group(MOD_CHAT).messages == []


def test_a_forward_is_a_shared_place_the_crisis_answer_ends() -> None:
    forward_place = place_of(
        awaiting=Awaiting.NOTE,  # even while a note is awaited: a forward is never the note
        onboarding=False,
        command=None,
        edited=False,
        caption=True,
        thread_open=True,
        forwarded=True,
    )
    assert forward_place is Place.FORWARD
    assert not forward_place.private and not forward_place.feature_goes_on
