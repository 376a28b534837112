"""Logging as text or JSON lines: the bot token scrubbed from everything written, and no
library's log line carrying what a member wrote."""

from __future__ import annotations

import json
import logging
import sys
import traceback
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
        elif record.exc_text:  # a library's exception, as PrivateContentFilter left it
            entry["exception"] = record.exc_text
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


# Loggers of this project: they log ids, pseudonyms and event names only (never a member's
# words), and their arguments are kept. Every other logger is a library's.
_OWN = ("peercircle", "bot", "storage", "handlers")


class PrivateContentFilter(logging.Filter):
    """Libraries may log what they were handed (python-telegram-bot logs a batch it cannot
    read, members' notes included, at CRITICAL). From any logger not ours, the message keeps
    its wording but each argument becomes its type, and an exception keeps its type and
    frames but not its message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.split(".", 1)[0] in _OWN or getattr(record, "_private_checked", False):
            return True
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            try:
                record.msg = str(record.msg) % tuple(f"<{type(a).__name__}>" for a in args)
            except (TypeError, ValueError):
                record.msg = f"{record.msg} <{len(args)} argument(s) withheld>"
            record.args = None
        elif not isinstance(record.msg, str):
            record.msg = f"<{type(record.msg).__name__}>"
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, trace = record.exc_info
            frames = "".join(traceback.format_tb(trace))
            record.exc_text = f"Traceback (most recent call last):\n{frames}{kind.__name__}"
            record.exc_info = None
        record._private_checked = True
        return True


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
    handler.addFilter(PrivateContentFilter())
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
