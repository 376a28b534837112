"""/trends end to end: the period buttons edit the chart in place; journey marks; plain words."""

from __future__ import annotations

from datetime import timedelta

from bot.charts import PHONE_PX, text_px
from bot.clock import ManualClock
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from bot.emulator.server import png_size
from tests.helpers import onboard
from tests.test_checkin_scenario import check_in


async def chart_of(user: EmulatedUser) -> SentMessage:
    chart = await user.ask("/trends")
    assert chart.photo is not None, chart.shown_text
    return chart


async def tap_period(user: EmulatedUser, chart: SentMessage, label: str) -> None:
    """Tap a period on the chart and wait until the bot has edited it (or tried to)."""
    emulator = user.emulator
    tried = len(emulator.calls_of("editMessageMedia"))
    await user.tap(label, chart)
    await emulator.wait_until(lambda: len(emulator.calls_of("editMessageMedia")) > tried)


async def test_period_buttons_edit_the_same_photo_in_place(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    await onboard(user)
    for mood, confidence in ((1, 0), (5, 10), (3, 6)):
        await check_in(user, mood, confidence)
        clock.advance(timedelta(days=1))
    chart = await chart_of(user)
    month = chart.photo
    assert chart.button_labels == ["7 days", "✓ 30 days", "90 days"]
    sent_before = emulator.messages_sent

    await tap_period(user, chart, "7 days")
    (edit,) = emulator.calls_of("editMessageMedia")
    assert edit.status == 200 and edit.params["message_id"] == chart.message_id
    assert edit.result["message_id"] == chart.message_id
    assert chart.photo != month and chart.media_edits == 1
    assert chart.caption is not None and chart.caption.startswith("Last 7 days:")
    assert chart.button_labels == ["✓ 7 days", "30 days", "90 days"]
    assert emulator.messages_sent == sent_before and user.last_message is chart
    assert len(emulator.calls_of("sendPhoto")) == 1

    await tap_period(user, chart, "90 days")
    assert chart.media_edits == 2 and "Last 90 days" in (chart.caption or "")
    # The chart Telegram shows at phone width has text at least 10 px tall.
    size = png_size(chart.photo or b"")
    assert size is not None and text_px(size[0], PHONE_PX) >= 10
    assert emulator.messages_sent == sent_before


async def test_the_shown_period_tapped_again_changes_nothing_and_sends_nothing(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await onboard(user)
    await check_in(user, 4, 7)
    chart = await chart_of(user)
    await tap_period(user, chart, "7 days")
    shown = chart.photo
    await tap_period(user, chart, "✓ 7 days")  # the same picture: Telegram says not modified
    assert emulator.calls_of("editMessageMedia")[-1].status == 400
    assert chart.photo == shown and chart.media_edits == 1
    assert user.last_message is chart and len(emulator.calls_of("sendPhoto")) == 1


async def test_a_chart_that_is_gone_is_sent_again_as_a_new_message(
    emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    user = emulator.user()
    await onboard(user)
    await check_in(user, 4, 7)
    chart = await chart_of(user)
    user.skip_to_end()
    chart.deleted = True  # the member deleted it; its buttons can still arrive
    await tap_period(user, chart, "90 days")
    fresh = await user.next_message()
    assert fresh is not chart and fresh.photo is not None
    assert "Last 90 days" in (fresh.caption or "")
    assert fresh.button_labels == ["7 days", "30 days", "✓ 90 days"]


async def test_milestones_and_setbacks_are_marked_and_missing_periods_read_plainly(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock
) -> None:
    user = emulator.user()
    await onboard(user)  # today is Monday 2 March 2026 in Berlin
    await user.ask("/journey 2026-02-20")
    await user.tap("Keep them private", await user.next_message())
    user.send("/setback 2026-03-01")
    await user.next_message()  # kind words about the setback
    await user.tap("Skip", await user.next_message())  # no note
    await check_in(user, 2, 3)
    chart = await chart_of(user)
    caption = chart.caption or ""
    marked = "Marked on the chart: 1 day on 21 Feb, 7 days on 27 Feb, a setback on 1 Mar."
    assert marked in caption
    assert "The 30 days before: no check-ins then." in caption and "n/a" not in caption
    # A week with no check-ins, charted in place: plain words, not an error or a prompt.
    clock.advance(timedelta(days=20))
    await tap_period(user, chart, "7 days")
    assert chart.caption is not None and chart.media_edits == 1
    assert chart.caption.startswith("Last 7 days: no check-ins.\nThe 7 days before: no ")
    assert "a setback" not in chart.caption  # 1 March is outside this week
