"""One pace for everything the bot says: the outbox's messages and handlers' direct replies.

python-telegram-bot hands every Bot API call except getUpdates to this rate limiter
(`ApplicationBuilder.rate_limiter`), so the token's budget is kept in one place:
- a call that puts a new message in a chat, or edits one, waits for its turn in one steady
  global pace (`delivery.messages_per_second`, evenly spaced);
- a 429 holds every call for Telegram's `retry_after`, and the call is tried again; every
  429 is counted in the one metric.
Other calls (answerCallbackQuery, deleteMessage, setMyCommands, ...) never wait for a turn: a
button's answer must come within seconds or Telegram drops it, and none of them puts a
message in a chat. They still wait out a 429's hold, and their own 429s are retried.

The per-chat spacing (`delivery.per_chat_per_second`) is the outbox's to keep
(bot.runtime.delivery), as it chooses which chat goes next. Replies to a member's own action
are not spaced within their chat: the member's taps pace them, spacing would make a reply of
two or three messages take seconds, and Telegram tolerates such short bursts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger("peercircle.pacing")

# Calls that put a new message in a chat, and edits (Telegram limits them too): paced.
NEW_MESSAGE_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "sendAnimation",
        "sendAudio",
        "sendVideo",
        "sendVoice",
        "sendSticker",
        "sendLocation",
        "sendPoll",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
    }
)
EDIT_METHODS = frozenset(
    {"editMessageText", "editMessageCaption", "editMessageMedia", "editMessageReplyMarkup"}
)
MAX_RETRIES = 5  # 429s in a row for one call before it is given up to the caller
HOLD_MARGIN = 0.1  # seconds beyond retry_after, so the first call after it is not early


def seconds(value: float | timedelta) -> float:
    """retry_after as seconds, whichever type python-telegram-bot gives it in."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Gcra:
    """A steady rate with a tolerance (the generic cell rate algorithm): each reservation
    says when its send may start, and the next one is spaced after it."""

    def __init__(self, per_second: float, burst: int) -> None:
        self.interval = 1.0 / per_second
        self.tolerance = (burst - 1) * self.interval
        self.theoretical = 0.0  # when the next send would be due at an even pace

    def reserve(self, now: float) -> float:
        """Take the next turn; returns the moment it may start (now or later)."""
        due = max(self.theoretical, now)
        self.theoretical = due + self.interval
        return max(now, due - self.tolerance)


class TelegramPace(BaseRateLimiter[None]):
    """The bot's one rate limiter (see the module docstring)."""

    def __init__(self, messages_per_second: float) -> None:
        # No burst: turns are taken one at a time, each when its caller is there, so a late
        # wake-up does not slow the pace while others wait, and turns booked ahead cannot
        # fall due together after the event loop stalls. At 25/s at most 26 sends reach
        # Telegram in any second (its limit is 30).
        self._global = Gcra(messages_per_second, burst=1)
        self._turns = asyncio.Lock()
        self._hold_until = 0.0
        self._holds = 0  # bumped by every 429, so a turn taken before one is taken again
        self._on_429: Callable[[], None] | None = None
        self._stopping = asyncio.Event()
        self.rate_limited = 0

    def count_429s_with(self, count: Callable[[], None]) -> None:
        """Count every 429 with `count` too (the metric, once the services are up)."""
        self._on_429 = count

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    def stop_holding(self) -> None:
        """The bot is stopping: no call waits out a 429 any more, nor is tried again after
        one, so the shutdown keeps its time whatever retry_after Telegram asked for."""
        self._stopping.set()

    def sent_elsewhere_at(self, moment: float) -> None:
        """A message went out at `moment` (time.monotonic()) through another process, the
        leader before this one: the next turn comes no sooner than the pace allows after it."""
        self._global.theoretical = max(self._global.theoretical, moment + self._global.interval)

    def hold(self, pause: float) -> None:
        """No call starts for `pause` seconds (a 429's retry_after)."""
        until = time.monotonic() + pause
        if until > self._hold_until:
            self._hold_until = until
            self._holds += 1

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        paced = endpoint in NEW_MESSAGE_METHODS or endpoint in EDIT_METHODS
        retries = 0
        while True:
            await self._turn(paced)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                pause = seconds(error.retry_after)
                self._count_429()
                self.hold(pause + HOLD_MARGIN)
                log.warning("429 from Telegram on %s: every call waits %.1fs", endpoint, pause)
                retries += 1
                if retries > MAX_RETRIES or self._stopping.is_set():
                    raise

    def _count_429(self) -> None:
        self.rate_limited += 1
        if self._on_429 is not None:
            self._on_429()

    async def _turn(self, paced: bool) -> None:
        """Wait until this call may start: any 429's hold, then the global pace. A turn
        taken before a new 429 came is taken again after it."""
        while True:
            holds = self._holds
            await self._wait_out_hold()
            if paced:
                async with self._turns:
                    await _sleep_until(self._global.reserve(time.monotonic()))
            if holds == self._holds or self._stopping.is_set():
                return

    async def _wait_out_hold(self) -> None:
        delay = self._hold_until - time.monotonic()
        if delay > 0 and not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)


async def _sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)
