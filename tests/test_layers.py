"""The direction of imports, so the layout stays true as features grow.

texts      words only: the standard library, other texts and pure rules
messages   texts, callbacks, outgoing and rules: no storage, no services
runtime    intake, delivery, the sweeper...: no feature package
handlers   parse, authorise, call a service, render: never storage
storage    SQL only: nothing of bot/ but the clock and config, nothing of handlers/
bot        never handlers, except the composition root (bot/app.py)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FEATURES = ("members", "checkins", "circles", "alerts", "journey", "goals", "moderation")
FEATURES += ("stats", "combined", "outcomes")


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


DRIVERS = ("sqlite3", "aiosqlite", "asyncpg")


def test_bot_and_handlers_never_import_a_database_driver() -> None:
    """They catch storage.faults' tuples, so a second engine changes storage/ only."""
    assert _offences(_files("bot", "handlers"), DRIVERS) == []


# The modules that speak to SQLite itself; the repositories go through storage.db.
ENGINE_MODULES = ("db", "faults", "preflight", "backup", "migrations")


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
