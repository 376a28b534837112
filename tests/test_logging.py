"""Logs never show the token, in either format."""

from __future__ import annotations

import ast
import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.app import build_application
from bot.config import LoggingSettings, Settings
from bot.runtime.logging_setup import configure_logging
from tests.helpers import ROOT

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


LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}
CATALOG_CALLS = {"_", "N_", "ngettext", "pgettext", "npgettext", "NP_"}


def _catalog_words_in(call: ast.Call) -> list[str]:
    """What in a log call's arguments comes from the catalogs: a gettext call, or a
    function of bot.texts (imported as `<feature>_texts`)."""
    found = []
    for argument in [*call.args, *(k.value for k in call.keywords)]:
        for node in ast.walk(argument):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            if isinstance(function, ast.Name) and function.id in CATALOG_CALLS:
                found.append(function.id)
            elif (
                isinstance(function, ast.Attribute)
                and isinstance(function.value, ast.Name)
                and function.value.id.endswith("_texts")
            ):
                found.append(f"{function.value.id}.{function.attr}")
    return found


def test_logs_stay_english_whatever_the_member_reads() -> None:
    """No log call renders a text through the catalogs: log lines stay English (and never
    carry what a member reads), whichever language the update is being answered in."""
    offenders = []
    for package in ("bot", "handlers", "storage"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in LOG_METHODS
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in {"log", "logger", "logging"}
                ):
                    offenders += [
                        f"{path.relative_to(ROOT)}:{node.lineno} {word}"
                        for word in _catalog_words_in(node)
                    ]
    assert offenders == []
