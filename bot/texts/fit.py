"""Texts measured and cut as Telegram measures them: in UTF-16 code units, after HTML tags
and entities are taken out ("&lt;" is one character, "<b>" none, an emoji often two).

Every outgoing text passes through here at the end (bot.runtime.transport): one too long for
a message is split at paragraph or line breaks into several, tags closed at each cut and
opened again after it; one that cannot be split (an edit, a caption) is shortened with "…".
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
ELLIPSIS = "…"

_MARKUP = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>|&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def units(text: str) -> int:
    """The length Telegram counts: UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def visible(text: str, parse_mode: str | None = "HTML") -> str:
    """What the reader sees of `text`: tags taken out and entities read, for HTML."""
    if not parse_mode or parse_mode.upper() != "HTML":
        return text
    return html.unescape(re.sub(r"<[^>]*>", "", text))


def fits(text: str, limit: int = MESSAGE_LIMIT, parse_mode: str | None = "HTML") -> bool:
    return units(visible(text, parse_mode)) <= limit


def clip(text: str, limit: int) -> str:
    """Someone's plain words cut to `limit` UTF-16 units, "…" included, never inside an
    emoji's surrogate pair."""
    if units(text) <= limit:
        return text
    kept, used = [], 0
    for ch in text:
        size = 2 if ord(ch) > 0xFFFF else 1
        if used + size > limit - 1:
            break
        kept.append(ch)
        used += size
    return "".join(kept) + ELLIPSIS


@dataclass(frozen=True)
class _Atom:
    raw: str
    size: int  # visible UTF-16 units
    opens: str | None = None  # the tag name this atom opens
    closes: str | None = None


def _atoms(text: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    pos = 0
    for found in _MARKUP.finditer(text):
        atoms.extend(_Atom(ch, units(ch)) for ch in text[pos : found.start()])
        raw = found.group(0)
        if raw.startswith("&"):
            atoms.append(_Atom(raw, units(html.unescape(raw))))
        elif found.group(1):
            atoms.append(_Atom(raw, 0, closes=found.group(2).lower()))
        else:
            atoms.append(_Atom(raw, 0, opens=found.group(2).lower()))
        pos = found.end()
    atoms.extend(_Atom(ch, units(ch)) for ch in text[pos:])
    return atoms


def split(text: str, limit: int = MESSAGE_LIMIT, parse_mode: str | None = "HTML") -> list[str]:
    """`text` as one message, or as several that each fit, cut at a paragraph break, else a
    line break, else a space, else anywhere; HTML tags open at a cut are closed before it
    and opened again after it."""
    if fits(text, limit, parse_mode):
        return [text]
    is_html = bool(parse_mode) and str(parse_mode).upper() == "HTML"
    atoms = _atoms(text) if is_html else [_Atom(ch, units(ch)) for ch in text]
    pieces: list[str] = []
    start = 0
    opened: list[_Atom] = []  # tags open where this piece starts
    while start < len(atoms):
        end, used, stack = start, 0, list(opened)
        best: tuple[int, int, list[_Atom]] | None = None  # (rank, cut index, tags open there)
        while end < len(atoms) and used + atoms[end].size <= limit:
            atom = atoms[end]
            used += atom.size
            end += 1
            if atom.opens:
                stack.append(atom)
            elif atom.closes and stack and stack[-1].opens == atom.closes:
                stack.pop()
            rank = _cut_rank(atoms, end)
            if rank and (best is None or rank >= best[0]):
                best = (rank, end, list(stack))
        if end == len(atoms):
            cut, open_at_cut = end, stack
        elif best is not None:
            cut, open_at_cut = best[1], best[2]
        else:
            cut, open_at_cut = max(end, start + 1), stack
        body = "".join(a.raw for a in opened) + "".join(a.raw for a in atoms[start:cut])
        closing = "".join(f"</{a.opens}>" for a in reversed(open_at_cut))
        if body.strip():
            pieces.append(body.rstrip("\n") + closing if closing else body.rstrip("\n"))
        start = cut
        while start < len(atoms) and atoms[start].raw in ("\n", " "):
            start += 1  # a new message does not start with the break it was cut at
        opened = open_at_cut
    return pieces or [text]


def _cut_rank(atoms: list[_Atom], index: int) -> int:
    """How good a place to cut just before atoms[index] is: 3 a paragraph break, 2 a line
    break, 1 a space, 0 inside a word."""
    if index >= len(atoms) or index == 0:
        return 0
    before = atoms[index - 1].raw
    if before == "\n":
        return 3 if index >= 2 and atoms[index - 2].raw == "\n" else 2
    return 1 if before == " " else 0


def shorten(text: str, limit: int = MESSAGE_LIMIT, parse_mode: str | None = "HTML") -> str:
    """`text` cut to fit one message (an edit or a caption cannot become two), ending "…"."""
    if fits(text, limit, parse_mode):
        return text
    first = split(text, limit - 1, parse_mode)[0]
    is_html = bool(parse_mode) and str(parse_mode).upper() == "HTML"
    if is_html:
        closing = re.search(r"(</[a-zA-Z][a-zA-Z0-9-]*>)+$", first)
        if closing:
            return first[: closing.start()] + ELLIPSIS + closing.group(0)
    return first + ELLIPSIS
