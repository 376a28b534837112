"""The database as repositories see it: Database, Session and Row, whatever the engine.

The names stay here so that repositories, the bot and the tests import them from one place;
the engines that serve them live in storage.engines, and Database.open(url) picks one by the
URL's scheme (storage.engines.base).
"""

from __future__ import annotations

from storage.engines.base import Database, Params, Row, Session, without
from storage.engines.sqlite import CHECKPOINT_PAGES

__all__ = ["CHECKPOINT_PAGES", "Database", "Params", "Row", "Session", "without"]
