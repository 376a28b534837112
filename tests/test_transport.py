"""The aiohttp transport under python-telegram-bot: uploads, Telegram's errors, timeouts."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.emulator import BotApiEmulator
from bot.runtime.transport import AiohttpRequest, ConnectTimedOut, tls_context

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(
        emulator.token, base_url=emulator.base_url, request=AiohttpRequest(4)
    ) as ptb_bot:
        yield ptb_bot


async def test_messages_uploads_and_telegram_errors(bot: Bot, emulator: BotApiEmulator) -> None:
    user = emulator.user()
    sent = await bot.send_message(user.chat_id, "Hello <b>you</b>", parse_mode="HTML")
    assert (
        user.messages[-1].text == "Hello you" and sent.message_id == user.messages[-1].message_id
    )
    # A file goes as multipart, with the other fields beside it.
    await bot.send_photo(user.chat_id, PNG, caption="Your week")
    assert (user.messages[-1].photo, user.messages[-1].caption) == (PNG, "Your week")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(user.chat_id, "")
    emulator.fail_next("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(user.chat_id, "again")
    assert limited.value.retry_after.total_seconds() == 3


def test_telegram_certificates_are_verified_against_certifi() -> None:
    context = tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 100  # certifi's bundle, not an empty store


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest(1)
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:{port}/bot1:x/getMe")
    finally:
        await request.shutdown()


async def test_a_silent_server_is_a_timeout() -> None:
    async def hang(_: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/{tail:.*}", hang)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    request = AiohttpRequest(1, read_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.post(f"http://127.0.0.1:{port}/bot1:x/getMe")
        # A longer timeout for one call (as getUpdates passes its long-poll time) is kept.
        with pytest.raises(TimedOut):
            await request.post(f"http://127.0.0.1:{port}/bot1:x/getMe", read_timeout=0.3)
    finally:
        await request.shutdown()
        await runner.cleanup()


async def test_no_free_connection_in_time_is_a_timeout_that_never_left() -> None:
    async def hang(_: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/{tail:.*}", hang)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/bot1:x/getMe"
    request = AiohttpRequest(1, read_timeout=0.5, pool_timeout=0.1, connect_timeout=0.1)
    await request.initialize()
    try:
        # The one connection is taken by a call Telegram has (and may act on)...
        first = asyncio.ensure_future(request.post(url))
        await asyncio.sleep(0.1)
        # ...so the next never leaves: it cannot have been delivered.
        with pytest.raises(ConnectTimedOut):
            await request.post(url)
        with pytest.raises(TimedOut) as sent:
            await first
        assert not isinstance(sent.value, ConnectTimedOut)
    finally:
        await request.shutdown()
        await runner.cleanup()
