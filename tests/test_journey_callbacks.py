"""The journey's wire strings, byte for byte as the bot has always written them, and the
round trip of every value through pack and parse."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callbacks import MAX_BUTTON_BYTES, Button, Pending
from bot.journey import messages as journey_messages
from bot.journey.callbacks import (
    Choice,
    SetbackNotePending,
    ShareMilestoneAgain,
    ShareMilestones,
    SkipSetbackNote,
    StartDay,
    StartJourney,
)
from bot.outgoing import OutgoingMessage

GOLDEN: list[tuple[Button | Pending, str]] = [
    (StartJourney(StartDay.TODAY), "jr:start:0"),
    (StartJourney(StartDay.YESTERDAY), "jr:start:1"),
    (ShareMilestones(Choice.YES), "jr:share:y"),
    (ShareMilestones(Choice.NO), "jr:share:n"),
    (ShareMilestoneAgain(Choice.YES, 7), "jr:ms:y:7"),
    (ShareMilestoneAgain(Choice.NO, 730), "jr:ms:n:730"),
    (SkipSetbackNote(17), "jr:skipnote:17"),
    (SetbackNotePending(17), "setback_note:17"),
]


@pytest.mark.parametrize(("value", "wire"), GOLDEN, ids=[wire for _, wire in GOLDEN])
def test_each_journey_button_and_pending_note_keeps_its_wire_string(
    value: Button | Pending, wire: str
) -> None:
    assert value.pack() == wire
    assert type(value).parse(wire) == value


def test_the_messages_write_the_strings_the_handlers_always_read() -> None:
    def data(message: OutgoingMessage) -> list[str]:
        return [data for row in message.buttons for _, data in row]

    assert data(journey_messages.no_journey()) == ["jr:start:0", "jr:start:1"]
    assert data(journey_messages.ask_share_milestones()) == ["jr:share:y", "jr:share:n"]
    assert data(journey_messages.milestone(14, True)) == ["jr:ms:y:14", "jr:ms:n:14"]
    assert data(journey_messages.milestone(14, False)) == []
    assert data(journey_messages.ask_setback_note(17)) == ["jr:skipnote:17"]


@pytest.mark.parametrize(
    "forged",
    [
        "jr:start:x",
        "jr:start:2",
        "jr:share:maybe",
        "jr:ms:y",
        "jr:ms:q:7",
        "jr:ms:y:7:1",
        "jr:skipnote:abc",
    ],
)
def test_forged_journey_data_parses_to_none(forged: str) -> None:
    for kind in (StartJourney, ShareMilestones, ShareMilestoneAgain, SkipSetbackNote):
        assert kind.parse(forged) is None, (kind.__name__, forged)


def test_a_setback_note_pending_for_no_journey_does_not_read() -> None:
    assert SetbackNotePending.parse("setback_note:") is None
    assert SetbackNotePending.parse("setback_note") is None


numbers = st.integers(0, 10**12)
choices = st.sampled_from(Choice)
buttons = st.one_of(
    st.builds(StartJourney, st.sampled_from(StartDay)),
    st.builds(ShareMilestones, choices),
    st.builds(ShareMilestoneAgain, choices, numbers),
    st.builds(SkipSetbackNote, numbers),
)


@given(buttons)
def test_every_journey_button_parses_back_to_itself_within_64_bytes(button: Button) -> None:
    packed = button.pack()
    assert len(packed.encode()) <= MAX_BUTTON_BYTES
    assert type(button).parse(packed) == button


@given(numbers)
def test_every_setback_note_pending_parses_back_to_itself(journey: int) -> None:
    pending = SetbackNotePending(journey)
    assert SetbackNotePending.parse(pending.pack()) == pending
