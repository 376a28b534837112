"""Webhook mode: Telegram posts updates here; each is handled and committed before the 200.

A request without the configured secret in X-Telegram-Bot-Api-Secret-Token gets 403 and
changes nothing. Telegram resends an update it did not get a 200 for; the dispatcher skips
one that was handled already.
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Bot, Update

from bot.config import TelegramSettings
from bot.context import PeerApplication
from bot.runtime.intake import UpdateDispatcher

log = logging.getLogger("peercircle.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024
MAX_UPDATE_ID = 2**63 - 1


class WebhookServer:
    def __init__(
        self, app: PeerApplication, dispatcher: UpdateDispatcher, settings: TelegramSettings
    ) -> None:
        self._app = app
        self._dispatcher = dispatcher
        self._settings = settings
        self._secret = settings.webhook_secret.get_secret_value().encode()
        self._runner: web.AppRunner | None = None
        self.alive = False
        self.port = settings.webhook_port

    async def start(self) -> None:
        server = web.Application(client_max_size=MAX_BODY)
        server.router.add_post(self._settings.webhook_path, self._receive)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(
            self._runner, self._settings.webhook_listen, self._settings.webhook_port
        )
        await site.start()
        addresses = self._runner.addresses  # the port actually bound, when 0 was asked
        if addresses:
            self.port = int(addresses[0][1])
        await self._app.bot.set_webhook(
            self._settings.webhook_url,
            secret_token=self._settings.webhook_secret.get_secret_value(),
            allowed_updates=Update.ALL_TYPES,
        )
        self.alive = True
        log.info("webhook listening on %s:%d", self._settings.webhook_listen, self.port)

    async def stop(self) -> None:
        """Stop taking updates; requests being handled finish first."""
        self.alive = False
        if self._runner is not None:
            await self._runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("webhook request refused: wrong or missing secret token")
            return web.Response(status=403)
        if not self.alive:
            return web.Response(status=503)  # Telegram will resend it after the restart
        update, why_not = parse_update(await request.read(), self._app.bot)
        if update is None and why_not.startswith("update_id="):
            # An update Telegram sent that python-telegram-bot cannot read: skipped by id,
            # answered 200 so Telegram does not send it again and again.
            log.warning("webhook update skipped: %s", why_not)
            return web.Response(status=200)
        if update is None:
            # Only the secret's holder gets here, so it is a bug or a test, not an attack:
            # one line, no traceback, and never the body (it may hold a member's words).
            log.warning("webhook request refused: not an update (%s)", why_not)
            return web.Response(status=400)
        if await self._dispatcher.handle([update]):
            # A storage fault: not marked handled, so Telegram resends it and it is tried
            # again then.
            return web.Response(status=503)
        return web.Response(status=200)


def parse_update(body: bytes, bot: Bot) -> tuple[Update | None, str]:
    """The update in a webhook body, or None and why not.

    JSON too deeply nested for the parser raises RecursionError, and python-telegram-bot
    raises whatever a wrong shape makes it raise (AttributeError for `null`, TypeError for
    `{}`), so each step is checked before the next.
    """
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        return None, f"not JSON: {type(error).__name__}"
    if not isinstance(data, dict):
        return None, f"a JSON {type(data).__name__}, not an object"
    update_id = data.get("update_id")
    # bool is an int subclass, not an id; SQLite stores integers up to 2**63 - 1.
    if type(update_id) is not int or not 0 <= update_id <= MAX_UPDATE_ID:
        return None, "no update_id that is a whole number within SQLite's range"
    try:
        return Update.de_json(data, bot), ""
    except Exception as error:  # any shape PTB cannot read is skipped, whatever it raises
        return None, f"update_id={update_id} could not be read ({type(error).__name__})"
