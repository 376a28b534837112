"""The due-row sweep: the loop that turns every feature's due rows into outbox messages.

One job calls `sweep()` every few seconds. The sweeper knows no feature: it asks each
`DueSource` it was given (Services.open lists them, in order) for one batch at a time, each
batch in its own transaction, until a batch comes back short. A source writes its messages
(each with an idempotency key) and advances its due rows in that transaction, so a crash
loses nothing and a restart sends nothing twice. What a feature sends, and when it skips a
row, is its own: bot/<feature>/due.py. The sweeper also keeps the grace rule shared by every
source (`SkipRule`) and prunes sent messages once their keys no longer guard against repeats.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock
from storage import outbox
from storage.db import Database, Session

log = logging.getLogger("peercircle.scheduler")

# Sent messages are kept this long (their idempotency keys guard against repeats), then go.
KEEP_FINISHED = timedelta(days=8)
PRUNE_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class Batch:
    """What one batch of a source did: messages queued, due rows passed over, and whether
    it took as many rows as it was allowed (then there may be more, and it is asked again)."""

    enqueued: int = 0
    skipped: int = 0
    more: bool = False


class DueSource(Protocol):
    """A feature's due rows. `sweep_batch` handles at most `limit` of those due at `now`
    inside `session`, the batch's one transaction, and must not open another."""

    name: str

    async def sweep_batch(self, session: Session, now: datetime, limit: int) -> Batch: ...


class Reachable(Protocol):
    """A member as the skip rule reads them (bot.members.service.Member fits)."""

    @property
    def blocked(self) -> bool: ...

    @property
    def paused(self) -> bool: ...


@dataclass(frozen=True)
class SkipRule:
    """Whether a push due at `due` still goes: not to a member who blocked the bot or is
    paused, and not once it is more than the grace period late (the moment has passed).
    Its due row moves on either way."""

    grace: timedelta

    def reason(self, member: Reachable, due: datetime, now: datetime) -> str | None:
        if member.blocked:
            return "blocked"
        if member.paused:
            return "paused"
        if now - due > self.grace:
            return "late"
        return None


@dataclass
class SweepResult:
    enqueued: int = 0
    skipped: int = 0

    def add(self, batch: Batch | SweepResult) -> None:
        self.enqueued += batch.enqueued
        self.skipped += batch.skipped


class DueSweeper:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        batch_size: int,
        wake: Callable[[], None],
        sources: Sequence[DueSource],
        upkeep: Sequence[Callable[[], Awaitable[None]]] = (),
    ) -> None:
        self._db = db
        self._clock = clock
        self._batch_size = batch_size
        self._wake = wake
        self._sources = tuple(sources)
        # Steps that are no feature's due rows, run before them (storage.rotation's watch).
        self._upkeep = tuple(upkeep)
        self._last_prune: datetime | None = None

    @property
    def sources(self) -> tuple[DueSource, ...]:
        return self._sources

    async def sweep(self) -> SweepResult:
        """Handle every due row; returns how many messages were queued and skipped."""
        for step in self._upkeep:
            await step()
        total = SweepResult()
        for source in self._sources:
            while True:
                batch = await self._batch(source)
                total.add(batch)
                if not batch.more:
                    break
        if total.enqueued:
            self._wake()
        await self._prune()
        if total.enqueued or total.skipped:
            log.info("sweep: enqueued=%d skipped=%d", total.enqueued, total.skipped)
        return total

    async def _batch(self, source: DueSource) -> Batch:
        """One transaction: the source queues its messages and advances its due rows."""
        async with self._db.transaction() as session:
            return await source.sweep_batch(session, self._clock.now(), self._batch_size)

    async def _prune(self) -> None:
        now = self._clock.now()
        if self._last_prune is not None and now - self._last_prune < PRUNE_EVERY:
            return
        self._last_prune = now
        async with self._db.transaction() as session:
            removed = await outbox.prune_finished(session, now - KEEP_FINISHED)
        if removed:
            log.info("pruned %d finished outbox rows", removed)
