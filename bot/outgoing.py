"""A message the bot composes, free of Telegram types: text plus rows of (label, data) buttons.

A message that waits in the outbox is stored in every shipped language (`in_every_language`)
and sent in the one its reader has when it goes out (`OutgoingMessage.from_json`), so a
member who changes language meanwhile reads it in the new one, and the moderators' chat
reads alerts in the operator's language whoever's update raised them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.i18n import speaking
from bot.i18n.languages import SHIPPED, SOURCE_LANGUAGE

Buttons = tuple[tuple[tuple[str, str], ...], ...]
# Under this key a stored payload keeps its other languages' renderings.
LANGUAGES = "languages"


@dataclass(frozen=True)
class OutgoingMessage:
    text: str
    buttons: Buttons = field(default_factory=tuple)
    parse_mode: str = "HTML"
    protect_content: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "buttons": [[list(button) for button in row] for row in self.buttons],
            "parse_mode": self.parse_mode,
            "protect_content": self.protect_content,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_json(cls, payload: str, language: str = SOURCE_LANGUAGE) -> OutgoingMessage:
        """The message as stored, in `language` when it was stored in several."""
        data = in_language(payload, language)
        return cls(
            text=str(data["text"]),
            buttons=tuple(
                tuple((str(label), str(callback)) for label, callback in row)
                for row in data.get("buttons", [])
            ),
            parse_mode=str(data.get("parse_mode", "HTML")),
            protect_content=bool(data.get("protect_content", False)),
        )


class Payload(Protocol):
    """What the outbox stores: an OutgoingMessage, or a combined message of parts."""

    def to_dict(self) -> dict[str, Any]: ...


def in_every_language(render: Callable[[], Payload]) -> str:
    """An outbox payload holding `render()` rendered in each shipped language: the source
    language's in full and, under LANGUAGES, each other language's where it differs (a
    message of emoji and member text alone is stored once). `render` composes the message
    (texts are translated when composed), so it is called once per language."""
    with speaking(SOURCE_LANGUAGE):
        stored = render().to_dict()
    others: dict[str, dict[str, Any]] = {}
    for language in SHIPPED:
        if language == SOURCE_LANGUAGE:
            continue
        with speaking(language):
            rendered = render().to_dict()
        if rendered != stored:
            others[language] = rendered
    if others:
        stored[LANGUAGES] = others
    return json.dumps(stored, ensure_ascii=False)


def in_language(payload: str, language: str) -> dict[str, Any]:
    """A stored payload as a dict, in `language` when stored in several (payloads written
    before languages, and languages rendered alike, read the source language's)."""
    data: dict[str, Any] = json.loads(payload)
    others: dict[str, dict[str, Any]] = data.pop(LANGUAGES, {})
    return others.get(language, data)


def rows(buttons: list[tuple[str, str]], width: int) -> Buttons:
    """Lay buttons out `width` to a row."""
    return tuple(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))
