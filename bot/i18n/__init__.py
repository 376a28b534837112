"""The language a text is rendered in, and the words in it: gettext through Babel catalogs.

Texts call `_`, `ngettext`, `pgettext` and `npgettext` when they are rendered, so a text is
always in the language of whoever it is for: a handler renders inside `speaking(member's
language)`, delivery renders each queued message in its reader's language. `N_` only marks a
word for extraction (a table of words translated where it is used). Catalogs are the .po
files under bot/locale, compiled in memory the first time a language is used (see
bot.i18n.catalogs); English is the source language and needs none.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from bot.i18n.catalogs import translations
from bot.i18n.languages import SOURCE_LANGUAGE

_speaking: ContextVar[str] = ContextVar("peercircle_language", default=SOURCE_LANGUAGE)


def current_language() -> str:
    """The language texts are being rendered in now."""
    return _speaking.get()


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Render texts in `language` (a shipped language id, see bot.i18n.languages) inside."""
    token = _speaking.set(language)
    try:
        yield
    finally:
        _speaking.reset(token)


def _(message: str) -> str:
    return translations(_speaking.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for `n` in the current language (Russian and Ukrainian have three)."""
    return translations(_speaking.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A word whose English is shared with another meaning ("Skip" a step, "Skip" a day)."""
    return translations(_speaking.get()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations(_speaking.get()).npgettext(context, singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it here (translated at use)."""
    return message


def use_language(language: str) -> None:
    """Speak `language` for the rest of the current task (an update's handling: intake
    gives each update its own context, so the choice ends with the update)."""
    _speaking.set(language)


def NP_(context: str, message: str) -> str:
    """`N_` with a message context (a table of words translated with `pgettext(context, …)`
    where it is used); babel.cfg names it as a keyword."""
    return message
