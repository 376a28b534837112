"""Repositories' SQL for PostgreSQL: `?` and `:name` placeholders become `$1`, `$2`, ….

Repositories write SQLite's placeholders; asyncpg takes only numbered ones. The SQL is read
once per distinct string (cached), skipping what is not a placeholder though it looks like
one: '…' strings ('answer:%', 'why?'), "…" identifiers, $$…$$ bodies, -- and /* */
comments, and `::` casts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_PART = _NAME_START | frozenset("0123456789")
_DOLLAR_QUOTE = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$")


@dataclass(frozen=True)
class Numbered:
    """A statement with numbered placeholders; for `:name` ones, the name of each number."""

    sql: str
    count: int
    names: tuple[str, ...] = ()

    def arguments(self, params: Sequence[Any] | Mapping[str, Any]) -> list[Any]:
        """The parameters in the order of the numbers; ValueError when they do not fit."""
        if isinstance(params, Mapping):
            if not self.names and self.count:
                raise ValueError("named parameters given for a statement with ? placeholders")
            missing = [name for name in self.names if name not in params]
            if missing:
                raise ValueError(f"no value for :{', :'.join(missing)}")
            return [params[name] for name in self.names]
        if self.names:
            raise ValueError("positional parameters given for a statement with :name ones")
        if len(params) != self.count:
            raise ValueError(f"the statement takes {self.count} parameters, not {len(params)}")
        return list(params)


@lru_cache(maxsize=2048)
def numbered(sql: str) -> Numbered:
    """`sql` with `$n` for its `?` or `:name` placeholders (a name used twice keeps its
    number). ValueError when it mixes the two kinds, or holds `$n` already."""
    out: list[str] = []
    names: list[str] = []
    positional = 0
    i, end = 0, len(sql)
    while i < end:
        char = sql[i]
        if char in "'\"":
            close = _closing_quote(sql, i)
            out.append(sql[i:close])
            i = close
        elif sql.startswith("--", i):
            close = sql.find("\n", i)
            close = end if close < 0 else close
            out.append(sql[i:close])
            i = close
        elif sql.startswith("/*", i):
            close = sql.find("*/", i + 2)
            close = end if close < 0 else close + 2
            out.append(sql[i:close])
            i = close
        elif sql.startswith("::", i):
            out.append("::")
            i += 2
        elif char == "?":
            positional += 1
            out.append(f"${positional}")
            i += 1
        elif char == ":" and i + 1 < end and sql[i + 1] in _NAME_START:
            close = i + 1
            while close < end and sql[close] in _NAME_PART:
                close += 1
            name = sql[i + 1 : close]
            if name not in names:
                names.append(name)
            out.append(f"${names.index(name) + 1}")
            i = close
        elif char == "$" and (tag := _DOLLAR_QUOTE.match(sql, i)):
            close = sql.find(tag.group(), tag.end())
            close = end if close < 0 else close + len(tag.group())
            out.append(sql[i:close])
            i = close
        elif char == "$" and i + 1 < end and sql[i + 1].isdigit():
            raise ValueError("the statement holds $n placeholders already; write ? or :name")
        else:
            out.append(char)
            i += 1
    if positional and names:
        raise ValueError("the statement mixes ? and :name placeholders")
    return Numbered("".join(out), positional or len(names), tuple(names))


def _closing_quote(sql: str, start: int) -> int:
    """The index just past the quoted text opening at `start` (a doubled quote is one)."""
    quote = sql[start]
    i = start + 1
    while True:
        close = sql.find(quote, i)
        if close < 0:
            return len(sql)  # unterminated: the server will say so
        if sql.startswith(quote * 2, close):
            i = close + 2
            continue
        return close + 1
