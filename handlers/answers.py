"""Free text routed to the question it answers: each feature's `answers()` table maps its
Pending classes to a handler; the composition root merges them and refuses a kind twice."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from telegram import Update

from bot.callbacks import Pending
from bot.context import PeerContext
from bot.members.service import Member

# (update, context, member, the parsed Pending, the text typed)
TextAnswer = Callable[[Update, PeerContext, Member, Any, str], Awaitable[None]]


class AnswerTable:
    """Every feature's pending answers, by the kind stored in members.awaiting."""

    def __init__(self) -> None:
        self._by_kind: dict[str, tuple[type[Pending], TextAnswer]] = {}

    def add(self, answers: Mapping[type[Pending], TextAnswer]) -> None:
        """Take one feature's table; two features claiming one kind is a mistake at start."""
        for pending, answer in answers.items():
            if pending.kind in self._by_kind:
                other = self._by_kind[pending.kind][0].__name__
                raise ValueError(f"pending kind {pending.kind!r} is taken by {other}")
            self._by_kind[pending.kind] = (pending, answer)

    def kinds(self) -> frozenset[str]:
        return frozenset(self._by_kind)

    async def answer(
        self, update: Update, context: PeerContext, member: Member, text: str
    ) -> bool:
        """Hand the text to the handler its pending question names; False when no table
        entry claims it (or its stored value no longer parses)."""
        stored = member.pending
        if stored is None:
            return False
        entry = self._by_kind.get(Pending.kind_of(stored))
        if entry is None:
            return False
        pending_class, answer = entry
        pending = pending_class.parse(stored)
        if pending is None:
            return False
        await answer(update, context, member, pending, text)
        return True
