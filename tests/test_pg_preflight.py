"""A PostgreSQL database the bot cannot use is refused in one line naming the server and the
fix. Skipped without PostgreSQL's binaries (tests/pg.py)."""

from __future__ import annotations

import socket

import pytest

from storage.engines.postgres_preflight import (
    DatabaseServerError,
    check_postgresql,
    version_refusal,
)
from tests.pg import Cluster


async def refusal(url: str) -> str:
    with pytest.raises(DatabaseServerError) as caught:
        await check_postgresql(url, url, password="correct-horse-battery-staple")
    message = str(caught.value)
    assert "\n" not in message and "correct-horse" not in message
    return message


async def test_a_database_made_as_the_bot_needs_it_passes(pg_database: str) -> None:
    await check_postgresql(pg_database, pg_database)


async def test_no_server_listening_is_one_line(pg_cluster: Cluster) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    message = await refusal(f"postgresql://peer@127.0.0.1:{port}/peercircle")
    assert message.startswith(f"cannot reach PostgreSQL at postgresql://peer@127.0.0.1:{port}")
    assert "is the server running" in message


async def test_a_database_that_does_not_exist_is_one_line(pg_cluster: Cluster) -> None:
    message = await refusal(pg_cluster.url("nowhere"))
    assert "does not exist" in message and "LC_COLLATE 'C'" in message


async def test_a_read_only_database_is_refused(pg_cluster: Cluster, pg_database: str) -> None:
    name = pg_database.rsplit("/", 1)[1]
    pg_cluster.psql(f"ALTER DATABASE {name} SET default_transaction_read_only = on")
    message = await refusal(pg_database)
    assert "is read-only (read only)" in message and "the primary" in message


async def test_a_database_sorting_by_a_languages_rules_is_refused(pg_cluster: Cluster) -> None:
    pg_cluster.psql(
        "CREATE DATABASE by_language LOCALE_PROVIDER icu ICU_LOCALE 'und' TEMPLATE template0"
    )
    try:
        message = await refusal(pg_cluster.url("by_language"))
    finally:
        pg_cluster.psql("DROP DATABASE by_language WITH (FORCE)")
    assert "sorts text by a language's rules" in message and "LC_COLLATE 'C'" in message


def test_servers_older_than_13_are_refused() -> None:
    assert version_refusal(120017) == "version 12; peercircle needs PostgreSQL 13 or newer"
    assert version_refusal(130000) is None and version_refusal(150018) is None
