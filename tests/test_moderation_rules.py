"""The rules moved out of the moderation and circle handlers, and the words each typed
moderation outcome is said in (the same bytes the service used to put together)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.circles.rules import CircleMode, mode_possible, valid_circle_size
from bot.moderation.rules import Outcome, Result, short_reason
from bot.texts import moderation as moderation_texts

UNTIL = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)


def test_a_circle_takes_2_to_200_members() -> None:
    assert [valid_circle_size(n) for n in (0, 1, 2, 200, 201)] == [
        False,
        False,
        True,
        True,
        False,
    ]


def test_pre_moderation_needs_a_moderators_chat() -> None:
    assert not mode_possible(CircleMode.PRE, 0)
    assert mode_possible(CircleMode.PRE, -100123)
    assert mode_possible(CircleMode.POST, 0)


def test_a_reason_is_trimmed_and_cut_and_blank_is_none() -> None:
    assert short_reason("  ") is None
    assert short_reason(None) is None
    assert short_reason(" spam ") == "spam"
    assert short_reason("x" * 400) == "x" * 300


@pytest.mark.parametrize(
    ("outcome", "words", "done"),
    [
        (Outcome(Result.NO_SUCH_MEMBER), "That member is no longer here.", False),
        (
            Outcome(Result.WARNED, "Quiet Otter", count=2),
            "Warned Quiet Otter (2 in the warning window).",
            True,
        ),
        (
            Outcome(Result.WARNED_AND_MUTED, "Quiet Otter", count=3, until=UNTIL),
            "Warned Quiet Otter: that is 3 warnings in the window, so they are muted until "
            "2026-03-02 14:30 UTC.",
            True,
        ),
        (
            Outcome(Result.MUTED, "Quiet Otter", until=UNTIL),
            "Muted Quiet Otter until 2026-03-02 14:30 UTC.",
            True,
        ),
        (Outcome(Result.NOT_MUTED, "Quiet Otter"), "Quiet Otter is not muted.", False),
        (
            Outcome(Result.UNMUTED, "Quiet Otter"),
            "Quiet Otter can write to their circle again.",
            True,
        ),
        (Outcome(Result.ALREADY_BANNED, "A&B"), "A&amp;B is banned already.", False),
        (
            Outcome(Result.BANNED, "Quiet Otter", code="abcdef12"),
            moderation_texts.banned("Quiet Otter", "abcdef12"),
            True,
        ),
        (Outcome(Result.NO_BAN, asked="Nobody"), "No ban matches Nobody.", False),
        (
            Outcome(Result.SEVERAL_BANS, codes=("aa", "bb")),
            "Several bans match; use a ban code: <code>aa</code>, <code>bb</code>",
            False,
        ),
        (
            Outcome(Result.UNBANNED, "Quiet Otter"),
            "Lifted the ban on Quiet Otter. They can join a circle again.",
            True,
        ),
        (
            Outcome(Result.NO_CIRCLE, circle="Nowhere"),
            "There is no circle called Nowhere. /circles lists them.",
            False,
        ),
        (Outcome(Result.SIZE_OUT_OF_RANGE), moderation_texts.circlesize_usage(), False),
        (
            Outcome(Result.CIRCLE_SIZE, circle="Walkers", size=5, members=5),
            "Walkers now takes up to 5 members.",
            True,
        ),
        (
            Outcome(Result.CIRCLE_SIZE, circle="Walkers", size=4, members=5),
            "Walkers now takes up to 4 members. " + moderation_texts.size_below_members(),
            True,
        ),
        (Outcome(Result.NOTHING_TO_ANNOUNCE), moderation_texts.announce_usage(), False),
        (
            Outcome(Result.ANNOUNCED, circle="Walkers", count=1),
            "Announced to Walkers: 1 member.",
            True,
        ),
        (Outcome(Result.NOT_HELD), moderation_texts.not_held(), False),
        (
            Outcome(Result.REJECTED, "Quiet Otter"),
            "Rejected, and Quiet Otter has been told why.",
            True,
        ),
        (Outcome(Result.DISMISSED), "Dismissed. The message stays.", True),
        (Outcome(Result.REPORT_CLOSED), "That report is already closed.", False),
        (Outcome(Result.ALREADY_DELETED), "That message has already been deleted.", False),
        (
            Outcome(Result.DELETED, count=3, gone=1),
            "Deleted from 3 chats (the reporter's own copy went when they reported it). "
            "The report is closed.",
            True,
        ),
    ],
)
def test_each_outcome_reads_as_before(outcome: Outcome, words: str, done: bool) -> None:
    assert moderation_texts.outcome_text(outcome) == words
    assert outcome.done is done
