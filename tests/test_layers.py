"""The direction of imports, so the layout stays true as features grow.

texts      words only: the standard library, other texts and pure rules
messages   texts, callbacks, outgoing and rules: no storage, no services
runtime    intake, delivery, the sweeper...: no feature package
handlers   parse, authorise, call a service, render: never storage, nor another
           feature's handler module (only the shared handlers.common and handlers.answers)
storage    SQL only: nothing of bot/ but the clock and config, nothing of handlers/
bot        never handlers, except the composition root (bot/app.py)
"""

from __future__ import annotations

import ast
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FEATURES = ("members", "checkins", "circles", "alerts", "journey", "goals", "moderation")
FEATURES += ("stats", "combined", "outcomes")
# The code the bot ships and measures, and its tests.
CODE = ("bench", "bot", "handlers", "storage", "tests")


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, type-only imports included (they are dependencies too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = _module_of(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # "from bot import texts" imports the module bot.texts
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def _within(name: str, *prefixes: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def _offences(
    paths: list[Path], forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()
) -> list[str]:
    offences = []
    for path in paths:
        for name in sorted(_imports(path)):
            if _within(name, *forbidden) and not _within(name, *allowed):
                offences.append(f"{path.relative_to(ROOT)} imports {name}")
    return offences


def test_texts_import_no_services_storage_or_runtime() -> None:
    domain = tuple(f"bot.{feature}" for feature in FEATURES)
    rules = tuple(f"bot.{feature}.rules" for feature in FEATURES)
    forbidden = ("storage", "handlers", "bot.runtime", "bot.services", "bot.app", *domain)
    assert _offences(_files("bot/texts"), forbidden, rules) == []


def test_messages_render_without_storage_or_services() -> None:
    paths = [p for p in _files("bot") if p.name == "messages.py"]
    services = tuple(f"bot.{feature}.service" for feature in FEATURES)
    forbidden = ("storage", "handlers", "bot.runtime", "bot.services", *services)
    assert _offences(paths, forbidden) == []


def test_runtime_imports_no_feature() -> None:
    forbidden = (*[f"bot.{feature}" for feature in FEATURES], "handlers")
    assert _offences(_files("bot/runtime"), forbidden) == []


def test_handlers_never_import_storage() -> None:
    assert _offences(_files("handlers"), ("storage",)) == []


# Handler modules every feature's handlers may use: shared helpers, not a feature.
SHARED_HANDLERS = (
    # parse a press, authorise, reply, edit; and the few renderings two features' handlers
    # both need (joining by a code, the support offer, taking part in the questionnaires)
    "handlers.common",
    # the free-text answer table's types, merged by the composition root
    "handlers.answers",
)


def test_a_handler_module_imports_no_other_features_handlers() -> None:
    # A feature's handlers reach another feature through its service, or through a shared
    # helper above: never by importing its handler module.
    assert _offences(_files("handlers"), ("handlers",), SHARED_HANDLERS) == []


DRIVERS = ("sqlite3", "aiosqlite", "asyncpg")


def test_bot_and_handlers_never_import_a_database_driver() -> None:
    """They catch storage.faults' tuples, so a second engine changes storage/ only."""
    assert _offences(_files("bot", "handlers"), DRIVERS) == []


# The modules that speak to a database driver itself; the repositories go through storage.db.
# migrate_data reads SQLite's file and writes with PostgreSQL's COPY, as backup copies pages.
ENGINE_MODULES = ("engines", "faults", "preflight", "backup", "migrations", "migrate_data")


def test_repositories_import_no_database_driver() -> None:
    """Rows are storage.db.Row and faults storage.faults', so another engine's driver can
    serve the same repositories."""
    engine = tuple(f"storage.{name}" for name in ENGINE_MODULES)
    paths = [p for p in _files("storage") if not _within(_module_of(p), *engine)]
    assert _offences(paths, DRIVERS) == []


def test_storage_depends_on_nothing_above_it() -> None:
    forbidden = ("bot", "handlers")
    assert _offences(_files("storage"), forbidden, ("bot.clock", "bot.config")) == []


def test_only_the_composition_root_imports_handlers() -> None:
    paths = [p for p in _files("bot") if p != ROOT / "bot" / "app.py"]
    # The sandbox and the emulator are tools around the bot, not part of it.
    paths = [p for p in paths if not _within(_module_of(p), "bot.sandbox", "bot.emulator")]
    assert _offences(paths, ("handlers",)) == []


def _names_used(path: Path) -> set[str]:
    """Names imported from anywhere, and attributes read (telegram.InlineKeyboardMarkup)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
    return found


def test_only_delivery_builds_telegram_keyboards() -> None:
    # One keyboard type (OutgoingMessage's buttons) and one converter to Telegram's markup
    # (bot.runtime.delivery.markup); handlers name its result as TelegramMarkup.
    keyboards = {"InlineKeyboardButton", "InlineKeyboardMarkup"}
    converter = ROOT / "bot" / "runtime" / "delivery.py"
    found = [
        f"{path.relative_to(ROOT)} uses {name}"
        for path in _files("bot", "handlers", "storage", "bench")
        if path != converter
        for name in sorted(_names_used(path) & keyboards)
    ]
    assert found == []


_FORMATTER_OFF = re.compile(r"#\s*fmt:\s*(skip|off)\b")


def test_the_formatter_owns_the_layout() -> None:
    # No "fmt: skip" or "fmt: off" comment: a table the formatter lays out one item a line
    # is longer, but nobody has to keep a hand layout in step with it.
    found = []
    for path in _files(*CODE):
        with path.open("rb") as source:
            for token in tokenize.tokenize(source.readline):
                if token.type == tokenize.COMMENT and _FORMATTER_OFF.search(token.string):
                    found.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
    assert found == []


# Looking a word up in the catalogs (and marking one for them, N_ and NP_).
GETTEXT = {"_", "gettext", "ngettext", "pgettext", "npgettext", "N_", "NP_"}
# The few places outside bot/texts that may, and why.
GETTEXT_ELSEWHERE = {
    "bot/i18n/__init__.py": "defines the lookups the texts call",
    "bot/i18n/formats.py": "the CLDR date patterns each language orders dates by",
    "bot/safety/pseudonyms.py": "the pseudonym word tables: names drawn from data, not words",
    "bot/config.py": "the default crisis lines: compared with what the operator set",
    "bot/safety/resources.py": "that default translated, or the operator's own text as written",
}


def _gettext_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in GETTEXT:
                lines.append(node.lineno)
    return sorted(lines)


def test_words_are_looked_up_only_in_the_texts() -> None:
    # Every word a member or the operator reads lives in bot/texts, one module per feature,
    # so a translator and a reviewer find them all in one place.
    found = [
        f"{relative}:{line}"
        for path in _files("bot", "handlers", "storage", "bench")
        if not _within(_module_of(path), "bot.texts")
        and (relative := path.relative_to(ROOT).as_posix()) not in GETTEXT_ELSEWHERE
        for line in _gettext_calls(path)
    ]
    assert found == []


@pytest.mark.parametrize("feature", FEATURES)
def test_a_feature_package_holds_only_the_fixed_kinds_of_module(feature: str) -> None:
    kinds = {"__init__", "rules", "service", "messages", "callbacks", "due"}
    # Feature-specific extras, each a named exception (see README "Where things are").
    extras = {
        "checkins": {"reflection"},
        "members": {"export", "language", "language_menus"},
        "moderation": {"sanctions", "audit", "menus"},
        "outcomes": {"questionnaire", "statistics", "report"},
    }
    names = {p.stem for p in (ROOT / "bot" / feature).glob("*.py")}
    assert names <= kinds | extras.get(feature, set())
