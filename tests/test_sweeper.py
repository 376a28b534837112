"""The generic due-row sweep: sources in the order given, one transaction per batch."""

from __future__ import annotations

import ast
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import OutcomeSettings, Settings
from bot.runtime.sweeper import Batch, DueSweeper
from bot.services import Services
from storage import outbox
from storage.db import Database, Session
from tests.engines import OpenDb, storage_settings

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FEATURES = {
    "checkins",
    "goals",
    "journey",
    "circles",
    "members",
    "moderation",
    "alerts",
    "stats",
    "combined",
}


class Boom(Exception):
    pass


class FakeSource:
    """Queues one message a batch; says there is more for `full` batches, then stops.
    With `fail_at`, that batch queues its message and then raises."""

    def __init__(
        self, name: str, full: int, calls: list[tuple[str, Session]], fail_at: int | None = None
    ) -> None:
        self.name = name
        self._full = full
        self._calls = calls
        self._fail_at = fail_at
        self.batches = 0

    async def sweep_batch(self, session: Session, now: datetime, limit: int) -> Batch:
        assert (now, limit) == (NOW, 3)
        self.batches += 1
        self._calls.append((self.name, session))
        key = f"{self.name}:{self.batches}"
        added = await outbox.enqueue_one(session, outbox.NewMessage(key, 1, None, "t", "{}"), now)
        if self.batches == self._fail_at:
            raise Boom(key)
        return Batch(int(added), 1, self.batches <= self._full)


async def keys(db: Database, wanted: list[str]) -> set[str]:
    async with db.read() as session:
        return await outbox.existing_keys(session, wanted)


async def test_sources_run_in_the_order_given_each_batch_in_its_own_transaction(
    open_db: OpenDb,
) -> None:
    db = await open_db()
    try:
        calls: list[tuple[str, Session]] = []
        woken: list[bool] = []
        sources = [FakeSource("b", 2, calls), FakeSource("a", 0, calls), FakeSource("c", 1, calls)]
        sweeper = DueSweeper(db, ManualClock(NOW), 3, lambda: woken.append(True), sources)
        result = await sweeper.sweep()
        assert [name for name, _ in calls] == ["b", "b", "b", "a", "c", "c"]
        assert len({id(session) for _, session in calls}) == len(calls)
        assert (result.enqueued, result.skipped, woken) == (6, 6, [True])
        wanted = ["b:1", "b:2", "b:3", "a:1", "c:1", "c:2"]
        assert await keys(db, wanted) == set(wanted)
    finally:
        await db.close()


async def test_a_failing_batch_rolls_back_only_itself(open_db: OpenDb) -> None:
    db = await open_db()
    try:
        calls: list[tuple[str, Session]] = []
        first = FakeSource("a", 5, calls, fail_at=3)
        later = FakeSource("b", 0, calls)
        sweeper = DueSweeper(db, ManualClock(NOW), 3, lambda: None, [first, later])
        with pytest.raises(Boom):
            await sweeper.sweep()
        # The two batches before were committed; the failing one left nothing behind, and
        # the sources after it were not asked (the next sweep starts over).
        assert await keys(db, ["a:1", "a:2", "a:3", "b:1"]) == {"a:1", "a:2"}
        assert [name for name, _ in calls] == ["a", "a", "a"]
    finally:
        await db.close()


async def test_services_list_the_due_sources_in_todays_order(
    storage_url: str, storage_key: bytes | None
) -> None:
    settings = Settings(storage=storage_settings(storage_url, storage_key))
    services = await Services.open(settings, ManualClock(NOW), random.Random(1))
    try:
        names = [source.name for source in services.sweeper.sources]
        assert names == [
            "checkins",
            "weekly",
            "milestones",
            "nudges",
            "snoozes",
            "outcome_offers",
            "questionnaires",
            "lapsed_sittings",
        ]
    finally:
        await services.close()


async def test_with_outcomes_off_no_questionnaire_source_runs(
    storage_url: str, storage_key: bytes | None
) -> None:
    settings = Settings(
        storage=storage_settings(storage_url, storage_key),
        outcomes=OutcomeSettings(enabled=False),
    )
    services = await Services.open(settings, ManualClock(NOW), random.Random(1))
    try:
        names = [source.name for source in services.sweeper.sources]
        assert names == ["checkins", "weekly", "milestones", "nudges", "snoozes"]
        assert await services.outcomes.opt_in(1) is None
    finally:
        await services.close()


def test_runtime_imports_no_feature() -> None:
    """The sweeper reaches features only through the DueSources it is given."""
    runtime = Path(__file__).parent.parent / "bot" / "runtime"
    found: list[str] = []
    for path in sorted(runtime.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            for name in names:
                parts = name.split(".")
                if parts[0] == "bot" and len(parts) > 1 and parts[1] in FEATURES:
                    found.append(f"{path.name}: {name}")
    assert found == []
