"""Safety plans repository: the member's plan and the edit in progress."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from storage.db import Session
from storage.timestamps import to_db

PARTS = (
    "warning_signs",
    "coping",
    "distractions",
    "helpers",
    "professionals",
    "safe_space",
    "reasons",
)


@dataclass(frozen=True)
class PlanRow:
    warning_signs: str | None = None
    coping: str | None = None
    distractions: str | None = None
    helpers: str | None = None
    professionals: str | None = None
    safe_space: str | None = None
    reasons: str | None = None

    def part(self, name: str) -> str | None:
        value: str | None = getattr(self, name)
        return value

    @property
    def empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))


async def get(session: Session, user_id: int, draft: bool = False) -> PlanRow | None:
    row = await session.fetch_one(
        "SELECT * FROM safety_plans WHERE user_id = ? AND draft = ?", (user_id, int(draft))
    )
    return PlanRow(**_parts(session, row)) if row is not None else None


def _parts(session: Session, row: Any) -> dict[str, str | None]:
    return {name: session.unseal("safety_plans", name, row[name]) for name in PARTS}


async def save(
    session: Session, user_id: int, plan: PlanRow, now: datetime, draft: bool = False
) -> None:
    values = [session.seal("safety_plans", name, plan.part(name)) for name in PARTS]
    await session.execute(
        f"INSERT INTO safety_plans (user_id, draft, {', '.join(PARTS)}, updated_at) "
        f"VALUES (?, ?, {', '.join('?' for _ in PARTS)}, ?) "
        f"ON CONFLICT (user_id, draft) DO UPDATE SET "
        + ", ".join(f"{name} = excluded.{name}" for name in PARTS)
        + ", updated_at = excluded.updated_at",
        (user_id, int(draft), *values, to_db(now)),
    )


async def delete(session: Session, user_id: int, draft: bool) -> None:
    await session.execute(
        "DELETE FROM safety_plans WHERE user_id = ? AND draft = ?", (user_id, int(draft))
    )


async def export(session: Session, user_id: int, draft: bool = False) -> dict[str, Any] | None:
    """The plan (or the unfinished edit of it) as the member wrote it."""
    row = await session.fetch_one(
        "SELECT * FROM safety_plans WHERE user_id = ? AND draft = ?", (user_id, int(draft))
    )
    if row is None:
        return None
    return session.exported("safety_plans", row, "user_id", "draft")
