"""A combined message's own button: the heading above each part."""

from __future__ import annotations

from bot.combined.callbacks import PartHeading
from bot.combined.service import HEADING_DATA, part_id


def test_the_heading_keeps_its_wire_string() -> None:
    assert PartHeading().pack() == "pu:h" == HEADING_DATA
    assert PartHeading.parse("pu:h") == PartHeading()
    assert PartHeading.parse("pu:h:1") is None
    assert PartHeading.parse("pu:hx") is None


def test_check_in_steps_answer_the_check_in_part_whatever_their_day() -> None:
    for data in ("ci:m:20260302:4", "ci:c:20260310:4:7", "ci:note:20260302:r", "ci:skip:x:n"):
        assert part_id(data) == "ci"
    for data in ("ci:m", "ci:circle:anon", "ci:plan", "ci:crisis", "jr:ms:y:7", "tr:30"):
        assert part_id(data) is None
