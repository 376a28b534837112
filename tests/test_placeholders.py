"""The placeholder translation for PostgreSQL: `?` and `:name` to `$n`, and only those."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.engines.placeholders import numbered


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT 1", "SELECT 1"),
        ("SELECT * FROM m WHERE a = ? AND b = ?", "SELECT * FROM m WHERE a = $1 AND b = $2"),
        # Inside strings, identifiers and comments a ? or :name is text, not a placeholder.
        (
            "SELECT key FROM instance WHERE key LIKE 'answer:%' AND value = ?",
            "SELECT key FROM instance WHERE key LIKE 'answer:%' AND value = $1",
        ),
        ("SELECT 'why?', 'it''s ?', ?", "SELECT 'why?', 'it''s ?', $1"),
        (
            'SELECT "odd?col", "a""b:c" FROM t WHERE x = ?',
            'SELECT "odd?col", "a""b:c" FROM t WHERE x = $1',
        ),
        ("SELECT ? -- a comment? :yes\n, ?", "SELECT $1 -- a comment? :yes\n, $2"),
        ("SELECT /* ? :no */ ?", "SELECT /* ? :no */ $1"),
        ("SELECT $$ ? :no $$, $f$ ? $f$, ?", "SELECT $$ ? :no $$, $f$ ? $f$, $1"),
        # A cast is not a name, and neither is a time written in a string.
        ("SELECT ?::date + 7, '20:00'", "SELECT $1::date + 7, '20:00'"),
        ("SELECT x::text FROM t WHERE y = ?", "SELECT x::text FROM t WHERE y = $1"),
    ],
)
def test_question_marks_are_numbered_and_nothing_else_changes(sql: str, expected: str) -> None:
    assert numbered(sql).sql == expected


def test_names_are_numbered_by_first_use_and_a_repeated_name_keeps_its_number() -> None:
    statement = numbered(
        "SELECT CASE WHEN :since > cm.joined_at THEN :since ELSE cm.joined_at END, :now_at"
        " FROM circle_members cm WHERE cm.user_id = :user"
    )
    assert statement.sql == (
        "SELECT CASE WHEN $1 > cm.joined_at THEN $1 ELSE cm.joined_at END, $2"
        " FROM circle_members cm WHERE cm.user_id = $3"
    )
    assert statement.names == ("since", "now_at", "user")
    # A dict in any order gives the values in the numbers' order.
    assert statement.arguments({"user": 7, "now_at": "b", "since": "a"}) == ["a", "b", 7]


def test_parameters_that_do_not_fit_the_statement_are_refused() -> None:
    with pytest.raises(ValueError, match="takes 2 parameters, not 1"):
        numbered("SELECT ?, ?").arguments((1,))
    with pytest.raises(ValueError, match="no value for :b"):
        numbered("SELECT :a, :b").arguments({"a": 1})
    with pytest.raises(ValueError, match="positional parameters given"):
        numbered("SELECT :a").arguments((1,))
    with pytest.raises(ValueError, match="mixes"):
        numbered("SELECT ?, :a")
    with pytest.raises(ValueError, match="holds \\$n placeholders"):
        numbered("SELECT $1")


def test_the_translation_is_made_once_per_statement() -> None:
    assert numbered("SELECT ? AS cached") is numbered("SELECT ? AS cached")


_INNER = st.text(alphabet="ab ?:$-*'\"\n", max_size=8)
# Pieces of SQL, each with what it becomes (None: the next number); none of them is changed
# by what stands beside it.
_PIECES = st.one_of(
    st.just(("?", None)),
    st.text(alphabet="abc =,()\n", max_size=6).map(lambda t: (t, t)),
    _INNER.map(lambda t: "'" + t.replace("'", "''") + "'").map(lambda t: (t, t)),
    _INNER.map(lambda t: '"' + t.replace('"', '""') + '"').map(lambda t: (t, t)),
    _INNER.filter(lambda t: "*/" not in t and not t.endswith("*")).map(
        lambda t: ("/*" + t + "*/",) * 2
    ),
    _INNER.map(lambda t: ("--" + t.replace("\n", " ") + "\n",) * 2),
    st.just(("::int", "::int")),
)


@given(st.lists(_PIECES, max_size=12))
def test_only_question_marks_outside_quotes_and_comments_are_numbered(
    pieces: list[tuple[str, str | None]],
) -> None:
    expected, count = [], 0
    for _, becomes in pieces:
        if becomes is None:
            count += 1
            becomes = f"${count}"
        expected.append(becomes)
    statement = numbered("".join(text for text, _ in pieces))
    assert statement.sql == "".join(expected)
    assert statement.count == count
