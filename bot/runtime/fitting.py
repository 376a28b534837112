"""The last step before a text goes to Telegram: fitted to Telegram's limits, whatever path
composed it (a handler's reply, the outbox, an edit). A message too long becomes several,
the buttons on the last; an edit or a caption, which cannot become two, is shortened with
"…". So nothing the bot must say is refused for its length ("message is too long").
"""

from __future__ import annotations

import logging
from typing import Any

from bot.texts import fit

log = logging.getLogger("peercircle.fitting")

# Methods whose text may be split into several messages, and those that can only be cut.
_SPLIT = {"sendMessage": "text"}
_SHORTEN = {
    "editMessageText": ("text", fit.MESSAGE_LIMIT),
    "editMessageCaption": ("caption", fit.CAPTION_LIMIT),
    "sendPhoto": ("caption", fit.CAPTION_LIMIT),
    "sendDocument": ("caption", fit.CAPTION_LIMIT),
}
# Parameters that belong to the last piece only (what the member answers or presses).
_LAST_ONLY = ("reply_markup",)


def fitted(method: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The requests to make for `method` with `params`: usually just the one, unchanged."""
    if method in _SPLIT:
        return _split(method, params, _SPLIT[method])
    if method in _SHORTEN:
        field, limit = _SHORTEN[method]
        return [_shorten(method, params, field, limit)]
    return [params]


def _parse_mode(params: dict[str, Any]) -> str | None:
    mode = params.get("parse_mode")
    return str(mode) if mode else None


def _split(method: str, params: dict[str, Any], field: str) -> list[dict[str, Any]]:
    text = params.get(field)
    if not isinstance(text, str) or fit.fits(text, fit.MESSAGE_LIMIT, _parse_mode(params)):
        return [params]
    pieces = fit.split(text, fit.MESSAGE_LIMIT, _parse_mode(params))
    log.warning("%s too long for one message: sent as %d", method, len(pieces))
    first = {k: v for k, v in params.items() if k not in _LAST_ONLY}
    return [first | {field: piece} for piece in pieces[:-1]] + [params | {field: pieces[-1]}]


def _shorten(method: str, params: dict[str, Any], field: str, limit: int) -> dict[str, Any]:
    text = params.get(field)
    if not isinstance(text, str) or fit.fits(text, limit, _parse_mode(params)):
        return params
    log.warning("%s too long: shortened to fit", method)
    return params | {field: fit.shorten(text, limit, _parse_mode(params))}
