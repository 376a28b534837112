"""Downtime with messages queued: after 8 hours a check-in prompt for a day gone by is not
sent, while a crisis alert's repeat and a relay from the circle still are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.clock import ManualClock
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator
from tests.engines import probe
from tests.test_circles_scenario import (  # noqa: F401
    MOD_CHAT,
    member_in,
    new_circle,
    settings,
)
from tests.test_outbox_keys import URGENT, to, to_moderators

MOOD_QUESTION = "How is your mood today?"


def outbox_statuses(storage_url: str) -> dict[str, str]:
    """Each outbox row's status by its idempotency key."""
    with probe(storage_url) as conn:
        return dict(conn.execute("SELECT idempotency_key, status FROM outbox"))


def pending_kinds(storage_url: str) -> set[str]:
    with probe(storage_url) as conn:
        return {kind for (kind,) in conn.execute("SELECT kind FROM outbox WHERE status='pending'")}


async def test_after_8_hours_down_queued_prompts_expire_and_alerts_and_relays_go(
    emulator: BotApiEmulator, bot: PeerApplication, clock: ManualClock, storage_url: str
) -> None:
    code = await new_circle(emulator)
    alex, bo = await member_in(emulator, code), await member_in(emulator, code)  # 20:00 Berlin
    await alex.ask_for(URGENT, "sounds really serious")
    await to_moderators(emulator, "Urgent crisis alert")

    worker = bot.bot_data.delivery
    assert worker is not None
    await worker.stop()  # the bot goes down; what happens now waits in the outbox
    await bo.ask_for("/encourage You've got this", "Sent to 1 member")
    clock.advance(timedelta(minutes=16))  # 09:16: nobody has taken the alert
    await emulator.wait_until(lambda: "alert" in pending_kinds(storage_url))
    clock.set(datetime(2026, 3, 2, 19, 0, 30, tzinfo=UTC))  # 20:00 in Berlin: prompts due
    await emulator.wait_until(lambda: "checkin" in pending_kinds(storage_url))
    repeat = next(key for key in outbox_statuses(storage_url) if ":again:" in key)

    clock.advance(timedelta(hours=8))  # 04:00:30 in Berlin when the bot is back
    worker.start()
    await to(alex, "You've got this")
    await to_moderators(emulator, "Nobody has taken this yet")
    await emulator.wait_until(lambda: not pending_kinds(storage_url))
    statuses = outbox_statuses(storage_url)
    assert statuses[repeat] == "sent"
    prompts = {key: status for key, status in statuses.items() if key.startswith("checkin:")}
    assert set(prompts.values()) == {"expired"} and len(prompts) == 2
    assert not any(MOOD_QUESTION in m.shown_text for m in (*alex.messages, *bo.messages))
