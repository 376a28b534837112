"""The check-in's and /trends' wire strings, byte for byte as the bot has always written
them (buttons sit in members' chats for a week, a pending note in the database), and the
round trip of every value through pack and parse."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callbacks import MAX_BUTTON_BYTES, Button, Pending
from bot.checkins.callbacks import (
    AddNote,
    Answers,
    ChooseConfidence,
    ChooseMood,
    CrisisResources,
    Naming,
    NotePending,
    ShowPeriod,
    ShowSafetyPlan,
    SkipNote,
    TalkToModerator,
    TellCircle,
)
from bot.checkins.messages import (
    closed_step,
    confidence_question,
    mood_question,
    note_question,
    period_buttons,
    support_buttons,
)
from bot.checkins.rules import SupportOffer, day_code

DAY = date(2026, 3, 2)

GOLDEN: list[tuple[Button | Pending, str]] = [
    (ChooseMood(DAY, 4), "ci:m:20260302:4"),
    (ChooseConfidence(DAY, 4, 7), "ci:c:20260302:4:7"),
    (ChooseConfidence(date(2026, 12, 31), 1, 10), "ci:c:20261231:1:10"),
    (AddNote(DAY, Answers.REPLACED), "ci:note:20260302:r"),
    (AddNote(DAY, Answers.FIRST), "ci:note:20260302:n"),
    (SkipNote(DAY, Answers.REPLACED), "ci:skip:20260302:r"),
    (SkipNote(DAY, Answers.FIRST), "ci:skip:20260302:n"),
    (TellCircle(Naming.ANONYMOUS), "ci:circle:anon"),
    (TellCircle(Naming.NAMED), "ci:circle:named"),
    (TalkToModerator(), "ci:talk"),
    (ShowSafetyPlan(), "ci:plan"),
    (CrisisResources(), "ci:crisis"),
    (ShowPeriod(7), "tr:7"),
    (ShowPeriod(30), "tr:30"),
    (ShowPeriod(90), "tr:90"),
    (NotePending(DAY, Answers.REPLACED), "note:2026-03-02:r"),
    (NotePending(DAY, Answers.FIRST), "note:2026-03-02:n"),
]


@pytest.mark.parametrize(("value", "wire"), GOLDEN, ids=[wire for _, wire in GOLDEN])
def test_each_button_and_pending_note_keeps_its_wire_string(
    value: Button | Pending, wire: str
) -> None:
    assert value.pack() == wire
    assert type(value).parse(wire) == value


def test_a_note_pending_from_before_the_replaced_flag_still_reads() -> None:
    assert NotePending.parse("note:2026-03-02") == NotePending(DAY, None)


def test_the_questions_write_the_strings_the_handlers_always_read() -> None:
    """The builders' output, written out as the f-strings that built it before."""
    code = day_code(DAY)
    mood = [data for row in mood_question(DAY).buttons for _, data in row]
    assert mood == [f"ci:m:{code}:{m}" for m in range(1, 6)]
    confidence = [data for row in confidence_question(DAY, 3).buttons for _, data in row]
    assert confidence == [f"ci:c:{code}:3:{c}" for c in range(0, 11)]
    note = [data for row in note_question(DAY, 3, 7, True).buttons for _, data in row]
    assert note == [f"ci:note:{code}:r", f"ci:skip:{code}:r"]
    support = [
        data
        for row in support_buttons(SupportOffer(circle=True, moderators=True, has_plan=True))
        for _, data in row
    ]
    assert support == ["ci:circle:anon", "ci:circle:named", "ci:plan", "ci:crisis"]
    alone = support_buttons(SupportOffer(circle=False, moderators=True, has_plan=False))
    assert [data for row in alone for _, data in row] == ["ci:talk", "ci:plan", "ci:crisis"]


def test_a_closed_step_offers_the_same_answer_for_today() -> None:
    today = date(2026, 3, 10)
    closed = closed_step(ChooseConfidence(DAY, 4, 7), today, kept=True)
    assert [data for row in closed.buttons for _, data in row] == ["ci:c:20260310:4:7"]
    assert closed_step(SkipNote(DAY, Answers.FIRST), today, kept=False).buttons == ()


@pytest.mark.parametrize(
    "forged",
    [
        "ci:m:notaday:3",
        "ci:m:20261302:3",  # month 13
        "ci:c:20260302:3",  # a field missing
        "ci:c:20260302:3:7:1",  # one too many
        "ci:c:20260302:3:²",
        "ci:skip:20260302:q",
        "ci:note:20260302",
        "ci:circle:everyone",
        "ci:talk:1",
        "tr:seven",
        "tr",
    ],
)
def test_forged_check_in_data_parses_to_none(forged: str) -> None:
    for kind in (
        ChooseMood,
        ChooseConfidence,
        AddNote,
        SkipNote,
        TellCircle,
        TalkToModerator,
        ShowPeriod,
    ):
        assert kind.parse(forged) is None, (kind.__name__, forged)


def test_routes_tell_the_steps_apart() -> None:
    import re

    assert re.match(ChooseConfidence.route(), "ci:c:20260302:4:7")
    assert not re.match(ChooseConfidence.route(), "ci:circle:anon")
    assert not re.match(ShowPeriod.route(), "tz:Europe/Paris")


days = st.dates(date(2000, 1, 1), date(2200, 12, 31))
small = st.integers(0, 10**6)
buttons = st.one_of(
    st.builds(ChooseMood, days, small),
    st.builds(ChooseConfidence, days, small, small),
    st.builds(AddNote, days, st.sampled_from(Answers)),
    st.builds(SkipNote, days, st.sampled_from(Answers)),
    st.builds(TellCircle, st.sampled_from(Naming)),
    st.just(TalkToModerator()),
    st.just(ShowSafetyPlan()),
    st.just(CrisisResources()),
    st.builds(ShowPeriod, small),
)


@given(buttons)
def test_every_check_in_button_parses_back_to_itself_within_64_bytes(button: Button) -> None:
    packed = button.pack()
    assert len(packed.encode()) <= MAX_BUTTON_BYTES
    assert type(button).parse(packed) == button


@given(days, st.none() | st.sampled_from(Answers))
def test_every_pending_note_parses_back_to_itself(day: date, answers: Answers | None) -> None:
    pending = NotePending(day, answers)
    assert NotePending.parse(pending.pack()) == pending


def test_the_trends_period_buttons_write_tr_and_their_days() -> None:
    (row,) = period_buttons(30)
    assert row == (("7 days", "tr:7"), ("✓ 30 days", "tr:30"), ("90 days", "tr:90"))
