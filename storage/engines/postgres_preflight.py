"""Before a PostgreSQL database is used: refuse one the bot cannot use, in one line naming
the server (never the password) and the fix, as storage.preflight does for SQLite's file.

Every opening of a PostgreSQL Database runs it (storage.engines.postgres.Database.connect_to)
on the connection it then keeps, so a start, `migrate` or `migrate-data` refuses before
anything is written; the commands print DatabaseServerError as their other one-line refusals.
"""

from __future__ import annotations

import socket
from typing import Any

import asyncpg

from storage.engines.postgres import CONNECT_TIMEOUT, Timeouts, connect
from storage.faults import DatabaseServerError

__all__ = ["DatabaseServerError", "check_postgresql", "checked_connection"]

# gen_random_uuid() without pgcrypto, which PostgreSQL's migrations use for salts.
OLDEST_VERSION = 13
# Timestamps and days are ISO text compared as strings, and the outbox's key ranges need
# byte order: only these collations give it.
BYTEWISE = frozenset({"C", "C.UTF-8", "C.utf8", "POSIX"})


async def check_postgresql(url: str, shown: str, password: str | None = None) -> None:
    """Connect, and refuse a server or database the bot cannot use. `shown` is the URL as
    it may be printed (storage.url never holds a password)."""
    conn = await checked_connection(url, shown, password)
    await conn.close()


async def checked_connection(
    url: str, shown: str, password: str | None = None, timeouts: Timeouts | None = None
) -> Any:
    """A connection as storage.engines.postgres.connect makes it, to a server and database
    the bot can use; else DatabaseServerError, in one line, with no driver error chained."""
    conn = await _connect(url, shown, password, timeouts or Timeouts())
    try:
        await _check_server(conn, shown)
    except BaseException:
        await conn.close()
        raise
    return conn


async def _connect(url: str, shown: str, password: str | None, timeouts: Timeouts) -> Any:
    try:
        return await connect(url, password, timeouts, connect_timeout=CONNECT_TIMEOUT)
    except asyncpg.InvalidPasswordError:
        raise DatabaseServerError(
            f"PostgreSQL at {shown} refused the password (or the user): check "
            "PEERCIRCLE_STORAGE__PASSWORD or storage.password_file, and the user in storage.url"
        ) from None
    except asyncpg.InvalidAuthorizationSpecificationError as error:
        raise DatabaseServerError(
            f"PostgreSQL at {shown} refused this connection ({error.sqlstate}): allow it in "
            "pg_hba.conf, or check the user in storage.url"
        ) from None
    except asyncpg.InvalidCatalogNameError:
        raise DatabaseServerError(
            f"the database in {shown} does not exist: make it with "
            "CREATE DATABASE … LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0, or fix storage.url"
        ) from None
    except asyncpg.TooManyConnectionsError:
        raise DatabaseServerError(
            f"PostgreSQL at {shown} has too many connections: raise max_connections or stop "
            "another client, then start again"
        ) from None
    except socket.gaierror:
        raise DatabaseServerError(
            f"cannot find the host of {shown} (DNS): check storage.url"
        ) from None
    except (OSError, TimeoutError, asyncpg.CannotConnectNowError) as error:
        reason = getattr(error, "strerror", None) or type(error).__name__
        raise DatabaseServerError(
            f"cannot reach PostgreSQL at {shown} ({reason}): is the server running and "
            "listening there? check storage.url"
        ) from None


async def _check_server(conn: Any, shown: str) -> None:
    version = int(await conn.fetchval("SHOW server_version_num"))
    if refusal := version_refusal(version):
        raise DatabaseServerError(f"PostgreSQL at {shown} is {refusal}")
    standby = await conn.fetchval("SELECT pg_is_in_recovery()")
    read_only = await conn.fetchval("SHOW transaction_read_only") == "on"
    if standby or read_only:
        raise DatabaseServerError(
            f"PostgreSQL at {shown} is read-only ({'a standby' if standby else 'read only'}): "
            "point storage.url at the primary, which takes writes"
        )
    # Before PostgreSQL 15 every database's collation came from libc.
    provider = "datlocprovider::text" if version >= 150000 else "'c'"
    provider, collate = await conn.fetchrow(
        f"SELECT {provider}, datcollate FROM pg_database WHERE datname = current_database()"
    )
    if provider != "c" or collate not in BYTEWISE:
        raise DatabaseServerError(
            f"the database in {shown} sorts text by a language's rules ({collate}, provider "
            f"{provider}), and the bot needs byte order: make it with CREATE DATABASE … "
            "LOCALE_PROVIDER libc LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
        )
    try:
        async with conn.transaction():
            await conn.execute("CREATE TEMP TABLE peercircle_write_check (x integer)")
            raise _RolledBack
    except _RolledBack:
        pass


class _RolledBack(Exception):
    """Ends the write check's transaction: it only had to be allowed."""


def version_refusal(server_version_num: int) -> str | None:
    """Why this server version cannot serve the bot, or None."""
    major = server_version_num // 10000
    if major < OLDEST_VERSION:
        return f"version {major}; peercircle needs PostgreSQL {OLDEST_VERSION} or newer"
    return None
