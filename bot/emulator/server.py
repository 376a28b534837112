"""The emulator's HTTP side: answers Bot API methods as Telegram does, errors included."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from aiohttp import web

from bot.emulator.state import (
    MAX_CALLBACK_DATA,
    MAX_CAPTION,
    MAX_TEXT,
    CallbackAnswer,
    ChatInfo,
    HtmlError,
    RecordedCall,
    SentMessage,
    visible_html_text,
)

DEFAULT_TOKEN = "123456789:EMULATOR-token-for-local-tests-only"
BOT_USER_ID = 7_000_001
SEND_METHODS = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "copyMessage", "forwardMessage"}
)
# Form-encoded parameters arrive as strings; these carry JSON (numbers, booleans, objects).
_JSON_PARAMS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "allowed_updates",
        "reply_markup",
        "entities",
        "caption_entities",
        "protect_content",
        "disable_notification",
        "show_alert",
        "cache_time",
        "commands",
        "scope",
        "link_preview_options",
        "reply_parameters",
        "drop_pending_updates",
        "from_chat_id",
        "message_thread_id",
        "max_connections",
        "media",
    }
)


def png_size(data: bytes) -> tuple[int, int] | None:
    """A PNG's width and height from its header; None for anything else."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or len(data) < 24:
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _without_bytes(value: Any) -> Any:
    """A parameter as recorded: file contents replaced by their size, also inside media."""
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, tuple):
        return tuple(_without_bytes(v) for v in value)
    if isinstance(value, dict):
        return {k: _without_bytes(v) for k, v in value.items()}
    return value


# BotCommandScope types; the chat ones must name a chat Telegram knows.
_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_CHAT_SCOPES = frozenset({"chat", "chat_administrators", "chat_member"})


def command_scope_key(scope: dict[str, Any], language_code: str = "") -> str:
    """How the emulator files a command list: by scope and language."""
    return json.dumps({"scope": scope, "language_code": language_code}, sort_keys=True)


class ApiError(Exception):
    """A Bot API error response."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass
class RateLimits:
    """Telegram's flood limits; off unless a test or benchmark switches them on."""

    enabled: bool = False
    global_per_second: int = 30
    per_chat_per_second: int = 1
    per_chat_burst: int = 3
    group_per_minute: int = 20
    retry_after: int = 1


@dataclass
class _Injected:
    method: str
    code: int
    description: str
    retry_after: int | None
    times: int


@dataclass
class _Windows:
    overall: deque[float] = field(default_factory=deque)
    per_chat: dict[int, deque[float]] = field(default_factory=dict)


Handler = Callable[[dict[str, Any]], Awaitable[Any]]


class BotApiEmulator:
    """A Bot API server on 127.0.0.1 with recorded state and scripted users.

    Use as `async with BotApiEmulator() as emulator:` and point the bot at
    `emulator.base_url`.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "peercircle_bot",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.host = host
        self.port = port
        self.limits = RateLimits()
        self.calls: list[RecordedCall] = []
        self.chats: dict[int, ChatInfo] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.webhook_url = ""
        self.blocked: set[int] = set()
        self.messages_sent = 0  # by the bot, all chats: a cheap counter to wait on
        # Successful calls per method and when the last one ended: cheap to wait on.
        self.succeeded: Counter[str] = Counter()
        self.last_success_at = 0.0
        self.users: dict[int, Any] = {}
        self._updates: deque[dict[str, Any]] = deque()
        self._update_ids = count(1)
        self._message_ids: dict[int, count[int]] = {}
        self._query_ids = count(1)
        self._open_queries: set[str] = set()
        self._injected: list[_Injected] = []
        self._windows = _Windows()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        # Called before each method runs; may raise ApiError. Tests use it to inject faults
        # (or to kill the bot) at an exact moment.
        self.interceptor: Callable[[str, dict[str, Any]], Awaitable[None]] | None = None
        self._methods: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "editMessageCaption": self._edit_message_caption,
            "editMessageMedia": self._edit_message_media,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
        }

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{bot_token}/{method}", self._serve)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        sockets = getattr(site._server, "sockets", None)
        if sockets:
            self.port = int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """What goes in `telegram.api_base_url`."""
        return f"http://{self.host}:{self.port}/bot"

    # -- scripted world --------------------------------------------------------------------

    def user(
        self,
        user_id: int | None = None,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "en",
    ) -> Any:
        """A scripted Telegram user who can talk to the bot; `language_code` is their
        Telegram app's language ("es", "pt-br", "uk"), as updates carry it."""
        from bot.emulator.users import EmulatedUser

        if user_id is None:
            user_id = 100_000 + len(self.users) + 1
        if user_id in self.users:
            return self.users[user_id]
        user = EmulatedUser(
            self,
            user_id,
            first_name=first_name or f"Tester{user_id}",
            last_name=last_name if last_name is not None else f"Surname{user_id}",
            username=username if username is not None else f"tester_{user_id}",
            language_code=language_code,
        )
        self.users[user_id] = user
        self.chats.setdefault(user_id, ChatInfo(user_id, "private"))
        return user

    def group(self, chat_id: int, title: str = "A group") -> Any:
        """A group chat the bot is in, for moderators' chats and stray group messages."""
        from bot.emulator.users import EmulatedGroup

        self.chats.setdefault(chat_id, ChatInfo(chat_id, "supergroup", title))
        return EmulatedGroup(self, chat_id, title)

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_USER_ID,
            "is_bot": True,
            "first_name": "peercircle",
            "username": self.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to them fail with 403 from now on."""
        self.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self.blocked.discard(user_id)

    def fail_next(
        self,
        method: str,
        *,
        code: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` fail with this error."""
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after or 1}"
                if code == 429
                else "Internal Server Error"
            )
        if code == 429 and retry_after is None:
            retry_after = 1
        self._injected.append(_Injected(method, code, description, retry_after, times))

    def messages_in(self, chat_id: int) -> list[SentMessage]:
        """Messages the bot sent to this chat and did not delete, oldest first."""
        chat = self.chats.get(chat_id)
        return [m for m in chat.messages if not m.deleted] if chat else []

    def calls_of(self, method: str) -> list[RecordedCall]:
        return [call for call in self.calls if call.method == method]

    def push_update(self, payload: dict[str, Any]) -> int:
        """Queue an update for the bot's next getUpdates; returns its update_id."""
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **payload})
        self._notify()
        return update_id

    def pending_updates(self) -> int:
        return len(self._updates)

    def open_callback_query(self) -> str:
        query_id = str(next(self._query_ids))
        self._open_queries.add(query_id)
        return query_id

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until `predicate()` holds after some call; TimeoutError otherwise."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(predicate)

    def _notify(self) -> None:
        asyncio.get_running_loop().create_task(self._notify_async())

    async def _notify_async(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- HTTP ------------------------------------------------------------------------------

    async def _serve(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        try:
            if request.match_info["bot_token"] != f"bot{self.token}":
                raise ApiError(401, "Unauthorized")
            handler = self._methods.get(method)
            if handler is None:
                raise ApiError(404, "Not Found")
            self._inject(method)
            if self.interceptor is not None:
                await self.interceptor(method, params)
            if method in SEND_METHODS:
                self._check_rate(int(params.get("chat_id", 0) or 0))
            result = await handler(params)
        except ApiError as error:
            self._record(method, params, error.code, None)
            return web.json_response(error.payload(), status=error.code)
        self._record(method, params, 200, result)
        return web.json_response({"ok": True, "result": result})

    def _record(self, method: str, params: dict[str, Any], status: int, result: Any) -> None:
        shown = {k: _without_bytes(v) for k, v in params.items()}
        self.calls.append(RecordedCall(method, shown, status, time.monotonic(), result))
        if status == 200:
            self.succeeded[method] += 1
            self.last_success_at = time.monotonic()
        self._notify()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if request.content_type == "application/json":
            body = await request.json()
            return dict(body) if isinstance(body, dict) else {}
        if request.method == "POST":
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    params[key] = (value.filename, value.file.read())
                else:
                    params[key] = str(value)
        for key, value in request.query.items():
            params.setdefault(key, value)
        for key in list(params):
            raw = params[key]
            if key in _JSON_PARAMS and isinstance(raw, str):
                try:
                    params[key] = json.loads(raw)
                except json.JSONDecodeError:
                    params[key] = raw
        # Files sent as attach://name live in a part of their own, also when an InputMedia
        # object names them.
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                params[key] = params.pop(value.removeprefix("attach://"), value)
        media = params.get("media")
        if isinstance(media, dict) and str(media.get("media", "")).startswith("attach://"):
            media["media"] = params.pop(media["media"].removeprefix("attach://"), media["media"])
        return params

    def _inject(self, method: str) -> None:
        for injected in self._injected:
            if injected.method == method and injected.times > 0:
                injected.times -= 1
                raise ApiError(injected.code, injected.description, injected.retry_after)

    def _check_rate(self, chat_id: int) -> None:
        limits = self.limits
        if not limits.enabled:
            return
        now = time.monotonic()
        overall = self._windows.overall
        while overall and now - overall[0] >= 1.0:
            overall.popleft()
        is_group = chat_id < 0
        window = 60.0 if is_group else 1.0
        allowed = limits.group_per_minute if is_group else limits.per_chat_burst
        chat = self._windows.per_chat.setdefault(chat_id, deque())
        while chat and now - chat[0] >= window:
            chat.popleft()
        if len(overall) >= limits.global_per_second or len(chat) >= allowed:
            raise ApiError(
                429, f"Too Many Requests: retry after {limits.retry_after}", limits.retry_after
            )
        overall.append(now)
        chat.append(now)

    # -- helpers for methods ---------------------------------------------------------------

    def _chat_for_send(self, params: dict[str, Any]) -> ChatInfo:
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        try:
            chat_id = int(chat_id)
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        chat = self.chats.get(chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _check_markup(self, markup: Any) -> dict[str, Any] | None:
        if markup in (None, ""):
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed")
                if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _render(self, text: Any, parse_mode: Any, limit: int, what: str) -> tuple[str, str]:
        raw = "" if text is None else str(text)
        shown = raw
        if parse_mode and str(parse_mode).upper() == "HTML":
            try:
                shown = visible_html_text(raw)
            except HtmlError as exc:
                raise ApiError(400, str(exc)) from None
        if not shown.strip():
            raise ApiError(400, f"Bad Request: {what} is empty")
        # Telegram counts UTF-16 code units after entities: an emoji is often two.
        if len(shown.encode("utf-16-le")) // 2 > limit:
            raise ApiError(400, f"Bad Request: {what} is too long")
        return raw, shown

    def _new_message(self, chat: ChatInfo, **fields: Any) -> SentMessage:
        ids = self._message_ids.setdefault(chat.chat_id, count(1))
        message = SentMessage(
            chat_id=chat.chat_id, message_id=next(ids), date=int(time.time()), **fields
        )
        chat.messages.append(message)
        self.messages_sent += 1
        return message

    def next_message_id(self, chat_id: int) -> int:
        """A message id in this chat for a message the user sends."""
        return next(self._message_ids.setdefault(chat_id, count(1)))

    def chat_payload(self, chat: ChatInfo) -> dict[str, Any]:
        if chat.kind == "private":
            user = self.users.get(chat.chat_id)
            payload: dict[str, Any] = {"id": chat.chat_id, "type": "private"}
            if user is not None:
                payload |= {"first_name": user.first_name, "username": user.username}
            return payload
        return {"id": chat.chat_id, "type": chat.kind, "title": chat.title}

    def message_payload(self, message: SentMessage) -> dict[str, Any]:
        chat = self.chats[message.chat_id]
        payload: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self.bot_user(),
            "chat": self.chat_payload(chat),
            "date": message.date,
        }
        if message.text is not None:
            payload["text"] = message.text
        if message.caption is not None:
            payload["caption"] = message.caption
        if message.reply_markup:
            payload["reply_markup"] = message.reply_markup
        if message.photo is not None:
            # A new file after each edit of the media, as Telegram gives a new file id.
            unique = f"photo-{message.chat_id}-{message.message_id}-{message.media_edits}"
            width, height = png_size(message.photo) or (800, 500)
            payload["photo"] = [
                {
                    "file_id": unique,
                    "file_unique_id": unique,
                    "width": width,
                    "height": height,
                    "file_size": len(message.photo),
                }
            ]
        if message.document is not None:
            unique = f"doc-{message.chat_id}-{message.message_id}"
            payload["document"] = {
                "file_id": unique,
                "file_unique_id": unique,
                "file_name": message.document_name,
                "file_size": len(message.document),
            }
        if message.edits:
            payload["edit_date"] = int(time.time())
        return payload

    def _find_message(self, params: dict[str, Any], action: str) -> SentMessage:
        chat = self.chats.get(int(params.get("chat_id") or 0))
        message_id = int(params.get("message_id") or 0)
        if chat is not None:
            for message in chat.messages:
                if message.message_id == message_id and not message.deleted:
                    return message
        raise ApiError(400, f"Bad Request: message to {action} not found")

    @staticmethod
    def _file(params: dict[str, Any], key: str) -> tuple[str | None, bytes]:
        value = params.get(key)
        if isinstance(value, tuple):
            return value[0], value[1]
        if isinstance(value, str) and value:
            return None, value.encode()  # a file_id or URL; kept as given
        raise ApiError(400, f"Bad Request: there is no {key} in the request")

    # -- methods ---------------------------------------------------------------------------

    async def _get_me(self, params: dict[str, Any]) -> Any:
        return self.bot_user()

    async def _get_updates(self, params: dict[str, Any]) -> Any:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = max(0, int(params.get("timeout") or 0))
        if offset > 0:
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        if not self._updates and timeout:
            async with self._changed:
                try:
                    async with asyncio.timeout(timeout):
                        await self._changed.wait_for(lambda: bool(self._updates))
                except TimeoutError:
                    pass
        return [update for _, update in zip(range(limit), self._updates, strict=False)]

    async def _set_webhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = str(params.get("url") or "")
        return True

    async def _delete_webhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> Any:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _scope_key(self, params: dict[str, Any]) -> str:
        """Commands are kept per scope and language, as Telegram keeps them."""
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
            raise ApiError(400, "Bad Request: wrong scope type specified")
        if scope["type"] in _CHAT_SCOPES:
            try:
                chat_id = int(str(scope.get("chat_id")))
            except (TypeError, ValueError):
                raise ApiError(400, "Bad Request: chat not found") from None
            if chat_id not in self.chats:  # e.g. a user who never started the bot
                raise ApiError(400, "Bad Request: chat not found")
            scope = {**scope, "chat_id": chat_id}
            if scope["type"] == "chat_member":
                scope["user_id"] = int(scope.get("user_id") or 0)
        return command_scope_key(scope, str(params.get("language_code") or ""))

    def commands_for(self, scope: dict[str, Any], language_code: str = "") -> list[dict[str, Any]]:
        """The commands the bot set for exactly this scope (no fallback to wider ones)."""
        return self.commands.get(command_scope_key(scope, language_code), [])

    async def _set_my_commands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100")
        for command in commands:
            name = str(command.get("command", ""))
            description = str(command.get("description", ""))
            valid_name = 1 <= len(name) <= 32 and all(
                c.islower() or c.isdigit() or c == "_" for c in name
            )
            if not valid_name or not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands[self._scope_key(params)] = commands
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> Any:
        return self.commands.get(self._scope_key(params), [])

    async def _delete_my_commands(self, params: dict[str, Any]) -> Any:
        self.commands.pop(self._scope_key(params), None)
        return True

    async def _send_message(self, params: dict[str, Any]) -> Any:
        chat = self._chat_for_send(params)
        raw, shown = self._render(
            params.get("text"), params.get("parse_mode"), MAX_TEXT, "message text"
        )
        message = self._new_message(
            chat,
            text=shown,
            raw_text=raw,
            parse_mode=params.get("parse_mode"),
            reply_markup=self._check_markup(params.get("reply_markup")),
            protect_content=bool(params.get("protect_content")),
            entities=params.get("entities"),
        )
        return self.message_payload(message)

    def _caption(self, params: dict[str, Any]) -> str | None:
        if not params.get("caption"):
            return None
        return self._render(
            params["caption"], params.get("parse_mode"), MAX_CAPTION, "message caption"
        )[1]

    async def _send_photo(self, params: dict[str, Any]) -> Any:
        chat = self._chat_for_send(params)
        _, content = self._file(params, "photo")
        message = self._new_message(
            chat,
            photo=content,
            caption=self._caption(params),
            reply_markup=self._check_markup(params.get("reply_markup")),
            protect_content=bool(params.get("protect_content")),
            method="sendPhoto",
        )
        return self.message_payload(message)

    async def _send_document(self, params: dict[str, Any]) -> Any:
        chat = self._chat_for_send(params)
        name, content = self._file(params, "document")
        message = self._new_message(
            chat,
            document=content,
            document_name=name,
            caption=self._caption(params),
            reply_markup=self._check_markup(params.get("reply_markup")),
            protect_content=bool(params.get("protect_content")),
            method="sendDocument",
        )
        return self.message_payload(message)

    async def _edit_message_text(self, params: dict[str, Any]) -> Any:
        message = self._find_message(params, "edit")
        if message.text is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        raw, shown = self._render(
            params.get("text"), params.get("parse_mode"), MAX_TEXT, "message text"
        )
        markup = self._check_markup(params.get("reply_markup"))
        if shown == message.text and markup == message.reply_markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same as a current "
                "content and reply markup of the message",
            )
        message.text, message.raw_text, message.reply_markup = shown, raw, markup
        message.parse_mode = params.get("parse_mode")
        message.edits += 1
        return self.message_payload(message)

    async def _edit_message_caption(self, params: dict[str, Any]) -> Any:
        message = self._find_message(params, "edit")
        caption = self._caption(params)
        markup = self._check_markup(params.get("reply_markup"))
        if caption == message.caption and markup == message.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified")
        message.caption, message.reply_markup = caption, markup
        message.edits += 1
        return self.message_payload(message)

    async def _edit_message_media(self, params: dict[str, Any]) -> Any:
        """A photo or document replaced in the same message: new file, new caption (none
        when the new media has none) and the buttons sent with the edit."""
        message = self._find_message(params, "edit")
        media = params.get("media")
        if not isinstance(media, dict) or media.get("type") not in ("photo", "document"):
            raise ApiError(400, "Bad Request: can't parse InputMedia: unsupported media type")
        if message.photo is None and message.document is None:
            raise ApiError(400, "Bad Request: there is no media in the message to edit")
        name, content = self._file(media, "media")
        caption = self._caption(media)
        markup = self._check_markup(params.get("reply_markup"))
        current = message.photo if media["type"] == "photo" else message.document
        if (content, caption, markup) == (current, message.caption, message.reply_markup):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup of "
                "the message",
            )
        if media["type"] == "photo":
            message.photo, message.document, message.document_name = content, None, None
        else:
            message.photo, message.document, message.document_name = None, content, name
        message.caption, message.reply_markup = caption, markup
        message.edits += 1
        message.media_edits += 1
        return self.message_payload(message)

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        message = self._find_message(params, "edit")
        markup = self._check_markup(params.get("reply_markup"))
        if markup == message.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified")
        message.reply_markup = markup
        message.edits += 1
        return self.message_payload(message)

    async def _delete_message(self, params: dict[str, Any]) -> Any:
        message = self._find_message(params, "delete")
        message.deleted = True
        return True

    async def _answer_callback_query(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_queries:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired "
                "or query ID is invalid",
            )
        self._open_queries.discard(query_id)
        text = params.get("text")
        self.callback_answers[query_id] = CallbackAnswer(
            query_id, str(text) if text else None, bool(params.get("show_alert"))
        )
        return True

    async def _send_chat_action(self, params: dict[str, Any]) -> Any:
        self._chat_for_send(params)
        return True
