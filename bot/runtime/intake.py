"""Taking updates in without losing or repeating any: our own polling on top of
`Application.process_update`.

python-telegram-bot's Updater confirms a batch to Telegram (the next getUpdates offset)
before handling it, so a crash loses what was fetched. Here the offset is confirmed only
after the batch is handled and that is committed; each update's writes carry its id in the
same commit (storage.update_marks), so a redelivered update that changed anything is
skipped. Updates of one member run in order; different members' run side by side.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.clock import Clock
from bot.config import TelegramSettings
from bot.context import PeerApplication
from bot.i18n import speaking
from bot.i18n.languages import SOURCE_LANGUAGE
from bot.runtime.metrics import Metrics
from storage import updates as update_rows
from storage.db import Database

log = logging.getLogger("peercircle.intake")

KEEP_MARKS = timedelta(days=2)  # Telegram keeps an unconfirmed update for 24 hours
PRUNE_EVERY_BATCHES = 500
MAX_BACKOFF = 30.0
PARALLEL_MEMBERS = 4


def sender_of(update: Update) -> int:
    """Whose updates must stay in order: the user, else the chat, else the update alone."""
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return -update.update_id


class UpdateDispatcher:
    """Hands updates to the application once each, in order per member."""

    def __init__(
        self,
        app: PeerApplication,
        db: Database,
        clock: Clock,
        metrics: Metrics,
        concurrent: bool = True,
    ) -> None:
        self._concurrent = concurrent
        self._app = app
        self._db = db
        self._clock = clock
        self._metrics = metrics
        # One lock per member with updates in hand, and how many tasks hold or await it.
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        # A few members at a time: enough to overlap one's requests with another's work;
        # more only makes httpx's connection pool slower (its bookkeeping grows with waiters).
        self._slots = asyncio.Semaphore(PARALLEL_MEMBERS)
        self._batches = 0

    async def handle(self, updates: Sequence[Update], offset: int | None = None) -> None:
        """Handle every update not handled before, then mark them all handled (and, when
        polling, store the next offset in the same commit)."""
        async with self._db.read() as session:
            seen = await update_rows.handled_among(session, [u.update_id for u in updates])
        fresh = [u for u in updates if u.update_id not in seen]
        if len(fresh) < len(updates):
            log.info("skipped %d update(s) handled before", len(updates) - len(fresh))
        groups: defaultdict[int, list[Update]] = defaultdict(list)
        for update in fresh:
            groups[sender_of(update)].append(update)
        if self._concurrent:
            await asyncio.gather(*(self._in_order(key, group) for key, group in groups.items()))
        else:
            for update in fresh:
                await self._in_order(sender_of(update), [update])
        now = self._clock.now()
        async with self._db.transaction() as session:
            # Read-only handlers have written no mark of their own.
            await update_rows.mark_handled(session, [u.update_id for u in fresh], now)
            if offset is not None:
                await update_rows.set_offset(session, offset)
            self._batches += 1
            if self._batches % PRUNE_EVERY_BATCHES == 0:
                await update_rows.prune(session, now - KEEP_MARKS)

    async def _in_order(self, key: int, group: list[Update]) -> None:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            # The member's lock first: a task waiting for its member holds no slot.
            async with lock, self._slots:
                for update in group:
                    token = update_rows.handling_update.set(update.update_id)
                    try:
                        # handlers.language picks the sender's language; it ends here.
                        with speaking(SOURCE_LANGUAGE):
                            await self._app.process_update(update)
                    finally:
                        update_rows.handling_update.reset(token)
                    self._metrics.updates_handled.inc()
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]  # nobody else awaits it: forget the member
            else:
                self._locks[key] = (lock, users - 1)


class PollingIntake:
    """getUpdates in a loop; the offset moves on only once a batch is handled."""

    def __init__(
        self,
        app: PeerApplication,
        dispatcher: UpdateDispatcher,
        db: Database,
        settings: TelegramSettings,
        metrics: Metrics,
    ) -> None:
        self._app = app
        self._dispatcher = dispatcher
        self._db = db
        self._settings = settings
        self._metrics = metrics
        self._stopping = False
        self._poll: asyncio.Future[tuple[Update, ...]] | None = None
        self._task: asyncio.Task[None] | None = None
        self.last_success = time.monotonic()
        self.failed = asyncio.Event()  # set when the bot should exit and be restarted

    @property
    def alive(self) -> bool:
        return (
            self._task is not None
            and not self._task.done()
            and time.monotonic() - self.last_success < self._settings.liveness_seconds
        )

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="update-intake")
        self._watchdog = asyncio.create_task(self._watch(), name="intake-watchdog")

    async def stop(self) -> None:
        """Stop taking updates; a batch being handled is finished and confirmed first."""
        self._stopping = True
        if self._poll is not None:
            self._poll.cancel()  # nothing fetched by it is confirmed, so nothing is lost
        self._watchdog.cancel()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    async def _watch(self) -> None:
        limit = self._settings.liveness_seconds
        while not self._stopping:
            await asyncio.sleep(min(10.0, limit / 4))
            if time.monotonic() - self.last_success > limit:
                log.critical(
                    "no getUpdates has succeeded for %d seconds; exiting so the "
                    "supervisor restarts the bot",
                    limit,
                )
                self.failed.set()
                return

    async def _run(self) -> None:
        async with self._db.read() as session:
            offset = await update_rows.offset(session)
        backoff = 1.0
        while not self._stopping:
            try:
                self._poll = asyncio.ensure_future(
                    self._app.bot.get_updates(
                        offset=offset or None,
                        timeout=self._settings.poll_timeout,
                        allowed_updates=Update.ALL_TYPES,
                    )
                )
                updates = await self._poll
            except asyncio.CancelledError:
                if self._stopping:
                    return
                raise
            except InvalidToken:
                log.critical("Telegram rejected the token; stopping")
                self.failed.set()
                return
            except (NetworkError, TimedOut, Conflict, RetryAfter) as error:
                log.warning(
                    "getUpdates failed (%s); retrying in %.0f s", type(error).__name__, backoff
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            except Exception:
                # Anything else (an answer that cannot be read) is retried the same way; if
                # it never clears, the liveness watchdog ends the process for a restart.
                log.exception("getUpdates failed unexpectedly; retrying in %.0f s", backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            finally:
                self._poll = None
            backoff = 1.0
            self.last_success = time.monotonic()
            if not updates:
                continue
            offset = max(u.update_id for u in updates) + 1
            await self._dispatcher.handle(updates, offset)
