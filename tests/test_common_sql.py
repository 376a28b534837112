"""The repositories' SQL stays in the part both engines accept (issue 19).

Each pattern below is SQLite-only and was rewritten once; this keeps it from coming back.
What is spelt per engine comes from the session's dialect (storage/dialect.py, not checked).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SQLITE_ONLY = {
    "json_each(), a table function of SQLite's alone": re.compile(r"\bjson_each\s*\(", re.I),
    "total_changes() (execute_many returns the count)": re.compile(r"\btotal_changes\s*\(", re.I),
    "IS NOT with a value (PostgreSQL's IS takes NULL, TRUE or FALSE only)": re.compile(
        r"\bIS\s+NOT\s+(?!NULL\b|TRUE\b|FALSE\b|DISTINCT\b)['{?:\w]"
    ),
    "CROSS JOIN ... ON (PostgreSQL wants the condition in WHERE)": re.compile(
        r"\bCROSS\s+JOIN\s+\w+(\s+(AS\s+)?\w+)?\s+ON\b", re.I
    ),
    "scalar max()/min() of two values (aggregates only on PostgreSQL)": re.compile(
        r"\b(max|min)\s*\([^()]*,", re.I
    ),
    "SUM of a comparison (a boolean on PostgreSQL, not a number)": re.compile(
        r"\bSUM\s*\(\s*(EXISTS\b|[\w.]+\s*(=|==|!=|<>|<=|>=|<|>))", re.I
    ),
    "a bare column in DO UPDATE SET (ambiguous with excluded on PostgreSQL)": re.compile(
        r"\bDO\s+UPDATE\s+SET\s+\w+\s*=\s*(?!NULL\b|excluded\b)\w+\b(?!\s*[.(])", re.I
    ),
    "INDEXED BY (session.dialect.indexed_by)": re.compile(r"\bINDEXED\s+BY\b", re.I),
    "julianday() (session.dialect.days_between or day_number)": re.compile(
        r"\bjulianday\s*\(", re.I
    ),
    "date() with a modifier (session.dialect.day_after)": re.compile(
        r"\bdate\s*\([^()]*,\s*'", re.I
    ),
}

# Words that may follow a subquery's closing bracket when it is a value, not a FROM item.
_NOT_AN_ALIAS = {"WHERE", "GROUP", "ORDER", "LIMIT", "UNION", "ON", "JOIN", "HAVING", ""}


def _docstrings(tree: ast.Module) -> set[int]:
    owners = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, owners) and node.body and isinstance(node.body[0], ast.Expr):
            found.add(id(node.body[0].value))
    return found


def _sql_strings(path: Path) -> list[str]:
    """Every string literal in a module but its docstrings, f-strings as their literal parts
    joined."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    prose = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in prose:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
            found.append("".join(str(p) for p in parts))
    return found


def _closing(text: str, opening: int) -> int:
    depth = 0
    for index in range(opening, len(text)):
        depth += {"(": 1, ")": -1}.get(text[index], 0)
        if depth == 0:
            return index
    return len(text)


def unnamed_subqueries(sql: str) -> list[str]:
    """Subqueries in FROM or JOIN with no name after them (PostgreSQL 15 refuses them)."""
    found = []
    for match in re.finditer(r"\b(FROM|JOIN)\s*\(\s*(SELECT|WITH)\b", sql, re.I):
        end = _closing(sql, sql.index("(", match.start()))
        after = re.match(r"\s*(AS\s+)?(\w*)", sql[end + 1 :], re.I)
        name = after.group(2) if after else ""
        if not (after and after.group(1)) and name.upper() in _NOT_AN_ALIAS:
            found.append(sql[match.start() : end + 1])
    return found


def _storage_modules() -> list[Path]:
    return sorted(p for p in (ROOT / "storage").glob("*.py") if p.name != "dialect.py")


def sqlite_only_constructs(texts: list[str]) -> list[str]:
    offences = []
    for text in texts:
        for reason, pattern in SQLITE_ONLY.items():
            offences += [f"{reason}: {m.group(0)!r}" for m in pattern.finditer(text)]
        offences += [f"a subquery without a name: {s[:60]!r}" for s in unnamed_subqueries(text)]
    return offences


@pytest.mark.parametrize("path", _storage_modules(), ids=lambda p: p.name)
def test_repository_sql_is_common_to_both_engines(path: Path) -> None:
    assert sqlite_only_constructs(_sql_strings(path)) == []


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1 FROM t WHERE o.id NOT IN (SELECT value FROM json_each(?))",
        "SELECT total_changes()",
        "UPDATE t SET c = '' WHERE c IS NOT ''",
        "SELECT 1 FROM a o CROSS JOIN b m ON m.id = o.id",
        "SELECT 1 FROM r WHERE r.at >= max(:since, cm.joined_at)",
        "SELECT SUM(s.last_date >= ?) FROM s",
        "SELECT SUM(EXISTS (SELECT 1 FROM t)) FROM r",
        "INSERT INTO a (k, count) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET count = count + 1",
        "SELECT MIN(due) FROM (SELECT MIN(x) AS due FROM m)",
        "SELECT COUNT(*) FROM checkins INDEXED BY checkins_by_day",
        "SELECT 1 FROM s WHERE julianday(s.last_date) - julianday(s.first_date) >= 27",
        "SELECT date(day_number, '+7 days')",
    ],
)
def test_the_check_finds_each_sqlite_only_construct(sql: str) -> None:
    assert sqlite_only_constructs([sql]) != []


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1 FROM t WHERE o.id NOT IN (?, ?)",
        "UPDATE t SET c = NULL WHERE c IS NOT NULL AND (d IS NULL OR d <> '')",
        "SELECT 1 FROM a o CROSS JOIN b m WHERE m.id = o.id",
        "SELECT max(id), min(id) FROM r GROUP BY k",
        "SELECT SUM(CASE WHEN s.last_date >= ? THEN 1 ELSE 0 END), SUM(w.checkins) FROM s",
        "INSERT INTO a (k, n) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET n = a.n + excluded.n",
        "INSERT INTO a (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
        "SELECT MIN(due) FROM (SELECT MIN(x) AS due FROM m) AS soonest",
        "SELECT (SELECT count(*) FROM r WHERE r.a = 1) + (SELECT count(*) FROM q)",
    ],
)
def test_the_check_leaves_common_sql_alone(sql: str) -> None:
    assert sqlite_only_constructs([sql]) == []
