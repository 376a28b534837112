"""python-telegram-bot's requests sent with aiohttp instead of httpx.

A check-in tap makes two Bot API calls. Profiled, httpx and httpcore took about 40% of the
bot's CPU for them (their pool bookkeeping and pure-Python HTTP parsing); aiohttp parses
HTTP in C. python-telegram-bot supports this swap: it sees only `BaseRequest`, and its
error handling (429, 5xx, bad tokens) works on the status and body returned here.
"""

from __future__ import annotations

import json
import logging
import ssl
from typing import Any

import aiohttp
import certifi
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.runtime import fitting

log = logging.getLogger("peercircle.transport")

_JSON = {"Content-Type": "application/json"}
MEDIA_WRITE_TIMEOUT = 20.0  # python-telegram-bot's default for uploads
_STALE_QUERY = b"query is too old"


class ConnectTimedOut(TimedOut):
    """No connection to Telegram in time: the request never left, so it cannot have been
    delivered (a plain TimedOut may have been: the request went and no answer came)."""


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` over one aiohttp session with a bounded connection pool."""

    def __init__(
        self,
        connections: int,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float = 5.0,
        connect_timeout: float = 5.0,
        pool_timeout: float = 1.0,
    ) -> None:
        # python-telegram-bot's defaults, and its longer write time for uploads.
        self._connections = connections
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # Made here, not in __init__: a session belongs to the running event loop.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections, ssl=tls_context()),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized")
        read = _given(read_timeout, self._read_timeout)
        connect = _given(connect_timeout, self._connect_timeout) or 0.0
        pool = _given(pool_timeout, self._pool_timeout) or 0.0
        uploading = request_data is not None and request_data.contains_files
        write = _given(write_timeout, MEDIA_WRITE_TIMEOUT if uploading else self._write_timeout)
        # aiohttp has no write timeout: the whole request's bound stops a stalled upload.
        timeout = aiohttp.ClientTimeout(
            total=None if read is None else pool + connect + (write or 0.0) + read,
            connect=pool + connect or None,
            sock_connect=connect or None,
            sock_read=read,
        )
        pieces = _fitted(url, request_data)
        if pieces is not None:  # a text too long for Telegram, sent as it allows
            return await self._send_pieces(method, url, timeout, pieces)
        try:
            async with self._session.request(
                method, url, timeout=timeout, **_body(request_data)
            ) as response:
                status, body = response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as error:
            raise ConnectTimedOut(f"no connection within {pool + connect:.0f}s") from error
        except TimeoutError as error:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut from error
        except (aiohttp.ClientError, OSError) as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
        if status == 400 and url.endswith("/answerCallbackQuery") and _STALE_QUERY in body:
            # A tap handled again after a storage fault, or late: its button stopped
            # spinning long ago, and the handler must go on to do the member's change.
            log.info("callback query already answered or too old; going on")
            return 200, b'{"ok": true, "result": false}'
        return status, body

    async def _send_pieces(
        self, method: str, url: str, timeout: aiohttp.ClientTimeout, pieces: list[dict[str, Any]]
    ) -> tuple[int, bytes]:
        """Each piece in turn; the answer is the last one's (it carries the buttons), or the
        first refusal."""
        assert self._session is not None
        status, body = 200, b""
        for piece in pieces:
            payload = json.dumps(piece, ensure_ascii=False).encode()
            try:
                async with self._session.request(
                    method, url, timeout=timeout, data=payload, headers=_JSON
                ) as response:
                    status, body = response.status, await response.read()
            except TimeoutError as error:
                raise TimedOut from error
            except (aiohttp.ClientError, OSError) as error:
                raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
            if status != 200:
                break
        return status, body


def _fitted(url: str, request_data: RequestData | None) -> list[dict[str, Any]] | None:
    """The pieces to send when the request's text needed fitting; None when it fits."""
    if request_data is None or request_data.contains_files:
        return None
    params = request_data.parameters
    pieces = fitting.fitted(url.rsplit("/", 1)[-1], params)
    return None if pieces == [params] else pieces


def tls_context() -> ssl.SSLContext:
    """Certificates verified against certifi's bundle, as httpx did: the bot trusts the same
    authorities on any machine, whatever the system's own store holds."""
    return ssl.create_default_context(cafile=certifi.where())


def _given(value: object, default: float | None) -> float | None:
    """A per-call timeout when one was passed, else this request object's default."""
    # Anything but a number or None is one of python-telegram-bot's DefaultValue markers.
    return value if isinstance(value, int | float | None) else default


def _body(request_data: RequestData | None) -> dict[str, Any]:
    """A JSON body (the Bot API takes one; encoding it costs less than a form); multipart
    only when files go along, with the fields encoded as python-telegram-bot does."""
    if request_data is None:
        return {}
    files = request_data.multipart_data
    if not files:
        payload = json.dumps(request_data.parameters, ensure_ascii=False).encode()
        return {"data": payload, "headers": _JSON}
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return {"data": form}
