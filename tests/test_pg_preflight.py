"""A PostgreSQL database the bot cannot use is refused in one line naming the server and the
fix, whenever a Database is opened on it. Skipped without PostgreSQL's binaries
(tests/pg.py)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest

from storage.db import Database
from storage.engines.postgres_preflight import (
    DatabaseServerError,
    check_postgresql,
    version_refusal,
)
from storage.sealed import Keys
from tests.pg import Cluster, private_cluster

PASSWORD = "correct-horse-battery-staple"


async def refusal(url: str, password: str = PASSWORD) -> str:
    with pytest.raises(DatabaseServerError) as caught:
        await check_postgresql(url, url, password=password)
    return one_plain_line(caught.value)


def one_plain_line(error: DatabaseServerError) -> str:
    """The refusal as a command prints it: one line, no password, and no driver error
    chained to it (which a traceback, were one printed, would show)."""
    message = str(error)
    assert "\n" not in message and "correct-horse" not in message
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__
    return message


@pytest.fixture(scope="module")
def own_cluster() -> Iterator[Cluster]:
    """A cluster that asks for a password, which a test may turn into a standby."""
    with private_cluster(PASSWORD) as cluster:
        yield cluster


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


async def test_a_wrong_password_is_one_line(own_cluster: Cluster) -> None:
    await check_postgresql(own_cluster.url(), own_cluster.url(), password=PASSWORD)
    message = await refusal(own_cluster.url(), password="not-" + PASSWORD)
    assert message.startswith(f"PostgreSQL at {own_cluster.url()} refused the password")
    assert "PEERCIRCLE_STORAGE__PASSWORD or storage.password_file" in message
    assert "not-correct" not in message


async def test_a_standby_is_refused(own_cluster: Cluster) -> None:
    own_cluster.restart_as_standby()
    try:
        message = await refusal(own_cluster.url())
    finally:
        own_cluster.promote()
    assert message == (
        f"PostgreSQL at {own_cluster.url()} is read-only (a standby): point storage.url at "
        "the primary, which takes writes"
    )
    await check_postgresql(own_cluster.url(), own_cluster.url(), password=PASSWORD)


async def test_opening_a_database_checks_the_server_first(
    pg_cluster: Cluster, own_cluster: Cluster
) -> None:
    key = Keys(key=os.urandom(32))
    with pytest.raises(DatabaseServerError) as caught:
        await Database.open(own_cluster.url(), keys=key, password="not-" + PASSWORD)
    assert "refused the password" in one_plain_line(caught.value)
    with pytest.raises(DatabaseServerError) as caught:
        await Database.open(pg_cluster.url("nowhere"), keys=key)
    assert "does not exist" in one_plain_line(caught.value)
    pg_cluster.psql(
        "CREATE DATABASE by_language_too LOCALE_PROVIDER icu ICU_LOCALE 'und' TEMPLATE template0"
    )
    try:
        with pytest.raises(DatabaseServerError) as caught:
            await Database.open(pg_cluster.url("by_language_too"), keys=key)
        tables = pg_cluster.psql(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", "by_language_too"
        )
    finally:
        pg_cluster.psql("DROP DATABASE by_language_too WITH (FORCE)")
    assert "sorts text by a language's rules" in one_plain_line(caught.value)
    assert tables == "0"  # refused before a migration made anything


async def test_a_host_that_does_not_resolve_is_one_line() -> None:
    # .invalid never resolves (RFC 6761), with or without a DNS server.
    url = "postgresql://peer@no-such-host.invalid:5432/peercircle"
    assert await refusal(url) == f"cannot find the host of {url} (DNS): check storage.url"
