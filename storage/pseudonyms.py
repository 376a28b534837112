"""Pseudonyms repository: which are in use, and how many new ones a member drew today."""

from __future__ import annotations

from storage.db import Session


async def in_use(session: Session, pseudonym: str) -> bool:
    """Whether any member goes by `pseudonym` (any case, as moderators look members up)."""
    row = await session.fetch_one(
        "SELECT 1 FROM members WHERE pseudonym = ? COLLATE NOCASE LIMIT 1", (pseudonym,)
    )
    return row is not None


async def all_in_use(session: Session) -> set[str]:
    """Every pseudonym members go by, case-folded."""
    rows = await session.fetch_all("SELECT DISTINCT pseudonym FROM members")
    return {str(r["pseudonym"]).casefold() for r in rows}


async def redraws_on(session: Session, user_id: int, day: str) -> int:
    """How many new pseudonyms the member drew on their local day `day` (YYYY-MM-DD)."""
    row = await session.fetch_one(
        "SELECT pseudonym_redraws FROM members WHERE user_id = ? AND pseudonym_redraw_day = ?",
        (user_id, day),
    )
    return int(row["pseudonym_redraws"]) if row is not None else 0


async def count_redraw(session: Session, user_id: int, day: str) -> None:
    """One more new pseudonym on `day`; the count starts again on another day."""
    await session.execute(
        "UPDATE members SET pseudonym_redraws = CASE WHEN pseudonym_redraw_day = ? "
        "THEN pseudonym_redraws + 1 ELSE 1 END, pseudonym_redraw_day = ? WHERE user_id = ?",
        (day, day, user_id),
    )
