"""Logging as text or JSON lines, with the bot token scrubbed from everything written."""

from __future__ import annotations

import json
import logging
import sys
from typing import TextIO

from bot.config import LoggingSettings

REDACTED = "<token>"
_HANDLER_NAME = "peercircle"
# httpx logs every request URL at INFO, and Bot API URLs contain the token.
_NOISY = ("httpx", "httpcore", "aiohttp.access")
# python-telegram-bot logs whole updates, message texts included, at DEBUG.
_CHATTY_AT_DEBUG = ("telegram",)


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class RedactingFormatter(logging.Formatter):
    """Formats with an inner formatter, then removes secrets from the whole line."""

    def __init__(self, inner: logging.Formatter, secrets: list[str]) -> None:
        super().__init__()
        self._inner = inner
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        line = self._inner.format(record)
        for secret in self._secrets:
            line = line.replace(secret, REDACTED)
        return line


def configure_logging(
    settings: LoggingSettings, secrets: list[str], stream: TextIO | None = None
) -> None:
    """Send logs to stderr in the configured format, never showing a secret."""
    inner: logging.Formatter = (
        _JsonFormatter()
        if settings.format == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(RedactingFormatter(inner, secrets))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == _HANDLER_NAME:
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(settings.level)
    quiet_noisy_loggers()


def quiet_noisy_loggers() -> None:
    for name in _NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in _CHATTY_AT_DEBUG:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.INFO:
            logger.setLevel(logging.INFO)
