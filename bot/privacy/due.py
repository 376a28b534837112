"""Retention on the sweep: members' notes and relayed words cleared once they are old enough.

Off unless the operator sets privacy.note_retention_days or privacy.relay_retention_days.
At most once an hour a pass walks each kind of text a chunk of rows at a time (each chunk
the sweeper's own short transaction), clearing the words written before the cutoff and
keeping the figures, dates and rows around them (storage.retention says which).
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from bot.config import PrivacySettings
from bot.runtime.sweeper import Batch
from storage import retention
from storage.db import Session

log = logging.getLogger("peercircle.retention")

PASS_EVERY = timedelta(hours=1)
# Rows read per transaction: short enough never to keep a check-in tap waiting.
CHUNK_ROWS = 500


class TextRetention:
    """A DueSource: while a pass is under way every batch is one chunk of one kind of text."""

    name = "retention"

    def __init__(self, settings: PrivacySettings, chunk_rows: int = CHUNK_ROWS) -> None:
        notes = timedelta(days=settings.note_retention_days)
        relays = timedelta(days=settings.relay_retention_days)
        kinds = [(retention.CHECKIN_NOTES, notes), (retention.SETBACK_NOTES, notes)]
        kinds.append((retention.RELAY_TEXTS, relays))
        self._kinds = [(kind, age) for kind, age in kinds if age]
        self._chunk_rows = chunk_rows
        self._next_pass: datetime | None = None
        self._started: datetime | None = None  # the pass under way, if one is
        self._at = 0
        self._after: tuple[Any, ...] | None = None
        self._cleared: Counter[str] = Counter()

    @property
    def enabled(self) -> bool:
        return bool(self._kinds)

    async def sweep_batch(self, session: Session, now: datetime, limit: int) -> Batch:
        if self._started is None:
            if not self._kinds or (self._next_pass is not None and now < self._next_pass):
                return Batch()
            self._started, self._at, self._after = now, 0, None
            self._cleared.clear()
        kind, age = self._kinds[self._at]
        chunk = await retention.clear_chunk(
            session, kind, self._after, self._started - age, self._chunk_rows
        )
        self._cleared[kind.name] += chunk.cleared
        self._after = chunk.last
        if chunk.last is None:
            self._at += 1
        if self._at < len(self._kinds):
            return Batch(more=True)
        self._end_pass()
        return Batch()

    def _end_pass(self) -> None:
        assert self._started is not None
        self._next_pass = self._started + PASS_EVERY
        self._started = None
        if any(self._cleared.values()):
            log.info(
                "retention: cleared %s",
                ", ".join(f"{count} {name}" for name, count in self._cleared.items() if count),
            )
