"""The language each update is answered in, /language, and the crisis-line region.

`use_senders_language` runs before every other handler (app.py gives it the first group):
whatever a handler renders, and the crisis screen's reply first of all, is in the sender's
language. Messages queued for later are stored in every language (bot.outgoing) and go out
in the reader's language of the moment.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, TypeHandler, filters

from bot.context import PeerContext
from bot.i18n import use_language
from bot.i18n.languages import LANGUAGE_NAMES
from bot.members import messages as member_messages
from bot.members.callbacks import ChooseLanguage, ChooseRegion, LanguageMenu
from bot.members.language_menus import language_menu
from bot.runtime.delivery import markup
from bot.texts import language as language_texts
from handlers.common import button_expired, close_buttons, crisis_lines, press, reply


async def use_senders_language(update: Update, context: PeerContext) -> None:
    """Speak the sender's language for the rest of this update; in a group (the
    moderators' chat) the operator's, which every message there is in, whoever pressed."""
    user, chat = update.effective_user, update.effective_chat
    languages = context.services.languages
    if user is None or (chat is not None and chat.type != ChatType.PRIVATE):
        use_language(languages.default)
        return
    use_language(await languages.language_of(user.id, user.language_code))


async def show_languages(update: Update, context: PeerContext) -> None:
    """/language, for members and for someone reading the notice alike."""
    menu = language_menu()
    await reply(update, menu.text, markup(menu))


async def language_menu_pressed(update: Update, context: PeerContext) -> None:
    """ "🌐 Language" under the notice: the menu in its place (the invite code kept)."""
    query = update.callback_query
    button = LanguageMenu.parse(query.data or "") if query is not None else None
    if query is None or button is None:
        return
    await query.answer()
    menu = language_menu(button.invite)
    await close_buttons(query, menu.text, markup(menu))


async def language_chosen(update: Update, context: PeerContext) -> None:
    """A language from the menu: a member's is stored; someone not joined yet sees the
    notice again in it (kept in memory until they agree, then stored with them)."""
    query = update.callback_query
    button = ChooseLanguage.parse(query.data or "") if query is not None else None
    if query is None:
        return
    if button is None or button.language not in LANGUAGE_NAMES:
        await button_expired(query)
        return
    user_id = query.from_user.id
    joined = await context.services.languages.choose_language(user_id, button.language)
    # The answer is already in the new language.
    use_language(button.language)
    await query.answer()
    if not joined:
        notice = member_messages.welcome(await crisis_lines(update, context), button.invite)
        await close_buttons(query, notice.text, markup(notice))
        return
    await close_buttons(query, language_texts.language_set(LANGUAGE_NAMES[button.language]))


async def region_chosen(update: Update, context: PeerContext) -> None:
    pressed = await press(update, context, ChooseRegion)
    if pressed is None:
        return
    query, button, member = pressed
    regions = context.services.settings.safety.crisis_resources_by_region
    by_key = {ChooseRegion.key_of(name): name for name in regions}
    if button.key != ChooseRegion.BY_LANGUAGE and button.key not in by_key:
        await button_expired(query)  # a region the operator has since removed
        return
    region = by_key.get(button.key)
    await context.services.languages.choose_region(member.user_id, region)
    await query.answer()
    text = (
        language_texts.region_set(region)
        if region is not None
        else language_texts.region_by_language()
    )
    await close_buttons(query, text)


def middleware() -> list[BaseHandler[Update, PeerContext, None]]:
    return [TypeHandler(Update, use_senders_language)]


def handlers() -> list[BaseHandler[Update, PeerContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("language", show_languages, filters=private),
        CallbackQueryHandler(language_chosen, pattern=ChooseLanguage.route()),
        CallbackQueryHandler(language_menu_pressed, pattern=LanguageMenu.route()),
        CallbackQueryHandler(region_chosen, pattern=ChooseRegion.route()),
    ]
