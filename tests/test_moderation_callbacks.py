"""Moderation and crisis-alert buttons and pending answers: the wire strings under reports
(mr:) and alerts (cr:) in the moderators' chat and members' chats, and mod_answer."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies

from bot.alerts.callbacks import AlertAction, AlertButton, ModeratorAnswerPending
from bot.alerts.messages import end_button
from bot.callbacks import MAX_BUTTON_BYTES, Button, Pending
from bot.moderation.callbacks import ReportAction, ReportButton
from bot.moderation.messages import report_message
from bot.safety.service import alert_buttons

GOLDEN: list[tuple[Button | Pending, str]] = [
    (ReportButton(ReportAction.DISMISS, 12), "mr:dismiss:12"),
    (ReportButton(ReportAction.DELETE, 12), "mr:delete:12"),
    (ReportButton(ReportAction.WARN, 12), "mr:warn:12"),
    (ReportButton(ReportAction.MUTE, 12), "mr:mute:12"),
    (ReportButton(ReportAction.BAN, 12), "mr:ban:12"),
    (AlertButton(AlertAction.TAKE, 7), "cr:take:7"),
    (AlertButton(AlertAction.RESOLVED, 7), "cr:done:7"),
    (AlertButton(AlertAction.NOT_A_CRISIS, 7), "cr:false:7"),
    (AlertButton(AlertAction.REPLY, 7), "cr:reply:7"),
    (AlertButton(AlertAction.END, 7), "cr:end:7"),
    (ModeratorAnswerPending(7), "mod_answer:7"),
]


@pytest.mark.parametrize(("value", "wire"), GOLDEN)
def test_each_button_and_pending_answer_packs_to_todays_string(
    value: Button | Pending, wire: str
) -> None:
    assert value.pack() == wire
    assert type(value).parse(wire) == value


def test_the_messages_carry_the_same_strings_as_before() -> None:
    report = report_message(4, "Morning Walkers", "Quiet Otter", "hi")
    assert [data for row in report.buttons for _, data in row] == [
        "mr:dismiss:4",
        "mr:delete:4",
        "mr:warn:4",
        "mr:mute:4",
        "mr:ban:4",
    ]
    assert [data for row in alert_buttons(8, "urgent") for _, data in row] == [
        "cr:take:8",
        "cr:done:8",
        "cr:false:8",
    ]
    assert [data for _, data in end_button(8)] == ["cr:end:8"]


@pytest.mark.parametrize(
    "forged", ["mr", "mr:dismiss", "mr:kick:1", "mr:ban:x", "cr:take", "cr:nap:1", "cr:end:1:2"]
)
def test_forged_or_stale_presses_parse_to_none(forged: str) -> None:
    assert ReportButton.parse(forged) is None
    assert AlertButton.parse(forged) is None


@given(action=strategies.sampled_from(ReportAction), report_id=strategies.integers(0, 10**15))
def test_report_buttons_round_trip_within_64_bytes(action: ReportAction, report_id: int) -> None:
    packed = ReportButton(action, report_id).pack()
    assert len(packed.encode()) <= MAX_BUTTON_BYTES
    assert ReportButton.parse(packed) == ReportButton(action, report_id)


@given(action=strategies.sampled_from(AlertAction), alert_id=strategies.integers(0, 10**15))
def test_alert_buttons_round_trip_within_64_bytes(action: AlertAction, alert_id: int) -> None:
    packed = AlertButton(action, alert_id).pack()
    assert len(packed.encode()) <= MAX_BUTTON_BYTES
    assert AlertButton.parse(packed) == AlertButton(action, alert_id)


@given(alert_id=strategies.integers(0, 10**15))
def test_moderator_answer_pending_round_trips(alert_id: int) -> None:
    pending = ModeratorAnswerPending(alert_id)
    assert ModeratorAnswerPending.parse(pending.pack()) == pending
