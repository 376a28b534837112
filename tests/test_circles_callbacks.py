"""Circle buttons and pending answers: the wire strings members' chats and the outbox hold
(rl: under relayed messages, pm: under held ones) and the members.awaiting values."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies

from bot.callbacks import MAX_BUTTON_BYTES, Button, Pending
from bot.circles.callbacks import (
    AskPending,
    EncouragementPending,
    RelayAction,
    RelayButton,
    ReplyPending,
    ReviewButton,
    ReviewDecision,
)
from bot.circles.messages import relay_message, review_message
from bot.circles.rules import RelayKind

GOLDEN: list[tuple[Button | Pending, str]] = [
    (RelayButton(RelayAction.THANKS, 17), "rl:t:17"),
    (RelayButton(RelayAction.REPORT, 17), "rl:r:17"),
    (RelayButton(RelayAction.ENCOURAGE_BACK, 17), "rl:h:17"),
    (ReviewButton(ReviewDecision.APPROVE, 5), "pm:ok:5"),
    (ReviewButton(ReviewDecision.REJECT, 5), "pm:no:5"),
    (EncouragementPending(), "encourage"),
    (AskPending(), "ask"),
    (ReplyPending(42), "reply:42"),
]


@pytest.mark.parametrize(("value", "wire"), GOLDEN)
def test_each_button_and_pending_answer_packs_to_todays_string(
    value: Button | Pending, wire: str
) -> None:
    assert value.pack() == wire
    assert type(value).parse(wire) == value


def test_the_messages_carry_the_same_strings_as_before() -> None:
    encourage = relay_message(3, RelayKind.ENCOURAGE, "Quiet Otter", "hi")
    assert [data for row in encourage.buttons for _, data in row] == ["rl:t:3", "rl:r:3"]
    ask = relay_message(3, RelayKind.ASK, "Quiet Otter", "hi")
    assert [data for row in ask.buttons for _, data in row] == ["rl:h:3", "rl:r:3"]
    hard = relay_message(3, RelayKind.HARD_DAY, "Quiet Otter", "hi")
    assert [data for row in hard.buttons for _, data in row] == ["rl:h:3"]
    review = review_message(9, "Morning Walkers", "Quiet Otter", "hi")
    assert [data for row in review.buttons for _, data in row] == ["pm:ok:9", "pm:no:9"]


@pytest.mark.parametrize(
    "forged", ["rl", "rl:t", "rl:x:1", "rl:t:one", "rl:t:1:2", "pm:yes:1", "pm:ok:", "rlx:t:1"]
)
def test_forged_or_stale_presses_parse_to_none(forged: str) -> None:
    assert RelayButton.parse(forged) is None
    assert ReviewButton.parse(forged) is None


@given(action=strategies.sampled_from(RelayAction), relay_id=strategies.integers(0, 10**15))
def test_relay_buttons_round_trip_within_64_bytes(action: RelayAction, relay_id: int) -> None:
    packed = RelayButton(action, relay_id).pack()
    assert len(packed.encode()) <= MAX_BUTTON_BYTES
    assert RelayButton.parse(packed) == RelayButton(action, relay_id)


@given(decision=strategies.sampled_from(ReviewDecision), relay_id=strategies.integers(0, 10**15))
def test_review_buttons_round_trip_within_64_bytes(
    decision: ReviewDecision, relay_id: int
) -> None:
    packed = ReviewButton(decision, relay_id).pack()
    assert len(packed.encode()) <= MAX_BUTTON_BYTES
    assert ReviewButton.parse(packed) == ReviewButton(decision, relay_id)


@given(relay_id=strategies.integers(0, 10**15))
def test_reply_pending_round_trips(relay_id: int) -> None:
    assert ReplyPending.parse(ReplyPending(relay_id).pack()) == ReplyPending(relay_id)
