"""What SQL the two engines spell differently, for the few queries that need it.

Everything else is common SQL. A Session carries its engine's dialect (session.dialect), so
a repository writes `FROM checkins {session.dialect.indexed_by("checkins_by_day")}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Dialect:
    name: Literal["sqlite", "postgresql"]

    def indexed_by(self, index: str) -> str:
        """SQLite's index hint, where its planner otherwise picks a slower index
        (bench/RESULTS.md); PostgreSQL has no hints, and its planner needs none here."""
        return f"INDEXED BY {index}" if self.name == "sqlite" else ""

    def days_between(self, later: str, earlier: str) -> str:
        """The whole days from one YYYY-MM-DD day to another, as an SQL number."""
        if self.name == "sqlite":
            return f"julianday({later}) - julianday({earlier})"
        return f"({later})::date - ({earlier})::date"

    def day_number(self, day: str) -> str:
        """A YYYY-MM-DD day as a number that day_after() counts from."""
        return f"julianday({day})" if self.name == "sqlite" else f"({day})::date"

    def day_after(self, number: str, days: int) -> str:
        """The YYYY-MM-DD day `days` after a day_number()."""
        if self.name == "sqlite":
            return f"date({number}, '+{days} days')"
        return f"to_char({number} + {days}, 'YYYY-MM-DD')"

    def position(self, needle: str, text: str) -> str:
        """Where `needle` first occurs in `text`, counting from 1; 0 when it does not."""
        if self.name == "sqlite":
            return f"instr({text}, {needle})"
        return f"strpos({text}, {needle})"

    def skip_locked(self) -> str:
        """Rows another transaction is claiming are passed over, not waited for (the outbox's
        claim, storage.outbox.claim_batch). SQLite needs none: one writer at a time."""
        return "FOR UPDATE SKIP LOCKED" if self.name == "postgresql" else ""


SQLITE = Dialect("sqlite")
POSTGRESQL = Dialect("postgresql")
