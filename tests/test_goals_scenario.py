"""Goals end to end against the emulator: setting up, nudges and answers, /done, /goals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.clock import ManualClock
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from tests.engines import peek
from tests.helpers import my_data_json, onboard, opened_rows, rows_holding

# The clock starts on Monday 2026-03-02 at 09:00 UTC: 10:00 in Berlin.


def goal_rows(storage_url: str) -> list[dict[str, Any]]:
    return opened_rows(storage_url, "SELECT * FROM goals ORDER BY id", "goals")


async def edited_to(user: EmulatedUser, message: SentMessage, text: str) -> SentMessage:
    """Wait until `message` shows `text` (buttons edit the message they sit on)."""
    await user.emulator.wait_until(lambda: text in message.shown_text)
    return message


async def new_habit(
    user: EmulatedUser, title: str = "Walk 20 minutes", at: str = "18:00", why: str | None = None
) -> SentMessage:
    """/newgoal through to the confirmation: a habit asked every day at `at`."""
    # A milestone or nudge due at that moment may come first: wait for the answer itself.
    await user.ask_for("/newgoal", "Let's set a small goal")
    kind = await user.ask_for(title, "what kind of goal")
    await user.tap("A habit", kind)
    await edited_to(user, kind, "When should I ask")
    await user.tap("Every day", kind)
    await edited_to(user, kind, "At what time?")
    user.skip_to_end()
    if at in kind.button_labels:
        await user.tap(at, kind)
        await edited_to(user, kind, "why does this goal matter")
    else:
        assert "why does this goal matter" in (await user.ask(at)).shown_text
    if why is None:
        await user.tap("Skip")
        await user.emulator.wait_until(lambda: "is set" in user.last_message.shown_text)
        return user.last_message
    return await user.ask(why)


async def habit_on_chosen_days(user: EmulatedUser, title: str) -> SentMessage:
    """/newgoal up to the weekday picker of a habit; returns the message with the buttons."""
    await user.ask("/newgoal")
    kind = await user.ask(title)
    await user.tap("A habit", kind)
    await edited_to(user, kind, "When should I ask")
    await user.tap("On days I choose", kind)
    await edited_to(user, kind, "Tap the days")
    return kind


async def swept(user: EmulatedUser, storage_url: str, clock: ManualClock) -> None:
    """Wait until every goal's due row points past the clock's now."""
    now = clock.now().isoformat(timespec="seconds")
    for _ in range(100):  # each round trip gives the sweep job time to run
        if all(
            r["next_nudge_at"] is None or r["next_nudge_at"] > now for r in goal_rows(storage_url)
        ):
            return
        await user.ask("/help")
    raise TimeoutError("the goals' due rows were not swept")


async def nudge_for(user: EmulatedUser, title: str) -> SentMessage:
    message = await user.next_message()
    while f"{title}: how did it go?" not in message.shown_text:
        message = await user.next_message()
    return message


async def test_a_habit_goal_set_up_nudged_and_done(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    user = emulator.user()
    await onboard(user, at="07:00")
    created = await new_habit(user, at="18:30", why="I sleep better")
    assert "Goal 1 is set: Walk 20 minutes" in created.shown_text
    assert "every day at 18:30 (Europe/Berlin)" in created.shown_text
    assert "/done 1" in created.shown_text

    user.skip_to_end()
    clock.advance(timedelta(hours=8, minutes=20))  # 18:20 in Berlin: not yet
    await user.ask("/help")
    assert not any("how did it go" in m.shown_text for m in user.messages)
    clock.advance(timedelta(minutes=11))  # 18:31
    nudge = await nudge_for(user, "Walk 20 minutes")
    assert "You said it matters because: I sleep better" in nudge.shown_text
    assert nudge.button_labels == ["✅ Done", "Not today", "⏰ Remind me in an hour"]
    await user.tap("✅ Done", nudge)
    await edited_to(user, nudge, "done. That's 1 of the last 7 days.")
    assert nudge.button_labels == []
    row = goal_rows(storage_url)[0]
    assert row["next_nudge_at"] == "2026-03-03T17:30:00+00:00"  # tomorrow 18:30 in Berlin


async def test_a_limit_goal_per_week_once_a_week_with_counts(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    await onboard(user, at="07:00")
    await user.ask("/newgoal")
    kind = await user.ask("No more than 3 drinks a week")
    await user.tap("A limit", kind)
    await edited_to(user, kind, "per day or per week")
    await user.tap("Per week", kind)
    await edited_to(user, kind, "most you want to allow per week")
    for bad in ("three", "-1", "1000"):
        assert "whole number" in (await user.ask(bad)).shown_text
    schedule = await user.ask("3")
    await user.tap("Once a week", schedule)
    await edited_to(user, schedule, "Which day")
    await user.tap("Sun", schedule)
    await edited_to(user, schedule, "At what time")
    assert "HH:MM" in (await user.ask("8pm")).shown_text  # stays on the time step
    await user.ask("19:45")
    await user.tap("Skip")
    await user.emulator.wait_until(lambda: "is set" in user.last_message.shown_text)
    created = user.last_message.shown_text
    assert "every Sunday at 19:45" in created and "at most 3 a week" in created
    listed = await user.ask("/goals")
    assert "New: first nudge on Sun 08 Mar at 19:45." in listed.shown_text
    assert "of at most" not in listed.shown_text

    user.skip_to_end()
    clock.advance(timedelta(days=6, hours=9, minutes=46))  # Sunday 8 March, 19:46 Berlin
    nudge = await nudge_for(user, "No more than 3 drinks a week")
    assert "How many this week, in all?" in nudge.shown_text
    assert nudge.button_labels[:10] == [str(n) for n in range(10)]
    await user.tap("2", nudge)
    await edited_to(user, nudge, "Logged 2 for today. This week: 2 of at most 3: within your")
    user.skip_to_end()
    question = await user.ask("/done 1")  # a limit goal: /done asks for the count
    assert "How many this week" in question.shown_text
    await user.tap("10 or more: I'll type it", question)
    await edited_to(user, question, "Send the number")
    over = await user.ask("5")
    assert "This week: 5 of at most 3" in over.shown_text
    assert "That's above your aim." in over.shown_text and "A new week starts" in over.shown_text
    # No question the buttons cannot answer (there are none), and no stock phrase.
    assert "?" not in over.shown_text and not over.buttons
    assert "information, not failure" not in over.shown_text
    assert "This week: 5 logged, at most 3" in (await user.ask("/goals")).shown_text


async def goals_overview(user: EmulatedUser) -> SentMessage:
    """/goals, past any nudge that arrives meanwhile."""
    user.skip_to_end()
    message = await user.ask("/goals")
    while "Your goals" not in message.shown_text:
        message = await user.next_message()
    return message


async def test_a_new_goal_reads_new_and_a_limit_tells_none_from_not_yet(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    await onboard(user, zone="America/New_York", at="20:00")  # 04:00 there
    await new_habit(user, "Walk 20 minutes", at="07:00")
    await new_habit(user, "Call my sponsor", at="02:30")  # today's 02:30 has passed
    await user.ask("/newgoal")
    kind = await user.ask("At most 2 coffees a day")
    await user.tap("A limit", kind)
    await edited_to(user, kind, "per day or per week")
    await user.tap("Per day", kind)
    await edited_to(user, kind, "most you want to allow per day")
    schedule = await user.ask("2")
    await user.tap("Every day", schedule)
    await edited_to(user, schedule, "At what time")
    await user.tap("21:00", schedule)
    await edited_to(user, schedule, "why does this goal matter")
    await user.tap("Skip")
    await emulator.wait_until(lambda: "is set" in user.last_message.shown_text)

    first_day = (await goals_overview(user)).shown_text
    # The member's own times and zone (07:00 in New York is 12:00 UTC), not "0 of 7".
    assert "New: first nudge today at 07:00." in first_day
    assert "New: first nudge tomorrow at 02:30." in first_day
    assert "New: first nudge today at 21:00." in first_day
    assert "of the last 7 days" not in first_day and "logged" not in first_day

    clock.advance(timedelta(days=1))  # 04:00 the next day in New York
    second_day = (await goals_overview(user)).shown_text
    assert "New:" not in second_day
    assert "Done 0 of 2 days so far." in second_day
    assert "Today: not logged yet, at most 2." in second_day
    question = await user.ask("/done 3")
    while "At most 2 coffees a day" not in question.shown_text:  # past a nudge meanwhile
        question = await user.next_message()
    await user.tap("0", question)
    await edited_to(user, question, "Logged 0 for today")
    assert "Today: 0 logged, at most 2." in (await goals_overview(user)).shown_text


async def test_cancel_at_every_step_keeps_nothing(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    user = emulator.user()
    await onboard(user)
    await user.ask("/newgoal")
    assert "wasn't saved" in (await user.ask("/cancel")).shown_text

    await user.ask("/newgoal")
    kind = await user.ask("Call my sponsor")
    assert "Please choose with the buttons" in (await user.ask("a habit")).shown_text
    assert "wasn't saved" in (await user.ask("/cancel")).shown_text
    assert goal_rows(storage_url) == []
    stale = await user.tap("A habit", kind)  # the cancelled draft's buttons are stale now
    assert stale.text is not None and "This button has expired" in stale.text

    kind = await habit_on_chosen_days(user, "Call my sponsor")
    answer = await user.tap("Done ✔", kind)
    assert answer.show_alert and "at least one day" in (answer.text or "")
    for day in ("Mon", "Wed", "Fri"):
        await user.tap(day, kind)
        await user.emulator.wait_until(lambda d=day: f"✓ {d}" in kind.button_labels)  # type: ignore[misc]
    await user.tap("✓ Wed", kind)  # toggled off again
    await user.emulator.wait_until(lambda: "Wed" in kind.button_labels)
    await user.tap("Done ✔", kind)
    await edited_to(user, kind, "At what time")
    assert "wasn't saved" in (await user.ask("/cancel")).shown_text
    assert goal_rows(storage_url) == []
    assert "time" not in (await user.ask("21:00")).shown_text  # no longer taken as an answer

    kind = await habit_on_chosen_days(user, "Call my sponsor")
    for day in ("Mon", "Fri"):
        await user.tap(day, kind)
        await user.emulator.wait_until(lambda d=day: f"✓ {d}" in kind.button_labels)  # type: ignore[misc]
    await user.tap("Done ✔", kind)
    await edited_to(user, kind, "At what time")
    why = await user.ask("09:15")
    assert "why does this goal matter" in why.shown_text
    done = await user.ask("Because I promised.")
    assert "on Mon, Fri at 09:15" in done.shown_text
    rows = goal_rows(storage_url)
    assert [(r["status"], r["schedule"], r["why"]) for r in rows] == [
        ("active", "days:0,4", "Because I promised.")
    ]


async def test_not_today_reasons_and_one_snooze(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    await onboard(user, at="07:00")
    await new_habit(user, at="18:00")
    user.skip_to_end()
    clock.advance(timedelta(hours=8, minutes=1))  # 18:01 Berlin
    nudge = await nudge_for(user, "Walk 20 minutes")
    await user.tap("⏰ Remind me in an hour", nudge)
    await edited_to(user, nudge, "I'll ask again at 19:01")
    assert nudge.button_labels == ["✅ Done", "Not today"]
    forged = await user.callback_answer(user.press_data(f"gl:z:{_goal_id(nudge)}:20260302", nudge))
    assert forged.show_alert and "already put this one off once" in (forged.text or "")

    clock.advance(timedelta(minutes=59))
    await user.ask("/help")
    assert not any("an hour later" in m.shown_text for m in user.messages)
    clock.advance(timedelta(minutes=2))
    again = await nudge_for(user, "Walk 20 minutes")
    assert "an hour later" in again.shown_text
    assert again.button_labels == ["✅ Done", "Not today"]  # no second snooze
    await user.tap("Not today", again)
    await edited_to(user, again, "information, not failure")
    assert again.button_labels == [
        "A craving",
        "Stress",
        "No time",
        "Something else",
        "I'd rather not say",
    ]
    await user.tap("Stress", again)
    await edited_to(user, again, "Noted.")
    user.skip_to_end()
    clock.advance(timedelta(hours=3))
    # The next message is the answer to /crisis: no third nudge came in between.
    assert "If you need help right now" in (await user.ask("/crisis")).shown_text
    overview = await user.ask("/goals")
    assert "Done 0 of 1 day so far" in overview.shown_text  # answered: no longer "New"
    assert "Not-today reasons, last 30 days: stress 1" in overview.shown_text


def _goal_id(message: SentMessage) -> int:
    data = str(message.buttons[0]["callback_data"])
    return int(data.split(":")[2])


async def test_done_before_the_nudge_suppresses_that_day_only(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    user = emulator.user()
    await onboard(user, at="07:00")
    await new_habit(user, at="18:00")
    done = await user.ask("/done 1")
    assert "Walk 20 minutes: done. That's 1 of the last 7 days." in done.shown_text
    for bad in ("/done 7", "/done one", "/done -1"):
        assert "There's no goal number" in (await user.ask(bad)).shown_text
    user.skip_to_end()
    clock.advance(timedelta(hours=8, minutes=5))  # 18:05 Berlin: today's nudge is skipped
    await swept(user, storage_url, clock)
    clock.advance(timedelta(hours=1))
    await user.ask("/help")
    assert not any("how did it go" in m.shown_text for m in user.messages)
    clock.advance(timedelta(days=1))  # tomorrow's nudge comes as usual
    nudge = await nudge_for(user, "Walk 20 minutes")
    assert "Tue 03 Mar" in nudge.shown_text

    choices = await user.ask("/done")
    assert choices.button_labels == ["✅ 1 · Walk 20 minutes"]
    await user.tap("✅ 1 · Walk 20 minutes", choices)
    await edited_to(user, choices, "2 of the last 7 days. 2 in a row.")


async def test_goals_after_a_week_of_answers(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    await onboard(user, at="07:00")
    await new_habit(user, at="18:00")
    clock.advance(timedelta(hours=8, minutes=1))
    answers = ["✅ Done", "✅ Done", "Not today", "✅ Done", None, "✅ Done", "✅ Done"]
    for day, answer in enumerate(answers):
        nudge = await nudge_for(user, "Walk 20 minutes")
        if answer is not None:
            await user.tap(answer, nudge)
            await user.emulator.wait_until(lambda n=nudge: n.edits > 0)  # type: ignore[misc]
        if day < len(answers) - 1:
            clock.advance(timedelta(days=1))
    # Week one: done on 5 of 7 days; the last two in a row; nothing earlier to beat.
    assert "5 of the last 7 days. 2 in a row." in nudge.shown_text
    overview = await user.ask("/goals")
    assert "Done 5 of the last 7 days, 5 of the last 30. Streak: 2." in overview.shown_text
    assert overview.button_labels == ["1 · Walk 20 minutes", "🌱 New goal"]
    # Week two: every day done beats the first week.
    clock.advance(timedelta(days=1))
    for day in range(6):
        nudge = await nudge_for(user, "Walk 20 minutes")
        await user.tap("✅ Done", nudge)
        await user.emulator.wait_until(lambda n=nudge: n.edits > 0)  # type: ignore[misc]
        if day < 5:
            clock.advance(timedelta(days=1))
    assert "7 of the last 7 days, your best week so far!" in nudge.shown_text
    assert "8 in a row" in nudge.shown_text


async def test_manage_pause_resume_change_schedule_and_archive(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    user = emulator.user()
    await onboard(user, at="07:00")
    await new_habit(user, title="Call my sponsor", at="18:00")
    overview = await user.ask("/goals")
    await user.tap("1 · Call my sponsor", overview)
    await user.emulator.wait_until(lambda: "⏸ Pause" in overview.button_labels)
    assert "Asked every day at 18:00" in overview.shown_text
    await user.tap("⏸ Pause", overview)
    await edited_to(user, overview, "(paused)")
    assert goal_rows(storage_url)[0]["next_nudge_at"] is None
    user.skip_to_end()
    clock.advance(timedelta(hours=9))
    await user.ask("/help")
    assert not any("how did it go" in m.shown_text for m in user.messages)
    await user.tap("▶️ Resume", overview)
    await user.emulator.wait_until(lambda: "(paused)" not in overview.shown_text)
    await user.tap("🗓 Change schedule", overview)
    await edited_to(user, overview, "When should I ask")
    await user.tap("Once a week", overview)
    await edited_to(user, overview, "Which day")
    await user.tap("Sat", overview)
    await edited_to(user, overview, "At what time")
    await user.tap("09:00", overview)
    await edited_to(user, overview, "Updated: I'll ask about Call my sponsor every Saturday")
    assert goal_rows(storage_url)[0]["next_nudge_at"] == "2026-03-07T08:00:00+00:00"

    overview = await user.ask("/goals")
    await user.tap("1 · Call my sponsor", overview)
    await user.emulator.wait_until(lambda: "🗄 Archive" in overview.button_labels)
    assert "every Saturday at 09:00" in overview.shown_text
    await user.tap("🗄 Archive", overview)
    await edited_to(user, overview, "Archive Call my sponsor?")
    await user.tap("Yes, archive it", overview)
    await edited_to(user, overview, "Archived Call my sponsor")
    assert "You have no goals yet" in (await user.ask("/goals")).shown_text
    row = goal_rows(storage_url)[0]
    assert (row["status"], row["number"], row["next_nudge_at"]) == ("archived", None, None)
    # The archived goal's number is free again.
    assert "Goal 1 is set" in (await new_habit(user, title="Read")).shown_text


async def test_ten_goals_at_most(emulator: BotApiEmulator, bot: PeerApplication) -> None:
    user = emulator.user()
    await onboard(user)
    for n in range(10):
        assert f"Goal {n + 1} is set" in (await new_habit(user, title=f"Goal {n}")).shown_text
    assert "You have 10 goals already" in (await user.ask("/newgoal")).shown_text
    assert "You have 10 goals already" in (await user.ask("/newgoal Eleven")).shown_text
    overview = await user.ask("/goals")
    assert "🌱 New goal" not in overview.button_labels and len(overview.button_labels) == 10


async def test_paused_members_get_no_nudges_and_zone_changes_move_them(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    user = emulator.user()
    await onboard(user, at="07:00")
    await new_habit(user, at="18:00")
    await user.ask("/pause 1")
    user.skip_to_end()
    clock.advance(timedelta(hours=9))  # 19:00 Berlin, paused
    await user.ask("/help")
    assert not any("how did it go" in m.shown_text for m in user.messages)
    await user.ask("/resume")
    # The nudge missed while paused may come now, before the answer to /timezone: wait for
    # that answer itself, not for whichever message comes next.
    user.send("/timezone America/New_York")
    await emulator.wait_until(
        lambda: any("Time zone set to America/New_York" in m.shown_text for m in user.messages)
    )
    # It is 13:00 in New York; 18:00 there today is 23:00 UTC.
    assert goal_rows(storage_url)[0]["next_nudge_at"] == "2026-03-02T23:00:00+00:00"


async def test_forged_and_foreign_buttons_change_nothing(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    alex, bo = emulator.user(), emulator.user()
    await onboard(alex)
    await onboard(bo)
    await new_habit(alex)
    goal_id = goal_rows(storage_url)[0]["id"]
    forged = [
        f"gl:d:{goal_id}:20260302",
        f"gl:ax:{goal_id}",
        f"gl:pa:{goal_id}",
        f"gl:m:{goal_id}",
        f"gl:k:{goal_id}:habit",
        f"gl:t:{goal_id}:d:0900",
        "gl:d:x:y",
        "gl:zz:1",
        "gl:",
        "gl:d:99999:20260302",
    ]
    for data in forged:  # bo presses alex's goal buttons
        answer = await bo.callback_answer(bo.press_data(data, bo.last_message))
        assert answer.text is not None and "expired" in answer.text, data
    refused = [
        f"gl:d:{goal_id}:20250101",
        f"gl:d:{goal_id}:20260310",
        f"gl:c:{goal_id}:20260302:3",
        f"gl:r:{goal_id}:20260302:boredom",
        f"gl:wd:{goal_id}:999",
        f"gl:t:{goal_id}:d:9999",
        f"gl:k:{goal_id}:x",
    ]
    for data in refused:  # alex's own goal, but old, future, wrong kind or malformed
        answer = await alex.callback_answer(alex.press_data(data, alex.last_message))
        assert answer.text is not None, data
    assert peek(storage_url, "SELECT COUNT(*) FROM goal_entries") == [(0,)]
    assert goal_rows(storage_url)[0]["status"] == "active"


async def test_mydata_holds_goals_and_forget_removes_them(
    emulator: BotApiEmulator, bot: PeerApplication, storage_url: str
) -> None:
    user = emulator.user()
    await onboard(user)
    await new_habit(user, why="for my kids")
    await user.ask("/done 1")
    exported = await my_data_json(user)
    [goal] = exported["goals"]
    assert (goal["title"], goal["why"], goal["kind"]) == (
        "Walk 20 minutes",
        "for my kids",
        "habit",
    )
    assert [a["outcome"] for a in goal["answers"]] == ["done"]
    await user.ask("/forget")
    await user.tap("Yes, delete everything")
    await user.emulator.wait_until(lambda: "deleted" in user.last_message.shown_text.lower())
    assert rows_holding(storage_url, user.user_id) == []
    assert goal_rows(storage_url) == []


async def test_crisis_words_in_a_goal_get_help_at_once(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await onboard(user)
    await user.ask("/newgoal")
    user.send("Stop wanting to kill myself")
    assert "If you need help right now" in (await user.next_message()).shown_text
    kind = await user.next_message()
    assert "what kind of goal" in kind.shown_text
    long = await user.ask("/newgoal " + "x" * 201)
    assert "That's 201 characters" in long.shown_text
