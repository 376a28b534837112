"""Text to comparable tokens: the tricks people use (or slip into) must not hide a crisis.

Case, accents, curly apostrophes, repeated letters ("dieeee"), digits for letters ("k1ll"),
zero-width characters, look-alike letters from another script and spaced-out letters all
fold away here, the same way for the lexicons and for what members type.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

# Invisible characters used to break a word without showing it, and apostrophes (straight,
# curly, modifier letters), so "don't" and "dont" are one word: both vanish (a regular
# expression removes them several times faster than str.translate looks each letter up).
_DROPPED = re.compile(
    "[\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\ufeff'\u2018\u2019\u02bc\u0060\u00b4\u2032]"
)
# Digits and signs standing for letters, inside a word that also has letters.
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
# Cyrillic and Greek letters that look Latin, and the other way round.
_CYRILLIC_TO_LATIN = str.maketrans("аеорсухкітмнвіјѕԁɡ", "aeopcyxkitmhbijsdg")
_LATIN_TO_CYRILLIC = str.maketrans("aeopcyxkiTMHB", "аеорсухкітмнв")
_GREEK_TO_LATIN = str.maketrans("αεικνορτυχ", "aeiknoptux")
# A word: letters and digits, with @ or $ standing for a letter inside it ("m@ke").
_WORD = re.compile(r"[@$]?[^\W_]+(?:[@$][^\W_]+)*")
_PLAIN_WORD = re.compile(r"[^\W_]+")  # the same when the text has no @ or $: faster
_LEETY = re.compile(r"[^\W\d_][0-9@$]|[0-9@$][^\W\d_]")
_RUNS = re.compile(r"([^\W\d_])\1+")  # letters only: "2000" stays a year


_LATIN = re.compile(r"[a-z]")
_NOT_LATIN = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")  # Greek and Cyrillic


@lru_cache(maxsize=65536)
def _fold_token(token: str) -> str:
    """One word folded and squeezed (cached: most words recur, message after message)."""
    if token.isalpha() and token.isascii():  # most words: nothing to fold
        return squeeze(token)
    if _LEETY.search(token):
        token = token.translate(_LEET)
    if token.isascii():
        return squeeze(token)
    if _LATIN.search(token) and _NOT_LATIN.search(token):
        latin = len(_LATIN.findall(token))
        if latin * 2 >= len(token):
            token = token.translate(_CYRILLIC_TO_LATIN).translate(_GREEK_TO_LATIN)
        else:
            token = token.translate(_LATIN_TO_CYRILLIC)
    return squeeze(token)


def squeeze(word: str) -> str:
    """Runs of one letter become one: "dieeee" and "die", "kill" and "kil" compare equal."""
    return _RUNS.sub(r"\1", word)


_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _strip_marks(text: str) -> str:
    if text.isascii():
        return text
    return _MARKS.sub("", unicodedata.normalize("NFKD", text))


class Normalised(NamedTuple):
    """A text's folded words (a named tuple: made once per message, cheaper than a
    frozen dataclass)."""

    words: list[str]
    # Positions of words that were spelled out letter by letter ("k i l l m y s e l f"):
    # they may hold several words run together, so they are searched inside too.
    spelled: list[int]


def normalise(text: str) -> Normalised:
    """The words of `text`, folded for matching; spaced-out letters ("k i l l") joined."""
    text = _strip_marks(_DROPPED.sub("", text)).casefold()
    word = _WORD if "@" in text or "$" in text else _PLAIN_WORD
    words = list(map(_fold_token, word.findall(text)))
    # One byte per word, 1 for a single character: without three in a row, no letters
    # were spelled out one by one (French, Spanish and Italian texts hold many "a", "e",
    # "y", "o" apart; this test runs in C, the loop that joins letters in Python).
    if _THREE_SINGLE not in bytes(map(_ONE.__eq__, map(len, words))):
        return Normalised(words, [])
    return _join_spaced_letters(words)


_ONE = 1
_THREE_SINGLE = bytes((1, 1, 1))


def _join_spaced_letters(words: list[str]) -> Normalised:
    """Three or more single letters in a row were one word spelled out: join them."""
    joined: list[str] = []
    spelled: list[int] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if len(run) >= 3:
            spelled.append(len(joined))
            joined.append(squeeze("".join(run)))
        else:
            joined.extend(run)
        run = []
        if word:
            joined.append(word)
    return Normalised(joined, spelled)
