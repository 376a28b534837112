"""Pushes due within the same hour go as one message: the combiner the due sources share.

A member's check-in prompt (bot.checkins.due) and goal nudges (bot.goals.due) due within the
hour after the first of them that day go together. Whichever source finds the first one due
asks the other features, through `Along`, for their pushes due in that hour, and hands all of
them to `push_together`: it moves every due row taken on and queues the pushes still wanted,
alone or combined. Each push keeps its own idempotency key, so a part sent once is never sent
again on its own. It lives here, not in the sweeper, because the combined message's format
(bot.combined.service) is a feature's business; bot.runtime stays a loop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, partial
from typing import Protocol

from bot.combined.service import Combined, Part, group
from bot.outgoing import in_every_language
from bot.texts import combined as combined_texts
from storage import outbox
from storage.db import Session
from storage.members import MemberRow

# Advances a due row past the occurrence due at the moment it is given (its due moment, or
# now when that is later).
MoveOn = Callable[[Session, datetime], Awaitable[None]]


@dataclass(frozen=True)
class Push:
    """A check-in prompt or goal nudge on its way: alone, or as a part of a combined one.
    `compose` makes the part in the language being spoken (it is stored in every one)."""

    key: str
    kind: str
    compose: Callable[[], Part]
    # The payload alone, when many members share it (a day's check-in prompt is the same
    # for everyone: composed in six languages once, not once per member).
    shared: Callable[[], str] | None = None

    @cached_property
    def part(self) -> Part:
        """The part as composed now: its id, size and length decide the grouping."""
        return self.compose()

    def alone(self, user_id: int) -> outbox.NewMessage:
        if self.shared is not None:
            payload = self.shared()
        else:
            payload = in_every_language(lambda: self.compose().message)
        return outbox.NewMessage(self.key, user_id, user_id, self.kind, payload)


@dataclass(frozen=True)
class Candidate:
    """A member's push due now, or within the hour after their first one that is."""

    due: datetime
    push: Push | None  # None when it need not go: answered already, paused, too late
    move_on: MoveOn | None = None  # moves its due row on when it is taken (None: the caller does)


@dataclass(frozen=True)
class First:
    """A member's first push due: its due moment and the member's local day it falls on."""

    member: MemberRow
    due: datetime
    day: date


class Along(Protocol):
    """A feature's pushes that come along with a member's first one."""

    async def along(
        self, session: Session, firsts: Sequence[First], now: datetime
    ) -> dict[int, list[Candidate]]:
        """Per member, this feature's candidates due within the hour after their first push
        (`bot.combined.service.WINDOW`), on that same local day."""
        ...


async def push_together(
    session: Session, user_id: int, candidates: list[Candidate], now: datetime
) -> int:
    """Move the due rows on and queue the pushes still wanted: one message when it is
    one push, else combined (as few as fit). Returns how many messages were queued."""
    due_now = [c for c in candidates if c.due <= now]
    early = [c for c in candidates if c.due > now and c.push is not None]
    # A push not yet due comes early only to join one that is, never on its own; one
    # that needn't go is left to its own moment.
    taken = due_now + early if early and any(c.push for c in due_now) else due_now
    for candidate in taken:
        if candidate.move_on is not None:
            await candidate.move_on(session, max(candidate.due, now))
    pushes = [c.push for c in taken if c.push is not None]
    held = await outbox.existing_keys(session, [push.key for push in pushes])
    pushes = [push for push in pushes if push.key not in held]
    by_part = {push.part.id: push for push in pushes}
    queued = 0
    for parts in group([push.part for push in pushes]):
        together = [by_part[part.id] for part in parts]
        if len(together) == 1:
            queued += await outbox.enqueue_one(session, together[0].alone(user_id), now)
            continue
        key = f"combined:{together[0].key}"
        await outbox.mark_combined(session, [p.alone(user_id) for p in together], key, now)
        payload = in_every_language(partial(_combined, together))
        message = outbox.NewMessage(key, user_id, user_id, "combined", payload)
        queued += await outbox.enqueue_one(session, message, now)
    return queued


def _combined(together: list[Push]) -> Combined:
    """Pushes as one message, composed in the language being spoken."""
    checkin = any(push.kind == "checkin" for push in together)
    intro = combined_texts.combined_intro(checkin, len(together) - checkin)
    return Combined(intro, tuple(push.compose() for push in together))
