"""The scale benchmark's generated database stays true to the schema.

bench/generate.py writes rows with plain SQL for speed (100,000 members in seconds); a
migration that adds a required column or a table the repositories rely on must fail here,
in the test suite, not silently skew the next benchmark run.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from bench.generate import generate, migrate
from bench.scale import DUE, in_process

MEMBERS = DUE + 50  # the benchmark samples this many due members at once


async def test_generated_rows_satisfy_the_schema_and_the_benchmark_runs(tmp_path: Path) -> None:
    path = tmp_path / "scale.db"
    await migrate(path)
    generate(path, members=MEMBERS, checkins=MEMBERS * 5, goals=100)
    with sqlite3.connect(path, timeout=30) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "members",
                "checkins",
                "goals",
                "goal_entries",
                "circle_members",
                "relays",
                "outcome_responses",
                "outcome_members",
            )
        }
        # The summaries migration 0010 keeps by trigger agree with the rows written.
        weeks = conn.execute("SELECT coalesce(sum(checkins), 0) FROM member_weeks").fetchone()
    assert counts["members"] == MEMBERS
    assert counts["checkins"] == MEMBERS * 5
    assert counts["goals"] == 100 and counts["goal_entries"] == 1000
    assert counts["circle_members"] > 0 and counts["relays"] == counts["circle_members"] * 10
    assert counts["outcome_responses"] == counts["outcome_members"] * 13  # 4 GSE, 9 WHO-5
    assert weeks[0] == MEMBERS * 5
    figures = await in_process(path, runs=1, rng=random.Random(3))
    assert set(figures) >= {"sweep_ms", "trend_p50_ms", "stats_ms", "outcomes_ms", "chart_ms"}
