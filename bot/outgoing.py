"""A message the bot composes, free of Telegram types: text plus rows of (label, data) buttons."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

Buttons = tuple[tuple[tuple[str, str], ...], ...]


@dataclass(frozen=True)
class OutgoingMessage:
    text: str
    buttons: Buttons = field(default_factory=tuple)
    parse_mode: str = "HTML"
    protect_content: bool = False

    def to_json(self) -> str:
        return json.dumps(
            {
                "text": self.text,
                "buttons": [[list(button) for button in row] for row in self.buttons],
                "parse_mode": self.parse_mode,
                "protect_content": self.protect_content,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, payload: str) -> OutgoingMessage:
        data: dict[str, Any] = json.loads(payload)
        return cls(
            text=str(data["text"]),
            buttons=tuple(
                tuple((str(label), str(callback)) for label, callback in row)
                for row in data.get("buttons", [])
            ),
            parse_mode=str(data.get("parse_mode", "HTML")),
            protect_content=bool(data.get("protect_content", False)),
        )


def rows(buttons: list[tuple[str, str]], width: int) -> Buttons:
    """Lay buttons out `width` to a row."""
    return tuple(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))
