"""Pushes due within the same hour (the check-in, goal nudges) as one message of parts.

Each part keeps its own buttons under a heading. A press answers one part and redraws only
that part: the message's current parts live in its outbox payload, found again by the
Telegram message id, so the other parts keep their buttons whatever is pressed first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from bot.checkins.callbacks import CHECKIN_STEPS
from bot.combined.callbacks import PartHeading
from bot.i18n import current_language
from bot.i18n.languages import SOURCE_LANGUAGE
from bot.outgoing import OutgoingMessage, in_language
from bot.texts import combined as combined_texts
from storage import outbox
from storage.db import Database

# Pushes due this soon after a member's first due push come along with it.
WINDOW = timedelta(hours=1)
# Telegram takes at most 100 buttons in one keyboard; parts grow as they are answered
# (five mood buttons become eleven for confidence), so each counts at its largest.
MAX_BUTTONS = 100
# Room is left under Telegram's 4,096 for parts whose answers are longer than questions.
MAX_TEXT = 3000
HEADING_DATA = PartHeading().pack()
# The buttons that redraw their own part: the check-in's steps (whatever their day) and a
# nudge's answers, whose data reads gl:<action>:<goal id>:...
_CHECKIN_PART = tuple(f"{step.prefix}:" for step in CHECKIN_STEPS)
_GOAL_PART_ACTIONS = frozenset({"d", "n", "r", "z", "c", "ct"})


@dataclass(frozen=True)
class Part:
    """One push inside a combined message, as it reads now."""

    id: str  # "ci" (one check-in a message) or "gl:<goal id>": see part_id
    title: str  # the heading above its buttons
    message: OutgoingMessage
    most_buttons: int  # the most buttons it can show while being answered

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "most_buttons": self.most_buttons,
            "text": self.message.text,
            "buttons": [[list(button) for button in row] for row in self.message.buttons],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Part:
        buttons = tuple(
            tuple((str(label), str(callback)) for label, callback in row)
            for row in data["buttons"]
        )
        message = OutgoingMessage(str(data["text"]), buttons)
        return cls(str(data["id"]), str(data["title"]), message, int(data["most_buttons"]))


def part_id(data: str) -> str | None:
    """The part a button's data answers, for the buttons that redraw their part: "ci" for
    the check-in (whatever its day: a closed one offers today's), "gl:<id>" for a goal."""
    if data.startswith(_CHECKIN_PART):
        return "ci"
    bits = data.split(":")
    if len(bits) < 3 or bits[0] != "gl" or bits[1] not in _GOAL_PART_ACTIONS:
        return None
    return f"gl:{bits[2]}"


@dataclass(frozen=True)
class Combined:
    intro: str
    parts: tuple[Part, ...]

    def render(self) -> OutgoingMessage:
        """The intro and every part's text; under a heading each, the parts' buttons."""
        text = "\n\n".join([self.intro, *(part.message.text for part in self.parts)])
        buttons: list[tuple[tuple[str, str], ...]] = []
        for part in self.parts:
            if part.message.buttons:
                buttons.append(((combined_texts.part_heading(part.title), HEADING_DATA),))
                buttons.extend(part.message.buttons)
        return OutgoingMessage(text, tuple(buttons))

    def with_part(self, part_id: str, message: OutgoingMessage) -> Combined:
        """The same message with one part now reading `message` (unknown ids change nothing)."""
        return replace(
            self,
            parts=tuple(
                replace(part, message=message) if part.id == part_id else part
                for part in self.parts
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        """What the outbox stores: the rendered message (for delivery) and its parts."""
        return {
            **self.render().to_dict(),
            "intro": self.intro,
            "parts": [p.to_dict() for p in self.parts],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_json(cls, payload: str, language: str = SOURCE_LANGUAGE) -> Combined:
        """The stored message in `language` (as delivered to its reader)."""
        data = in_language(payload, language)
        return cls(str(data["intro"]), tuple(Part.from_dict(p) for p in data["parts"]))


def fits(parts: Sequence[Part]) -> bool:
    """Whether these parts make one message within Telegram's limits, however answered."""
    buttons = sum(part.most_buttons + 1 for part in parts)  # + 1: each part's heading
    text = sum(len(part.message.text) + 2 for part in parts)
    return buttons <= MAX_BUTTONS and text <= MAX_TEXT


def group(parts: Sequence[Part]) -> list[list[Part]]:
    """Parts in order, as few messages as fit (nearly always one)."""
    groups: list[list[Part]] = []
    for part in parts:
        if groups and fits([*groups[-1], part]):
            groups[-1].append(part)
        else:
            groups.append([part])
    return groups


class CombinedMessages:
    """Redraws one part of a combined message after a button press."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def with_part(
        self, chat_id: int, message_id: int, part_id: str, message: OutgoingMessage
    ) -> OutgoingMessage | None:
        """The whole message to show once part `part_id` reads `message`; None when the
        message is not a combined one (then `message` replaces it, as for any message)."""
        async with self._db.read() as session:
            found = await outbox.combined_by_message(session, chat_id, message_id)
        if found is None:
            return None
        async with self._db.transaction() as session:
            # Read again inside the write: the payload is what the last press left.
            found = await outbox.combined_by_message(session, chat_id, message_id)
            if found is None:
                return None
            # The reader's language now: the one the press is answered in.
            stored = Combined.from_json(found.payload, current_language())
            combined = stored.with_part(part_id, message)
            await outbox.set_payload(session, found.id, combined.to_json())
        return combined.render()
