"""The sandbox: the Bot API emulator, the bot against it, and a chat page, in one process.

Nothing here talks to Telegram. Simulated members and a moderator type into the page; the
page shows what the bot sent them (edits, charts and documents included). Time travel
moves only the bot's clock, which exists only here.
"""

from __future__ import annotations

import asyncio
import logging
import random
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from bot.app import build_application, running_bot
from bot.config import (
    ModerationSettings,
    SchedulerSettings,
    Settings,
    StorageSettings,
    TelegramSettings,
)
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage

log = logging.getLogger("peercircle.sandbox")

MODERATOR_ID = 990_000
MODERATORS_CHAT = -100_990_000
MOST_JUMP = timedelta(days=31)


class OffsetClock:
    """Real time plus however far the sandbox has jumped ahead."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


@dataclass
class Said:
    """Something a simulated person typed, placed after the bot's `after` messages."""

    user_id: int
    name: str
    text: str
    after: int


@dataclass
class Transcript:
    said: dict[int, list[Said]] = field(default_factory=dict)

    def add(self, chat_id: int, said: Said) -> None:
        self.said.setdefault(chat_id, []).append(said)


def _message(chat_id: int, message: SentMessage) -> dict[str, Any]:
    media = None
    if message.photo is not None:
        # The version makes the browser fetch the new picture after editMessageMedia.
        url = f"/api/media/{chat_id}/{message.message_id}?v={message.media_edits}"
        media = {"kind": "photo", "url": url}
    elif message.document is not None:
        media = {
            "kind": "document",
            "name": message.document_name or "file",
            "url": f"/api/media/{chat_id}/{message.message_id}",
        }
    buttons = [
        [
            {"label": b.get("text", ""), "data": b.get("callback_data"), "url": b.get("url")}
            for b in row
        ]
        for row in (message.reply_markup or {}).get("inline_keyboard", [])
    ]
    return {
        "from": "bot",
        "id": message.message_id,
        "html": message.raw_text or "",
        "text": message.shown_text,
        "parse_mode": message.parse_mode,
        "buttons": buttons,
        "media": media,
        "edited": message.edits > 0,
        "deleted": message.deleted,
    }


class Sandbox:
    def __init__(self, db_path: Path | None, port: int, host: str = "127.0.0.1") -> None:
        self._db_path = db_path
        self.port = port
        self._host = host
        self.clock = OffsetClock()
        self.transcript = Transcript()
        self.emulator = BotApiEmulator()
        self._runner: web.AppRunner | None = None
        self._app: PeerApplication | None = None

    def settings(self, db_path: Path) -> Settings:
        return Settings(
            telegram=TelegramSettings(
                token=SecretStr(self.emulator.token),
                api_base_url=self.emulator.base_url,
                poll_timeout=1,
            ),
            storage=StorageSettings(path=db_path),
            moderation=ModerationSettings(
                operators=[MODERATOR_ID], moderator_chat_id=MODERATORS_CHAT
            ),
            scheduler=SchedulerSettings(sweep_interval_seconds=1),
        )

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Sandbox]:
        """The emulator, the bot and the page, for the duration of the block."""
        async with self.emulator, self._database() as db_path:
            self.emulator.user(MODERATOR_ID, first_name="Mo (moderator)")
            self.emulator.group(MODERATORS_CHAT, "Moderators")
            app = build_application(self.settings(db_path), clock=self.clock, rng=random.Random())
            async with running_bot(app):
                self._app = app
                await self._serve()
                try:
                    yield self
                finally:
                    if self._runner is not None:
                        await self._runner.cleanup()

    @asynccontextmanager
    async def _database(self) -> AsyncIterator[Path]:
        if self._db_path is not None:
            yield self._db_path
            return
        with tempfile.TemporaryDirectory(prefix="peercircle-sandbox-") as folder:
            yield Path(folder) / "sandbox.db"

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_get("/", self._page)
        app.router.add_get("/api/state", self._state)
        app.router.add_get("/api/chat/{chat_id}", self._chat)
        app.router.add_get("/api/media/{chat_id}/{message_id}", self._media)
        app.router.add_post("/api/users", self._add_user)
        app.router.add_post("/api/send", self._send)
        app.router.add_post("/api/press", self._press)
        app.router.add_post("/api/time", self._time)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self.port)
        await site.start()
        if self._runner.addresses:
            self.port = int(self._runner.addresses[0][1])
        log.info("sandbox chat page on http://%s:%d", self._host, self.port)

    # -- the page and its API ----------------------------------------------------------------

    async def _page(self, request: web.Request) -> web.Response:
        page = resources.files("bot.sandbox").joinpath("page.html").read_text("utf-8")
        return web.Response(text=page, content_type="text/html")

    async def _state(self, request: web.Request) -> web.Response:
        users = [
            {"id": u.user_id, "name": u.first_name, "moderator": u.user_id == MODERATOR_ID}
            for u in self.emulator.users.values()
        ]
        return web.json_response(
            {
                "users": users,
                "moderators_chat": MODERATORS_CHAT,
                "clock": self.clock.now().isoformat(timespec="minutes"),
                "ahead_hours": round(self.clock.offset.total_seconds() / 3600, 1),
                "version": len(self.emulator.calls)
                + sum(len(said) for said in self.transcript.said.values()),
            }
        )

    async def _chat(self, request: web.Request) -> web.Response:
        chat_id = int(request.match_info["chat_id"])
        chat = self.emulator.chats.get(chat_id)
        sent = chat.messages if chat else []
        said = self.transcript.said.get(chat_id, [])
        entries: list[dict[str, Any]] = []
        pending = list(said)
        for index, message in enumerate(sent):
            while pending and pending[0].after <= index:
                entries.append(self._said(pending.pop(0)))
            if not message.deleted:
                entries.append(_message(chat_id, message))
        entries.extend(self._said(s) for s in pending)
        return web.json_response({"chat_id": chat_id, "messages": entries})

    @staticmethod
    def _said(said: Said) -> dict[str, Any]:
        return {"from": "user", "user_id": said.user_id, "name": said.name, "text": said.text}

    async def _media(self, request: web.Request) -> web.Response:
        message = self._message(
            int(request.match_info["chat_id"]), int(request.match_info["message_id"])
        )
        if message is None or (message.photo is None and message.document is None):
            raise web.HTTPNotFound()
        if message.photo is not None:
            return web.Response(body=message.photo, content_type="image/png")
        name = message.document_name or "file"
        return web.Response(
            body=message.document or b"",
            content_type="application/octet-stream",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def _message(self, chat_id: int, message_id: int) -> SentMessage | None:
        chat = self.emulator.chats.get(chat_id)
        return next(
            (m for m in (chat.messages if chat else []) if m.message_id == message_id), None
        )

    async def _json(self, request: web.Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="send JSON") from None
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="send a JSON object")
        return data

    def _user(self, data: dict[str, Any]) -> EmulatedUser:
        user = self.emulator.users.get(int(data.get("user_id") or 0))
        if user is None:
            raise web.HTTPBadRequest(text="no such simulated person")
        return user  # type: ignore[no-any-return]

    async def _add_user(self, request: web.Request) -> web.Response:
        data = await self._json(request)
        name = str(data.get("name") or "").strip()[:32] or None
        # The language their Telegram app is in: what /start picks the language from.
        code = str(data.get("language_code") or "en").strip()[:10] or "en"
        user = self.emulator.user(first_name=name, language_code=code)
        return web.json_response({"id": user.user_id, "name": user.first_name})

    async def _send(self, request: web.Request) -> web.Response:
        data = await self._json(request)
        user = self._user(data)
        text = str(data.get("text") or "")[:4096]
        chat_id = int(data.get("chat_id") or user.user_id)
        if not text.strip():
            raise web.HTTPBadRequest(text="type something first")
        chat = self.emulator.chats.get(chat_id)
        if chat is None or (chat_id != user.user_id and chat_id != MODERATORS_CHAT):
            raise web.HTTPBadRequest(text="no such chat")
        self.transcript.add(chat_id, Said(user.user_id, user.first_name, text, len(chat.messages)))
        if chat_id == MODERATORS_CHAT:
            self.emulator.group(MODERATORS_CHAT, "Moderators").send(user, text)
        else:
            user.send(text)
        return web.json_response({"ok": True})

    async def _press(self, request: web.Request) -> web.Response:
        data = await self._json(request)
        user = self._user(data)
        message = self._message(
            int(data.get("chat_id") or user.user_id), int(data.get("message_id") or 0)
        )
        if message is None:
            raise web.HTTPBadRequest(text="no such message")
        query_id = user.press_data(str(data.get("data") or ""), message)
        try:
            answer = await user.callback_answer(query_id, timeout=10)
        except TimeoutError:
            return web.json_response({"answer": None})
        return web.json_response({"answer": answer.text, "alert": answer.show_alert})

    async def _travel(self, jump: timedelta) -> None:
        """Move the clock in steps, sweeping after each, so nothing due on the way is
        skipped as too late (the bot skips prompts more than grace_hours late)."""
        left = jump
        while left > timedelta(0):
            step = min(TRAVEL_STEP, left)
            self.clock.offset += step
            left -= step
            if self._app is not None:
                await self._app.bot_data.services.sweeper.sweep()

    async def _time(self, request: web.Request) -> web.Response:
        data = await self._json(request)
        hours = float(data.get("hours") or 0)
        jump = timedelta(hours=hours)
        if not timedelta(0) < jump <= MOST_JUMP:
            raise web.HTTPBadRequest(text="jump forward between a minute and 31 days")
        await self._travel(jump)
        log.info("sandbox clock moved %.1f hours ahead", hours)
        return web.json_response({"clock": self.clock.now().isoformat(timespec="minutes")})


TRAVEL_STEP = timedelta(minutes=30)


async def run_sandbox(db_path: Path | None, port: int, stop: asyncio.Event) -> None:
    sandbox = Sandbox(db_path, port)
    async with sandbox.running():
        print(
            f"peercircle sandbox: open http://127.0.0.1:{sandbox.port} in a browser "
            "(Ctrl+C stops it). Nothing here reaches Telegram.",
            flush=True,
        )
        await stop.wait()
