"""Anonymised statistics on a known data set: figures, suppression, /stats, the CSV report."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import matplotlib.image
import pytest

from bot.clock import ManualClock
from bot.config import ModerationSettings, Settings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator
from bot.i18n import pgettext, speaking
from bot.stats.rules import Figure, GroupStats, StatsReport
from bot.stats.service import StatsService, to_csv
from bot.texts.stats import all_members, csv_columns, fewer_than, stats_messages
from storage.sealed import encode_key
from tests.conftest import make_settings
from tests.engines import OpenDb, probe, sqlite_path
from tests.helpers import ROOT, peercircle

TODAY = date(2026, 3, 30)  # a Monday
NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
OPERATOR = 990001
FIRST = date(2026, 2, 1)


def seed(db_path: str) -> None:
    """Circle Big (members 1-6, two months of check-ins) and circle Small (members 7-8)."""
    stamp = NOW.isoformat(timespec="seconds")
    with probe(db_path) as conn:
        for user in range(1, 9):
            conn.execute(
                "INSERT INTO members (user_id, pseudonym, timezone, checkin_time, consent_at, "
                "consent_version, onboarded_at, created_at) VALUES (?, ?, 'UTC', '20:00', ?, "
                "1, ?, ?)",
                (user, f"Member {user}", stamp, stamp, stamp),
            )
        conn.execute("INSERT INTO circles VALUES (1, 'Big', 'big', 12, 'post', ?)", (stamp,))
        conn.execute("INSERT INTO circles VALUES (2, 'Small', 'small', 12, 'post', ?)", (stamp,))
        for user in range(1, 9):
            conn.execute(
                "INSERT INTO circle_members VALUES (?, ?, ?)", (user, 1 if user <= 6 else 2, stamp)
            )
        for user in range(1, 7):
            day = FIRST
            while day <= TODAY:
                early, late = day < date(2026, 2, 15), day > date(2026, 3, 16)
                confidence = 4 if early else 4 + user if late else 5
                conn.execute(
                    "INSERT INTO checkins (user_id, local_date, mood, confidence, answered_at) "
                    "VALUES (?, ?, 3, ?, ?)",
                    (user, day.isoformat(), confidence, stamp),
                )
                day += timedelta(days=1)
        for user in (7, 8):
            for back in range(3):
                conn.execute(
                    "INSERT INTO checkins (user_id, local_date, mood, confidence, answered_at) "
                    "VALUES (?, ?, 1, 1, ?)",
                    (user, (TODAY - timedelta(days=back)).isoformat(), stamp),
                )
        for user in range(1, 6):
            conn.execute(
                "INSERT INTO goals (id, user_id, number, title, kind, schedule, nudge_time, "
                "status, created_at) VALUES (?, ?, 1, 'Walk', 'habit', 'daily', '09:00', "
                "'active', ?)",
                (user, user, stamp),
            )
            for back, outcome in enumerate(("done", "done", "not_today", "done")):
                conn.execute(
                    "INSERT INTO goal_entries (goal_id, local_date, outcome, answered_at) "
                    "VALUES (?, ?, ?, ?)",
                    (user, (TODAY - timedelta(days=back)).isoformat(), outcome, stamp),
                )
        for relay, (circle, author) in enumerate([(1, 1), (1, 2), (1, 3), (1, 4), (2, 7)], 1):
            conn.execute(
                "INSERT INTO relays (id, circle_id, author_id, kind, pseudonym, text, status, "
                "created_at) VALUES (?, ?, ?, 'encourage', 'x', 'you can do it', 'sent', ?)",
                (relay, circle, author, (NOW - timedelta(days=1)).isoformat(timespec="seconds")),
            )
        conn.executemany("INSERT INTO relay_thanks VALUES (?, ?)", [(1, 5), (1, 6), (2, 5)])


@pytest.fixture
async def seeded(storage_url: str, open_db: OpenDb) -> str:
    db = await open_db()  # migrates
    await db.close()
    seed(storage_url)
    return storage_url


async def test_figures_on_a_known_data_set(seeded: str, open_db: OpenDb) -> None:
    db = await open_db(seeded)
    try:
        report = await StatsService(db, ManualClock(NOW), 5).report()
    finally:
        await db.close()
    everyone, big, small = report.groups
    assert (everyone.name, everyone.members, big.name, small.name) == (
        "All members",
        8,
        "Big",
        "Small",
    )
    assert (everyone.active_7d.value, everyone.active_30d.value) == (8, 8)
    assert everyone.adherence_7d.value == pytest.approx((42 + 6) / 56)
    assert big.adherence_7d.value == pytest.approx(1.0)
    assert (big.confidence_change.value, big.confidence_change.basis) == (3.5, 6)
    assert (big.goal_completion.value, big.goal_completion.basis) == (0.75, 5)
    assert (big.encouragement_sent.value, big.encouragement_thanked.value) == (4, 2)
    assert (everyone.encouragement_sent.value, everyone.encouragement_thanked.value) == (5, 2)
    assert big.weeks[-1].start == TODAY and big.weeks[-1].mood.value == 3
    assert big.weeks[-1].confidence.value == pytest.approx(7.5)
    assert len(big.weeks) == 8
    # Small has two members: everything about it is hidden.
    assert report.hidden(small.active_7d) and report.hidden(small.encouragement_sent)
    assert report.hidden(small.confidence_change)

    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert tuple(rows[0].keys()) == csv_columns()
    summary = {r["group"]: r for r in rows if r["row"] == "summary"}
    assert summary["Big"] == {
        "group": "Big",
        "row": "summary",
        "week_start": "",
        "members": "6",
        "active_7d": "6",
        "active_30d": "6",
        "checkin_adherence_7d": "1.0",
        "checkins": "",
        "mean_mood": "",
        "mean_confidence": "",
        "confidence_change_median": "3.5",
        "confidence_change_members": "6",
        "goal_completion_30d": "0.75",
        "encouragement_sent_7d": "4",
        "encouragement_thanked_7d": "2",
    }
    assert summary["Small"]["members"] == "fewer than 5"
    assert summary["Small"]["active_7d"] == "fewer than 5"
    small_weeks = [r for r in rows if r["group"] == "Small" and r["row"] == "week"]
    assert small_weeks and all(r["mean_mood"] == "fewer than 5" for r in small_weeks)
    last_big = [r for r in rows if r["group"] == "Big" and r["row"] == "week"][-1]
    assert (
        last_big["week_start"],
        last_big["members"],
        last_big["checkins"],
        last_big["mean_confidence"],
    ) == ("2026-03-30", "6", "6", "7.5")
    # No note, relayed text or pseudonym ever appears.
    assert "you can do it" not in to_csv(report) and "Member 1" not in to_csv(report)


def database_env(url: str, key: bytes | None) -> dict[str, str]:
    """The test's database for `peercircle`: SQLite's file by its path, PostgreSQL by its
    URL and key (the throwaway cluster needs no password)."""
    if key is None:
        return {"PEERCIRCLE_STORAGE__PATH": str(sqlite_path(url))}
    return {"PEERCIRCLE_STORAGE__URL": url, "PEERCIRCLE_STORAGE__KEY": encode_key(key)}


async def test_report_command_writes_the_csv(
    seeded: str, storage_key: bytes | None, tmp_path: Path
) -> None:
    out = tmp_path / "stats.csv"
    env = database_env(seeded, storage_key)
    code, said, err = await peercircle(
        "report", "--out", str(out), "--since", "2026-03-01", cwd=ROOT, env=env
    )
    assert code == 0, err
    assert "3 group(s)" in said
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    weeks = sorted({r["week_start"] for r in rows if r["row"] == "week"})
    assert weeks[0] == "2026-02-23"  # the Monday of 1 March's week
    assert {r["group"] for r in rows} == {"All members", "Big", "Small"}


async def test_report_command_writes_the_csv_in_the_operators_language(
    seeded: str, storage_key: bytes | None, tmp_path: Path
) -> None:
    """members.default_language = "de": the column names, the row kinds, "All members" and
    "fewer than 5" in German; the figures and dates as before."""
    out = tmp_path / "statistik.csv"
    env = database_env(seeded, storage_key) | {"PEERCIRCLE_MEMBERS__DEFAULT_LANGUAGE": "de"}
    code, _, err = await peercircle(
        "report", "--out", str(out), "--since", "2026-03-01", cwd=ROOT, env=env
    )
    assert code == 0, err
    with speaking("de"):
        columns = list(csv_columns())
        everyone, fewer = all_members(), fewer_than(5)
        week = pgettext("statistics CSV row", "week")
    assert columns[0] != "group" and everyone != "All members" and fewer != "fewer than 5"
    table = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert table[0] == columns
    assert {row[0] for row in table[1:]} == {everyone, "Big", "Small"}
    small = next(row for row in table if row[0] == "Small")
    assert small[3] == fewer
    weeks = sorted({row[2] for row in table[1:] if row[1] == week})
    assert weeks[0] == "2026-02-23"


@pytest.fixture
def settings(emulator: BotApiEmulator, storage_url: str, storage_key: bytes | None) -> Settings:
    return make_settings(
        emulator, storage_url, storage_key, moderation=ModerationSettings(operators=[OPERATOR])
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


async def test_stats_command_hides_small_circles_and_sends_a_chart(
    seeded: str, emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    operator = emulator.user(OPERATOR)
    text = await operator.ask("/stats")
    assert "<b>Big</b> (6 members)" in (text.raw_text or "")
    assert "Small: fewer than 5 members" in text.shown_text
    assert "median +3.5 (over 6 members)" in text.shown_text
    assert "Goals done, last 30 days: 75% of answers" in text.shown_text
    chart = await operator.next_message()
    assert chart.photo is not None and chart.photo.startswith(b"\x89PNG\r\n\x1a\n")
    image = matplotlib.image.imread(io.BytesIO(chart.photo), format="png")
    # The members' chart style, phone-sized (tests/test_charts.py): 900 px wide, portrait.
    assert image.shape[1] == 900 and image.shape[0] > 900
    assert chart.caption is not None and "fewer than 5 members are left out" in chart.caption
    outcomes = await operator.next_message()
    assert "Outcomes: members who opted in to questionnaires" in outcomes.shown_text
    assert "All members\nConfidence in coping (GSE): fewer than 5 members so far" in (
        outcomes.shown_text
    )
    assert "Fewer than 5 members have 30 days of check-ins yet" in outcomes.shown_text
    member = emulator.user()
    assert (await member.ask("/stats")).shown_text == "This is for moderators."


def test_stats_for_many_circles_fit_in_a_few_messages() -> None:
    group = GroupStats(
        name="A circle with quite a long name",
        members=12,
        active_7d=Figure(10, 12),
        active_30d=Figure(12, 12),
        adherence_7d=Figure(0.5, 12),
        confidence_change=Figure(1.0, 8),
        goal_completion=Figure(0.5, 6),
        encouragement_sent=Figure(3, 12),
        encouragement_thanked=Figure(2, 12),
    )
    report = StatsReport(TODAY, 5, [group] * 1000)
    messages = stats_messages(report)
    assert len(messages) == 5 and all(len(m) <= 4096 for m in messages)
    assert "peercircle report" in messages[-1]
    assert len(stats_messages(StatsReport(TODAY, 5, [group] * 3))) == 1
