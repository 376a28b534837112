"""Which outbox messages may still go after downtime (bot.runtime.lateness)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.runtime.lateness import KIND_LATENESS, Lateness, too_late

QUEUED = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)
GRACE = timedelta(hours=3)
# Every kind the bot writes: tests/test_outbox_keys.py's golden rows, and the outcome
# questionnaires' offer and invitation (bot.outcomes.due).
KINDS = {
    "milestone",
    "relay",
    "thanks",
    "report",
    "review",
    "rejected",
    "moderation",
    "announce",
    "alert",
    "moderator",
    "nudge",
    "combined",
    "checkin",
    "weekly",
    "outcome_offer",
    "outcome_invitation",
}


def test_every_kind_has_its_rule_in_the_one_table() -> None:
    assert set(KIND_LATENESS) == KINDS


def test_a_prompt_goes_within_the_grace_window_and_never_after() -> None:
    assert not too_late("checkin", QUEUED, QUEUED + GRACE, GRACE)
    assert too_late("checkin", QUEUED, QUEUED + GRACE + timedelta(seconds=1), GRACE)
    assert too_late("combined", QUEUED, QUEUED + timedelta(hours=8), GRACE)


def test_safety_and_what_people_said_go_however_late() -> None:
    for kind in ("alert", "moderator", "relay", "review", "moderation"):
        assert KIND_LATENESS[kind] is Lateness.ANY_TIME
        assert not too_late(kind, QUEUED, QUEUED + timedelta(days=3), GRACE)


def test_a_kind_nobody_decided_about_is_sent_rather_than_dropped() -> None:
    assert not too_late("something_new", QUEUED, QUEUED + timedelta(days=3), GRACE)
