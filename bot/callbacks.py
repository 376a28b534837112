"""What comes back from Telegram, typed: a button's data and the answer a member's next text
is waiting for (members.awaiting).

Each is a small frozen dataclass that packs into the wire string the bot has always written
and parses back, in one place per feature (bot/<feature>/callbacks.py), so the writer and
the reader cannot drift apart. The strings never change: buttons sit in members' chats and
in the outbox for up to a week, and a pending answer in the database across restarts.

Wire format: the tag ("gl:z", "goal_time"), then each field in order, joined by ":".
    int         decimal digits (a leading "-" for chat ids)
    bool        "1" or "0"
    date        YYYYMMDD, or YYYY-MM-DD for a field declared with ISO_DATE
    StrEnum     its value
    str         as is; it may not hold ":" (packing refuses it)
A trailing field that may be None is left out when it is None. A class whose wire string
does not fit this (two values in one part) overrides `_values` and `_from_values`.

Parsing never raises: data that does not fit (forged, stale, or from a bot version that
had other buttons) gives None, and the handler answers "This button has expired".
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Self

SEP = ":"
# Telegram refuses callback data over 64 bytes.
MAX_BUTTON_BYTES = 64
# members.awaiting holds short values; anything longer is not ours.
MAX_PENDING_CHARS = 200

_INT = re.compile(r"-?[0-9]{1,19}")
_COMPACT_DATE = re.compile(r"[0-9]{8}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO = "iso"
# A date field written YYYY-MM-DD on the wire (the older pending-answer format):
#     day: date = field(metadata=ISO_DATE)
ISO_DATE = {"wire": _ISO}


class CodecError(ValueError):
    """A value that cannot be packed: too long, or holding the separator."""


class _Packed:
    """The machinery Button and Pending share: fields to and from wire parts."""

    tag: ClassVar[str]
    _limit: ClassVar[int] = MAX_PENDING_CHARS

    def pack(self) -> str:
        """The wire string; CodecError when it could not be read back as it was meant."""
        values = self._values()
        for value in values:
            if SEP in value:
                raise CodecError(f"{type(self).__name__}: a value holds {SEP!r}")
        packed = SEP.join((self.tag, *values))
        if len(packed.encode()) > self._limit:
            raise CodecError(f"{type(self).__name__}: {len(packed.encode())} bytes")
        return packed

    @classmethod
    def parse(cls, data: object) -> Self | None:
        """The value behind a wire string, or None when it is not one of ours."""
        if not isinstance(data, str) or len(data) > cls._limit:
            return None
        if data == cls.tag:
            parts: list[str] = []
        elif data.startswith(cls.tag + SEP):
            parts = data[len(cls.tag) + 1 :].split(SEP)
        else:
            return None
        try:
            return cls._from_values(parts)
        except (ValueError, TypeError):
            return None

    def _values(self) -> tuple[str, ...]:
        """The fields as wire parts, in order; trailing None fields left out."""
        parts: list[str | None] = [
            _encode(getattr(self, f.name), f)
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
        ]
        while parts and parts[-1] is None:
            parts.pop()
        if any(part is None for part in parts):
            raise CodecError(f"{type(self).__name__}: only trailing fields may be None")
        return tuple(part for part in parts if part is not None)

    @classmethod
    def _from_values(cls, parts: list[str]) -> Self | None:
        """The object from wire parts; None when their number or shape is wrong."""
        declared = dataclasses.fields(cls)  # type: ignore[arg-type]
        hints = _hints(cls)
        required = sum(1 for f in declared if not _optional(hints[f.name]))
        if not required <= len(parts) <= len(declared):
            return None
        values: dict[str, Any] = {}
        for position, declared_field in enumerate(declared):
            if position >= len(parts):
                values[declared_field.name] = None
                continue
            value = _decode(parts[position], hints[declared_field.name], declared_field)
            if value is None:
                return None
            values[declared_field.name] = value
        return cls(**values)


class Button(_Packed):
    """A button's callback data. Subclasses declare `prefix=` and their fields."""

    prefix: ClassVar[str]
    _limit: ClassVar[int] = MAX_BUTTON_BYTES
    _prefixes: ClassVar[dict[str, type[Button]]] = {}

    def __init_subclass__(cls, prefix: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix is None:
            return
        if prefix in Button._prefixes:
            other = Button._prefixes[prefix].__name__
            raise TypeError(f"button prefix {prefix!r} is taken by {other}")
        Button._prefixes[prefix] = cls
        cls.prefix = cls.tag = prefix

    @classmethod
    def route(cls) -> str:
        """The pattern a CallbackQueryHandler routes this button's presses by."""
        return f"^{re.escape(cls.prefix)}(?:{SEP}|$)"


class Pending(_Packed):
    """What a member's next free text answers. Subclasses declare `kind=` and fields."""

    kind: ClassVar[str]

    def __init_subclass__(cls, kind: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if kind is not None:
            cls.kind = cls.tag = kind

    @classmethod
    def kind_of(cls, awaiting: str) -> str:
        """The kind at the front of a stored value ("goal_time:17:m31" → "goal_time")."""
        return awaiting.partition(SEP)[0]


def _encode(value: object, declared: dataclasses.Field[Any]) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        if declared.metadata.get("wire") == _ISO:
            return value.isoformat()
        return value.strftime("%Y%m%d")
    if isinstance(value, str):
        return value
    raise CodecError(f"{declared.name}: cannot pack {type(value).__name__}")


def _decode(part: str, hint: Any, declared: dataclasses.Field[Any]) -> object | None:
    kind = _plain(hint)
    if kind is bool:
        return {"1": True, "0": False}.get(part)
    if kind is int:
        if not _INT.fullmatch(part):
            return None
        value = int(part)
        # 19 digits can still overflow SQLite's 64-bit integers (and raise in a query).
        return value if -(2**63) <= value < 2**63 else None
    if kind is date:
        if declared.metadata.get("wire") == _ISO:
            return date.fromisoformat(part) if _ISO_DATE.fullmatch(part) else None
        if not _COMPACT_DATE.fullmatch(part):
            return None
        return date(int(part[:4]), int(part[4:6]), int(part[6:]))
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return kind(part)  # ValueError for an unknown value: the caller gives None
    if kind is str:
        return part
    raise TypeError(f"{declared.name}: no wire form for {hint!r}")


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The resolved field types of a class (annotations are strings here), cached."""
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def _optional(hint: Any) -> bool:
    return isinstance(hint, types.UnionType) and type(None) in typing.get_args(hint)


def _plain(hint: Any) -> Any:
    """X from `X | None`."""
    if isinstance(hint, types.UnionType):
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return args[0] if len(args) == 1 else hint
    return hint
