"""Which language each person reads, and the region whose crisis lines they see.

Every update is rendered in its sender's language (handlers.language sets it before any
other handler runs), so this is asked once per update: members' choices are remembered in
memory after the first read and changed only through here. A person who is not a member
yet reads the language they picked under the notice (kept in memory only), else their
Telegram language when it is shipped, else the configured default.
"""

from __future__ import annotations

from collections import OrderedDict

from bot.i18n.languages import SHIPPED, shipped_language
from storage import members as member_rows
from storage.db import Database

# Choices made before joining, kept in memory only (nothing is stored about a person who
# has not agreed); the oldest go first beyond this many.
UNJOINED_KEPT = 10_000


class MemberLanguages:
    def __init__(self, db: Database, default_language: str) -> None:
        self._db = db
        self.default = default_language
        # user id -> (language, region) as stored, for members only.
        self._known: dict[int, tuple[str | None, str | None]] = {}
        # user id -> language chosen from the notice, until they agree (then it is stored).
        self._unjoined: OrderedDict[int, str] = OrderedDict()

    async def _reading(self, user_id: int) -> tuple[str | None, str | None] | None:
        known = self._known.get(user_id)
        if known is not None:
            return known
        async with self._db.read() as session:
            found = await member_rows.reading(session, user_id)
        if found is not None:
            self._known[user_id] = found
        return found

    async def language_of(self, user_id: int, telegram_code: str | None) -> str:
        """The language to speak to this person in now."""
        found = await self._reading(user_id)
        if found is not None:
            self._unjoined.pop(user_id, None)
            chosen = found[0]
            return chosen if chosen in SHIPPED else self.default
        return self._unjoined.get(user_id) or shipped_language(telegram_code) or self.default

    async def region_of(self, user_id: int) -> str | None:
        found = await self._reading(user_id)
        return found[1] if found is not None else None

    async def choose_language(self, user_id: int, language: str) -> bool:
        """Store a member's choice; for someone not joined yet, remember it in memory
        until they agree (False: nothing stored)."""
        if await self._store(user_id, language=language):
            return True
        self._unjoined[user_id] = language
        self._unjoined.move_to_end(user_id)
        while len(self._unjoined) > UNJOINED_KEPT:
            self._unjoined.popitem(last=False)
        return False

    async def choose_region(self, user_id: int, region: str | None) -> bool:
        return await self._store(user_id, region=region)

    async def _store(self, user_id: int, **fields: str | None) -> bool:
        async with self._db.transaction() as session:
            found = await member_rows.reading(session, user_id)
            if found is None:
                return False
            await member_rows.update(session, user_id, **fields)
        language, region = found
        self._known[user_id] = (
            fields.get("language", language),
            fields.get("region", region),
        )
        return True

    def forget(self, user_id: int) -> None:
        """After /forget or a new membership: read again from storage next time."""
        self._known.pop(user_id, None)
        self._unjoined.pop(user_id, None)
