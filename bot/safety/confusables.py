"""Text as the contact-detail detector reads it, with a map back to the member's characters.

Detection reads a folded copy: compatibility forms folded (NFKC: full-width, circled and
mathematical letters and digits), every digit (decimal, superscript, circled) as ASCII,
invisible characters and combining marks dropped, whitespace runs as one space (a line break
kept as "\\n"), and look-alike Cyrillic, Greek and Armenian letters read as Latin where a word
mixes scripts. Each folded character remembers which of the member's characters it came from,
so that what is found can be taken out of the text as the member wrote it, and nothing else in
it changes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

# Characters that show nothing but can split a word ("exa\u200bmple.com") or reorder what the
# reader sees (a right-to-left override shows "moc.elpmaxe" as "example.com"). Dropped for
# detection and from what is relayed: the reader sees the text in the order it was screened.
INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u200b\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
)
# Invisible too, but emoji and some scripts need them (👨‍👩‍👧, ❤️): dropped for detection only.
_JOINERS = frozenset("\u200c\u200d") | frozenset(map(chr, range(0xFE00, 0xFE10)))
# A right-to-left override shows the characters after it reversed, up to a pop or line end.
RIGHT_TO_LEFT_OVERRIDE = "\u202e"
_OVERRIDE_ENDS = frozenset("\u202c\u2069\n\r\u2028\u2029")
_LINE_BREAKS = frozenset("\n\r\u2028\u2029\x0b\x0c\x85")
# Dots that NFKC leaves alone but a reader takes for ".": ideographic stop, middle dots.
_DOTS = frozenset("\u3002\u00b7\u2022\u2219\u22c5\u2027\ua4f8\u0701\u0702")
_SPACE_LIKE = frozenset("\u2800")  # braille blank: shows as a space

# Letters of other alphabets a reader takes for Latin ones (after Unicode's confusables.txt,
# widened to the small-capital shapes that still read as the Latin letter in a link).
LOOKALIKES = {
    # Cyrillic capitals, then small letters
    "\u0410": "A",
    "\u0412": "B",
    "\u0415": "E",
    "\u041a": "K",
    "\u041c": "M",
    "\u041d": "H",
    "\u041e": "O",
    "\u0420": "P",
    "\u0421": "C",
    "\u0422": "T",
    "\u0425": "X",
    "\u0423": "Y",
    "\u0406": "I",
    "\u0408": "J",
    "\u0405": "S",
    "\u04ae": "Y",
    "\u051a": "Q",
    "\u051c": "W",
    "\u04c0": "I",
    "\u0430": "a",
    "\u0435": "e",
    "\u043e": "o",
    "\u0440": "p",
    "\u0441": "c",
    "\u0443": "y",
    "\u0445": "x",
    "\u0456": "i",
    "\u0458": "j",
    "\u0455": "s",
    "\u0501": "d",
    "\u04bb": "h",
    "\u051b": "q",
    "\u051d": "w",
    "\u04cf": "l",
    "\u04af": "y",
    "\u043a": "k",
    "\u043c": "m",
    "\u0442": "t",
    "\u043d": "h",
    "\u0432": "b",
    "\u0433": "r",
    "\u043f": "n",
    "\u0438": "u",
    "\u044c": "b",
    # Greek capitals, then small letters
    "\u0391": "A",
    "\u0392": "B",
    "\u0395": "E",
    "\u0396": "Z",
    "\u0397": "H",
    "\u0399": "I",
    "\u039a": "K",
    "\u039c": "M",
    "\u039d": "N",
    "\u039f": "O",
    "\u03a1": "P",
    "\u03a4": "T",
    "\u03a5": "Y",
    "\u03a7": "X",
    "\u03b1": "a",
    "\u03b9": "i",
    "\u03ba": "k",
    "\u03bd": "v",
    "\u03bf": "o",
    "\u03c1": "p",
    "\u03c4": "t",
    "\u03c5": "u",
    "\u03c7": "x",
    "\u03b3": "y",
    "\u03c9": "w",
    "\u03b5": "e",
    "\u03b7": "n",
    # Greek lunate sigma and yot, Cyrillic izhitsa, Armenian, and Latin letters of other
    # alphabets (dotless i, Latin alpha, script g)
    "\u03f9": "C",
    "\u03f2": "c",
    "\u03f3": "j",
    "\u0474": "V",
    "\u0475": "v",
    "\u0555": "O",
    "\u054d": "U",
    "\u0585": "o",
    "\u057d": "u",
    "\u0570": "h",
    "\u0578": "n",
    "\u0581": "g",
    "\u0131": "i",
    "\u0251": "a",
    "\u0261": "g",
}
_AS_LATIN = str.maketrans(LOOKALIKES)
_LUNATE_SIGMAS = frozenset("\u03f9\u03f2")
_TOKEN = re.compile(r"\S+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Folded:
    """Folded text; character i came from the member's characters starts[i]:ends[i]."""

    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    def origin(self, start: int, end: int) -> tuple[int, int]:
        """The member's characters behind folded text[start:end] (reversed runs included)."""
        return min(self.starts[start:end]), max(self.ends[start:end])

    def with_text(self, text: str) -> Folded:
        """The same map under a character-for-character change of the text."""
        assert len(text) == len(self.text)
        return Folded(text, self.starts, self.ends)


def reading_orders(text: str) -> list[Iterable[int]]:
    """The order the characters are stored in, and, when a right-to-left override is used,
    also the order a reader sees them in."""
    orders: list[Iterable[int]] = [range(len(text))]
    if RIGHT_TO_LEFT_OVERRIDE in text:
        orders.append(_visual_order(text))
    return orders


def _visual_order(text: str) -> list[int]:
    order: list[int] = []
    i = 0
    while i < len(text):
        if text[i] != RIGHT_TO_LEFT_OVERRIDE:
            order.append(i)
            i += 1
            continue
        end = i + 1
        while end < len(text) and text[end] not in _OVERRIDE_ENDS:
            end += 1
        order.extend(range(end - 1, i - 1, -1))
        i = end
    return order


def fold(text: str, order: Iterable[int]) -> Folded:
    """The characters of `text`, taken in `order`, folded for detection (case kept)."""
    built = _Building()
    if order != range(len(text)):
        built.add_each(text, order)
        return built.folded()
    position = 0
    for plain in _PLAIN.finditer(text):  # most text: printable ASCII, single spaces
        built.add_each(text, range(position, plain.start()))
        built.add_plain(text, plain.start(), plain.end())
        position = plain.end()
    built.add_each(text, range(position, len(text)))
    return built.folded()


_PLAIN = re.compile(r"[!-~]+(?: [!-~]+)*")


class _Building:
    """Folded text as it is put together, a character or a plain run at a time."""

    def __init__(self) -> None:
        self.pieces: list[str] = []  # a space or line break is always a piece of its own
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add_plain(self, text: str, start: int, end: int) -> None:
        self.pieces.append(text[start:end])
        self.starts.extend(range(start, end))
        self.ends.extend(range(start + 1, end + 1))

    def add_each(self, text: str, order: Iterable[int]) -> None:
        pieces, starts, ends = self.pieces, self.starts, self.ends
        for i in order:
            folded = _fold_char(text[i])
            if not folded:
                continue
            if folded in (" ", "\n") and pieces and pieces[-1] in (" ", "\n"):
                if folded == "\n":  # a run of spaces holding a line break reads as one
                    pieces[-1] = "\n"
                starts[-1], ends[-1] = min(starts[-1], i), max(ends[-1], i + 1)
                continue
            for char in folded:
                pieces.append(char)
                starts.append(i)
                ends.append(i + 1)

    def folded(self) -> Folded:
        return Folded("".join(self.pieces), self.starts, self.ends)


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    if char.isascii():
        if char.isspace():
            return "\n" if char in _LINE_BREAKS else " "
        return char
    if char in INVISIBLE or char in _JOINERS:
        return ""
    if char in _LINE_BREAKS:
        return "\n"
    if char.isspace() or char in _SPACE_LIKE:
        return " "
    if char in _DOTS:
        return "."
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):  # marks, keycaps, other format
        return ""
    if char in _LUNATE_SIGMAS:  # NFKC would make them sigmas, which look like no Latin letter
        return char
    folded = []
    for part in unicodedata.normalize("NFKC", char):
        digit = unicodedata.digit(part, None)  # decimal, superscript, circled digits
        if digit is not None:
            folded.append(str(digit))
        elif unicodedata.category(part) not in ("Mn", "Me"):
            folded.append(part)
    return "".join(folded)


def lowered(folded: Folded) -> Folded:
    """Lower case, one character for one (the rare letter that lowers into two stays)."""
    text = folded.text.lower()
    if len(text) != len(folded.text):
        text = "".join(c.lower() if len(c.lower()) == 1 else c for c in folded.text)
    return folded.with_text(text)


def lookalikes_as_latin(folded: Folded) -> Folded:
    """Cyrillic and Greek look-alikes read as Latin, in each word that mixes them with Latin
    letters (a Latin address typed with a Cyrillic "a" and "e") or is made of nothing else. A
    word in Russian or Ukrainian keeps its letters: "пример.рф" stays a Cyrillic domain."""
    if folded.text.isascii():
        return folded
    return folded.with_text(_TOKEN.sub(_token_as_latin, folded.text))


def _token_as_latin(match: re.Match[str]) -> str:
    token = match.group()
    if token.isascii() or not any(c in LOOKALIKES for c in token):
        return token
    mixed = _ASCII_LETTER.search(token) is not None
    if mixed or all(c in LOOKALIKES for c in token if c.isalpha()):
        return token.translate(_AS_LATIN)
    return token
