"""The cheapest write that proves the database takes writes: one small row rewritten."""

from __future__ import annotations

from datetime import datetime

from storage.db import Session
from storage.timestamps import to_db


async def probe_write(session: Session, now: datetime) -> None:
    await session.execute(
        "INSERT INTO instance (key, value) VALUES ('health_probe', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (to_db(now),),
    )
