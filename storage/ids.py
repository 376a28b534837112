"""Fresh ids for tables whose ids buttons carry: never one that was handed out before."""

from __future__ import annotations

from typing import Literal

# The tables migration 0017 keeps a high-water mark for.
KeptTable = Literal["relays", "goals", "outcome_responses"]


def fresh_id(table: KeptTable) -> str:
    """An SQL expression for the next id of `table`: past every id it holds and every id it
    ever deleted, so a button showing a deleted row's id can never reach a new row."""
    # The larger of the two by CASE: SQLite's two-argument max() is not PostgreSQL's. Each
    # subquery reads one key (the largest id, the table's mark), so naming them twice is cheap.
    present = f"(SELECT coalesce(max(id), 0) FROM {table})"
    high = f"coalesce((SELECT high FROM id_high_water WHERE name = '{table}'), 0)"
    return f"(CASE WHEN {present} > {high} THEN {present} ELSE {high} END + 1)"
