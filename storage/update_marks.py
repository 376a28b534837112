"""The id of the Telegram update being handled, for marking it in the same commit.

Kept apart from storage.updates so storage.db can use it without an import cycle.
"""

from __future__ import annotations

from contextvars import ContextVar

# Set by the update intake around Application.process_update; asyncio tasks inherit it.
handling_update: ContextVar[int | None] = ContextVar("handling_update", default=None)

MARK_SQL = (
    "INSERT INTO handled_updates (update_id, handled_at) VALUES (?, ?) "
    "ON CONFLICT (update_id) DO NOTHING"
)
