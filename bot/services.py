"""The long-lived objects handlers reach: built once at start-up, closed at shutdown."""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from bot.members import MemberService
from storage.db import Database


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: Database
    members: MemberService

    @classmethod
    async def open(cls, settings: Settings, clock: Clock, rng: random.Random) -> Services:
        db = await Database.open(settings.storage.path)
        return cls(
            settings=settings,
            clock=clock,
            db=db,
            members=MemberService(db, clock, rng, settings.members),
        )

    async def close(self) -> None:
        await self.db.close()
