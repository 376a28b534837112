"""The /language and crisis-line region menus."""

from __future__ import annotations

from bot.i18n.languages import LANGUAGE_NAMES
from bot.members.callbacks import ChooseLanguage, ChooseRegion
from bot.outgoing import OutgoingMessage, rows
from bot.texts import language as language_texts


def language_menu(invite: str | None = None) -> OutgoingMessage:
    """Each shipped language by its own name ("Español", "Українська"); `invite`: the code
    a person not yet joined came with."""
    buttons = [
        (name, ChooseLanguage(code, invite).pack()) for code, name in LANGUAGE_NAMES.items()
    ]
    return OutgoingMessage(language_texts.choose_language(), rows(buttons, 2))


def region_menu(regions: list[str]) -> OutgoingMessage:
    """The operator's regions, in their order, then "the ones for my language"."""
    buttons = [(name, ChooseRegion(ChooseRegion.key_of(name)).pack()) for name in regions]
    by_language = ChooseRegion(ChooseRegion.BY_LANGUAGE).pack()
    buttons.append((language_texts.button_region_by_language(), by_language))
    return OutgoingMessage(language_texts.choose_region(), rows(buttons, 1))
