"""Free text routed to the question it answers, and /cancel to the feature that asked.

Each feature's handler module may declare, beside `handlers()`:
    answers()     {Pending class: handler of the typed answer}
    cancels()     {Pending class: what /cancel does while that question is open}
    plain_text()  a handler for text when no question is open (True when it took it)
The composition root merges them into one AnswerTable and refuses a kind claimed twice, so
no handler module imports another to route text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from telegram import Update

from bot.callbacks import Pending
from bot.context import PeerContext
from bot.members.rules import Member

# (update, context, member, the parsed Pending, the text typed)
TextAnswer = Callable[[Update, PeerContext, Member, Any, str], Awaitable[None]]
# (update, context, member, the kind of the open question)
Cancel = Callable[[Update, PeerContext, Member, str], Awaitable[None]]
# (update, context, user id, the text typed) -> whether it was taken
PlainText = Callable[[Update, PeerContext, int, str], Awaitable[bool]]


class AnswerTable:
    """Every feature's pending answers, by the kind stored in members.awaiting."""

    def __init__(self) -> None:
        self._by_kind: dict[str, tuple[type[Pending], TextAnswer]] = {}
        self._cancels: dict[str, Cancel] = {}
        self._plain: list[PlainText] = []

    def add(self, answers: Mapping[type[Pending], TextAnswer]) -> None:
        """Take one feature's table; two features claiming one kind is a mistake at start."""
        for pending, answer in answers.items():
            if pending.kind in self._by_kind:
                other = self._by_kind[pending.kind][0].__name__
                raise ValueError(f"pending kind {pending.kind!r} is taken by {other}")
            self._by_kind[pending.kind] = (pending, answer)

    def add_cancels(self, cancels: Mapping[type[Pending], Cancel]) -> None:
        """What /cancel does for some of a feature's questions (others: just stop waiting)."""
        for pending, cancel in cancels.items():
            if pending.kind in self._cancels:
                raise ValueError(f"/cancel of {pending.kind!r} is declared twice")
            self._cancels[pending.kind] = cancel

    def add_plain_text(self, handler: PlainText) -> None:
        self._plain.append(handler)

    def _parsed(self, member: Member) -> Pending | None:
        stored = member.pending
        entry = self._by_kind.get(Pending.kind_of(stored)) if stored else None
        return entry[0].parse(stored) if entry else None

    async def answer(
        self, update: Update, context: PeerContext, member: Member, text: str
    ) -> bool:
        """Hand the text to the handler its pending question names; False when no question
        is open, or the stored one no longer parses."""
        pending = self._parsed(member)
        if pending is None:
            return False
        await self._by_kind[pending.kind][1](update, context, member, pending, text)
        return True

    async def cancel(self, update: Update, context: PeerContext, member: Member) -> bool:
        """Run the feature's own /cancel for the open question (by its kind alone, so a
        damaged value still drops a half-made goal); False when the feature has none."""
        kind = Pending.kind_of(member.pending or "")
        cancel = self._cancels.get(kind)
        if cancel is None:
            return False
        await cancel(update, context, member, kind)
        return True

    async def plain(self, update: Update, context: PeerContext, user_id: int, text: str) -> bool:
        """Text with no question open: the first feature that takes it."""
        for handler in self._plain:
            if await handler(update, context, user_id, text):
                return True
        return False
