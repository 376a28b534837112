"""What the emulator remembers: messages the bot sent, calls it made, and Telegram's text rules."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    }
)
_TAG = re.compile(r"<(/?)([a-z-]+)((?:\s+[^<>]*)?)>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class HtmlError(ValueError):
    """Text that Telegram would refuse with "can't parse entities"."""


_MARKUP = re.compile(r"[<&]")


def visible_html_text(text: str) -> str:
    """The text a user sees for a parse_mode=HTML message, or HtmlError as Telegram would."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    # Plain runs are copied whole; only tags and entities are looked at one by one.
    while (found := _MARKUP.search(text, pos)) is not None:
        start = found.start()
        out.append(text[pos:start])
        if text[start] == "<":
            match = _TAG.match(text, start)
            if not match or match.group(2) not in ALLOWED_TAGS:
                raise HtmlError(f"Bad Request: can't parse entities: unsupported tag at {start}")
            closing, tag = match.group(1) == "/", match.group(2)
            if closing:
                if not stack or stack.pop() != tag:
                    raise HtmlError(f"Bad Request: can't parse entities: unmatched </{tag}>")
            else:
                stack.append(tag)
        else:
            match = _ENTITY.match(text, start)
            if not match:
                raise HtmlError(f"Bad Request: can't parse entities: bare '&' at {start}")
            out.append(html.unescape(match.group(0)))
        pos = match.end()
    out.append(text[pos:])
    if stack:
        raise HtmlError(f"Bad Request: can't parse entities: <{stack[-1]}> is not closed")
    return "".join(out)


@dataclass
class SentMessage:
    """A message in a chat as the user sees it now (after edits), sent by the bot."""

    chat_id: int
    message_id: int
    date: int
    text: str | None = None  # what the user sees: HTML already rendered to plain text
    raw_text: str | None = None  # exactly what the bot sent
    parse_mode: str | None = None
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None
    photo: bytes | None = None
    document: bytes | None = None
    document_name: str | None = None
    protect_content: bool = False
    entities: list[dict[str, Any]] | None = None
    method: str = "sendMessage"
    deleted: bool = False
    edits: int = 0
    media_edits: int = 0  # editMessageMedia calls: the photo or document was replaced

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline buttons, row by row flattened."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard") or []
        return [button for row in rows for button in row]

    @property
    def button_labels(self) -> list[str]:
        return [str(button.get("text", "")) for button in self.buttons]

    def find_button(self, label: str) -> dict[str, Any] | None:
        """The button whose label is `label`, else the first whose label contains it."""
        exact = [b for b in self.buttons if b.get("text") == label]
        if exact:
            return exact[0]
        partial = [b for b in self.buttons if label in str(b.get("text", ""))]
        return partial[0] if partial else None

    @property
    def shown_text(self) -> str:
        """Text or caption, whichever the message has."""
        return self.text if self.text is not None else (self.caption or "")


@dataclass(frozen=True)
class RecordedCall:
    """One Bot API call as the emulator received it (file contents replaced by their size)."""

    method: str
    params: dict[str, Any]
    status: int
    at: float
    result: Any = None


@dataclass
class CallbackAnswer:
    query_id: str
    text: str | None
    show_alert: bool


@dataclass
class ChatInfo:
    chat_id: int
    kind: str  # "private" or "supergroup"
    title: str | None = None
    messages: list[SentMessage] = field(default_factory=list)
