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
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.clock import Clock
from bot.config import TelegramSettings
from bot.context import PeerApplication
from bot.i18n import speaking
from bot.i18n.languages import SOURCE_LANGUAGE
from bot.runtime.faults import screening_only
from bot.runtime.metrics import Metrics
from storage import updates as update_rows
from storage.db import Database
from storage.faults import STORAGE_FAULTS

log = logging.getLogger("peercircle.intake")

KEEP_MARKS = timedelta(days=2)  # Telegram keeps an unconfirmed update for 24 hours
PRUNE_EVERY_BATCHES = 500
MAX_BACKOFF = 30.0
PARALLEL_MEMBERS = 4


READ_MARGIN = 10  # seconds past a long poll's own timeout before the read gives up
ALL_TYPES = list(Update.ALL_TYPES)


def update_id_of(raw: object) -> int | None:
    value = raw.get("update_id") if isinstance(raw, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def next_offset(raw_updates: list[Any]) -> int:
    """The offset that confirms every update of the batch, readable or not."""
    ids = [i for i in map(update_id_of, raw_updates) if i is not None]
    return max(ids) + 1 if ids else 0


def sender_of(update: Update) -> int:
    """Whose updates must stay in order: the user, else the chat, else the update alone."""
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return -update.update_id


class GroupMarks:
    """Marks updates that wrote nothing (a read-only reply) handled, many in one commit.

    Each caller waits until its own mark is committed, so after a kill -9 only updates in
    flight can be answered twice; callers that arrive while a commit runs share the next."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._waiting: dict[int, asyncio.Future[None]] = {}
        self._lock = asyncio.Lock()

    async def mark(self, update_id: int) -> None:
        done = asyncio.get_running_loop().create_future()
        self._waiting[update_id] = done
        async with self._lock:
            if not done.done():
                batch, self._waiting = self._waiting, {}
                try:
                    async with self._db.transaction() as session:
                        await update_rows.mark_handled(session, list(batch), self._clock.now())
                except Exception as error:
                    for waiter in batch.values():
                        waiter.set_exception(error)
                else:
                    for waiter in batch.values():
                        waiter.set_result(None)
        await done


class StorageFaults:
    """A storage fault as intake lives through it: one log line when it starts (with SQLite's
    words, which name the fault and hold no member text) and one when it clears."""

    def __init__(self) -> None:
        self.since: float | None = None
        self.cause: str | None = None

    def met(self, cause: str) -> None:
        if self.since is None:
            self.since, self.cause = time.monotonic(), cause
            log.error("storage fault: %s; retrying until it clears", cause)

    def cleared(self) -> None:
        if self.since is not None:
            log.warning("storage recovered after %.0f s", time.monotonic() - self.since)
            self.since = self.cause = None


class UpdateDispatcher:
    """Hands updates to the application once each, in order per member.

    An update is claimed in memory before anything else (the same update posted twice at
    once is handled once) and marked handled as soon as it is: by the commit of its own
    writes, else by a group commit of marks. One whose write met a storage fault is left
    unmarked: when polling it is held, with its member's later updates behind it, and tried
    again with a growing pause until storage recovers; a webhook hands it back to Telegram."""

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
        self._marks = GroupMarks(db, clock)
        self.faults = StorageFaults()
        # One lock per member with updates in hand, and how many tasks hold or await it.
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        # A few members at a time: enough to overlap one's requests with another's work;
        # more only makes httpx's connection pool slower (its bookkeeping grows with waiters).
        self._slots = asyncio.Semaphore(PARALLEL_MEMBERS)
        self._batches = 0
        # Updates being handled now: a second copy waits for the first, then is skipped.
        self._claims: dict[int, asyncio.Future[bool]] = {}
        # Handled, but the mark is not committed yet (storage failing): never again.
        self._handled_unmarked: set[int] = set()
        # Held for a storage fault, per member, in order; and how often each was tried.
        self._held: dict[int, list[Update]] = {}
        self._retries: dict[int, int] = {}
        # Held updates the crisis screen alone has read; forgotten once handled in full.
        self._screened: set[int] = set()
        self._retry_at = 0.0
        self._pause = 0.0

    @property
    def holding(self) -> int:
        return sum(len(group) for group in self._held.values())

    async def handle(
        self, updates: Sequence[Update], offset: int | None = None, hold: bool = False
    ) -> list[Update]:
        """Handle every update not handled before; when polling, store the next offset.

        Returns the updates that could not be saved, in order. With `hold` they are kept
        here and tried again by retry_held(); otherwise the caller hands them back."""
        mine = [
            u
            for u in updates
            if u.update_id not in self._claims and u.update_id not in self._handled_unmarked
        ]
        theirs = [(u, self._claims[u.update_id]) for u in updates if u.update_id in self._claims]
        loop = asyncio.get_running_loop()
        for update in mine:
            self._claims[update.update_id] = loop.create_future()
        unsaved: list[Update] = []
        try:
            unsaved = await self._handle_claimed(mine, hold)
        finally:
            failed = {u.update_id for u in unsaved}
            for update in mine:
                self._claims.pop(update.update_id).set_result(update.update_id in failed)
        for update, claim in theirs:  # a copy's fate is its original's
            if await asyncio.shield(claim):
                unsaved.append(update)
        await self._after_batch(offset)
        return unsaved

    async def retry_held(self) -> None:
        """Try the held updates again when their pause is over (polling calls this between
        getUpdates); the pause grows while storage keeps failing."""
        if not self._held or time.monotonic() < self._retry_at:
            return
        held, self._held = self._held, {}
        await self.handle([u for group in held.values() for u in group], hold=True)

    async def _handle_claimed(self, mine: list[Update], hold: bool) -> list[Update]:
        groups: defaultdict[int, list[Update]] = defaultdict(list)
        behind: list[Update] = []
        for update in mine:
            sender = sender_of(update)
            if hold and sender in self._held:
                self._held[sender].append(update)  # behind its member's held update
                behind.append(update)
            else:
                groups[sender].append(update)
        # Crisis words must not wait for storage: screened beside the other members' work.
        screening = asyncio.create_task(self._screen_waiting(behind)) if behind else None
        try:
            return await self._handle_groups(groups, hold)
        finally:
            if screening is not None:
                await screening

    async def _handle_groups(
        self, groups: defaultdict[int, list[Update]], hold: bool
    ) -> list[Update]:
        try:
            async with self._db.read() as session:
                seen = await update_rows.handled_among(
                    session, [u.update_id for g in groups.values() for u in g]
                )
        except STORAGE_FAULTS as error:
            self.faults.met(str(error))
            left = [u for g in groups.values() for u in g]
            if hold:
                await self._screen_waiting(left)  # none of them was tried
            return self._kept(left, hold)
        for sender in list(groups):
            groups[sender] = [u for u in groups[sender] if u.update_id not in seen]
        self._screened.difference_update(seen)  # handled elsewhere: never held again
        unsaved: list[Update] = []
        if self._concurrent:
            for left in await asyncio.gather(
                *(self._in_order(key, group, hold) for key, group in groups.items() if group)
            ):
                unsaved.extend(left)
        else:
            for update in (u for g in groups.values() for u in g):
                unsaved.extend(await self._in_order(sender_of(update), [update], hold))
        return self._kept(unsaved, hold)

    def _kept(self, unsaved: list[Update], hold: bool) -> list[Update]:
        unsaved.sort(key=lambda u: u.update_id)
        if unsaved:
            self._pause = min(max(self._pause * 2, 1.0), MAX_BACKOFF)
            self._retry_at = time.monotonic() + self._pause
        if hold:
            for update in unsaved:
                self._held.setdefault(sender_of(update), []).append(update)
        return unsaved

    async def _after_batch(self, offset: int | None) -> None:
        """The next offset, late marks and pruning in one commit; a storage fault here costs
        nothing but a log line (Telegram has the offset from the next getUpdates)."""
        self._batches += 1
        prune = self._batches % PRUNE_EVERY_BATCHES == 0
        late_marks = list(self._handled_unmarked)
        if offset is None and not prune and not late_marks:
            return
        now = self._clock.now()
        try:
            async with self._db.transaction() as session:
                await update_rows.mark_handled(session, late_marks, now)
                if offset is not None:
                    await update_rows.set_offset(session, offset)
                if prune:
                    await update_rows.prune(session, now - KEEP_MARKS)
        except STORAGE_FAULTS as error:
            self.faults.met(str(error))
            return
        self._handled_unmarked.difference_update(late_marks)
        if not self._held:
            self._pause = 0.0
            self.faults.cleared()

    async def _in_order(self, key: int, group: list[Update], hold: bool) -> list[Update]:
        """Handle one member's updates in order; stop at one that could not be saved (the
        rest wait behind it, read by the crisis screen alone when held) and return it with
        the rest."""
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            # The member's lock first: a task waiting for its member holds no slot.
            async with lock, self._slots:
                for index, update in enumerate(group):
                    if not await self._handle_one(update):
                        if hold:
                            await self._screen_waiting(group[index + 1 :])
                        return group[index:]
                return []
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]  # nobody else awaits it: forget the member
            else:
                self._locks[key] = (lock, users - 1)

    async def _screen_waiting(self, updates: list[Update]) -> None:
        """Updates held behind their member's unsaved one, in order: the crisis screen
        answers each once now (bot.runtime.faults.screening_only), nothing else does until
        its turn."""
        for update in updates:
            if update.update_id in self._screened:
                continue  # held again after a retry: answered already
            self._screened.add(update.update_id)
            token = screening_only.set(True)
            try:
                with speaking(SOURCE_LANGUAGE):
                    await self._app.process_update(update)
            except Exception:
                log.exception("screening a held update failed: update_id=%d", update.update_id)
            finally:
                screening_only.reset(token)

    async def _handle_one(self, update: Update) -> bool:
        """Handle and mark one update; False when it met a storage fault and is unsaved."""
        update_id = update.update_id
        hand = update_rows.UpdateInHand(
            update_id, retry=self._retries.get(update_id, 0), member=sender_of(update)
        )
        token = update_rows.in_hand.set(hand)
        try:
            # handlers.language picks the sender's language; it ends here.
            with speaking(SOURCE_LANGUAGE):
                await self._app.process_update(update)
        finally:
            update_rows.in_hand.reset(token)
        if hand.elsewhere and not hand.marked:
            # Another worker had it first and committed it: nothing of it is ours to save.
            self._retries.pop(update_id, None)
            self._screened.discard(update_id)
            self._metrics.updates_elsewhere.inc()
            log.info("update.elsewhere: update_id=%d was handled by another worker", update_id)
            return True
        if hand.unsaved and not hand.marked:
            self._retries[update_id] = hand.retry + 1
            self.faults.met(hand.fault or "a write failed")
            return False
        self._retries.pop(update_id, None)
        self._screened.discard(update_id)
        self._metrics.updates_handled.inc()
        if not hand.marked:
            self._handled_unmarked.add(update_id)
            try:
                await self._marks.mark(update_id)
            except STORAGE_FAULTS as error:
                # Answered already: remembered here, so it is not answered twice.
                self.faults.met(str(error))
            else:
                self._handled_unmarked.discard(update_id)
        return True


class PollingIntake:
    """getUpdates in a loop. The offset moves on once a batch is handled; an update that
    could not be saved is held in memory and tried again until storage recovers."""

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
        self._stopping = asyncio.Event()
        self._poll: asyncio.Future[list[Any]] | None = None
        self._task: asyncio.Task[None] | None = None
        self.last_success = time.monotonic()
        self._getupdates_problem: str | None = None
        self._offset = 0
        self.failed = asyncio.Event()  # set when the bot should exit and be restarted

    @property
    def alive(self) -> bool:
        return (
            self._task is not None
            and not self._task.done()
            and time.monotonic() - self.last_success < self._settings.liveness_seconds
        )

    @property
    def problem(self) -> str | None:
        """What keeps the bot from moving on now, in the operator's words."""
        if self._dispatcher.faults.cause is not None:
            return f"storage: {self._dispatcher.faults.cause}"
        return self._getupdates_problem

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="update-intake")
        self._watchdog = asyncio.create_task(self._watch(), name="intake-watchdog")

    async def stop(self) -> None:
        """Stop taking updates; a batch being handled is finished and confirmed first."""
        self._stopping.set()  # wakes any backoff wait at once
        if self._poll is not None:
            self._poll.cancel()  # nothing fetched by it is confirmed, so nothing is lost
        self._watchdog.cancel()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        if self._dispatcher.holding:
            log.error(
                "stopped with %d update(s) not saved (storage failing); they are lost",
                self._dispatcher.holding,
            )

    async def _watch(self) -> None:
        limit = self._settings.liveness_seconds
        while not self._stopping.is_set():
            await asyncio.sleep(min(1.0, limit / 4))
            if time.monotonic() - self.last_success > limit:
                log.critical(
                    "no getUpdates has succeeded for %d seconds (%s); exiting so the supervisor "
                    "restarts the bot",
                    limit,
                    self.problem or "no answer",
                )
                self.failed.set()
                return

    async def _pause(self, seconds: float) -> None:
        """Wait before trying again, but not past a stop."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _run(self) -> None:
        self._offset = await self._stored_offset()
        backoff = 1.0
        while not self._stopping.is_set():
            await self._dispatcher.retry_held()
            try:
                self._poll = asyncio.ensure_future(
                    # Short polls while updates are held, so their retries come on time.
                    self._fetch(1 if self._dispatcher.holding else self._settings.poll_timeout)
                )
                updates = await self._poll
            except asyncio.CancelledError:
                if self._stopping.is_set():
                    return
                raise
            except InvalidToken:
                log.critical("Telegram rejected the token; stopping")
                self.failed.set()
                return
            except (NetworkError, TimedOut, Conflict, RetryAfter) as error:
                # Telegram's or the network's words: they hold no member text.
                self._getupdates_problem = f"{type(error).__name__}: {error}"
                log.warning(
                    "getUpdates failed (%s); retrying in %.0f s", type(error).__name__, backoff
                )
                await self._pause(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            except Exception:
                # Anything else (an answer that cannot be read) is retried the same way; if
                # it never clears, the liveness watchdog ends the process for a restart.
                self._getupdates_problem = "an answer that could not be read"
                log.exception("getUpdates failed unexpectedly; retrying in %.0f s", backoff)
                await self._pause(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            finally:
                self._poll = None
            backoff = 1.0
            self._getupdates_problem = None
            self.last_success = time.monotonic()
            if not updates:
                continue
            self._offset = max(next_offset(updates), self._offset)
            readable = [u for u in (self._read(raw) for raw in updates) if u is not None]
            await self._dispatcher.handle(readable, self._offset, hold=True)

    async def _fetch(self, timeout: int) -> list[Any]:
        """getUpdates as Telegram's raw JSON: python-telegram-bot's get_updates reads the whole
        batch at once, so one update it cannot read would refuse the batch for everyone, again
        after every restart, and it logs the raw batch (members' words) at CRITICAL."""
        bot = self._app.bot
        # Bot._post: the same request path get_updates takes (python-telegram-bot is pinned).
        result = await bot._post(
            "getUpdates",
            {"timeout": timeout, "offset": self._offset or None, "allowed_updates": ALL_TYPES},
            read_timeout=timeout + READ_MARGIN,
        )
        return result if isinstance(result, list) else []

    def _read(self, raw: object) -> Update | None:
        """One update, or None (logged by id only) when it cannot be read: it is skipped, and
        the offset moves past it."""
        try:
            return Update.de_json(raw, self._app.bot) if isinstance(raw, dict) else None
        except Exception as error:
            log.warning(
                "update_id=%s could not be read (%s); skipped",
                update_id_of(raw),
                type(error).__name__,
            )
            return None

    async def _stored_offset(self) -> int:
        """Where the last run stopped (0 when storage cannot say: Telegram then starts from
        the first update it has not had confirmed)."""
        try:
            async with self._db.read() as session:
                return await update_rows.offset(session)
        except STORAGE_FAULTS as error:
            self._dispatcher.faults.met(str(error))
            return 0
