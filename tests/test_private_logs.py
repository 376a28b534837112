"""No log line, at any level, from any library, holds what a member wrote; an update that
cannot be read is skipped by id and stops nothing."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.config import LoggingSettings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator
from bot.runtime.logging_setup import configure_logging
from tests.helpers import onboard

SECRET = "ZebraQuartz my private note about my sister"


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in ("telegram", "aiohttp", "asyncio")}
    stream = io.StringIO()
    configure_logging(LoggingSettings(level="DEBUG", format="text"), [], stream)
    for name in levels:  # as chatty as they can be
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield stream
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    for name, was in levels.items():
        logging.getLogger(name).setLevel(was)


def hostile_updates(user_id: int) -> list[dict[str, object]]:
    chat = {"id": user_id, "type": "private"}
    sender = {"id": user_id, "is_bot": False, "first_name": SECRET}
    message = {"message_id": 900, "date": 1_700_000_000, "chat": chat, "from": sender}
    return [
        # Not readable by python-telegram-bot: a poll without its required fields, a message
        # without a date, a callback without chat_instance, a date that is not a number.
        {"poll": {"id": "1", "question": SECRET, "options": []}},
        {"message": {"message_id": 901, "chat": chat, "from": sender, "text": SECRET}},
        {"callback_query": {"id": "5", "from": sender, "data": SECRET}},
        {"message": message | {"date": SECRET, "text": SECRET}},
        # Readable, and odd: every place a member's words can be.
        {"message": message | {"text": SECRET}},
        {"edited_message": message | {"text": SECRET, "edit_date": 1_700_000_100}},
        {"message": message | {"message_id": 902, "caption": SECRET, "photo": []}},
        {"message": message | {"message_id": 903, "text": f"/encourage {SECRET}"}},
        {"message": message | {"message_id": 904, "text": SECRET, "forward_date": 1}},
        {"inline_query": {"id": "7", "from": sender, "query": SECRET, "offset": ""}},
        {
            "callback_query": {
                "id": "8",
                "from": sender,
                "chat_instance": "1",
                "data": SECRET[:60],
                "message": message,
            }
        },
        {
            "channel_post": {
                "message_id": 905,
                "date": 1,
                "chat": {"id": -5, "type": "channel"},
                "text": SECRET,
            }
        },
        {
            "my_chat_member": {
                "chat": chat,
                "from": sender,
                "date": 1,
                "old_chat_member": {"status": "member", "user": sender},
                "new_chat_member": {"status": "kicked", "user": sender, "until_date": 0},
            }
        },
    ]


async def test_hostile_updates_with_debug_on_leave_no_member_text_in_the_log(
    emulator: BotApiEmulator, bot: PeerApplication, debug_log: io.StringIO
) -> None:
    user = emulator.user()
    await onboard(user)
    for update in hostile_updates(user.user_id):
        emulator.push_update(update)
    # The bot goes on: the unreadable ones are skipped and the offset moves past them.
    await emulator.wait_until(lambda: emulator.pending_updates() == 0, timeout=20)
    await user.ask_for("/help", "/checkin")
    output = debug_log.getvalue()
    for fragment in ("ZebraQuartz", "private note about", "my sister"):
        assert fragment not in output
    assert "could not be read" in output  # and said so, by id
