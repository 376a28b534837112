"""Scripted users and groups: they send messages, press buttons and wait for the bot's replies."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from bot.emulator.state import CallbackAnswer, SentMessage

if TYPE_CHECKING:
    from bot.emulator.server import BotApiEmulator


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entity Telegram adds to a message that starts with a command."""
    if not text.startswith("/"):
        return []
    length = len(text.split(maxsplit=1)[0]) if text.strip() else 0
    return [{"type": "bot_command", "offset": 0, "length": length}] if length > 1 else []


class EmulatedUser:
    """One Telegram user in a private chat with the bot."""

    def __init__(
        self,
        emulator: BotApiEmulator,
        user_id: int,
        *,
        first_name: str,
        last_name: str,
        username: str,
        language_code: str = "en",
    ) -> None:
        self.emulator = emulator
        self.language_code = language_code
        self.user_id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self._read = 0  # how many of the chat's messages next_message has handed out

    @property
    def chat_id(self) -> int:
        return self.user_id

    def payload(self) -> dict[str, Any]:
        """This user as Telegram describes them in updates."""
        return {
            "id": self.user_id,
            "is_bot": False,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "username": self.username,
            "language_code": self.language_code,
        }

    def message_payload(self, chat: dict[str, Any], **fields: Any) -> dict[str, Any]:
        return {
            "message_id": self.emulator.next_message_id(chat["id"]),
            "from": self.payload(),
            "chat": chat,
            "date": int(time.time()),
            **fields,
        }

    def _private_chat(self) -> dict[str, Any]:
        chat = self.emulator.chats[self.user_id]
        return self.emulator.chat_payload(chat)

    def send(self, text: str) -> int:
        """Send a text (with the bot_command entity for a command); returns the update id."""
        fields: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            fields["entities"] = entities
        return self.send_raw(**fields)

    def send_raw(self, **fields: Any) -> int:
        """Send a message with any fields (photo, sticker, forward_origin, ...)."""
        message = self.message_payload(self._private_chat(), **fields)
        return self.emulator.push_update({"message": message})

    def press(self, label: str, message: SentMessage | None = None) -> str:
        """Press the inline button with this label on the newest message that has it."""
        if message is None:
            message = self.message_with_button(label)
        button = message.find_button(label)
        if button is None or "callback_data" not in button:
            raise LookupError(f"no button {label!r}; buttons: {message.button_labels}")
        return self.press_data(str(button["callback_data"]), message)

    def press_data(self, data: str, message: SentMessage | None = None) -> str:
        """Press a button carrying any callback data, forged or stale; returns the query id."""
        if message is None:
            messages = self.emulator.messages_in(self.user_id)
            if not messages:
                raise LookupError("no message to press a button on")
            message = messages[-1]
        query_id = self.emulator.open_callback_query()
        self.emulator.push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.payload(),
                    "message": self.emulator.message_payload(message),
                    "chat_instance": f"ci-{self.user_id}",
                    "data": data,
                }
            }
        )
        return query_id

    def message_with_button(self, label: str) -> SentMessage:
        for message in reversed(self.emulator.messages_in(self.user_id)):
            if message.find_button(label) is not None:
                return message
        raise LookupError(f"no message in chat {self.user_id} has a button {label!r}")

    @property
    def messages(self) -> list[SentMessage]:
        """What the bot has sent to this user and not deleted."""
        return self.emulator.messages_in(self.user_id)

    @property
    def last_message(self) -> SentMessage:
        return self.messages[-1]

    async def next_message(self, timeout: float = 5.0) -> SentMessage:
        """The next message the bot sends to this user (waits for it)."""
        chat = self.emulator.chats[self.user_id]
        await self.emulator.wait_until(lambda: len(chat.messages) > self._read, timeout)
        message = chat.messages[self._read]
        self._read += 1
        return message

    def skip_to_end(self) -> None:
        """Treat every message so far as read."""
        self._read = len(self.emulator.chats[self.user_id].messages)

    async def callback_answer(self, query_id: str, timeout: float = 5.0) -> CallbackAnswer:
        """Wait until the bot answers a button press."""
        answers = self.emulator.callback_answers
        await self.emulator.wait_until(lambda: query_id in answers, timeout)
        return answers[query_id]

    async def ask(self, text: str, timeout: float = 5.0) -> SentMessage:
        """Send a text and wait for the bot's next message."""
        self.send(text)
        return await self.next_message(timeout)

    async def ask_for(self, text: str, containing: str, timeout: float = 5.0) -> SentMessage:
        """Send a text and wait for the answer that contains `containing`, whatever else
        the bot sends meanwhile (a milestone or a nudge due at that moment); messages
        before that answer count as read."""
        chat = self.emulator.chats[self.user_id]
        start = len(chat.messages)
        self.send(text)

        def answer() -> int | None:
            return next(
                (
                    i
                    for i in range(start, len(chat.messages))
                    if containing in chat.messages[i].shown_text
                ),
                None,
            )

        await self.emulator.wait_until(lambda: answer() is not None, timeout)
        found = answer()
        assert found is not None
        self._read = max(self._read, found + 1)
        return chat.messages[found]

    async def tap(
        self, label: str, message: SentMessage | None = None, timeout: float = 5.0
    ) -> CallbackAnswer:
        """Press a button and wait until the bot has answered the press."""
        return await self.callback_answer(self.press(label, message), timeout)


class EmulatedGroup:
    """A group chat the bot has been added to."""

    def __init__(self, emulator: BotApiEmulator, chat_id: int, title: str) -> None:
        self.emulator = emulator
        self.chat_id = chat_id
        self.title = title

    def send(self, user: EmulatedUser, text: str) -> int:
        chat = self.emulator.chat_payload(self.emulator.chats[self.chat_id])
        fields: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            fields["entities"] = entities
        return self.emulator.push_update({"message": user.message_payload(chat, **fields)})

    @property
    def messages(self) -> list[SentMessage]:
        return self.emulator.messages_in(self.chat_id)
