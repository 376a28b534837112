"""The Telegram update being handled, for marking it in the same commit as its writes.

Kept apart from storage.updates so storage.db can use it without an import cycle.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class UpdateInHand:
    """One update while the application handles it (asyncio tasks it starts share this)."""

    update_id: int
    retry: int = 0  # how many times it was tried before, when storage failed it
    marked: bool = False  # a commit carried its mark: it must never be handled again
    unsaved: bool = False  # a write failed for a storage fault: try it again later
    fault: str | None = None  # SQLite's words for it (no member text)


# Set by the update intake around Application.process_update.
in_hand: ContextVar[UpdateInHand | None] = ContextVar("in_hand", default=None)

MARK_SQL = (
    "INSERT INTO handled_updates (update_id, handled_at) VALUES (?, ?) "
    "ON CONFLICT (update_id) DO NOTHING"
)
