"""Where the database is: a storage URL, sqlite:///path (the default) or postgresql://…"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, urlsplit

Engine = Literal["sqlite", "postgresql"]
SQLITE_SCHEME = "sqlite:///"
# asyncpg's spellings; the second is what several hosting services hand out.
POSTGRESQL_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True)
class StorageUrl:
    """A storage URL that holds no password (one there is refused), so it may be shown."""

    engine: Engine
    text: str
    path: Path | None = None  # the SQLite file


def sqlite_url(path: Path) -> str:
    """The URL of a SQLite file: three slashes, then the path (a fourth when absolute)."""
    return f"{SQLITE_SCHEME}{path}"


def parse_storage_url(text: str) -> StorageUrl:
    """The URL, or ValueError in one line that never repeats a password."""
    scheme, separator, _ = text.partition("://")
    scheme = scheme.lower()
    if scheme == "sqlite" and separator:
        return _sqlite(text)
    if scheme in POSTGRESQL_SCHEMES and separator:
        return _postgresql(text)
    shown = f"{scheme!r} " if separator and scheme.isalnum() else ""
    raise ValueError(
        f"the scheme {shown}is not one peercircle knows; use sqlite:///path/to/peercircle.db "
        "or postgresql://user@host:5432/database"
    )


def _sqlite(text: str) -> StorageUrl:
    if not text.lower().startswith(SQLITE_SCHEME) or len(text) == len(SQLITE_SCHEME):
        raise ValueError(
            "a SQLite URL is sqlite:/// and the file's path: sqlite:///data/peercircle.db "
            "(relative) or sqlite:////var/lib/peercircle/peercircle.db (absolute)"
        )
    path = text[len(SQLITE_SCHEME) :]
    if "?" in path:
        raise ValueError("a SQLite URL takes no options (the part from '?')")
    return StorageUrl("sqlite", text, Path(path))


def _postgresql(text: str) -> StorageUrl:
    # Nothing of the URL goes into these messages: it may hold the password they refuse.
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (a port that is no number raises here)
    except ValueError:
        raise ValueError(
            "not a PostgreSQL URL; write it as postgresql://user@host:5432/database"
        ) from None
    if parts.password is not None or "password" in parse_qs(parts.query):
        raise ValueError(
            "a PostgreSQL URL must not hold the password (it would show in logs and process "
            "lists); remove it, and set PEERCIRCLE_STORAGE__PASSWORD or "
            "storage.password_file instead"
        )
    return StorageUrl("postgresql", text)
