"""Pushes due within the same hour come as one message: every part's buttons keep working,
each press redraws only its part, and a part answered elsewhere breaks nothing."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from bot.texts import checkins as checkin_texts
from bot.texts import combined as combined_texts
from tests.engines import probe
from tests.helpers import onboard, opened
from tests.test_checkin_scenario import wait_for_sweep
from tests.test_goals_scenario import edited_to, new_habit

# The clock starts on Monday 2026-03-02 at 09:00 UTC.
TODAY = "20260302"


async def new_daily_limit(user: EmulatedUser, title: str, most: int, at: str) -> None:
    """/newgoal through to the confirmation: a limit per day, asked every day at `at`."""
    await user.ask("/newgoal")
    kind = await user.ask(title)
    await user.tap("A limit", kind)
    await edited_to(user, kind, "per day or per week")
    await user.tap("Per day", kind)
    await edited_to(user, kind, "most you want to allow per day")
    schedule = await user.ask(str(most))
    await user.tap("Every day", schedule)
    await edited_to(user, schedule, "At what time")
    assert "why does this goal matter" in (await user.ask(at)).shown_text
    await user.tap("Skip")
    await user.emulator.wait_until(lambda: "is set" in user.last_message.shown_text)


def goal_ids(storage_url: str) -> dict[str, int]:
    with probe(storage_url) as conn:
        rows = conn.execute("SELECT title, id FROM goals").fetchall()
    return {str(opened(storage_url, "goals", "title", title)): id for title, id in rows}


def sent_to(emulator: BotApiEmulator, user: EmulatedUser) -> list[str]:
    """The text of every message sent to the user, in order."""
    return [
        str(call.params.get("text"))
        for call in emulator.calls_of("sendMessage")
        if call.status == 200 and call.params.get("chat_id") == user.chat_id
    ]


def data_of(message: SentMessage) -> list[str]:
    return [str(button.get("callback_data")) for button in message.buttons]


async def press(user: EmulatedUser, message: SentMessage, data: str) -> None:
    """Press the button carrying `data` (labels repeat across parts: 0 to 9 twice)."""
    assert data in data_of(message), (data, data_of(message))
    await user.callback_answer(user.press_data(data, message))


async def test_checkin_and_two_goals_in_the_same_hour_come_as_one_message(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    user = emulator.user()
    await onboard(user, zone="UTC", at="20:00")
    await new_habit(user, "Walk 20 minutes", at="20:00")
    await new_daily_limit(user, "Drinks", most=2, at="20:30")
    ids = goal_ids(storage_url)
    walk, drinks = ids["Walk 20 minutes"], ids["Drinks"]
    before = len(sent_to(emulator, user))

    clock.advance(timedelta(hours=11, seconds=30))  # 20:00:30: the 20:30 nudge comes along
    await emulator.wait_until(lambda: len(sent_to(emulator, user)) == before + 1)
    combined = user.messages[-1]
    text = combined.shown_text
    assert text.startswith("Your check-in and 2 goals, together in one message.")
    assert "How is your mood today?" in text
    assert "Walk 20 minutes: how did it go?" in text and "Drinks: how did it go?" in text
    labels = combined.button_labels
    for heading in ("⬇ Check-in", "⬇ 1 · Walk 20 minutes", "⬇ 2 · Drinks"):
        assert heading in labels
    assert labels.index("⬇ Check-in") < labels.index(checkin_texts.mood_label(4))
    assert labels.index("⬇ 2 · Drinks") < labels.index("10 or more: I'll type it")
    heading = await user.callback_answer(user.press_data("pu:h", combined))
    assert heading.text == combined_texts.part_heading_tapped()

    # Each part went once: neither the 20:30 nudge on its own, nor the check-in again when
    # its time moves later that evening (the parts' own keys are held).
    user.skip_to_end()
    await user.ask("/checkintime 20:45")
    clock.advance(timedelta(minutes=46))  # 20:46:30
    with probe(storage_url) as conn:
        await wait_for_sweep(emulator, storage_url, clock)  # the sweep's queueing is committed
        queued = conn.execute(
            "SELECT kind, status FROM outbox WHERE kind IN ('checkin', 'nudge', 'combined')"
        ).fetchall()
    assert sorted(queued) == [
        ("checkin", "combined"),
        ("combined", "sent"),
        ("nudge", "combined"),
        ("nudge", "combined"),
    ]
    later = sent_to(emulator, user)[before + 1 :]
    assert not any("how did it go" in t or "How is your mood" in t for t in later)

    # The walk is answered elsewhere first; its button in the combined message still works.
    user.skip_to_end()
    assert "done" in (await user.ask("/done 1")).shown_text
    await press(user, combined, f"gl:d:{walk}:{TODAY}")
    await edited_to(user, combined, "Walk 20 minutes: done")
    assert f"ci:m:{TODAY}:4" in data_of(combined)
    assert f"gl:c:{drinks}:{TODAY}:2" in data_of(combined)
    assert "⬇ 1 · Walk 20 minutes" not in combined.button_labels  # answered: no heading

    await press(user, combined, f"ci:m:{TODAY}:4")
    await edited_to(user, combined, "How confident do you feel")
    assert f"gl:c:{drinks}:{TODAY}:2" in data_of(combined)  # the other part is untouched
    assert "Walk 20 minutes: done" in combined.shown_text

    await press(user, combined, f"gl:c:{drinks}:{TODAY}:2")
    await edited_to(user, combined, "Logged 2 for today. Today: 2 of at most 2")
    await press(user, combined, f"ci:c:{TODAY}:4:7")
    await edited_to(user, combined, "private note")
    await press(user, combined, f"ci:skip:{TODAY}:n")
    await edited_to(user, combined, "Thank you for checking in.")
    assert combined.buttons == []
    for answered in ("Walk 20 minutes: done", "Logged 2 for today", "Today: mood 4"):
        assert answered in combined.shown_text

    with probe(storage_url) as conn:
        assert conn.execute("SELECT mood, confidence FROM checkins").fetchall() == [(4, 7)]
        entries = conn.execute("SELECT goal_id, outcome, amount FROM goal_entries").fetchall()
    assert sorted(entries) == sorted([(walk, "done", None), (drinks, "count", 2)])


async def test_a_checkin_done_early_leaves_the_goals_together_and_a_snooze_asks_alone(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    user = emulator.user()
    await onboard(user, zone="UTC", at="20:00")
    await new_habit(user, "Walk 20 minutes", at="20:00")
    await new_habit(user, "Call my sponsor", at="20:00")
    ids = goal_ids(storage_url)
    walk, sponsor = ids["Walk 20 minutes"], ids["Call my sponsor"]
    user.skip_to_end()
    question = await user.ask("/checkin")  # earlier in the day
    await user.tap("3", question)
    await edited_to(user, question, "confident")
    await user.tap("6", question)
    await edited_to(user, question, "private note")
    before = len(sent_to(emulator, user))

    clock.advance(timedelta(hours=11, seconds=30))  # 20:00:30
    await emulator.wait_until(lambda: len(sent_to(emulator, user)) == before + 1)
    combined = user.messages[-1]
    assert combined.shown_text.startswith("Your 2 goals, together in one message.")
    assert "How is your mood" not in combined.shown_text
    await press(user, combined, f"gl:z:{sponsor}:{TODAY}")
    await edited_to(user, combined, "I'll ask again at 21:00")
    assert "Walk 20 minutes: how did it go?" in combined.shown_text
    assert f"gl:d:{sponsor}:{TODAY}" in data_of(combined)  # still answerable here
    assert f"gl:z:{sponsor}:{TODAY}" not in data_of(combined)  # one snooze
    await press(user, combined, f"gl:n:{walk}:{TODAY}")  # "not today" grows into reasons
    await edited_to(user, combined, "what got in the way?")
    await press(user, combined, f"gl:r:{walk}:{TODAY}:stress")
    await edited_to(user, combined, "Noted.")
    assert f"gl:d:{sponsor}:{TODAY}" in data_of(combined)
    assert "⬇ 1 · Walk 20 minutes" not in combined.button_labels

    clock.advance(timedelta(hours=1))  # 21:00:30: the snoozed question, on its own
    await emulator.wait_until(lambda: len(sent_to(emulator, user)) == before + 2)
    again = user.messages[-1]
    assert "Call my sponsor" in again.shown_text and "an hour later" in again.shown_text
    assert "Walk 20 minutes" not in again.shown_text


async def test_nothing_comes_early_unless_it_joins_a_push_that_is_due(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    user = emulator.user()
    await onboard(user, zone="UTC", at="20:00")
    await new_habit(user, "Walk 20 minutes", at="19:30")
    user.skip_to_end()
    assert "done" in (await user.ask("/done 1")).shown_text  # its nudge need not come
    before = len(sent_to(emulator, user))
    clock.advance(timedelta(hours=10, minutes=30, seconds=30))  # 19:30:30
    with probe(storage_url) as conn:
        await emulator.wait_until(
            lambda: (
                conn.execute("SELECT next_nudge_at FROM goals").fetchone()[0]
                == "2026-03-03T19:30:00+00:00"
            )
        )
        # The check-in, due within the hour, waits for its own time: nothing to join.
        assert conn.execute("SELECT next_checkin_at FROM members").fetchone()[0] == (
            "2026-03-02T20:00:00+00:00"
        )
    assert len(sent_to(emulator, user)) == before
    clock.advance(timedelta(minutes=30))  # 20:00:30
    await emulator.wait_until(lambda: len(sent_to(emulator, user)) == before + 1)
    assert sent_to(emulator, user)[-1] == checkin_texts.ask_mood()  # on its own, as always
