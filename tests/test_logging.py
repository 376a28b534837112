"""Logs never show the token, in either format."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.app import build_application
from bot.config import LoggingSettings, Settings
from bot.runtime.logging_setup import configure_logging

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_token_is_redacted_even_where_a_library_logs_it(fmt: str, restore_logging: None) -> None:
    stream = io.StringIO()
    configure_logging(LoggingSettings(level="DEBUG", format=fmt), [TOKEN], stream)
    httpx_log = logging.getLogger("httpx")
    assert httpx_log.getEffectiveLevel() >= logging.WARNING  # request URLs stay quiet
    httpx_log.warning('HTTP Request: POST https://api.telegram.org/bot%s/getMe "200"', TOKEN)
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
    except RuntimeError:
        logging.getLogger("telegram.ext").exception("failure")
    # Where this project's own code logs it (a URL in an error line), it is scrubbed too.
    logging.getLogger("peercircle.transport").error("failed: https://api/bot%s/getMe", TOKEN)
    output = stream.getvalue()
    assert TOKEN not in output
    assert "<token>" in output
    # A library's lines keep their wording and their exception's frames, not its message.
    assert "HTTP Request: POST https://api.telegram.org/bot<str>/getMe" in output
    assert "RuntimeError" in output and "RuntimeError: The token" not in output
    if fmt == "json":
        lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
        assert {entry["level"] for entry in lines} == {"WARNING", "ERROR"}
        assert "RuntimeError" in next(e["exception"] for e in lines if "exception" in e)


def test_building_the_app_silences_httpx_request_logs() -> None:
    logging.getLogger("httpx").setLevel(logging.INFO)
    build_application(Settings(telegram={"token": TOKEN}))  # type: ignore[arg-type]
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
