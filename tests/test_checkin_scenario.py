"""Check-ins end to end against the emulator: the flow, trends, scheduling and delivery."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser, RecordedCall, SentMessage
from tests.engines import peek
from tests.helpers import answer_checkin, my_data_json, onboard, rows_holding

MOOD_QUESTION = "How is your mood today?"


async def wait_for_sweep(emulator: BotApiEmulator, storage_url: str, clock: ManualClock) -> None:
    """Wait until every due row has been swept past the clock's now."""
    now = clock.now().isoformat(timespec="seconds")

    def swept() -> bool:
        row = peek(storage_url, "SELECT min(next_checkin_at) FROM members")[0]
        return row[0] is not None and row[0] > now

    user = emulator.user()
    for _ in range(100):  # each round trip gives the sweep job time to run
        if swept():
            return
        await user.ask("/help")
    raise TimeoutError("the due rows were not swept")


async def check_in(
    user: EmulatedUser, mood: int, confidence: int, note: str | None = None
) -> SentMessage:
    """Answer a check-in started with /checkin; returns the reply."""
    # A relay or a milestone due at that moment may come first: wait for the question.
    question = await user.ask_for("/checkin", MOOD_QUESTION)
    assert question.shown_text == MOOD_QUESTION
    await user.tap(str(mood), question)
    await user.emulator.wait_until(lambda: "confident" in question.shown_text)
    await user.tap(str(confidence), question)
    await user.emulator.wait_until(lambda: "private note" in question.shown_text)
    if note is None:
        await user.tap("Skip", question)
        # Every reply shows today's answers; a hard day's thanks come before them.
        await user.emulator.wait_until(lambda: "Today: mood" in question.shown_text)
        return question
    await user.tap("Add a note", question)
    await user.emulator.wait_until(lambda: "Write your note" in question.shown_text)
    user.send(note)
    reply = await user.next_message()
    while "Today: mood" not in reply.shown_text:
        reply = await user.next_message()
    return reply


def prompts_to(emulator: BotApiEmulator, user: EmulatedUser) -> list[SentMessage]:
    """Mood questions delivered to the user (as sent, whatever was edited later)."""
    sent_ids = {
        call.result["message_id"]
        for call in emulator.calls_of("sendMessage")
        if call.status == 200
        and call.params.get("chat_id") == user.chat_id
        and call.params.get("text") == MOOD_QUESTION
    }
    return [m for m in emulator.messages_in(user.chat_id) if m.message_id in sent_ids]


async def test_a_whole_checkin_and_answering_again(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    await onboard(user)
    reply = await check_in(user, 4, 7)
    text = reply.shown_text
    assert "mood 4" in text and "confidence 7/10" in text
    assert "streak: 1 day" in text
    assert "replace" not in text

    again = await check_in(user, 2, 5)
    assert "replace those" in again.shown_text and "mood 2" in again.shown_text

    clock.advance(timedelta(days=1))
    next_day = await check_in(user, 5, 9, note="Walked by the river with my sister")
    assert "2 days in a row" in next_day.shown_text
    assert "up 4.0 on last week" not in next_day.shown_text  # both days are this week
    exported = await my_data_json(user)
    assert [(c["mood"], c["confidence"]) for c in exported["checkins"]] == [(2, 5), (5, 9)]
    assert exported["checkins"][1]["note"] == "Walked by the river with my sister"


async def test_confidence_trend_is_reflected(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    await onboard(user)
    await check_in(user, 3, 4)
    clock.advance(timedelta(days=7))
    reply = await check_in(user, 4, 6)
    assert "Your confidence is up 2.0 on last week" in reply.shown_text


async def test_crisis_language_in_a_note_gets_resources_at_once(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await onboard(user)
    await answer_checkin(user, 1, 2)
    await user.tap("Add a note")
    await emulator.wait_until(lambda: "Write your note" in user.last_message.shown_text)
    user.skip_to_end()
    user.send("honestly I want to end my life")
    first = await user.next_message()
    assert "If you need help right now" in first.shown_text and "988" in first.shown_text
    # The note is kept; nothing cheerful (no streak, no figures) follows a crisis message.
    assert (await user.next_message()).shown_text == "Your note is saved, privately."


async def test_a_first_hard_day_gets_support_first_and_nothing_cheerful(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    await onboard(user)
    good = await check_in(user, 4, 7)
    assert good.shown_text.startswith("Thank you for checking in. 🌱") and not good.buttons

    clock.advance(timedelta(days=1))
    user.skip_to_end()
    question = await user.ask("/checkin")
    await user.tap("2", question)
    await emulator.wait_until(lambda: "confident" in question.shown_text)
    await user.tap("6", question)
    hard_day = "That sounds like a hard day. Thank you for checking in anyway."
    await emulator.wait_until(lambda: question.shown_text.startswith(hard_day))  # before all
    assert "Mood: 2 🙁 bad" in question.shown_text and "private note" in question.shown_text
    await user.tap("Skip", question)
    await emulator.wait_until(lambda: "Today: mood" in question.shown_text)
    text = question.shown_text
    assert text.startswith(hard_day)
    assert text.index("crisis resources are below") < text.index("Today: mood 2 🙁 bad")
    assert "You've checked in 2 days in a row." in text
    for cheer in ("🌱", "🎉", "streak", "That's your doing"):
        assert cheer not in text, cheer
    # Not in a circle and no moderators here: the plan and the resources, never nothing.
    assert question.button_labels == ["📋 Make a safety plan", "Crisis resources"]

    clock.advance(timedelta(days=1))
    second = await check_in(user, 1, 2)
    assert second.shown_text.startswith("The last few days sound hard.")
    await user.tap("Crisis resources", second)
    resources = await user.next_message()
    while "988" not in resources.shown_text:
        resources = await user.next_message()


async def stored_checkins(user: EmulatedUser) -> list[tuple[str, int, int, bool]]:
    """The member's check-ins as /mydata exports them: day, mood, confidence, filled later."""
    user.skip_to_end()
    exported = await my_data_json(user)
    return [
        (c["local_date"], c["mood"], c["confidence"], c["filled_in_later"])
        for c in exported["checkins"]
    ]


async def test_yesterdays_prompt_fills_in_yesterday_marked_as_filled_in_later(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    await onboard(user, zone="UTC", at="12:00")
    clock.advance(timedelta(hours=3, minutes=1))  # Monday 2 March, 12:01
    await emulator.wait_until(lambda: len(prompts_to(emulator, user)) == 1)
    monday = prompts_to(emulator, user)[0]
    clock.advance(timedelta(days=1))  # Tuesday: its own prompt comes too
    await emulator.wait_until(lambda: len(prompts_to(emulator, user)) == 2)
    await user.tap("4", monday)
    await emulator.wait_until(lambda: "confident" in monday.shown_text)
    assert "Mon 02 Mar" in monday.shown_text and "That day" in monday.shown_text
    await user.tap("7", monday)
    await emulator.wait_until(lambda: "private note about that day" in monday.shown_text)
    await user.tap("Skip", monday)
    await emulator.wait_until(lambda: "Thank you for checking in for Mon" in monday.shown_text)
    assert "marked as filled in later" in monday.shown_text
    assert "Check-in streak: 1 day" in monday.shown_text  # today is still open
    assert await stored_checkins(user) == [("2026-03-02", 4, 7, True)]


async def test_checkin_yesterday_fills_a_gap_and_the_streak_counts_it(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    await onboard(user, zone="UTC", at="20:00")
    await check_in(user, 3, 5)  # Monday
    clock.advance(timedelta(days=2))  # Wednesday: Tuesday was missed
    question = await user.ask("/checkin yesterday")
    assert question.shown_text == "Filling in Tue 03 Mar: how was your mood that day?"
    await user.tap("4", question)
    await emulator.wait_until(lambda: "confident" in question.shown_text)
    await user.tap("6", question)
    await emulator.wait_until(lambda: "private note" in question.shown_text)
    await user.tap("Skip", question)
    await emulator.wait_until(lambda: "checking in for Tue 03 Mar" in question.shown_text)
    assert "Check-in streak: 2 days in a row" in question.shown_text  # Monday and Tuesday
    today = await check_in(user, 4, 7)
    assert "Check-in streak: 3 days in a row" in today.shown_text
    assert await stored_checkins(user) == [
        ("2026-03-02", 3, 5, False),
        ("2026-03-03", 4, 6, True),
        ("2026-03-04", 4, 7, False),
    ]


async def test_a_prompt_three_days_old_is_closed_and_its_answer_can_count_for_today(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    await onboard(user, zone="UTC", at="12:00")
    old = await user.ask("/checkin")  # Monday 2 March
    clock.advance(timedelta(days=3))  # Thursday 5 March
    await user.tap("4", old)
    await emulator.wait_until(lambda: "has closed" in old.shown_text)
    assert "up to 2 days later" in old.shown_text and "Nothing was lost" in old.shown_text
    assert old.button_labels == ["Use it for today"]
    assert await stored_checkins(user) == []
    await user.tap("Use it for today", old)
    await emulator.wait_until(lambda: "what today brings" in old.shown_text)
    await user.tap("7", old)
    await emulator.wait_until(lambda: "private note about today" in old.shown_text)
    await user.tap("Skip", old)
    await emulator.wait_until(lambda: "Thank you for checking in. " in old.shown_text)
    assert await stored_checkins(user) == [("2026-03-05", 4, 7, False)]

    assert "more than 2 days ago" in (await user.ask("/checkin 2026-03-02")).shown_text
    assert "Filling in Tue 03 Mar" in (await user.ask("/checkin 2026-03-03")).shown_text
    assert "/checkin yesterday" in (await user.ask("/checkin someday")).shown_text
    forged = await user.callback_answer(user.press_data("ci:c:20260302:4:7", old))
    assert forged.text is None  # closed kindly, not an error
    assert await stored_checkins(user) == [("2026-03-05", 4, 7, False)]


async def test_forged_checkin_buttons_change_nothing(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await onboard(user)
    for data in (
        "ci:m:20260302:9",
        "ci:c:20260302:3:11",
        "ci:c:20260302:0:5",
        "ci:m:notaday:3",
        "ci:x:20260302",
        "ci:c:20260302:3",
        "ci:skip:20260302:q",
        "tr:365",
    ):
        answer = await user.callback_answer(user.press_data(data))
        assert answer.text is not None and "expired" in answer.text, data
    exported = await my_data_json(user)
    assert exported["checkins"] == []


async def test_trends_sends_a_png_with_period_buttons(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    await onboard(user)
    assert "nothing to chart yet" in (await user.ask("/trends")).shown_text
    for mood, confidence in ((3, 4), (4, 6), (2, 5)):
        await check_in(user, mood, confidence)
        clock.advance(timedelta(days=3))
    chart = await user.ask("/trends")
    assert chart.photo is not None and chart.photo.startswith(b"\x89PNG\r\n\x1a\n")
    assert chart.caption is not None and "Last 30 days" in chart.caption
    assert "3 check-ins" in chart.caption and "Streak: 0 days" in chart.caption
    assert chart.button_labels == ["7 days", "✓ 30 days", "90 days"]
    await user.tap("7 days")  # the same message shows the week (tests/test_trends_scenario.py)
    await emulator.wait_until(lambda: "Last 7 days" in (chart.caption or ""))
    assert "2 check-ins" in (chart.caption or "") and user.last_message is chart


async def test_a_checkin_time_a_minute_ahead_produces_the_prompt(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    await onboard(user, zone="Asia/Kolkata")
    local_now = clock.now() + timedelta(hours=5, minutes=30)
    soon = (local_now + timedelta(minutes=1)).strftime("%H:%M")
    await user.ask(f"/checkintime {soon}")
    clock.advance(timedelta(seconds=30))
    await emulator.wait_until(lambda: bool(emulator.calls_of("getUpdates")))
    assert prompts_to(emulator, user) == []
    clock.advance(timedelta(seconds=61))
    await emulator.wait_until(lambda: len(prompts_to(emulator, user)) == 1)
    prompt = prompts_to(emulator, user)[0]
    await user.tap("5", prompt)
    await emulator.wait_until(lambda: "confident" in prompt.shown_text)
    clock.advance(timedelta(hours=1))  # more sweeps: still one prompt for the day
    await user.ask("/help")
    assert len(prompts_to(emulator, user)) == 1


async def test_paused_and_checked_in_members_get_no_prompt(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    paused, done, active = emulator.user(), emulator.user(), emulator.user()
    for user in (paused, done, active):
        await onboard(user, zone="UTC", at="12:00")
    await paused.ask("/pause")
    await check_in(done, 3, 5)
    clock.advance(timedelta(hours=3, minutes=1))  # past 12:00 UTC
    await emulator.wait_until(lambda: len(prompts_to(emulator, active)) == 1)
    await paused.ask("/help")
    await done.ask("/help")  # round trips after the sweep, so a stray prompt would be seen
    assert prompts_to(emulator, paused) == []
    assert len(prompts_to(emulator, done)) == 1  # the one /checkin asked for


async def test_a_429_delays_the_prompt_by_retry_after_and_it_arrives_once(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    await onboard(user, zone="UTC", at="12:00")
    emulator.fail_next("sendMessage", code=429, retry_after=2)
    clock.advance(timedelta(hours=3, minutes=1))
    await emulator.wait_until(lambda: len(prompts_to(emulator, user)) == 1, timeout=10)
    sends = emulator.calls_of("sendMessage")
    limited = next(c for c in sends if c.status == 429)
    delivered = next(c for c in sends if c.status == 200 and c.at > limited.at)
    assert delivered.at - limited.at >= 2.0
    clock.advance(timedelta(minutes=5))
    await user.ask("/help")
    assert len(prompts_to(emulator, user)) == 1


async def test_a_5xx_is_retried_with_backoff(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    await onboard(user, zone="UTC", at="12:00")
    emulator.fail_next("sendMessage", code=502, description="Bad Gateway", times=2)
    clock.advance(timedelta(hours=3, minutes=1))
    await emulator.wait_until(lambda: len(prompts_to(emulator, user)) == 1, timeout=10)
    assert [c.status for c in emulator.calls_of("sendMessage")][-3:] == [502, 502, 200]


async def test_a_member_who_blocked_the_bot_gets_nothing_more(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    user = emulator.user()
    await onboard(user, zone="UTC", at="12:00")
    emulator.block(user.user_id)
    clock.advance(timedelta(hours=3, minutes=1))
    await emulator.wait_until(
        lambda: any(c.status == 403 for c in emulator.calls_of("sendMessage"))
    )

    def to_user() -> list[RecordedCall]:
        calls = emulator.calls_of("sendMessage")
        return [c for c in calls if c.params.get("chat_id") == user.user_id]

    await emulator.wait_until(
        lambda: peek(storage_url, "SELECT blocked_at IS NOT NULL FROM members") == [(True,)]
    )
    attempts = len(to_user())
    clock.advance(timedelta(days=1))
    # The sweep moves even a skipped member's due row past now.
    await wait_for_sweep(emulator, storage_url, clock)
    assert len(to_user()) == attempts
    emulator.unblock(user.user_id)
    assert "Welcome back" in (await user.ask("/start")).shown_text
    clock.advance(timedelta(days=1))
    await emulator.wait_until(lambda: len(prompts_to(emulator, user)) == 1)


async def test_weekly_reflection_comes_an_hour_after_checkin_time_and_can_be_turned_off(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user, quiet = emulator.user(), emulator.user()
    await onboard(user, zone="UTC", at="08:00")
    await onboard(quiet, zone="UTC", at="08:00")
    settings = await quiet.ask("/settings")
    assert "Weekly reflection: on" in settings.shown_text
    await quiet.tap("Weekly reflection: turn off")
    await emulator.wait_until(lambda: "Weekly reflection: off" in settings.shown_text)
    await check_in(user, 4, 7)
    # Sunday 8 March, 09:01 UTC: no check-in today, so an hour after the 08:00 check-in time.
    clock.advance(timedelta(days=6, minutes=1))
    await emulator.wait_until(lambda: any("Your week" in m.shown_text for m in user.messages))
    reflection = next(m for m in user.messages if "Your week" in m.shown_text)
    assert "checked in on 1 of 7 days" in reflection.shown_text
    await quiet.ask("/help")
    assert not any("Your week" in m.shown_text for m in quiet.messages)


async def test_forget_removes_checkins_notes_and_queued_prompts(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    user = emulator.user()
    await onboard(user, zone="UTC", at="12:00")
    await check_in(user, 3, 6, note="a private thought")
    clock.advance(timedelta(days=1, hours=3, minutes=1))
    await emulator.wait_until(lambda: len(prompts_to(emulator, user)) == 1)
    await user.ask("/forget")
    await user.tap("Yes, delete everything")
    await emulator.wait_until(lambda: "has been deleted" in user.last_message.shown_text)
    assert rows_holding(storage_url, user.user_id) == []
    assert peek(storage_url, "SELECT count(*) FROM checkins") == [(0,)]
    assert peek(storage_url, "SELECT count(*) FROM outbox") == [(0,)]


async def test_after_an_outage_longer_than_the_grace_window_the_day_is_skipped(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    user = emulator.user()
    await onboard(user, zone="UTC", at="12:00")
    clock.advance(timedelta(hours=7))  # 16:00: four hours past 12:00, grace is three
    await wait_for_sweep(emulator, storage_url, clock)
    assert prompts_to(emulator, user) == []
    clock.advance(timedelta(hours=20, minutes=1))  # the next day, 12:01
    await emulator.wait_until(lambda: len(prompts_to(emulator, user)) == 1)
