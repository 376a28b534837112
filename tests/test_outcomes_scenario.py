"""Questionnaires end to end at the emulator: the offer after the first week, the GSE and the
WHO-5 item by item over 95 simulated days, Later, a crisis day, a pause, /measures, the
cohort report, and stopping with the answers deleted or kept; a sitting that lapses, and
/measures starting one that is due."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.config import DeliverySettings, Settings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.emulator.state import SentMessage
from storage.timestamps import to_db
from tests.conftest import START, make_settings
from tests.engines import probe
from tests.helpers import my_data_json, onboard

BERLIN = ZoneInfo("Europe/Berlin")
DAY_0 = START.astimezone(BERLIN).date()
OFFER = "Would you like to help show whether peer support helps?"
GSE = "Confidence in coping (GSE)"
WHO5 = "WHO-5 wellbeing"


@pytest.fixture
def settings(emulator: BotApiEmulator, storage_url: str, storage_key: bytes | None) -> Settings:
    # Days pass in an instant here: a day's prompts must not queue behind a second apiece.
    return make_settings(
        emulator, storage_url, storage_key, delivery=DeliverySettings(per_chat_per_second=100)
    )


def local(day: int, at: time) -> datetime:
    return datetime.combine(DAY_0 + timedelta(days=day), at, BERLIN)


async def on_day(
    bot: PeerApplication, clock: ManualClock, day: int, at: time = time(21, 31)
) -> None:
    """Move to `day` (since joining) at a local time, and sweep every due row now."""
    clock.set(local(day, at))
    await bot.bot_data.services.sweeper.sweep()


def queued(storage_url: str, kind: str, day: int) -> int:
    """Messages of `kind` queued on the member's local `day`."""
    with probe(storage_url) as conn:
        found = conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE kind = ? AND created_at >= ? AND created_at < ?",
            (kind, to_db(local(day, time(0, 0))), to_db(local(day + 1, time(0, 0)))),
        ).fetchone()
    return int(found[0])


async def newest(user: EmulatedUser, showing: str, after: int) -> SentMessage:
    """The first message after the first `after` that shows `showing`, once there is one."""

    def found() -> SentMessage | None:
        return next((m for m in user.messages[after:] if showing in m.shown_text), None)

    await user.emulator.wait_until(lambda: found() is not None)
    message = found()
    assert message is not None
    return message


def item_number(message: SentMessage, count: int) -> int | None:
    """The item a questionnaire message shows ("GSE · 3 of 10" is 3); None once over."""
    found = re.search(rf"· (\d+) of {count}\n", message.shown_text)
    return int(found.group(1)) if found else None


async def answer_all(
    user: EmulatedUser, invitation: SentMessage, count: int, label: Callable[[int], str]
) -> str:
    """Start (or continue) from an invitation and answer every remaining item; the result."""
    emulator = user.emulator
    await user.tap(invitation.button_labels[0], invitation)
    await emulator.wait_until(lambda: item_number(invitation, count) is not None)
    while (number := item_number(invitation, count)) is not None:
        await user.tap(label(number), invitation)
        await emulator.wait_until(lambda n=number: item_number(invitation, count) != n)
    await emulator.wait_until(lambda: "Thank you for answering" in invitation.shown_text)
    return invitation.shown_text


async def test_ninety_five_days_of_questionnaires(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    alex = emulator.user()
    await onboard(alex)  # Europe/Berlin, check-in at 20:00: invitations at 21:30
    for day in range(1, 7):
        await on_day(bot, clock, day)
        assert queued(storage_url, "outcome_offer", day) == 0  # not in the first week

    seen = len(alex.messages)
    await on_day(bot, clock, 7)
    offer = await newest(alex, OFFER, seen)
    assert queued(storage_url, "outcome_offer", 7) == 1
    seen = len(alex.messages)
    await alex.tap("Yes, count me in", offer)
    await emulator.wait_until(lambda: "Thank you" in offer.shown_text and not offer.buttons)

    # The GSE at once; its ten items, one message edited in place, "3 of 10" as it goes.
    gse = await newest(alex, GSE, seen)
    assert "10 short questions" in gse.shown_text
    result = await answer_all(alex, gse, 10, lambda n: "Moderately true")
    assert "30 (on a scale from 10 to 40)" in result
    assert "The last two weeks sound heavy" not in result

    # Never two in a day: the WHO-5 comes the next evening; "Later" moves it a day on.
    assert queued(storage_url, "outcome_invitation", 7) == 0  # the GSE came with the "Yes"
    seen = len(alex.messages)
    await on_day(bot, clock, 8)
    who5 = await newest(alex, WHO5, seen)
    await alex.tap("Later", who5)
    await emulator.wait_until(lambda: "ask again tomorrow" in who5.shown_text)

    # A crisis message on day 9: no questionnaire that day.
    clock.set(local(9, time(12, 0)))
    seen = len(alex.messages)
    alex.send("i dont want to be here anymore, i want to kill myself")
    await newest(alex, "findahelpline", seen)
    await on_day(bot, clock, 9)
    assert queued(storage_url, "outcome_invitation", 9) == 0
    alex.skip_to_end()
    measures = await alex.ask_for("/measures", "Your measures")
    assert "Today is for looking after yourself" in measures.shown_text

    # Day 10: two items, then Later; day 11 it asks to continue, and a score under 50 adds
    # the gentle line with the crisis lines.
    seen = len(alex.messages)
    await on_day(bot, clock, 10)
    who5 = await newest(alex, WHO5, seen)
    await alex.tap("Start", who5)
    for number in (1, 2):
        await emulator.wait_until(lambda n=number: item_number(who5, 5) == n)
        await alex.tap("Some of the time", who5)
    await emulator.wait_until(lambda: item_number(who5, 5) == 3)
    await alex.tap("Later", who5)
    await emulator.wait_until(lambda: "Saved: 2 of 5 answered" in who5.shown_text)
    assert not who5.buttons  # the message kept no buttons to press again
    seen = len(alex.messages)
    await on_day(bot, clock, 11)
    again = await newest(alex, "you've answered 2 of 5", seen)
    result = await answer_all(alex, again, 5, lambda n: "Some of the time")
    assert "20 (on a scale from 0 to 100)" in result
    assert "The last two weeks sound heavy" in result and "findahelpline" in result

    # A pause over day 21 (the WHO-5's next cycle): nothing until they resume.
    clock.set(local(20, time(12, 0)))
    await alex.ask_for("/pause", "Paused")
    for day in (21, 22):
        await on_day(bot, clock, day)
        assert queued(storage_url, "outcome_invitation", day) == 0
    clock.set(local(23, time(9, 0)))
    await alex.ask_for("/resume", "Welcome back")

    # From here every invitation is answered, better each time, up to day 95.
    asked: list[tuple[int, str]] = []
    who5_label = ["Some of the time", "Less than half of the time", "More than half of the time"]
    for day in range(23, 96):
        seen = len(alex.messages)
        await on_day(bot, clock, day)
        if not queued(storage_url, "outcome_invitation", day):
            continue
        invitation = await newest(alex, "📋", seen)
        if day == 63:
            asked.append((day, "ignored"))  # the reminder comes three days on
            continue
        if WHO5 in invitation.shown_text:
            label = who5_label[min(len([a for a in asked if a[1] == "who5"]), 2)]
            await answer_all(alex, invitation, 5, lambda n, label=label: label)
            asked.append((day, "who5"))
        else:
            await answer_all(alex, invitation, 10, lambda n: "Exactly true")
            asked.append((day, "gse"))
    assert asked == [
        (23, "who5"),
        (35, "who5"),
        (37, "gse"),
        (49, "who5"),
        (63, "ignored"),
        (66, "who5"),
        (67, "gse"),
        (77, "who5"),
        (91, "who5"),
    ]

    # /measures: plain words, first and latest, and one chart.
    alex.skip_to_end()
    measures = await alex.ask_for("/measures", "Your measures")
    text = measures.shown_text
    assert f"{GSE}: 40 on " in text and "(3 times so far)" in text
    assert "your first: 30 on 9 Mar" in text
    assert f"{WHO5}: 60 on " in text and "your first: 20 on 13 Mar" in text
    assert "The next questionnaire comes around" in text
    chart = await newest(alex, "Each line is one questionnaire", len(alex.messages) - 1)
    assert chart.photo and chart.protect_content

    alex.skip_to_end()
    exported = await my_data_json(alex)
    answers = exported["questionnaires"]["answers"]
    complete = [a for a in answers if a["status"] == "complete"]
    assert len(complete) == 10 and {a["questionnaire"] for a in complete} == {"gse", "who5"}
    assert exported["questionnaires"]["choice"]["consent"] == 1

    # Stop from /settings and delete the answers.
    alex.skip_to_end()
    settings_shown = await alex.ask_for("/settings", "Pseudonym")
    await alex.tap("📋 Questionnaires: on", settings_shown)
    question = await newest(alex, "Stop the questionnaires?", 0)
    await alex.tap("Stop and delete my answers", question)
    await emulator.wait_until(lambda: "answers are deleted" in question.shown_text)
    with probe(storage_url) as conn:
        left = conn.execute(
            "SELECT COUNT(*) FROM outcome_responses WHERE user_id = ?", (alex.user_id,)
        ).fetchone()[0]
        due = conn.execute(
            "SELECT COUNT(*) FROM outcome_schedule WHERE user_id = ?", (alex.user_id,)
        ).fetchone()[0]
    assert left == 0 and due == 0
    alex.skip_to_end()
    measures = await alex.ask_for("/measures", "once or twice a month")
    assert measures.button_labels == ["Yes, count me in", "No, thanks"]


async def test_no_thanks_is_asked_once_and_the_offer_waits_for_a_better_day(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    bo = emulator.user()
    await onboard(bo)
    clock.set(local(6, time(12, 0)))
    await bo.ask_for("/pause 2", "Paused until")
    await on_day(bot, clock, 7)
    assert queued(storage_url, "outcome_offer", 7) == 0  # paused: the offer waits
    seen = len(bo.messages)
    await on_day(bot, clock, 8)  # the pause ended at noon: the offer comes this evening
    offer = await newest(bo, OFFER, seen)
    await bo.tap("No, thanks", offer)
    await emulator.wait_until(lambda: "nothing changes for you" in offer.shown_text)
    for day in (10, 17, 40):
        await on_day(bot, clock, day)
        assert queued(storage_url, "outcome_offer", day) == 0
        assert queued(storage_url, "outcome_invitation", day) == 0
    offers = [m for m in bo.messages if OFFER in m.shown_text or "nothing changes" in m.shown_text]
    assert offers == [offer]  # asked once, answered once
    # A forged answer to somebody else's sitting, and stale data: "expired", nothing kept.
    answer = await bo.callback_answer(bo.press_data("oc:a:999:0:3"))
    assert "expired" in (answer.text or "")
    answer = await bo.callback_answer(bo.press_data("oc:go:phq9"))
    assert "expired" in (answer.text or "")
    with probe(storage_url) as conn:
        assert conn.execute("SELECT COUNT(*) FROM outcome_responses").fetchone()[0] == 0

    # A change of mind in /settings: the first questionnaire at once, the button turned on.
    bo.skip_to_end()
    shown = await bo.ask_for("/settings", "Pseudonym")
    seen = len(bo.messages)
    await bo.tap("📋 Questionnaires: off", shown)
    gse = await newest(bo, GSE, seen)
    await emulator.wait_until(lambda: "📋 Questionnaires: on" in shown.button_labels)

    # Crisis words half-way: the next answer waits for another day, the answers so far kept.
    await bo.tap("Start", gse)
    await emulator.wait_until(lambda: item_number(gse, 10) == 1)
    await bo.tap("Hardly true", gse)
    await emulator.wait_until(lambda: item_number(gse, 10) == 2)
    seen = len(bo.messages)
    bo.send("i want to kill myself tonight")
    await newest(bo, "findahelpline", seen)
    await bo.tap("Hardly true", gse)
    await emulator.wait_until(lambda: "Today is for looking after yourself" in gse.shown_text)
    with probe(storage_url) as conn:
        kept = conn.execute("SELECT answers, status FROM outcome_responses").fetchall()
    assert kept == [("2", "open")]

    # A new zone moves the next invitation to 21:30 there.
    bo.skip_to_end()
    await bo.ask_for("/timezone Asia/Tokyo", "Tokyo")
    with probe(storage_url) as conn:
        due = [
            datetime.fromisoformat(row[0]).astimezone(ZoneInfo("Asia/Tokyo")).time()
            for row in conn.execute("SELECT due_at FROM outcome_schedule WHERE due_at IS NOT NULL")
        ]
    assert due and all(moment == time(21, 30) for moment in due)


async def counted(bot: PeerApplication) -> tuple[int, int]:
    """Everyone's GSE baseline in the cohort report, and the rows of a research export."""
    reports = bot.bot_data.services.outcome_reports
    everyone = (await reports.report()).groups[0]
    gse = next(m for m in everyone.measured if m.questionnaire.id == "gse")
    return gse.baseline, len(await reports.research_rows())


def schedules_due(storage_url: str, user_id: int) -> int:
    with probe(storage_url) as conn:
        found = conn.execute(
            "SELECT COUNT(*) FROM outcome_schedule WHERE user_id = ? AND due_at IS NOT NULL",
            (user_id,),
        ).fetchone()
    return int(found[0])


async def test_stopping_and_keeping_the_answers_leaves_them_with_the_member_alone(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    """ "Stop, keep my answers": /measures and /mydata still show them, no invitation comes
    again, and they leave the cohort report and the research export."""
    cleo = emulator.user()
    await onboard(cleo)
    offer = await cleo.ask_for("/measures", "once or twice a month")
    seen = len(cleo.messages)
    await cleo.tap("Yes, count me in", offer)
    gse = await newest(cleo, GSE, seen)
    assert "30 (on a scale from 10 to 40)" in await answer_all(
        cleo, gse, 10, lambda n: "Moderately true"
    )
    assert await counted(bot) == (1, 1)
    assert schedules_due(storage_url, cleo.user_id) == 2  # the GSE in 30 days, the WHO-5 tomorrow

    cleo.skip_to_end()
    shown = await cleo.ask_for("/settings", "Pseudonym")
    await cleo.tap("📋 Questionnaires: on", shown)
    question = await newest(cleo, "Stop the questionnaires?", 0)
    await cleo.tap("Stop, keep my answers", question)
    await emulator.wait_until(lambda: "Your answers stay for you" in question.shown_text)

    assert await counted(bot) == (0, 0)
    assert schedules_due(storage_url, cleo.user_id) == 0
    for day in (1, 14, 30):
        await on_day(bot, clock, day)
        assert queued(storage_url, "outcome_invitation", day) == 0
        assert queued(storage_url, "outcome_offer", day) == 0
    cleo.skip_to_end()
    measures = await cleo.ask_for("/measures", "Your measures")
    assert f"{GSE}: 30 on " in measures.shown_text
    assert "You've stopped the questionnaires" in measures.shown_text
    assert measures.button_labels == ["Start again"]
    cleo.skip_to_end()
    exported = await my_data_json(cleo)
    kept = exported["questionnaires"]["answers"]
    assert [(a["questionnaire"], a["status"]) for a in kept] == [("gse", "complete")]
    assert not exported["questionnaires"]["choice"]["consent"]


def sittings(storage_url: str, user_id: int) -> list[tuple[str, int, float | None]]:
    """The member's sittings, oldest first: status, items answered, score."""
    with probe(storage_url) as conn:
        rows = conn.execute(
            "SELECT status, answers, score FROM outcome_responses WHERE user_id = ? ORDER BY id",
            (user_id,),
        ).fetchall()
    return [
        (status, len(answers.split(",")) if answers else 0, score)
        for status, answers, score in rows
    ]


async def test_a_half_answered_questionnaire_lapses_after_three_days_unscored(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    """Two items, then nothing for three days: the sweep sets it aside unscored, a late tap
    says so, nothing reaches the report, and the next start begins at item 1."""
    dana = emulator.user()
    await onboard(dana)
    offer = await dana.ask_for("/measures", "once or twice a month")
    seen = len(dana.messages)
    await dana.tap("Yes, count me in", offer)
    gse = await newest(dana, GSE, seen)
    await dana.tap("Start", gse)
    for number in (1, 2):
        await emulator.wait_until(lambda n=number: item_number(gse, 10) == n)
        await dana.tap("Moderately true", gse)
    await emulator.wait_until(lambda: item_number(gse, 10) == 3)
    assert sittings(storage_url, dana.user_id) == [("open", 2, None)]

    await on_day(bot, clock, 2, time(23, 0))  # not three days yet: kept
    assert sittings(storage_url, dana.user_id) == [("open", 2, None)]
    await on_day(bot, clock, 3, time(12, 0))  # three days and two hours on
    assert sittings(storage_url, dana.user_id) == [("expired", 2, None)]

    await dana.tap("Moderately true", gse)  # the third item, answered too late
    await emulator.wait_until(lambda: "set it aside without a score" in gse.shown_text)
    assert not gse.buttons
    assert sittings(storage_url, dana.user_id) == [("expired", 2, None)]
    assert await counted(bot) == (0, 0)

    dana.skip_to_end()
    measures = await dana.ask_for("/measures", "Your measures")
    assert f"Your {GSE} is ready when you are." in measures.shown_text
    assert measures.button_labels == ["Start"]  # not "Continue": nothing is carried over
    await dana.tap("Start", measures)
    await emulator.wait_until(lambda: item_number(measures, 10) == 1)
    assert sittings(storage_url, dana.user_id) == [("expired", 2, None), ("open", 0, None)]


async def test_measures_starts_the_questionnaire_that_is_due_and_continues_it(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    """The invitation set aside, /measures offers the one due: Start asks item 1 in the same
    message; after Later, /measures offers to continue where the member left off."""
    eli = emulator.user()
    await onboard(eli)
    offer = await eli.ask_for("/measures", "once or twice a month")
    seen = len(eli.messages)
    await eli.tap("Yes, count me in", offer)
    await newest(eli, GSE, seen)  # the invitation, left alone

    eli.skip_to_end()
    measures = await eli.ask_for("/measures", "Your measures")
    assert f"Your {GSE} is ready when you are." in measures.shown_text
    assert measures.button_labels == ["Start"]
    await eli.tap("Start", measures)
    await emulator.wait_until(lambda: item_number(measures, 10) == 1)
    for number in (1, 2):
        await emulator.wait_until(lambda n=number: item_number(measures, 10) == n)
        await eli.tap("Exactly true", measures)
    await emulator.wait_until(lambda: item_number(measures, 10) == 3)
    await eli.tap("Later", measures)
    await emulator.wait_until(lambda: "Saved: 2 of 10 answered" in measures.shown_text)

    eli.skip_to_end()
    again = await eli.ask_for("/measures", "Your measures")
    assert again.button_labels == ["Continue"]
    await eli.tap("Continue", again)
    await emulator.wait_until(lambda: item_number(again, 10) == 3)
