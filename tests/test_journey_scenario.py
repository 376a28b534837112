"""The recovery journey end to end: start, milestones on the local day, setbacks."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser
from tests.engines import probe
from tests.helpers import message_with_button, my_data_json, onboard, opened, rows_holding
from tests.test_circles_scenario import member_in, new_circle, settings  # noqa: F401


async def test_start_share_and_a_milestone_on_the_local_day(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    assert "Started" not in (await alex.ask("/timezone Asia/Tokyo")).shown_text
    none_yet = await alex.ask("/journey")
    assert "isn't set yet" in none_yet.shown_text
    await alex.tap("It starts today", none_yet)
    view = await alex.next_message()
    assert "Started 02 Mar 2026" in view.shown_text and "0 days" in view.shown_text
    assert "Next milestone: 1 day on Tue 03 Mar 2026" in view.shown_text
    ask = await alex.next_message()
    await alex.tap("Share them with my circle", ask)
    await emulator.wait_until(lambda: "will hear" in ask.shown_text)

    alex.skip_to_end()
    bo.skip_to_end()
    clock.advance(timedelta(hours=14, minutes=50))  # 08:50 in Tokyo on the 3rd: not yet
    await alex.ask("/help")
    assert not any("on your recovery journey, today" in m.shown_text for m in alex.messages)
    clock.advance(timedelta(minutes=11))  # 09:01 in Tokyo
    await emulator.wait_until(
        lambda: any("on your recovery journey, today" in m.shown_text for m in alex.messages)
    )
    celebration = next(
        m for m in alex.messages if "on your recovery journey, today" in m.shown_text
    )
    assert "1 day" in celebration.shown_text
    shared = await message_with_button(bo, "Send encouragement")
    assert "reached 1 day" in shared.shown_text
    clock.advance(timedelta(hours=1))
    await alex.ask("/help")
    assert (
        len([m for m in alex.messages if "on your recovery journey, today" in m.shown_text]) == 1
    )


async def test_a_setback_keeps_history_and_notes_stay_private(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    user = emulator.user()
    await onboard(user)
    assert "Started 01 Jan 2026" in (await user.ask("/journey 2026-01-01")).shown_text
    # Asked once; the day-60 milestone the sweep sends may come first.
    await emulator.wait_until(
        lambda: sum("hear about them" in m.shown_text for m in user.messages) == 1
    )
    # Today is day 60, a milestone: the sweep sends it at its own moment. Wait for it, so
    # it is never mistaken for the answer to a command below.
    await emulator.wait_until(
        lambda: any("60 days on your recovery journey" in m.shown_text for m in user.messages)
    )
    user.skip_to_end()
    for bad in (
        "/journey 2999-01-01",
        "/journey soon",
        "/setback 2025-12-01",
        "/setback 2030-01-01",
    ):
        assert "YYYY-MM-DD" in (await user.ask(bad)).shown_text, bad
    user.skip_to_end()
    user.send("/setback")
    recorded = await user.next_message()
    assert "not the end of yours" in recorded.shown_text
    assert "Longest stretch: 60 days" in recorded.shown_text
    assert "Journeys: 2" in recorded.shown_text
    await user.next_message()  # the offer of a private note
    user.send("a hard evening, I want to die honestly")
    assert "If you need help right now" in (await user.next_message()).shown_text
    assert "saved, privately" in (await user.next_message()).shown_text
    view = await user.ask("/journey")
    assert "Earlier: 01 Jan 2026 to 02 Mar 2026 (60 days)" in view.shown_text
    assert "Started 03 Mar 2026" in view.shown_text
    exported = await my_data_json(user)
    assert [j["started_on"] for j in exported["journeys"]] == ["2026-01-01", "2026-03-03"]
    assert "want to die" in exported["journeys"][0]["setback_note"]
    await user.ask("/forget")
    await user.tap("Yes, delete everything")
    await emulator.wait_until(lambda: "has been deleted" in user.last_message.shown_text)
    assert rows_holding(storage_url, user.user_id) == []


async def test_moving_time_zone_moves_the_next_celebration(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    user = emulator.user()
    await onboard(user, zone="Asia/Tokyo")
    await user.ask("/journey 2026-03-02")
    await user.next_message()

    def due() -> str:
        with probe(storage_url) as conn:
            return str(conn.execute("SELECT next_milestone_at FROM members").fetchone()[0])

    assert due() == "2026-03-03T00:00:00+00:00"  # 09:00 in Tokyo
    await user.ask("/timezone America/New_York")
    assert due() == "2026-03-03T14:00:00+00:00"  # 09:00 in New York


def milestone_shares(storage_url: str) -> list[str]:
    with probe(storage_url) as conn:
        rows = conn.execute("SELECT text FROM relays WHERE kind = 'milestone' ORDER BY id")
        return [str(opened(storage_url, "relays", "text", r[0])) for r in rows]


async def test_a_setback_is_never_revealed_by_a_milestone_share(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)
    name = await pseudonym_of(alex)
    none_yet = await alex.ask("/journey")
    await alex.tap("It starts today", none_yet)  # Monday 2 March
    ask = await message_with_button(alex, "Share them with my circle")
    await alex.tap("Share them with my circle", ask)
    await emulator.wait_until(lambda: "will hear" in ask.shown_text)
    clock.advance(timedelta(hours=23, minutes=1))  # Tuesday 09:01 in Berlin: 1 day
    assert "reached 1 day" in (await message_with_button(bo, "Send encouragement")).shown_text

    alex.skip_to_end()
    # Today; the next journey starts on Wednesday. (Alex's own 1-day message may still be
    # on its way: wait for the answer itself.)
    await alex.ask_for("/setback", "Your circle won't hear about it")
    await alex.tap("Skip", await message_with_button(alex, "Skip"))

    def celebrated(label: str) -> int:
        return sum(f"{label} on your recovery journey" in m.shown_text for m in alex.messages)

    clock.advance(timedelta(days=2))  # Thursday 09:01: 1 day again, for alex alone
    await emulator.wait_until(lambda: celebrated("1 day") == 2)
    assert milestone_shares(storage_url) == [f"🎉 {name} reached 1 day."]
    alex.skip_to_end()
    await alex.ask_for("/journey", "stay between us until you say yes again")

    clock.advance(timedelta(days=6))  # Wednesday 11 March: 7 days, and the question
    await emulator.wait_until(lambda: celebrated("7 days") == 1)
    seven = next(m for m in alex.messages if "7 days on your recovery journey" in m.shown_text)
    assert "Would you like your circle to hear about this one?" in seven.shown_text
    assert seven.button_labels == ["Share it with my circle", "Keep it private"]
    assert len(milestone_shares(storage_url)) == 1  # nothing until they say yes
    bo.skip_to_end()
    await alex.tap("Share it with my circle", seven)
    shared = await message_with_button(bo, "Send encouragement")
    assert shared.shown_text == f"🎉 {name} reached 7 days."
    await emulator.wait_until(lambda: "Your circle will hear about it" in seven.shown_text)
    stale = await alex.callback_answer(alex.press_data("jr:ms:y:7", seven))
    assert stale.text is not None and "expired" in stale.text  # said once is enough

    clock.advance(timedelta(days=7))  # 14 days: shared as before, without asking
    later = await message_with_button(bo, "Send encouragement")
    assert "reached 14 days" in later.shown_text


async def pseudonym_of(user: EmulatedUser) -> str:
    shown = (await user.ask("/circle")).shown_text
    return shown.split("You are ")[1].removesuffix(" here.")
