"""Catalogs: bot/locale/<language>/LC_MESSAGES/peercircle.po, compiled in memory.

Loading the .po itself (rather than a .mo built by a separate step) means an operator never
runs a compile step and a translator's edit takes effect at the next start. Fuzzy entries are
left out, as msgfmt does: a fuzzy guess must never reach a person.
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n.languages import SHIPPED, SOURCE_LANGUAGE

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "peercircle"


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog for a language; the source language and an unknown id read
    English (msgids are the English text)."""
    if language == SOURCE_LANGUAGE or language not in SHIPPED:
        return gettext.NullTranslations()
    path = po_path(language)
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def load_all() -> None:
    """Compile every shipped catalog now (at start), so a broken or missing .po stops the
    start with its error instead of failing a member's first message (or, silently,
    speaking English to everyone)."""
    for language in SHIPPED:
        if language != SOURCE_LANGUAGE and not po_path(language).exists():
            raise FileNotFoundError(f"the {language} catalog is missing: {po_path(language)}")
        translations(language)
