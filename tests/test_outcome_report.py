"""The cohort report and the research export on a real database of generated members,
checked against Python's own `statistics`; small groups hidden, only the opted-in counted."""

from __future__ import annotations

import csv
import io
import random
import re
import statistics
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.outcomes.questionnaire import load
from bot.outcomes.report import (
    OutcomeReports,
    outcomes_csv,
    report_messages,
    research_columns,
    research_csv,
)
from bot.outcomes.service import score_place
from bot.outcomes.statistics import t_quantile
from storage import checkins as checkin_rows
from storage import circles as circle_rows
from storage import members as member_rows
from storage import outcomes as outcome_rows
from storage.db import Database
from tests.engines import OpenDb
from tests.helpers import ROOT, peercircle

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
JOINED = NOW - timedelta(days=120)
QUESTIONNAIRES = load(None, "en")
MINIMUM = 5


async def _member(db: Database, user_id: int, circle: int | None, consent: bool | None) -> None:
    async with db.transaction() as session:
        await member_rows.create(
            session,
            user_id=user_id,
            pseudonym=f"Member {user_id}",
            timezone="UTC",
            checkin_time="20:00",
            consent_version=1,
            pending_invite=None,
            awaiting="",
            now=JOINED,
        )
        await member_rows.update(session, user_id, onboarded_at=JOINED, awaiting=None)
        if circle is not None:
            await circle_rows.add_member(session, circle, user_id, JOINED)
        if consent is not None:
            await outcome_rows.set_consent(session, user_id, consent, JOINED)


async def _score(
    db: Database, user_id: int, questionnaire: str, day: int, answers: list[int]
) -> float:
    q = QUESTIONNAIRES[questionnaire]
    when = JOINED + timedelta(days=day)
    async with db.transaction() as session:
        sitting = await outcome_rows.start_response(
            session,
            user_id=user_id,
            questionnaire=questionnaire,
            version=1,
            language="en",
            now=when,
            day=when.date(),
        )
        for position, value in enumerate(answers):
            assert await outcome_rows.record_answer(session, sitting, position, value)
        score = q.score(answers)
        assert score is not None
        standing = await score_place(session, user_id, questionnaire, score, when.date())
        await outcome_rows.complete(session, sitting, score, when, when.date(), standing)
    return score


@pytest.fixture
async def db(open_db: OpenDb) -> AsyncIterator[Database]:
    opened = await open_db(now=lambda: NOW)
    yield opened
    await opened.close()


async def test_the_report_matches_statistics_and_hides_small_groups(db: Database) -> None:
    rng = random.Random(18)
    async with db.transaction() as session:
        big = await circle_rows.create(session, "Harbour", "H1", 12, JOINED)
        small = await circle_rows.create(session, "Lantern", "L1", 12, JOINED)
    members = [(100 + i, big) for i in range(9)] + [(200 + i, small) for i in range(3)]
    members += [(300 + i, None) for i in range(2)]
    changes: dict[int, list[float]] = {30: [], 60: []}
    big_changes: list[float] = []
    for user_id, circle in members:
        await _member(db, user_id, circle, True)
        base = await _score(db, user_id, "who5", 2, [rng.randint(0, 5) for _ in range(5)])
        # Follow-ups at day 2+28 (inside 30±7) and 2+61 (inside 60±7); none near 90.
        # A score at day 2+45 is in no window and is not used.
        await _score(db, user_id, "who5", 47, [rng.randint(0, 5) for _ in range(5)])
        for days, offset in ((30, 28), (60, 61)):
            later = await _score(
                db, user_id, "who5", 2 + offset, [rng.randint(0, 5) for _ in range(5)]
            )
            changes[days].append(later - base)
            if days == 30 and circle == big:
                big_changes.append(later - base)
    # Not opted in (or stopped): never counted.
    await _member(db, 400, big, False)
    await _score(db, 400, "who5", 2, [0] * 5)
    await _score(db, 400, "who5", 30, [5] * 5)

    report = await OutcomeReports(db, ManualClock(NOW), QUESTIONNAIRES, MINIMUM).report()
    everyone, harbour, lantern = report.groups
    assert (everyone.name, harbour.name, lantern.name) == ("All members", "Harbour", "Lantern")
    who5 = next(m for m in everyone.measured if m.questionnaire.id == "who5")
    assert who5.baseline == 14
    for follow in who5.follow_ups:
        if follow.days == 90:
            assert follow.n == 0 and follow.change is None
            continue
        found = changes[follow.days]
        change = follow.change
        assert change is not None and follow.n == len(found) == 14
        mean, sd = statistics.fmean(found), statistics.stdev(found)
        half = t_quantile(0.975, len(found) - 1) * sd / len(found) ** 0.5
        assert change.mean == pytest.approx(mean)
        assert (change.low, change.high) == pytest.approx((mean - half, mean + half))
        assert change.effect_size == pytest.approx(mean / sd)
        assert change.improved == pytest.approx(sum(c >= 10 for c in found) / len(found))
    harbour_who5 = next(m for m in harbour.measured if m.questionnaire.id == "who5")
    assert harbour_who5.baseline == 9
    thirty = harbour_who5.follow_ups[0].change
    assert thirty is not None and thirty.mean == pytest.approx(statistics.fmean(big_changes))
    gse = next(m for m in everyone.measured if m.questionnaire.id == "gse")
    assert gse.baseline == 0

    # Lantern's three are "fewer than 5" everywhere; nobody is singled out.
    table = list(csv.reader(io.StringIO(outcomes_csv(report))))
    assert table[0][:4] == ["group", "measure", "days", "members"]
    lantern_rows = [row for row in table if row[0] == "Lantern"]
    assert lantern_rows and all(
        row[3] == "fewer than 5" for row in lantern_rows if row[1] == "who5"
    )
    assert all("fewer than 5" in row[4] for row in lantern_rows if row[2] != "0")
    everyone_30 = next(r for r in table if r[0] == "All members" and r[1:3] == ["who5", "30"])
    assert float(everyone_30[4]) == pytest.approx(statistics.fmean(changes[30]), abs=0.005)
    text = "\n".join(report_messages(report))
    assert "<b>Lantern</b>\nConfidence in coping (GSE): fewer than 5 members so far\n" in text
    assert "WHO-5 wellbeing: fewer than 5 members so far" in text
    assert "14 members with a first score" in text
    assert "90 days: fewer than 5 members" in text


async def test_the_peer_question_groups_members_by_tertiles_of_encouragement(
    db: Database,
) -> None:
    async with db.transaction() as session:
        circle = await circle_rows.create(session, "Harbour", "H1", 12, JOINED)
    rng = random.Random(5)
    expected: dict[int, tuple[int, float]] = {}
    for n in range(9):
        user_id = 100 + n
        await _member(db, user_id, circle, True)
        first, last = rng.randint(2, 6), rng.randint(3, 9)
        async with db.transaction() as session:
            for day in range(0, 30):
                confidence = first if day < 7 else last if day >= 23 else 5
                moment = JOINED + timedelta(days=day)
                await checkin_rows.record(session, user_id, moment.date(), 3, confidence, moment)
            for k in range(n):  # member n gives n encouragements in their first 30 days
                await circle_rows.add_relay(
                    session,
                    circle_id=circle,
                    author_id=user_id,
                    kind="encourage",
                    pseudonym=f"Member {user_id}",
                    text="you can do this",
                    status="sent",
                    now=JOINED + timedelta(days=3, hours=k),
                )
            # Late words count for nobody's first 30 days.
            await circle_rows.add_relay(
                session,
                circle_id=circle,
                author_id=user_id,
                kind="encourage",
                pseudonym=f"Member {user_id}",
                text="still here",
                status="sent",
                now=JOINED + timedelta(days=31),
            )
        expected[user_id] = (n, float(last - first))
    # Someone who joined 10 days ago has no 30 days yet.
    await _member(db, 999, circle, True)

    report = await OutcomeReports(db, ManualClock(NOW), QUESTIONNAIRES, MINIMUM).report()
    assert report.peer_members == 9
    given = [p for p in report.peer if p.exposure == "given"]
    received = [p for p in report.peer if p.exposure == "received"]
    counts = sorted(n for n, _ in expected.values())
    low_cut, high_cut = statistics.quantiles(counts, n=3, method="inclusive")
    for group in given:
        members = [
            change
            for n, change in expected.values()
            if (n <= low_cut, low_cut < n <= high_cut, n > high_cut)[group.tertile]
        ]
        assert group.n == len(members)
        assert group.change is not None
        assert group.change.mean == pytest.approx(statistics.fmean(members))
    # Received: everyone's words but their own (36 in all, minus what they gave).
    assert sorted((p.fewest, p.most) for p in received) == [(28, 30), (31, 33), (34, 36)]
    text = "\n".join(report_messages(report))
    assert "association, not proof of cause" in text
    assert "fewer than 5" in text  # each tertile holds three members


async def test_the_research_export_is_de_identified(db: Database) -> None:
    async with db.transaction() as session:
        big = await circle_rows.create(session, "Harbour", "H1", 12, JOINED)
        small = await circle_rows.create(session, "Lantern", "L1", 12, JOINED)
    for n in range(6):
        await _member(db, 100 + n, big, True)
        await _score(db, 100 + n, "gse", 8, [3] * 10)
        await _score(db, 100 + n, "gse", 38, [4] * 10)
    await _member(db, 200, small, True)
    await _score(db, 200, "who5", 9, [2] * 5)
    await _member(db, 300, big, False)  # stopped: not exported
    await _score(db, 300, "who5", 9, [2] * 5)

    reports = OutcomeReports(db, ManualClock(NOW), QUESTIONNAIRES, MINIMUM)
    text = research_csv(await reports.research_rows(), 10)
    table = list(csv.DictReader(io.StringIO(text)))
    assert list(table[0]) == research_columns(10)
    assert len(table) == 13
    assert len({row["export_id"] for row in table}) == 1
    assert len({row["participant"] for row in table}) == 7
    harbour = {row["circle"] for row in table if row["questionnaire"] == "gse"}
    assert len(harbour) == 1 and harbour != {""}
    lantern = [row for row in table if row["questionnaire"] == "who5"]
    assert [row["circle"] for row in lantern] == [""]  # a circle of one: left blank
    assert (
        sorted(
            int(row["days_since_joining"])
            for row in table
            if row["questionnaire"] == "gse" and row["score"] == "40"
        )
        == [38] * 6
    )
    assert (
        lantern[0]["score"] == "40" and lantern[0]["item_5"] == "2" and lantern[0]["item_6"] == ""
    )
    # Nothing that names anyone: no ids, pseudonyms, circle names or dates; ids are random.
    assert "Member" not in text and "Harbour" not in text and "Lantern" not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    for row in table:
        for column in ("export_id", "participant", "circle"):
            assert re.fullmatch(r"([0-9a-f]{12})?", row[column]), row[column]
    again = list(csv.DictReader(io.StringIO(research_csv(await reports.research_rows(), 10))))
    assert {row["participant"] for row in again}.isdisjoint(row["participant"] for row in table)


async def _cli(*args: str, env: dict[str, str]) -> str:
    code, out, err = await peercircle("report", *args, cwd=ROOT, env=env)
    assert code == 0, err
    return out


async def test_peercircle_report_writes_both_files_in_the_operators_language(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cli.db"
    db = await Database.open(path, now=lambda: NOW)
    try:
        for n in range(5):
            await _member(db, 100 + n, None, True)
            await _score(db, 100 + n, "who5", 1, [2] * 5)
            await _score(db, 100 + n, "who5", 31, [3 + n % 2] * 5)
    finally:
        await db.close()
    env = {
        "PEERCIRCLE_STORAGE__PATH": str(path),
        "PEERCIRCLE_MEMBERS__DEFAULT_LANGUAGE": "de",
    }
    out = tmp_path / "outcomes.csv"
    said = await _cli("--outcomes", "--out", str(out), env=env)
    assert "wrote the outcomes report" in said
    table = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert table[0][:4] == ["gruppe", "messgröße", "tage", "mitglieder"]
    thirty = next(row for row in table if row[1:3] == ["who5", "30"])
    assert thirty[3] == "5" and float(thirty[4]) == pytest.approx(28.0)  # 40 -> 60 / 40 -> 80
    research = tmp_path / "research.csv"
    said = await _cli("--research", "--out", str(research), env=env)
    assert "(10 rows)" in said
    assert research.read_text(encoding="utf-8").startswith("export_id,participant,circle,")


async def test_the_score_closest_to_each_time_point_is_the_one_counted(db: Database) -> None:
    await _member(db, 100, None, True)
    first = await _score(db, 100, "who5", 0, [1] * 5)  # 20
    await _score(db, 100, "who5", 24, [2] * 5)  # 6 days from 30: counted, for now
    closest = await _score(db, 100, "who5", 31, [4] * 5)  # 1 day from 30: takes its place
    await _score(db, 100, "who5", 36, [5] * 5)  # 6 days from 30: farther, not counted
    await _score(db, 100, "who5", 59, [3] * 5)  # 1 day from 60
    await _score(db, 100, "who5", 61, [0] * 5)  # as close, but later: the earlier stays
    async with db.read() as session:
        counted = await outcome_rows.counted_changes(session)
    everyone = sorted((r.timepoint, r.change, r.members) for r in counted if r.circle_id is None)
    assert everyone == [(0, 0.0, 1), (30, closest - first, 1), (60, 60 - first, 1)]


async def test_everyones_figure_is_withheld_when_it_would_give_away_a_small_remainder(
    db: Database,
) -> None:
    async with db.transaction() as session:
        first = await circle_rows.create(session, "Harbour", "H1", 12, JOINED)
        second = await circle_rows.create(session, "Lantern", "L1", 12, JOINED)
    members = [(100 + n, first) for n in range(5)] + [(200 + n, second) for n in range(5)]
    members.append((300, None))  # alone outside the circles: everyone minus them is them
    for user_id, circle in members:
        await _member(db, user_id, circle, True)
        await _score(db, user_id, "who5", 0, [2] * 5)
        await _score(db, user_id, "who5", 30, [3 + user_id % 2] * 5)
    report = await OutcomeReports(db, ManualClock(NOW), QUESTIONNAIRES, MINIMUM).report()
    everyone = next(m for m in report.groups[0].measured if m.questionnaire.id == "who5")
    thirty = everyone.follow_ups[0]
    assert thirty.n == 11 and thirty.withheld and thirty.change is None
    harbour = next(m for m in report.groups[1].measured if m.questionnaire.id == "who5")
    assert harbour.follow_ups[0].change is not None  # the circles themselves are shown
    text = "\n".join(report_messages(report))
    assert "30 days: not shown, as with the circles' figures it would single out" in text
    row = next(
        r
        for r in csv.reader(io.StringIO(outcomes_csv(report)))
        if r[:3] == ["All members", "who5", "30"]
    )
    # The count too: 11 minus the circles' 10 would be the one member outside them.
    assert row[3:9] == ["withheld"] * 6
    assert everyone.baseline_withheld  # 11 with a first score, likewise
    assert "WHO-5 wellbeing: members with a first score not shown" in text


def test_a_split_of_the_peer_question_is_shown_whole_or_not_at_all() -> None:
    from bot.outcomes.report import OutcomeReport, PeerGroup

    def split(exposure: str, sizes: tuple[int, int, int]) -> list[PeerGroup]:
        return [PeerGroup(exposure, i, 0, 1, n, None) for i, n in enumerate(sizes)]

    report = OutcomeReport(5, (), (*split("received", (5, 0, 1)), *split("given", (6, 0, 0))), 6)
    assert not report.split_shown("received")  # its third of one would follow from "given"
    assert report.split_shown("given")
