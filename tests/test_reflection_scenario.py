"""The weekly reflection end to end: right after that day's check-in, else at check-in time
plus an hour; the week in counts, and gentle after a hard week."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from tests.engines import probe
from tests.helpers import onboard
from tests.test_checkin_scenario import check_in, prompts_to, wait_for_sweep
from tests.test_circles_scenario import new_circle, settings  # noqa: F401
from tests.test_goals_scenario import new_habit

# The clock starts on Monday 2026-03-02 at 09:00 UTC; Sunday the 8th ends the first week.


async def member_in(emulator: BotApiEmulator, code: str, at: str) -> EmulatedUser:
    user = emulator.user()
    await onboard(user, zone="UTC", at=at)
    joined = await user.ask(f"/start {code}")
    assert "Welcome to the circle" in joined.shown_text, joined.shown_text
    return user


async def answered(user: EmulatedUser, text: str, expected: str) -> SentMessage:
    """Send `text`; the next message holding `expected` (others' relays may come between)."""
    user.skip_to_end()
    user.send(text)
    message = await user.next_message()
    while expected not in message.shown_text:
        message = await user.next_message()
    return message


def reflections(user: EmulatedUser) -> list[SentMessage]:
    return [m for m in user.messages if "Your week" in m.shown_text]


def next_weekly_at(storage_url: str, user: EmulatedUser) -> str:
    with probe(storage_url) as conn:
        row = conn.execute(
            "SELECT next_weekly_at FROM members WHERE user_id = ?", (user.user_id,)
        ).fetchone()
    return str(row[0])


async def test_a_full_week_reads_7_of_7_right_after_sundays_checkin(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    code = await new_circle(emulator)
    alex = await member_in(emulator, code, at="20:00")
    bo = await member_in(emulator, code, at="20:00")
    # Day 1 of the journey is today, day 7 is Sunday: two milestones this week.
    assert "Started 01 Mar 2026" in (await alex.ask("/journey 2026-03-01")).shown_text
    # The milestone (through the outbox) and the question about sharing milestones (the
    # reply's second message) come in either order: both, before the next question.
    for words in ("1 day on your recovery journey", "celebrate your milestones"):
        await emulator.wait_until(
            lambda w=words: any(w in m.shown_text for m in alex.messages)  # type: ignore[misc]
        )
    alex.skip_to_end()
    await new_habit(alex, "Walk 20 minutes", at="21:00")
    await answered(alex, "/encourage One day at a time", "Sent to 1 member")
    for words in ("You're doing well", "Proud of you"):
        await answered(bo, f"/encourage {words}", "Sent to 1 member")
        # Relayed through the outbox: here before a check-in reads alex's next message.
        await emulator.wait_until(
            lambda w=words: any(w in m.shown_text for m in alex.messages)  # type: ignore[misc]
        )

    # Check-ins at 13:00, after each day's 09:00 milestone moment and before 20:00.
    clock.advance(timedelta(hours=4))
    for day in range(6):  # Monday to Saturday
        if day:
            clock.advance(timedelta(days=1))
        if day in (0, 2, 4):
            await answered(alex, "/done 1", "done")
        alex.skip_to_end()
        await check_in(alex, 4, 7)
    assert reflections(alex) == []

    clock.advance(timedelta(days=1))  # Sunday 8 March, 13:00
    alex.skip_to_end()
    question = await alex.ask("/checkin")
    await alex.tap("4", question)
    await emulator.wait_until(lambda: "confident" in question.shown_text)
    await alex.tap("7", question)
    await emulator.wait_until(lambda: "private note" in question.shown_text)
    # Answered but not finished: the reflection still waits for 21:00 (check-in time + 1 h).
    assert next_weekly_at(storage_url, alex) == "2026-03-08T21:00:00+00:00"
    await alex.tap("Skip", question)
    await emulator.wait_until(lambda: bool(reflections(alex)))

    reflection = reflections(alex)[0]
    calls = emulator.calls
    replied = max(
        i
        for i, c in enumerate(calls)
        if c.method == "editMessageText" and "Thank you for checking in" in c.params["text"]
    )
    sent = next(
        i
        for i, c in enumerate(calls)
        if c.method == "sendMessage" and "Your week" in str(c.params.get("text"))
    )
    assert replied < sent  # the reflection follows Sunday's check-in reply
    text = reflection.shown_text
    assert "You checked in on 7 of 7 days." in text
    assert "Average mood 4.0/5, confidence 7.0/10." in text
    assert "Your check-in streak is 7 days." in text
    assert "You marked a goal done 3 times." in text
    assert "You reached 2 milestones on your journey." in text
    assert "You sent encouragement once and received it 2 times." in text
    assert "hard" not in text and "/crisis" not in text
    assert "One day at a time" not in text and "Proud of you" not in text  # counts only

    clock.advance(timedelta(hours=9))  # 22:00: past the hour after check-in time
    await alex.ask("/help")
    assert len(reflections(alex)) == 1
    assert next_weekly_at(storage_url, alex) == "2026-03-15T21:00:00+00:00"


async def test_without_sundays_checkin_a_hard_week_comes_an_hour_after_checkin_time(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    user = emulator.user()
    await onboard(user, zone="UTC", at="12:00")
    for day in range(6):  # Monday to Saturday at 09:00, before each day's prompt
        if day:
            clock.advance(timedelta(days=1))
        user.skip_to_end()
        await check_in(user, 2, 2)
    clock.advance(timedelta(days=1))  # Sunday 09:00: Saturday's prompt, answered, is passed
    await wait_for_sweep(emulator, storage_url, clock)
    asked = len(prompts_to(emulator, user))  # by /checkin so far
    clock.advance(timedelta(hours=3, seconds=30))  # Sunday 12:00:30: the prompt
    await emulator.wait_until(lambda: len(prompts_to(emulator, user)) == asked + 1)
    sunday = prompts_to(emulator, user)[-1]
    clock.advance(timedelta(minutes=58))  # 12:58: not yet
    await user.ask("/help")
    await user.ask("/help")
    assert reflections(user) == []
    assert next_weekly_at(storage_url, user) == "2026-03-08T13:00:00+00:00"
    clock.advance(timedelta(minutes=2))  # 13:00:30
    await emulator.wait_until(lambda: bool(reflections(user)))
    text = reflections(user)[0].shown_text
    assert "You checked in on 6 of 7 days." in text
    assert "This week sounds like it was a hard one." in text
    assert "/crisis" in text
    for cheerful in ("Showing up", "🎉", "That's your doing", "🌱"):
        assert cheerful not in text

    # Sunday's check-in after its reflection: counted next time, not reflected twice.
    await user.tap("3", sunday)
    await emulator.wait_until(lambda: "confident" in sunday.shown_text)
    await user.tap("5", sunday)
    await emulator.wait_until(lambda: "private note" in sunday.shown_text)
    await user.tap("Skip", sunday)
    await emulator.wait_until(lambda: "Thank you for checking in" in sunday.shown_text)
    await user.ask("/help")
    assert len(reflections(user)) == 1
