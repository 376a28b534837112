"""The command menus Telegram shows: members', each moderator's own, the moderators' chat's.

Telegram picks the most specific scope: a moderator's private chat has a menu of its own
(the member commands, then theirs), so promoting or demoting someone sets or deletes it.
Within a scope it picks the menu for the user's app language, else the one without a
language: each menu is set once per shipped language and once, in the operator's language,
for everyone else.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import partial

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError

from bot.i18n import speaking
from bot.i18n.languages import SHIPPED, telegram_code
from bot.moderation.service import ModerationService
from bot.texts import commands as command_texts

log = logging.getLogger("peercircle.menus")


def member_menu() -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in command_texts.member_commands()]


def moderator_menu(operator: bool) -> list[BotCommand]:
    """A moderator's private chat: what every member has, then the moderator commands."""
    extra = command_texts.moderator_commands() + (
        command_texts.operator_commands() if operator else ()
    )
    return member_menu() + [BotCommand(name, description) for name, description in extra]


def moderators_chat_menu() -> list[BotCommand]:
    """The moderators' group: the moderator commands that work there. Operator commands
    stay out: most who read this menu are not operators."""
    return [
        BotCommand(name, description)
        for name, description in command_texts.moderator_commands()
        if name not in command_texts.PRIVATE_ONLY_COMMANDS
    ]


async def register_menus(
    bot: Bot, moderation: ModerationService, moderator_chat_id: int, default_language: str
) -> None:
    """Every menu, at start-up: members', the moderators' chat's and each moderator's."""
    for language, code in _languages(default_language):
        with speaking(language):
            await bot.set_my_commands(
                member_menu(), scope=BotCommandScopeAllPrivateChats(), language_code=code
            )
    if moderator_chat_id:
        await _set_all(
            bot, moderators_chat_menu, BotCommandScopeChat(moderator_chat_id), default_language
        )
    moderators = await moderation.moderator_ids()
    await asyncio.gather(
        *(refresh_menu(bot, moderation, user_id, default_language) for user_id in moderators)
    )


def _languages(default_language: str) -> list[tuple[str, str | None]]:
    """(language, Telegram's language_code): the default menu, then one per language."""
    return [(default_language, None), *((lang, telegram_code(lang)) for lang in SHIPPED)]


async def refresh_menu(
    bot: Bot, moderation: ModerationService, user_id: int, default_language: str
) -> bool:
    """Give a moderator their menu, or take it from someone who is no longer one.

    False when that failed, mostly because Telegram does not know the chat yet (they never
    started the bot); /start tries again then."""
    scope = BotCommandScopeChat(user_id)
    if await moderation.is_moderator(user_id):
        operator = moderation.is_operator(user_id)
        return await _set_all(bot, partial(moderator_menu, operator), scope, default_language)
    try:
        for _language, code in _languages(default_language):
            await bot.delete_my_commands(scope=scope, language_code=code)
    except TelegramError as error:
        log.info("no menu to delete for user_id=%s: %s", user_id, type(error).__name__)
        return False
    return True


async def _set_all(
    bot: Bot, menu: Callable[[], list[BotCommand]], scope: BotCommandScope, default: str
) -> bool:
    """A scope's menu in every language; False at the first that Telegram refused."""
    for language, code in _languages(default):
        with speaking(language):
            if not await _set(bot, menu(), scope, code):
                return False
    return True


async def _set(
    bot: Bot, commands: list[BotCommand], scope: BotCommandScope, code: str | None
) -> bool:
    try:
        await bot.set_my_commands(commands, scope=scope, language_code=code)
    except TelegramError as error:
        # A chat Telegram does not know (yet), or a network failure: a menu never stops a
        # promotion or a /start, and the next start-up sets it again.
        log.warning("command menu not set for a chat: %s", type(error).__name__)
        return False
    return True
