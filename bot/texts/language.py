"""Choosing the language peercircle speaks, and whose crisis lines it shows. HTML mode."""

from __future__ import annotations

from html import escape

from bot.i18n import _


def choose_language() -> str:
    return _(
        "Which language would you like me to use with you? Messages from your circle still "
        "reach you as their authors wrote them."
    )


def language_set(name: str) -> str:
    # Translators: {language} is the language's own name, e.g. "Español".
    return _("Done. I'll use {language} with you from now on.").format(language=escape(name))


def button_language() -> str:
    return _("🌐 Language")


def button_region() -> str:
    return _("📞 Crisis lines")


def choose_region() -> str:
    return _(
        "Which crisis lines should I show you? /crisis and every reply on a hard moment "
        "will use them."
    )


def button_region_by_language() -> str:
    return _("The ones for my language")


def region_set(name: str) -> str:
    # Translators: {region} is a name the operator configured, such as "Mexico".
    return _("Done. /crisis now shows the lines for {region}.").format(region=escape(name))


def region_by_language() -> str:
    return _("Done. /crisis now shows the lines for your language.")
