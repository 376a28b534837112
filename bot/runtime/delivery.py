"""The outbox delivery worker: sends what the bot starts, within Telegram's limits.

The global pace and 429s are kept for every call the bot makes in one place
(bot.runtime.pacing); the worker chooses what goes next. It sends to up to
`delivery.sends_in_flight` chats side by side, one message per chat at a time and only once
the chat's spacing has passed, so one slow chat never holds up the others. On 403 it marks
the member as having blocked the bot and drops their pending messages; on 5xx and network
errors it backs off; a send that timed out (it may have arrived) is tried once more after a
pause, then given up. A message whose moment has passed (bot.runtime.lateness) is not sent
at all.

What became of each message is kept in memory until the database has recorded it, and a
message in that memory is never read for sending again: whatever storage does (disk full,
locked, read-only), a message Telegram accepted is not sent again by this process. A send's
slot is free again only once its result is recorded, so the sends in flight and the answers
not yet recorded are `sends_in_flight` at most: all a kill -9 can repeat. While the database
refuses writes, sending waits once the slots are taken. Memory stays bounded: the outbox is
read one small batch at a time, and at most MAX_UNRECORDED results wait for the database.

Several workers may share one database, and only the leader sends (bot.runtime.leadership),
but for a few seconds an old leader may not yet know it lost the lead: so every batch is
claimed in the database under the worker's name (storage.outbox.claim_batch), and two
senders never take the same message. A new leader frees every claim as it starts, and keeps
the pace the leader before it kept, from what that one recorded as sent just before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.clock import Clock
from bot.config import DeliverySettings
from bot.i18n.languages import SHIPPED, SOURCE_LANGUAGE
from bot.outgoing import OutgoingMessage
from bot.runtime.lateness import too_late
from bot.runtime.metrics import Metrics
from bot.runtime.pacing import TelegramPace, seconds
from bot.runtime.transport import ConnectTimedOut
from storage import members as member_rows
from storage import outbox
from storage.db import Database, Session
from storage.faults import STORAGE_ERRORS
from storage.outbox import OutboxRow

log = logging.getLogger("peercircle.delivery")

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

BATCH = 100
IDLE_POLL_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 60.0
TIMED_OUT_PAUSE_SECONDS = 5.0
# Results kept in memory while the database refuses them (expired rows take no slot).
MAX_UNRECORDED = 1000
RECORD_FIRST_PAUSE, RECORD_LONGEST_PAUSE = 0.5, 30.0
# Instants are stored to the second (storage.timestamps): a finished_at may be this early.
STORED_PRECISION = timedelta(seconds=1)


# What markup() makes, for handlers to name in their signatures: only this module builds
# Telegram's keyboards (tests/test_layers.py).
TelegramMarkup = InlineKeyboardMarkup


def markup(message: OutgoingMessage) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in message.buttons
        ]
    )


class Result(Enum):
    SENT = "sent"
    FAILED = "failed"
    EXPIRED = "expired"
    BLOCKED = "blocked"  # 403: the member blocked the bot
    HANDED_BACK = "handed back"  # stopped before Telegram answered: pending, claimed by none


@dataclass(frozen=True)
class Finished:
    """What became of one outbox row, kept in memory until the database has it."""

    row_id: int
    chat_id: int
    result: Result
    at: datetime
    message_id: int | None = None


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
        *,
        grace: timedelta,
        worker: str,
        pace: TelegramPace | None = None,
        claims: bool = True,
        fence_seconds: float = 0.0,
    ) -> None:
        self._metrics = metrics or Metrics()
        self._worker = worker  # the name its claims are held under (runtime.worker)
        self._pace = pace  # the bot's rate limiter, told what the last leader sent
        # Claim each batch (PostgreSQL: several workers, an old leader may not know yet).
        # SQLite's one process needs none, and reads as before: sending goes on while the
        # database refuses writes (a lock held, a full disk), the results kept in memory.
        self._claims = claims
        # After taking the lead, how long until the last leader has surely stopped starting
        # sends: it finds its lead lost at its next check (every leader_poll_seconds, each
        # given CHECK_TIMEOUT). Sending before that would double the pace, and freeing its
        # claims would send its batch again.
        # Only when another sender may still be at work (it claims pending rows): a first
        # leader, or this worker taking up its duties again, sends at once.
        self._fence_seconds = fence_seconds
        self._fence_until: float | None = None  # when it ends; None: not yet looked at
        self._started_at = 0.0
        self._taken_over = False  # claims freed and pace seeded since start()
        self._claim_fault: str | None = None  # the database's refusal to claim, said once
        # Chats with no member behind them (the moderators' group) and members who never
        # chose read the operator's language.
        self._default_language = default_language
        self._bot = bot
        self._db = db
        self._clock = clock
        self._ready = ready
        self._grace = grace
        self._chat_interval = 1.0 / settings.per_chat_per_second
        self._last_in_chat: dict[int, float] = {}
        self._max_attempts = settings.max_attempts
        self._send_timeout = settings.send_timeout_seconds
        self._sends_at_once = settings.sends_in_flight
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._stopped = asyncio.Event()
        self._slots_taken = 0
        self._slot_freed = asyncio.Event()
        self._slot_held_for: set[int] = set()  # sent rows whose slot waits for the record
        self._sending: set[asyncio.Task[None]] = set()
        self._in_flight: set[int] = set()  # row ids being sent
        self._busy_chats: set[int] = set()
        self._resume_at = 0.0  # after a network error nothing new starts before this
        self._unrecorded: dict[int, Finished] = {}
        self._record_wanted = asyncio.Event()
        self._recorder: asyncio.Task[None] | None = None
        self._recorder_done = asyncio.Event()
        self._record_fault: str | None = None  # the database's refusal, logged once a fault
        self._waiting_for_records = False

    def start(self) -> None:
        """Start sending (again, after stop(): what was queued meanwhile goes then)."""
        self._stopping = False
        self._stopped.clear()
        self._recorder_done.clear()
        self._slots_taken = 0
        self._slot_held_for.clear()
        self._taken_over = False
        self._fence_until = None if self._fence_seconds else 0.0
        self._started_at = time.monotonic()
        loop = asyncio.get_running_loop()
        self._recorder = loop.create_task(self._record_loop(), name="outbox-recorder")
        self._task = loop.create_task(self._run(), name="outbox-worker")

    @property
    def alive(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self, timeout: float = 8.0) -> None:
        """Stop taking new messages; let those in flight finish, then record every result."""
        self._stopping = True
        self._stopped.set()
        self._ready.set()
        self._slot_freed.set()
        if self._task is None:
            return
        deadline = time.monotonic() + timeout
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except TimeoutError:
            for task in [self._task, *self._sending]:
                task.cancel()
            log.warning("outbox worker did not stop in %.0fs; cancelled", timeout)
        await self._stop_recorder(max(1.0, deadline - time.monotonic()))

    async def _stop_recorder(self, timeout: float) -> None:
        """One last try to record what is known; what cannot be is named in the log."""
        if self._recorder is None:
            return
        self._recorder_done.set()
        self._record_wanted.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._recorder), timeout)
        except TimeoutError:
            self._recorder.cancel()
        if self._unrecorded:
            log.error(
                "outbox: %d result(s) could not be recorded before stopping (outbox ids %s); "
                "those sent may be sent once more after the restart",
                len(self._unrecorded),
                ",".join(str(i) for i in sorted(self._unrecorded)),
            )

    # -- choosing what goes next ------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self._one_pass()
            except Exception:
                log.exception("outbox worker error; retrying shortly")
                await self._idle(IDLE_POLL_SECONDS)
        if self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)

    async def _one_pass(self) -> None:
        if len(self._unrecorded) >= MAX_UNRECORDED:
            if not self._waiting_for_records:
                log.warning(
                    "outbox: %d results wait for the database; sending paused until they "
                    "are recorded",
                    len(self._unrecorded),
                )
            self._waiting_for_records = True
            await self._idle(IDLE_POLL_SECONDS)
            return
        self._waiting_for_records = False
        # Messages in flight and results not yet recorded still read as pending: left out.
        leave_out = self._in_flight | self._unrecorded.keys()
        if self._claims:
            batch = await self._claimed_batch(leave_out)
        else:
            async with self._db.read() as session:
                batch = await outbox.next_batch(session, self._clock.now(), BATCH, leave_out)
        if not batch:
            await self._idle(IDLE_POLL_SECONDS)
            return
        await self._dispatch(batch)

    async def _claimed_batch(self, leave_out: set[int]) -> list[outbox.OutboxRow]:
        """The next batch, claimed under this worker's name (after taking over, the first
        time); empty while the database refuses claims."""
        if not self._taken_over:
            fence = self._fence_until
            if fence is None:
                fence = await self._fence()
            if fence is None or time.monotonic() < fence or not await self._take_over():
                return []
        try:
            async with self._db.transaction() as session:
                batch = await outbox.claim_batch(
                    session, self._worker, self._clock.now(), BATCH, leave_out
                )
        except STORAGE_ERRORS as error:
            self._claim_refused(error)
            return []
        if self._claim_fault is not None:
            log.warning("outbox: the database takes claims again; sending goes on")
            self._claim_fault = None
        return batch

    async def _fence(self) -> float | None:
        """When this leader may send first (time.monotonic()): the fence's length after it
        took the lead if another sender may still be at work, else at once. None when the
        database cannot say; asked again on the next pass."""
        try:
            async with self._db.read() as session:
                active = await outbox.claimed_by_another(session, self._worker)
        except STORAGE_ERRORS as error:
            self._claim_refused(error)
            return None
        self._fence_until = self._started_at + (self._fence_seconds if active else 0.0)
        if active:
            log.info(
                "outbox: first sends in %.1f s, once the last leader has surely stopped",
                max(0.0, self._fence_until - time.monotonic()),
            )
        return self._fence_until

    async def _take_over(self) -> bool:
        """Before the first claim after start(): free every claim and keep the last pace.

        Freeing claims other workers hold is safe because this worker holds the leader's
        lock: any other sender has stopped, or stops within seconds of losing its session
        (bot.runtime.leadership), so its messages would otherwise never go. Of those, only
        the ones in flight when it died or stopped listening (`sends_in_flight` at most) may
        have reached Telegram, and only they can be sent twice: as after a kill -9 of a sole
        process, a repeat is preferred to a loss. Its own claims under the same name are
        from before a restart or a lost lead: nothing of this process sends them now (what
        it has not recorded yet stays left out of every batch).
        False when the database refuses; tried again on the next pass."""
        window = timedelta(seconds=self._chat_interval) + STORED_PRECISION
        try:
            async with self._db.transaction() as session:
                released = await outbox.release_claims(session)
                recent = await outbox.recent_sends(session, self._clock.now() - window)
        except STORAGE_ERRORS as error:
            self._claim_refused(error)
            return False
        for holder, count in sorted(released.items()):
            log.info(
                "outbox.claims_released: %d message(s) claimed by worker %s go out again",
                count,
                holder,
            )
        self._keep_pace_of(recent)
        self._taken_over = True
        return True

    def _keep_pace_of(self, recent: dict[int, datetime]) -> None:
        """Count the last leader's latest sends, overall and per chat, as this one's own."""
        if not recent:
            return
        now, monotonic_now = self._clock.now(), time.monotonic()
        moments: list[float] = []
        for chat_id, finished in recent.items():
            # Stored to the second, rounded down: taken as late as it can have been.
            ago = max(0.0, (now - finished - STORED_PRECISION).total_seconds())
            moment = monotonic_now - ago
            self._last_in_chat[chat_id] = max(self._last_in_chat.get(chat_id, moment), moment)
            moments.append(moment)
        if self._pace is not None:
            self._pace.sent_elsewhere_at(max(moments))
        log.info("outbox: the pace goes on from %d chat(s) sent to just before", len(recent))

    def _claim_refused(self, error: Exception) -> None:
        """Said once per fault: nothing new is sent until the database takes claims."""
        if self._claim_fault is None:
            self._claim_fault = f"{type(error).__name__}: {error}"
            log.warning(
                "outbox: the database refuses claims (%s); no new message goes until it "
                "takes them",
                self._claim_fault,
            )

    async def _dispatch(self, batch: list[OutboxRow]) -> None:
        """Start a send for each row whose chat is free, oldest first; a chat's later rows
        wait for its earlier ones, so each member reads their messages in order."""
        self._forget_quiet_chats()
        soonest: float | None = None
        started = 0
        now = self._clock.now()
        for row in batch:
            if self._stopping:
                return
            if row.chat_id in self._busy_chats or self._expired(row, now):
                continue
            wait = self._chat_wait(row.chat_id)
            if wait > 0:  # this chat had a message too recently; others go first
                soonest = wait if soonest is None else min(soonest, wait)
                continue
            if not await self._take_slot():
                return
            self._start_sending(row)
            started += 1
        if not started:
            await self._idle(soonest if soonest is not None else IDLE_POLL_SECONDS)

    async def _take_slot(self) -> bool:
        """Wait for a free slot; False when stopping."""
        while self._slots_taken >= self._sends_at_once and not self._stopping:
            self._slot_freed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._slot_freed.wait(), IDLE_POLL_SECONDS)
        if self._stopping:
            return False
        self._slots_taken += 1
        return True

    def _free_slot(self) -> None:
        self._slots_taken -= 1
        self._slot_freed.set()

    def _chat_wait(self, chat_id: int) -> float:
        last = self._last_in_chat.get(chat_id)
        return 0.0 if last is None else last + self._chat_interval - time.monotonic()

    def _forget_quiet_chats(self) -> None:
        horizon = time.monotonic() - self._chat_interval
        for chat_id in [c for c, at in self._last_in_chat.items() if at < horizon]:
            del self._last_in_chat[chat_id]

    async def _idle(self, seconds: float) -> None:
        """Wait for new messages, a send to end, or `seconds`."""
        self._ready.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), seconds)

    def _expired(self, row: OutboxRow, now: datetime) -> bool:
        """A message whose moment has passed is not sent (bot.runtime.lateness)."""
        if row.not_before is None or not too_late(row.kind, row.not_before, now, self._grace):
            return False
        hours = (now - row.not_before).total_seconds() / 3600
        log.info(
            "outbox id=%d kind=%s expired: %.1f h late (grace %.1f h); not sent",
            row.id,
            row.kind,
            hours,
            self._grace.total_seconds() / 3600,
        )
        self._metrics.outbox_expired.inc()
        self._settle(Finished(row.id, row.chat_id, Result.EXPIRED, now))
        return True

    def _start_sending(self, row: OutboxRow) -> None:
        self._in_flight.add(row.id)
        self._busy_chats.add(row.chat_id)
        task = asyncio.get_running_loop().create_task(self._deliver(row), name="outbox-send")
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    # -- one message ------------------------------------------------------------------------

    async def _deliver(self, row: OutboxRow) -> None:
        slot_waits_for_record = False
        try:
            finished = await self._send(row)
            if finished is not None:
                self._settle(finished)
                self._slot_held_for.add(row.id)
                slot_waits_for_record = True
            else:  # stopped first: its claim goes, for whichever worker leads next
                self._settle(self._finished(row, Result.HANDED_BACK))
        except Exception:
            log.exception("outbox id=%d: delivery failed unexpectedly", row.id)
        finally:
            # Settled first: the row is never in neither set, so no batch can read it again.
            self._last_in_chat[row.chat_id] = time.monotonic()
            self._in_flight.discard(row.id)
            self._busy_chats.discard(row.chat_id)
            if not slot_waits_for_record:
                self._free_slot()
            self._ready.set()

    async def _send(self, row: OutboxRow) -> Finished | None:
        """Send one message until Telegram answers for good; None: stopped before it did
        (the row stays pending)."""
        language = row.language if row.language in SHIPPED else self._default_language
        message = OutgoingMessage.from_json(row.payload, language)
        attempts = row.attempts
        timed_out_once = False
        while await self._after_backoff():
            try:
                sent = await self._bot.send_message(
                    row.chat_id,
                    message.text,
                    parse_mode=message.parse_mode or None,
                    reply_markup=markup(message),
                    protect_content=message.protect_content,
                    # A member's link (one the sanitizer let through, or a moderator's)
                    # never unfolds into a preview that fetches from its site.
                    link_preview_options=NO_PREVIEW,
                    read_timeout=self._send_timeout,
                )
            except RetryAfter as error:
                # bot.runtime.pacing counted each 429 and tried again; still refused: wait.
                if not await self._pause(seconds(error.retry_after)):
                    return None
                continue
            except Forbidden:
                self._metrics.blocked.inc()
                return self._finished(row, Result.BLOCKED)
            except BadRequest as error:
                log.error("outbox id=%d kind=%s refused: %s", row.id, row.kind, error.message)
                return self._finished(row, Result.FAILED)
            except TimedOut as error:
                if isinstance(error, ConnectTimedOut):  # never left: safe to retry as usual
                    attempts += 1
                    if not await self._back_off(row, attempts, error):
                        return self._finished(row, Result.FAILED)
                    continue
                self._metrics.send_timeouts.inc()
                if timed_out_once:
                    log.error(
                        "outbox id=%d kind=%s timed out twice; given up (it may have arrived)",
                        row.id,
                        row.kind,
                    )
                    return self._finished(row, Result.FAILED)
                timed_out_once = True
                log.warning(
                    "outbox id=%d kind=%s timed out (it may have arrived); one more try in %.0fs",
                    row.id,
                    row.kind,
                    TIMED_OUT_PAUSE_SECONDS,
                )
                if not await self._pause(TIMED_OUT_PAUSE_SECONDS):
                    return None
                continue
            except NetworkError as error:
                attempts += 1
                if not await self._back_off(row, attempts, error):
                    return self._finished(row, Result.FAILED)
                continue
            self._metrics.messages_sent.inc()
            return self._finished(row, Result.SENT, sent.message_id)
        return None

    def _finished(self, row: OutboxRow, result: Result, message_id: int | None = None) -> Finished:
        return Finished(row.id, row.chat_id, result, self._clock.now(), message_id)

    async def _back_off(self, row: OutboxRow, attempts: int, error: NetworkError) -> bool:
        """After a 5xx or network error: no send starts for a while (Telegram or the network
        is struggling). False when this message has had its tries."""
        await self._count_attempt(row.id)
        if attempts >= self._max_attempts:
            log.error("outbox id=%d kind=%s given up after %d tries", row.id, row.kind, attempts)
            return False
        backoff = min(MAX_BACKOFF_SECONDS, 0.5 * 2**attempts)
        log.warning(
            "send failed (%s); retrying outbox id=%d in %.1fs",
            type(error).__name__,
            row.id,
            backoff,
        )
        self._resume_at = max(self._resume_at, time.monotonic() + backoff)
        return True

    async def _count_attempt(self, row_id: int) -> None:
        """Kept across restarts when the database takes it; the count in hand rules now."""
        try:
            async with self._db.transaction() as session:
                await outbox.count_attempt(session, row_id)
        except STORAGE_ERRORS as error:
            log.debug("outbox id=%d: try not counted (%s)", row_id, type(error).__name__)

    async def _after_backoff(self) -> bool:
        """Wait out a network backoff; False when stopping."""
        return await self._pause(self._resume_at - time.monotonic())

    async def _pause(self, seconds: float) -> bool:
        """Sleep unless stopping; False when stopping."""
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), seconds)
        return not self._stopping

    # -- recording results ------------------------------------------------------------------

    def _settle(self, finished: Finished) -> None:
        """Remember a result until the database has it; the recorder writes it soon."""
        self._unrecorded[finished.row_id] = finished
        self._record_wanted.set()

    async def _record_loop(self) -> None:
        """Write every result in hand in one transaction; while the database refuses, keep
        them and try again, backing off. Once stopping, one more try, then done."""
        pause = RECORD_FIRST_PAUSE
        while True:
            await self._record_wanted.wait()
            self._record_wanted.clear()
            finishing = self._recorder_done.is_set()
            if not self._unrecorded or await self._record_all():
                pause = RECORD_FIRST_PAUSE
                if self._unrecorded:  # more came while it wrote
                    self._record_wanted.set()
                elif finishing:
                    return
                continue
            if finishing:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._recorder_done.wait(), pause)
            pause = min(RECORD_LONGEST_PAUSE, pause * 2)
            self._record_wanted.set()

    async def _record_all(self) -> bool:
        results = list(self._unrecorded.values())
        try:
            async with self._db.transaction() as session:
                for finished in results:
                    await self._record(session, finished)
        except Exception as error:
            self._metrics.record_failures.inc()
            self._report_record_fault(error, len(results))
            return False
        for finished in results:
            if self._unrecorded.get(finished.row_id) is finished:
                del self._unrecorded[finished.row_id]
            if finished.row_id in self._slot_held_for:
                self._slot_held_for.discard(finished.row_id)
                self._free_slot()
        if self._record_fault is not None:
            log.warning("outbox: the database records results again (%d written)", len(results))
            self._record_fault = None
        self._blocked_chats_logged(results)
        return True

    def _report_record_fault(self, error: Exception, count: int) -> None:
        """Once per fault: the database's own words (SQLite's errors hold no member data)."""
        said = f"{type(error).__name__}: {error}" if isinstance(error, STORAGE_ERRORS) else ""
        if self._record_fault is not None:
            return
        self._record_fault = said or type(error).__name__
        if said:
            log.error(
                "outbox: the database refused to record %d result(s) (%s); they are held in "
                "memory, never sent again, and recorded when it recovers",
                count,
                said,
            )
        else:
            log.exception("outbox: recording %d result(s) failed; held in memory", count)

    @staticmethod
    async def _record(session: Session, finished: Finished) -> None:
        now = finished.at
        match finished.result:
            case Result.SENT:
                assert finished.message_id is not None
                await outbox.mark_sent(session, finished.row_id, finished.message_id, now)
            case Result.FAILED:
                await outbox.mark_failed(session, finished.row_id, now)
            case Result.EXPIRED:
                await outbox.mark_expired(session, finished.row_id, now)
            case Result.BLOCKED:
                await member_rows.mark_blocked(session, finished.chat_id, now)
                await outbox.drop_pending_for_chat(session, finished.chat_id, now)
            case Result.HANDED_BACK:
                await outbox.hand_back(session, finished.row_id)

    @staticmethod
    def _blocked_chats_logged(results: list[Finished]) -> None:
        for chat_id in sorted({f.chat_id for f in results if f.result is Result.BLOCKED}):
            log.info("chat_id=%d blocked the bot; dropped their pending messages", chat_id)
