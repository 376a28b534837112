"""Fresh ids for tables whose ids buttons carry: never one that was handed out before."""

from __future__ import annotations

import re
from typing import Literal, get_args

# The tables migration 0017 keeps a high-water mark for.
KeptTable = Literal["relays", "goals", "outcome_responses"]
KEPT_TABLES: tuple[KeptTable, ...] = get_args(KeptTable)
_FRESH_ID_OF = re.compile(r"FROM id_high_water WHERE name = '(\w+)'")


def fresh_id(table: KeptTable) -> str:
    """An SQL expression for the next id of `table`: past every id it holds and every id it
    ever deleted, so a button showing a deleted row's id can never reach a new row."""
    # The larger of the two by CASE: SQLite's two-argument max() is not PostgreSQL's. Each
    # subquery reads one key (the largest id, the table's mark), so naming them twice is cheap.
    present = f"(SELECT coalesce(max(id), 0) FROM {table})"
    high = f"coalesce((SELECT high FROM id_high_water WHERE name = '{table}'), 0)"
    return f"(CASE WHEN {present} > {high} THEN {present} ELSE {high} END + 1)"


def fresh_id_table(sql: str) -> KeptTable | None:
    """The table whose fresh id `sql` takes (it holds fresh_id's expression), if any."""
    found = _FRESH_ID_OF.search(sql)
    if found is None:
        return None
    table = found.group(1)
    return next(t for t in KEPT_TABLES if t == table)
