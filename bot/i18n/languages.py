"""The languages peercircle ships, by their catalog ids, and choosing one for a person."""

from __future__ import annotations

SOURCE_LANGUAGE = "en"

# Each language by its own name, as the /language buttons show it. The id is the catalog's
# folder under bot/locale and the Babel locale dates and numbers are formatted in.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "pt_BR": "Português (Brasil)",
    "de": "Deutsch",
    "ru": "Русский",
    "uk": "Українська",
}
SHIPPED: tuple[str, ...] = tuple(LANGUAGE_NAMES)


def shipped_language(code: str | None) -> str | None:
    """The shipped language for an IETF tag such as Telegram's `language_code` ("pt-br",
    "de-AT", "uk"), or None when none is shipped. A region we do not ship falls back to the
    language (Portuguese from Portugal gets Brazilian Portuguese rather than English)."""
    if not code:
        return None
    tag = code.strip().replace("-", "_")
    lowered = {language.lower(): language for language in SHIPPED}
    if tag.lower() in lowered:
        return lowered[tag.lower()]
    primary = tag.split("_", 1)[0].lower()
    for language in SHIPPED:
        if language.split("_", 1)[0].lower() == primary:
            return language
    return None


def telegram_code(language: str) -> str:
    """The two-letter ISO 639-1 code Telegram's set_my_commands takes ("pt" for pt_BR)."""
    return language.split("_", 1)[0]
