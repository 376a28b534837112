"""The Bot API emulator answers as Telegram does: results, error shapes, limits, records."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
)
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter

from bot.emulator import BotApiEmulator


async def call(
    emulator: BotApiEmulator, method: str, token: str | None = None, **params: Any
) -> tuple[int, dict[str, Any]]:
    url = f"{emulator.base_url}{token or emulator.token}/{method}"
    async with aiohttp.ClientSession() as http, http.post(url, json=params) as response:
        return response.status, await response.json()


@pytest.fixture
async def ptb_bot(emulator: BotApiEmulator) -> Any:
    async with Bot(emulator.token, base_url=emulator.base_url) as bot:
        yield bot


async def test_get_me_and_wrong_token(emulator: BotApiEmulator) -> None:
    status, body = await call(emulator, "getMe")
    assert status == 200 and body["result"]["username"] == "peercircle_bot"
    status, body = await call(emulator, "getMe", token="1:wrong")
    assert (status, body["error_code"], body["description"]) == (401, 401, "Unauthorized")
    wrong = Bot("1:" + "x" * 30, base_url=emulator.base_url)
    with pytest.raises(InvalidToken):
        await wrong.initialize()
    await wrong.shutdown()


async def test_send_message_errors_have_telegram_shapes(emulator: BotApiEmulator) -> None:
    user = emulator.user()
    status, body = await call(emulator, "sendMessage", chat_id=user.chat_id, text="")
    assert status == 400 and body == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message text is empty",
    }
    status, body = await call(emulator, "sendMessage", chat_id=user.chat_id, text="x" * 4097)
    assert status == 400 and "too long" in body["description"]
    status, _ = await call(emulator, "sendMessage", chat_id=user.chat_id, text="x" * 4096)
    assert status == 200
    status, body = await call(emulator, "sendMessage", chat_id=999, text="hi")
    assert status == 400 and "chat not found" in body["description"]
    status, body = await call(emulator, "noSuchMethod")
    assert status == 404


async def test_callback_data_over_64_bytes_is_refused(
    ptb_bot: Bot, emulator: BotApiEmulator
) -> None:
    user = emulator.user()
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await ptb_bot.send_message(user.chat_id, "hi", reply_markup=too_long)
    fits = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="a" * 64)]])
    await ptb_bot.send_message(user.chat_id, "hi", reply_markup=fits)


async def test_html_is_checked_and_rendered(ptb_bot: Bot, emulator: BotApiEmulator) -> None:
    user = emulator.user()
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await ptb_bot.send_message(user.chat_id, "a <b>b", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await ptb_bot.send_message(user.chat_id, "x < y & z", parse_mode="HTML")
    await ptb_bot.send_message(user.chat_id, "<b>Hi</b> &lt;3", parse_mode="HTML")
    assert user.last_message.text == "Hi <3"


async def test_blocked_user_gets_403(ptb_bot: Bot, emulator: BotApiEmulator) -> None:
    user = emulator.user()
    emulator.block(user.user_id)
    with pytest.raises(Forbidden, match=r"(?i)blocked"):
        await ptb_bot.send_message(user.chat_id, "hello")
    assert emulator.calls_of("sendMessage")[-1].status == 403


async def test_switchable_rate_limits_answer_429_with_retry_after(
    ptb_bot: Bot, emulator: BotApiEmulator
) -> None:
    user = emulator.user()
    for _ in range(5):
        await ptb_bot.send_message(user.chat_id, "fine while limits are off")
    emulator.limits.enabled = True
    emulator.limits.retry_after = 3
    other = emulator.user()
    for _ in range(3):  # the per-chat burst
        await ptb_bot.send_message(other.chat_id, "ok")
    with pytest.raises(RetryAfter):
        await ptb_bot.send_message(other.chat_id, "one too many")
    status, body = await call(emulator, "sendMessage", chat_id=other.chat_id, text="again")
    assert status == 429 and body["parameters"] == {"retry_after": 3}


async def test_injected_failures(ptb_bot: Bot, emulator: BotApiEmulator) -> None:
    user = emulator.user()
    emulator.fail_next("sendMessage", code=429, retry_after=7)
    with pytest.raises(RetryAfter):
        await ptb_bot.send_message(user.chat_id, "x")
    await ptb_bot.send_message(user.chat_id, "works again")
    assert [c.status for c in emulator.calls_of("sendMessage")] == [429, 200]


async def test_get_updates_confirms_by_offset_and_long_polls(emulator: BotApiEmulator) -> None:
    user = emulator.user()
    first = user.send("/start")
    second = user.send("hello")
    _, body = await call(emulator, "getUpdates")
    updates = body["result"]
    assert [u["update_id"] for u in updates] == [first, second]
    message = updates[0]["message"]
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["chat"] == {
        "id": user.user_id,
        "type": "private",
        "first_name": user.first_name,
        "username": user.username,
    }
    _, body = await call(emulator, "getUpdates", offset=second)
    assert [u["update_id"] for u in body["result"]] == [second]
    _, body = await call(emulator, "getUpdates", offset=second + 1, timeout=1)
    assert body["result"] == []


async def test_edits_deletes_and_callback_answers(ptb_bot: Bot, emulator: BotApiEmulator) -> None:
    user = emulator.user()
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Tap me", callback_data="t:1")]])
    sent = await ptb_bot.send_message(user.chat_id, "question", reply_markup=markup)
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await ptb_bot.edit_message_text(
            "question", user.chat_id, sent.message_id, reply_markup=markup
        )
    await ptb_bot.edit_message_text("answered", user.chat_id, sent.message_id)
    assert user.last_message.text == "answered" and user.last_message.buttons == []
    query_id = user.press_data("t:1")
    assert await ptb_bot.answer_callback_query(query_id, text="thanks")
    assert (await user.callback_answer(query_id)).text == "thanks"
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await ptb_bot.answer_callback_query(query_id)
    assert await ptb_bot.delete_message(user.chat_id, sent.message_id)
    assert user.messages == []
    with pytest.raises(BadRequest, match=r"(?i)not found"):
        await ptb_bot.delete_message(user.chat_id, sent.message_id)


async def test_documents_and_photos_keep_their_bytes(
    ptb_bot: Bot, emulator: BotApiEmulator
) -> None:
    user = emulator.user()
    await ptb_bot.send_document(user.chat_id, json.dumps({"a": 1}).encode(), filename="d.json")
    assert user.last_message.document == b'{"a": 1}'
    assert user.last_message.document_name == "d.json"
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    await ptb_bot.send_photo(user.chat_id, png, caption="chart")
    assert user.last_message.photo == png and user.last_message.caption == "chart"
    assert [c.method for c in emulator.calls] == ["getMe", "sendDocument", "sendPhoto"]


def png_of(width: int, height: int) -> bytes:
    """A PNG signature and header: enough for the emulator to read the size."""
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big")
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + header + b"\x08\x02\x00\x00\x00"


async def test_edit_message_media_replaces_the_photo_in_the_same_message(
    ptb_bot: Bot, emulator: BotApiEmulator
) -> None:
    user = emulator.user()
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("7 days", callback_data="tr:7")]])
    first, second = png_of(900, 1200), png_of(900, 1260)
    sent = await ptb_bot.send_photo(user.chat_id, first, caption="30 days", reply_markup=markup)
    assert (sent.photo[-1].width, sent.photo[-1].height) == (900, 1200)
    edited = await ptb_bot.edit_message_media(
        InputMediaPhoto(second, caption="7 days"),
        user.chat_id,
        sent.message_id,
        reply_markup=markup,
    )
    assert isinstance(edited, Message) and edited.message_id == sent.message_id
    assert edited.photo[-1].height == 1260 and edited.caption == "7 days"
    assert edited.photo[-1].file_id != sent.photo[-1].file_id  # a new file, as Telegram
    (message,) = user.messages
    assert (message.photo, message.caption, message.button_labels) == (
        second,
        "7 days",
        ["7 days"],
    )
    assert message.edits == 1 and message.media_edits == 1
    recorded = emulator.calls_of("editMessageMedia")[-1].params["media"]
    assert recorded["media"][1] == f"<{len(second)} bytes>"  # contents are not kept in calls
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await ptb_bot.edit_message_media(
            InputMediaPhoto(second, caption="7 days"),
            user.chat_id,
            sent.message_id,
            reply_markup=markup,
        )
    # No caption and no buttons with the new media: the message has neither, as Telegram.
    await ptb_bot.edit_message_media(InputMediaPhoto(first), user.chat_id, sent.message_id)
    assert (message.photo, message.caption, message.buttons) == (first, None, [])
    text = await ptb_bot.send_message(user.chat_id, "just words")
    with pytest.raises(BadRequest, match=r"(?i)no media in the message"):
        await ptb_bot.edit_message_media(InputMediaPhoto(first), user.chat_id, text.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await ptb_bot.edit_message_media(InputMediaPhoto(first), user.chat_id, 999)
    assert [m.message_id for m in user.messages] == [sent.message_id, text.message_id]


async def test_command_menus_are_kept_per_scope_and_language(
    ptb_bot: Bot, emulator: BotApiEmulator
) -> None:
    user = emulator.user()
    mine = [BotCommand("mine", "Only in this chat")]
    everyone = [BotCommand("all", "Every private chat")]
    await ptb_bot.set_my_commands(everyone, scope=BotCommandScopeAllPrivateChats())
    await ptb_bot.set_my_commands(mine, scope=BotCommandScopeChat(user.chat_id))
    here = BotCommandScopeChat(user.chat_id)
    await ptb_bot.set_my_commands(mine, scope=here, language_code="de")
    assert await ptb_bot.get_my_commands(scope=BotCommandScopeChat(user.chat_id)) == tuple(mine)
    assert await ptb_bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == tuple(everyone)
    assert await ptb_bot.get_my_commands() == ()  # the default scope is a scope of its own
    assert emulator.commands_for({"type": "chat", "chat_id": user.chat_id}, "de") == [
        {"command": "mine", "description": "Only in this chat"}
    ]
    await ptb_bot.delete_my_commands(scope=BotCommandScopeChat(user.chat_id))
    assert emulator.commands_for({"type": "chat", "chat_id": user.chat_id}) == []
    # A chat Telegram has never seen (a user who never started the bot) is refused.
    with pytest.raises(BadRequest, match="Chat not found"):
        await ptb_bot.set_my_commands(mine, scope=BotCommandScopeChat(424242))
    status, body = await call(emulator, "setMyCommands", commands=[], scope={"type": "nope"})
    assert status == 400 and "scope" in body["description"]
