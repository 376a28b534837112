"""The database as repositories see it: Database, Session and Row, whatever the engine.

The names stay here so that repositories, the bot and the tests import them from one place;
the engine that serves them lives in storage.engines.
"""

from __future__ import annotations

from storage.engines.sqlite import CHECKPOINT_PAGES, Database, Row, Session, without

__all__ = ["CHECKPOINT_PAGES", "Database", "Row", "Session", "without"]
