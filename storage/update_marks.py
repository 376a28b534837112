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
    # Whose updates must stay in order (bot.runtime.intake.sender_of): on PostgreSQL each
    # write transaction takes this member's lock first, so workers apply them one at a time.
    member: int | None = None
    marked: bool = False  # a commit carried its mark: it must never be handled again
    unsaved: bool = False  # a write failed for a storage fault: try it again later
    fault: str | None = None  # SQLite's words for it (no member text)
    elsewhere: bool = False  # another worker claimed it first: it stops here, saying nothing


class UpdateHandledElsewhere(Exception):
    """Another worker claimed this update first (Telegram delivered it twice, to two
    workers): the transaction that found out was rolled back, and the handler stops here
    without a word to the member. Not a StorageError: nothing failed, and code that logs a
    database's errors and goes on must let this one through."""

    def __init__(self, update_id: int) -> None:
        super().__init__(f"update_id={update_id} was claimed by another worker")
        self.update_id = update_id


# Set by the update intake around Application.process_update.
in_hand: ContextVar[UpdateInHand | None] = ContextVar("in_hand", default=None)

MARK_SQL = (
    "INSERT INTO handled_updates (update_id, handled_at) VALUES (?, ?) "
    "ON CONFLICT (update_id) DO NOTHING"
)
