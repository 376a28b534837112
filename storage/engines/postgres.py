"""The PostgreSQL engine: a connection set up as the bot uses it.

Not yet behind Database and Session (issue 19, stage 3): every command still refuses a
postgresql storage.url (bot.cli.refuse_postgresql).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

# Seconds a connection attempt may take before it counts as the server being unreachable.
CONNECT_TIMEOUT = 5.0


@dataclass(frozen=True)
class Timeouts:
    """How long the server lets one session wait, in seconds. Without them a lock held by
    another session, or a session left in a transaction, would be waited for forever."""

    # A lock held by another session: as SQLite's busy_timeout, then a storage fault.
    lock: float = 5.0
    # One statement; migrations lift it for their own transaction.
    statement: float = 30.0
    # A transaction left open (a process stopped half-way): its locks are let go.
    idle_in_transaction: float = 60.0

    def server_settings(self) -> dict[str, str]:
        """Set when the session starts, so no statement runs without them."""
        return {
            "lock_timeout": _ms(self.lock),
            "statement_timeout": _ms(self.statement),
            "idle_in_transaction_session_timeout": _ms(self.idle_in_transaction),
            "application_name": "peercircle",
        }


def _ms(seconds: float) -> str:
    return f"{round(seconds * 1000)}ms"


def number_from_text(text: str) -> int | float:
    """A numeric value as SQLite hands the same figure back: an int for a SUM or count of
    integers ("3"), a float for AVG and divisions ("1.5000…"). asyncpg's Decimal would not
    mix with the floats the rest of the code computes with."""
    if text.lstrip("-").isdigit():
        return int(text)
    return float(text)  # also NaN and ±Infinity


async def connect(
    url: str,
    password: str | None = None,
    timeouts: Timeouts = Timeouts(),
    connect_timeout: float = CONNECT_TIMEOUT,
) -> Any:
    """One asyncpg connection to `url` (which holds no password: storage.url refuses one),
    with the session's timeouts and numeric read as SQLite's numbers."""
    conn = await asyncpg.connect(
        url,
        password=password,
        timeout=connect_timeout,
        server_settings=timeouts.server_settings(),
    )
    try:
        await conn.set_type_codec(
            "numeric",
            schema="pg_catalog",
            encoder=str,
            decoder=number_from_text,
            format="text",
        )
    except BaseException:
        await conn.close()
        raise
    return conn
