"""The outbox delivery worker: sends what the bot starts, within Telegram's limits.

It keeps a steady global pace and a per-chat spacing, honours retry_after on 429, backs off
on network errors and 5xx, and on 403 marks the member as having blocked the bot and drops
their pending messages. Memory stays bounded: it reads the outbox one small batch at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.clock import Clock
from bot.config import DeliverySettings
from bot.i18n.languages import SHIPPED, SOURCE_LANGUAGE
from bot.outgoing import OutgoingMessage
from bot.runtime.metrics import Metrics
from storage import members as member_rows
from storage import outbox
from storage.db import Database
from storage.outbox import OutboxRow

log = logging.getLogger("peercircle.delivery")

BATCH = 100
IDLE_POLL_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 60.0


def markup(message: OutgoingMessage) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in message.buttons
        ]
    )


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class OutboxWorker:
    def __init__(
        self,
        bot: Bot,
        db: Database,
        clock: Clock,
        settings: DeliverySettings,
        ready: asyncio.Event,
        metrics: Metrics | None = None,
        default_language: str = SOURCE_LANGUAGE,
    ) -> None:
        self._metrics = metrics or Metrics()
        # Chats with no member behind them (the moderators' group) and members who never
        # chose read the operator's language.
        self._default_language = default_language
        self._bot = bot
        self._db = db
        self._clock = clock
        self._ready = ready
        self._interval = 1.0 / settings.messages_per_second
        # A start may come this early against an even spacing, so that sleeps that overshoot
        # (they do, by a millisecond or so under load) do not add up to a slower pace.
        self._tolerance = 2 * self._interval
        self._chat_interval = 1.0 / settings.per_chat_per_second
        self._max_attempts = settings.max_attempts
        self._next_slot = 0.0
        self._last_in_chat: dict[int, float] = {}
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.sent = 0
        self.rate_limited = 0

    def start(self) -> None:
        """Start sending (again, after stop(): what was queued meanwhile goes then)."""
        self._stopping = False
        self._task = asyncio.get_running_loop().create_task(self._run(), name="outbox-worker")

    @property
    def alive(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self, timeout: float = 8.0) -> None:
        """Stop taking new messages; let the one in flight finish."""
        self._stopping = True
        self._ready.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except TimeoutError:
            self._task.cancel()
            log.warning("outbox worker did not stop in %.0fs; cancelled", timeout)

    async def _run(self) -> None:
        while not self._stopping:
            try:
                async with self._db.read() as session:
                    batch = await outbox.next_batch(session, self._clock.now(), BATCH)
                if not batch:
                    await self._idle(IDLE_POLL_SECONDS)
                    continue
                await self._send_batch(batch)
            except Exception:
                log.exception("outbox worker error; retrying shortly")
                await self._idle(IDLE_POLL_SECONDS)

    async def _idle(self, seconds: float) -> None:
        self._ready.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), seconds)

    async def _send_batch(self, batch: list[OutboxRow]) -> None:
        # One send at a time, each recorded before the next starts: a crash can then repeat
        # at most the one message whose answer had not been committed yet.
        self._forget_quiet_chats()
        soonest_wait: float | None = None
        started = 0
        for row in batch:
            if self._stopping:
                return
            wait = self._chat_wait(row.chat_id)
            if wait > 0:  # this chat had a message too recently; others go first
                soonest_wait = wait if soonest_wait is None else min(soonest_wait, wait)
                continue
            await self._pace()
            self._last_in_chat[row.chat_id] = time.monotonic()
            await self._deliver(row)
            started += 1
        if not started and soonest_wait is not None:
            await asyncio.sleep(soonest_wait)

    def _chat_wait(self, chat_id: int) -> float:
        last = self._last_in_chat.get(chat_id)
        return 0.0 if last is None else last + self._chat_interval - time.monotonic()

    def _forget_quiet_chats(self) -> None:
        horizon = time.monotonic() - self._chat_interval
        for chat_id in [c for c, at in self._last_in_chat.items() if at < horizon]:
            del self._last_in_chat[chat_id]

    async def _pace(self) -> None:
        """Wait for this send's slot: a steady rate, at most two sends ahead of it (GCRA)."""
        now = time.monotonic()
        earliest = self._next_slot - self._tolerance
        if earliest > now:
            await asyncio.sleep(earliest - now)
            now = time.monotonic()
        self._next_slot = max(self._next_slot, now - self._tolerance) + self._interval

    def _hold(self, seconds: float) -> None:
        """No send starts for `seconds`."""
        hold_until = time.monotonic() + seconds + self._tolerance
        self._next_slot = max(self._next_slot, hold_until)

    async def _deliver(self, row: OutboxRow) -> None:
        try:
            await self._deliver_with_retries(row)
        except Exception:
            log.exception("outbox id=%d: delivery failed unexpectedly", row.id)

    async def _deliver_with_retries(self, row: OutboxRow) -> None:
        """Send one message; the caller has paced its first try."""
        language = row.language if row.language in SHIPPED else self._default_language
        message = OutgoingMessage.from_json(row.payload, language)
        attempts = row.attempts
        first_try = True
        while True:
            if not first_try:
                await self._pace()
            first_try = False
            try:
                sent = await self._bot.send_message(
                    row.chat_id,
                    message.text,
                    parse_mode=message.parse_mode or None,
                    reply_markup=markup(message),
                    protect_content=message.protect_content,
                )
            except RetryAfter as error:
                # Telegram limits the whole bot: everything waits, then this message goes.
                self.rate_limited += 1
                self._metrics.rate_limited.inc()
                pause = _seconds(error.retry_after)
                log.warning("429 from Telegram: waiting %.1fs (outbox id=%d)", pause, row.id)
                self._hold(pause)
                continue
            except Forbidden:
                self._metrics.blocked.inc()
                await self._blocked(row)
                return
            except BadRequest as error:
                log.error("outbox id=%d kind=%s refused: %s", row.id, row.kind, error.message)
                async with self._db.transaction() as session:
                    await outbox.mark_failed(session, row.id, self._clock.now())
                return
            except NetworkError as error:
                async with self._db.transaction() as session:
                    attempts = await outbox.count_attempt(session, row.id)
                    if attempts >= self._max_attempts:
                        await outbox.mark_failed(session, row.id, self._clock.now())
                if attempts >= self._max_attempts:
                    log.error("outbox id=%d given up after %d tries", row.id, attempts)
                    return
                backoff = min(MAX_BACKOFF_SECONDS, 0.5 * 2**attempts)
                log.warning(
                    "send failed (%s); retrying outbox id=%d in %.1fs",
                    type(error).__name__,
                    row.id,
                    backoff,
                )
                self._hold(backoff)
                if self._stopping:
                    return
                continue
            async with self._db.transaction() as session:
                await outbox.mark_sent(session, row.id, sent.message_id, self._clock.now())
            self.sent += 1
            self._metrics.messages_sent.inc()
            return

    async def _blocked(self, row: OutboxRow) -> None:
        now = self._clock.now()
        async with self._db.transaction() as session:
            await member_rows.mark_blocked(session, row.chat_id, now)
            dropped = await outbox.drop_pending_for_chat(session, row.chat_id, now)
        log.info("chat_id=%d blocked the bot; dropped %d pending message(s)", row.chat_id, dropped)
