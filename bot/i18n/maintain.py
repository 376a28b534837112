"""Translators' tooling behind `make translations`: merge the extracted template into each
language's .po, then compile every catalog and say what each language still lacks.

    python -m bot.i18n.maintain update | check
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.i18n.catalogs import DOMAIN, LOCALE_DIR, po_path, translations
from bot.i18n.languages import SHIPPED, SOURCE_LANGUAGE


def template_path() -> Path:
    return LOCALE_DIR / f"{DOMAIN}.pot"


def update() -> None:
    """Merge the extracted template into every shipped language's .po (creating it for a
    language that has none yet): new words arrive empty, changed ones fuzzy."""
    with template_path().open("rb") as pot:
        template = read_po(pot)
    for language in SHIPPED:
        if language == SOURCE_LANGUAGE:
            continue
        path = po_path(language)
        if path.exists():
            with path.open("rb") as po:
                catalog = read_po(po, locale=language)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=language, domain=DOMAIN, project="peercircle")
        catalog.update(template, update_header_comment=True)
        with path.open("wb") as po:
            write_po(po, catalog, width=99, ignore_obsolete=True, include_previous=True)


def missing(language: str) -> tuple[list[str], list[str]]:
    """A language's (untranslated, fuzzy) msgids, against its own .po."""
    with po_path(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    untranslated, fuzzy = [], []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        key = message.id if isinstance(message.id, str) else message.id[0]
        if message.fuzzy:
            fuzzy.append(key)
        elif not all(strings):
            untranslated.append(key)
    return untranslated, fuzzy


def check() -> int:
    """Compile every catalog (a broken .po raises) and say what each language still lacks
    (tests/test_translations.py refuses a shipped catalog with gaps)."""
    for language in SHIPPED:
        if language == SOURCE_LANGUAGE:
            continue
        translations.cache_clear()
        translations(language)
        untranslated, fuzzy = missing(language)
        print(f"{language}: {len(untranslated)} untranslated, {len(fuzzy)} fuzzy")
    return 0


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["update"]:
        update()
    elif sys.argv[1:] == ["check"]:
        sys.exit(check())
    else:
        sys.exit("usage: python -m bot.i18n.catalogs update|check")
