"""The codec every button and pending answer uses: the wire strings, the limits, and what a
forged or stale string turns into (None, never an exception)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callbacks import ISO_DATE, MAX_BUTTON_BYTES, Button, CodecError, Pending
from handlers.answers import AnswerTable


class Answer(StrEnum):
    DONE = "d"
    SNOOZE = "z"


@dataclass(frozen=True)
class Sample(Button, prefix="test:s"):
    goal: int
    day: date
    answer: Answer
    again: bool
    word: str
    extra: int | None = None


@dataclass(frozen=True)
class Bare(Button, prefix="test:bare"):
    pass


@dataclass(frozen=True)
class Note(Pending, kind="test_note"):
    day: date = field(metadata=ISO_DATE)
    review: str = "n"


def test_fields_pack_in_order_joined_by_colons() -> None:
    button = Sample(17, date(2026, 3, 2), Answer.SNOOZE, True, "hi")
    assert button.pack() == "test:s:17:20260302:z:1:hi"
    assert Sample(17, date(2026, 3, 2), Answer.DONE, False, "", 4).pack() == (
        "test:s:17:20260302:d:0::4"
    )
    assert Bare().pack() == "test:bare"
    assert Note(date(2026, 3, 2), "r").pack() == "test_note:2026-03-02:r"


def test_parse_reads_back_what_pack_wrote() -> None:
    assert Sample.parse("test:s:17:20260302:z:1:hi") == Sample(
        17, date(2026, 3, 2), Answer.SNOOZE, True, "hi"
    )
    assert Sample.parse("test:s:17:20260302:d:0::4") == Sample(
        17, date(2026, 3, 2), Answer.DONE, False, "", 4
    )
    assert Bare.parse("test:bare") == Bare()
    assert Note.parse("test_note:2026-03-02:r") == Note(date(2026, 3, 2), "r")


@pytest.mark.parametrize(
    "forged",
    [
        None,
        42,
        "",
        "test:s",
        "test:sx:17:20260302:z:1:hi",  # another prefix that starts alike
        "test:s:17:20260302:z:1",  # a field missing
        "test:s:17:20260302:z:1:hi:4:5",  # one too many
        "test:s:x7:20260302:z:1:hi",
        "test:s:²:20260302:z:1:hi",  # a digit str.isdigit accepts and int() should not see
        "test:s:17:20261302:z:1:hi",  # month 13
        "test:s:17:2026032:z:1:hi",
        "test:s:17:20260302:q:1:hi",  # no such answer
        "test:s:17:20260302:z:yes:hi",
        "test:bare:1",
        "test:s:" + "9" * 70,
    ],
)
def test_forged_or_stale_data_parses_to_none(forged: object) -> None:
    assert Sample.parse(forged) is None or forged == "test:bare:1"
    assert Bare.parse(forged) is None


def test_packing_refuses_the_separator_inside_a_value_and_more_than_64_bytes() -> None:
    with pytest.raises(CodecError):
        Sample(1, date(2026, 1, 1), Answer.DONE, True, "a:b").pack()
    with pytest.raises(CodecError):
        Sample(1, date(2026, 1, 1), Answer.DONE, True, "é" * 30).pack()


def test_a_prefix_belongs_to_one_button_class() -> None:
    with pytest.raises(TypeError, match="taken by Sample"):

        @dataclass(frozen=True)
        class Again(Button, prefix="test:s"):
            pass


def test_route_matches_the_prefix_and_nothing_that_merely_starts_alike() -> None:
    import re

    pattern = re.compile(Sample.route())
    assert pattern.match("test:s:1:20260101:d:1:x")
    assert not pattern.match("test:sx:1")
    assert re.compile(Bare.route()).match("test:bare")


words = st.text(st.characters(blacklist_characters=":", codec="utf-8"), max_size=8)


@given(
    goal=st.integers(0, 10**12),
    day=st.dates(date(2000, 1, 1), date(2200, 12, 31)),
    answer=st.sampled_from(Answer),
    again=st.booleans(),
    word=words,
    extra=st.none() | st.integers(0, 999),
)
def test_every_button_that_packs_parses_back_to_itself_within_64_bytes(
    goal: int, day: date, answer: Answer, again: bool, word: str, extra: int | None
) -> None:
    button = Sample(goal, day, answer, again, word, extra)
    try:
        packed = button.pack()
    except CodecError:
        return  # too long: refused at packing, never sent
    assert len(packed.encode()) <= MAX_BUTTON_BYTES
    assert Sample.parse(packed) == button


def test_the_answer_table_refuses_a_kind_claimed_twice() -> None:
    async def one(*_: object) -> None:
        return None

    table = AnswerTable()
    table.add({Note: one})
    with pytest.raises(ValueError, match="taken by Note"):
        table.add({Note: one})
