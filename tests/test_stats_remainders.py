"""No figure of /stats or `peercircle report` gives away a hidden small group by subtraction.

The property test builds random populations (circles of 0 to 8 members, some members in no
circle), renders the figures through StatsService and the CSV as /stats and `peercircle
report` do, and then plays a moderator who knows every circle's size (/circles shows it):
for every figure it subtracts every circle's figure shown from everyone's, with the weekly
means turned back into sums by their counts. What is left is the figure of the members not
in a circle shown; it must never be one hidden small circle, nor any group of 1 to 4
members, nor a mean over 1 to 4 of them.
"""

from __future__ import annotations

import asyncio
import csv
import io
import math
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bot.clock import ManualClock
from bot.config import ModerationSettings, Settings
from bot.context import PeerApplication
from bot.emulator import BotApiEmulator
from bot.stats.rules import (
    Figure,
    GroupStats,
    StatsReport,
    Week,
    count_leaves_a_small_group,
    mean_leaves_a_small_group,
    withhold_remainders,
)
from bot.stats.service import StatsService, chart_series, to_csv
from bot.texts.stats import stats_text
from storage.db import Database
from tests.conftest import make_settings
from tests.engines import OpenDb, probe

MINIMUM = 5
FIRST_MONDAY = date(2026, 3, 23)
HIDDEN = "fewer than 5"
WITHHELD = "hidden so that a small group cannot be worked out"
OUTSIDE = "members in no circle"  # never a row of its own: what subtraction leaves

# Days before today on which a member checked in, by habit.
HABITS: dict[str, tuple[int, ...]] = {
    "none": (),
    "today": (0,),
    "sporadic": (0, 3, 9, 20, 34),
    "daily": tuple(range(35)),
    "lapsed": (40, 41, 45),
    "last week": (7, 8, 12),
}


@dataclass(frozen=True)
class Person:
    habit: str
    mood: int
    confidence: int
    goal_answers: int  # habit-goal answers on the last few days
    relays: int  # encouragement sent yesterday (from the circle they are or were in)
    thanked: bool  # the first of them was thanked

    def days(self, today: date) -> list[date]:
        return [today - timedelta(days=back) for back in HABITS[self.habit]]


@dataclass(frozen=True)
class Population:
    circles: list[list[Person]]
    outside: list[Person]  # in no circle; their relays are in the circle they left
    today: date

    def parts(self) -> Iterator[tuple[str, list[Person]]]:
        for index, people in enumerate(self.circles):
            yield f"C{index}", people
        yield OUTSIDE, self.outside

    def former_circle(self, position: int) -> str:
        return f"C{position % len(self.circles)}"


people = st.builds(
    Person,
    habit=st.sampled_from(list(HABITS)),
    mood=st.integers(1, 5),
    confidence=st.integers(0, 10),
    goal_answers=st.integers(0, 3),
    relays=st.integers(0, 2),
    thanked=st.booleans(),
)
populations = st.builds(
    Population,
    circles=st.lists(st.lists(people, max_size=8), min_size=1, max_size=4),
    outside=st.lists(people, max_size=7),
    today=st.integers(0, 6).map(lambda day: FIRST_MONDAY + timedelta(days=day)),
)
DAILY_LOW = Person("daily", 1, 1, 2, 1, True)
DAILY = Person("daily", 4, 8, 2, 1, True)


def seed(conn: sqlite3.Connection, population: Population) -> None:
    """The population as the bot would store it (check-ins through the summary triggers)."""
    conn.execute("DELETE FROM members")  # cascades to everything a member has
    conn.execute("DELETE FROM circles")
    stamp = datetime.combine(population.today, time(12), UTC).isoformat(timespec="seconds")
    yesterday = (datetime.combine(population.today, time(12), UTC) - timedelta(days=1)).isoformat(
        timespec="seconds"
    )
    for index in range(len(population.circles)):
        conn.execute(
            "INSERT INTO circles VALUES (?, ?, ?, 12, 'post', ?)",
            (index + 1, f"C{index}", f"c{index}", stamp),
        )
    everyone: list[tuple[int | None, Person, int]] = [
        (c, p, c) for c, ps in enumerate(population.circles) for p in ps
    ]
    # Members in no circle have left one: their relays stay that circle's.
    everyone += [
        (None, p, int(population.former_circle(i)[1:])) for i, p in enumerate(population.outside)
    ]
    for user, (circle, person, relay_circle) in enumerate(everyone, 1):
        conn.execute(
            "INSERT INTO members (user_id, pseudonym, timezone, checkin_time, consent_at, "
            "consent_version, onboarded_at, created_at) VALUES (?, ?, 'UTC', '20:00', ?, 1, ?, ?)",
            (user, f"Member {user}", stamp, stamp, stamp),
        )
        if circle is not None:
            conn.execute("INSERT INTO circle_members VALUES (?, ?, ?)", (user, circle + 1, stamp))
        conn.executemany(
            "INSERT INTO checkins (user_id, local_date, mood, confidence, answered_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (user, day.isoformat(), person.mood, person.confidence, stamp)
                for day in person.days(population.today)
            ],
        )
        if person.goal_answers:
            conn.execute(
                "INSERT INTO goals (id, user_id, number, title, kind, schedule, nudge_time, "
                "status, created_at) VALUES (?, ?, 1, 'Walk', 'habit', 'daily', '09:00', "
                "'active', ?)",
                (user, user, stamp),
            )
            for back in range(person.goal_answers):
                outcome = "done" if (back + person.mood) % 2 else "not_today"
                day = population.today - timedelta(days=back)
                conn.execute(
                    "INSERT INTO goal_entries (goal_id, local_date, outcome, answered_at) "
                    "VALUES (?, ?, ?, ?)",
                    (user, day.isoformat(), outcome, stamp),
                )
        for number in range(person.relays):
            relay = user * 10 + number
            conn.execute(
                "INSERT INTO relays (id, circle_id, author_id, kind, pseudonym, text, status, "
                "created_at) VALUES (?, ?, ?, 'encourage', 'x', 'hold on', 'sent', ?)",
                (relay, relay_circle + 1, user, yesterday),
            )
            if number == 0 and person.thanked:
                conn.execute("INSERT INTO relay_thanks VALUES (?, ?)", (relay, user))


# -- what each part of the population really holds (the attacker's target) ---------------


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Truth:
    """One figure's additive amount and the members it is over, for one part."""

    amount: float
    contributors: int


Measure = Callable[[Population, str, list[Person]], Truth]


def _people_measure(per_person: Callable[[Person, date], tuple[float, bool]]) -> Measure:
    def measure(population: Population, name: str, members: list[Person]) -> Truth:
        found = [per_person(p, population.today) for p in members]
        return Truth(sum(a for a, _ in found), sum(1 for _, counted in found if counted))

    return measure


def _recent(days: int) -> Callable[[Person, date], tuple[float, bool]]:
    def per_person(person: Person, today: date) -> tuple[float, bool]:
        active = any(day > today - timedelta(days=days) for day in person.days(today))
        return float(active), active

    return per_person


def _checkins_7d(person: Person, today: date) -> tuple[float, bool]:
    count = sum(1 for day in person.days(today) if day > today - timedelta(days=7))
    return float(count), count > 0


def _spans_28_days(person: Person, today: date) -> tuple[float, bool]:
    days = person.days(today)
    counted = bool(days) and (max(days) - min(days)).days >= 27
    return float(counted), counted


def _goal_answers(person: Person, today: date) -> tuple[float, bool]:
    return float(person.goal_answers), person.goal_answers > 0


def _relays(thanked_only: bool) -> Measure:
    """Relays belong to the circle they were sent in, whoever has left it since."""

    def measure(population: Population, name: str, members: list[Person]) -> Truth:
        if name == OUTSIDE:
            return Truth(0, 0)
        authors = members + [
            p for i, p in enumerate(population.outside) if population.former_circle(i) == name
        ]
        amount = sum(
            (1 if p.relays and p.thanked else 0) if thanked_only else p.relays for p in authors
        )
        return Truth(amount, sum(1 for p in authors if p.relays))

    return measure


def _week(start: date, what: str) -> Measure:
    def per_person(person: Person, today: date) -> tuple[float, bool]:
        days = [d for d in person.days(today) if _monday(d) == start]
        amount = {
            "members": 1 if days else 0,
            "checkins": len(days),
            "mood_sum": person.mood * len(days),
            "confidence_sum": person.confidence * len(days),
        }[what]
        return float(amount), bool(days)

    return _people_measure(per_person)


# -- the attacker ----------------------------------------------------------------------------


def number(cell: str | None) -> float | None:
    try:
        return float(cell) if cell else None
    except ValueError:
        return None  # "fewer than 5", or withheld


@dataclass(frozen=True)
class Quantity:
    """One figure as the attacker reads it from the CSV, for any group (None: not shown)."""

    name: str
    read: Callable[[str], float | None]
    truth: Measure
    mean: bool  # a mean or a median: must be over none or at least MINIMUM members
    relays: bool = False  # members in no circle add nothing to it, which the attacker knows


def quantities(population: Population, csv_text: str) -> list[Quantity]:
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    summary = {r["group"]: r for r in rows if r["row"] == "summary"}
    weeks = {(r["group"], r["week_start"]): r for r in rows if r["row"] == "week"}

    def cell(column: str) -> Callable[[str], float | None]:
        return lambda group: number(summary[group][column])

    def checkins_7d(group: str) -> float | None:
        share, members = cell("checkin_adherence_7d")(group), cell("members")(group)
        return None if share is None or members is None else round(share * members * 7)

    def week_cell(start: date, column: str) -> Callable[[str], float | None]:
        def read(group: str) -> float | None:
            row = weeks.get((group, start.isoformat()))
            if row is None:
                return 0.0  # no row: nobody in that group checked in that week
            if column in ("members", "checkins"):
                return number(row[column])
            count, mean = number(row["checkins"]), number(row[f"mean_{column[:-4]}"])
            return None if count is None or mean is None else round(count * mean)

        return read

    found = [
        Quantity("active_7d", cell("active_7d"), _people_measure(_recent(7)), mean=False),
        Quantity("active_30d", cell("active_30d"), _people_measure(_recent(30)), mean=False),
        Quantity("checkins_7d", checkins_7d, _people_measure(_checkins_7d), mean=False),
        Quantity("sent", cell("encouragement_sent_7d"), _relays(False), mean=False, relays=True),
        Quantity(
            "thanked", cell("encouragement_thanked_7d"), _relays(True), mean=False, relays=True
        ),
        Quantity(
            "change_members",
            cell("confidence_change_members"),
            _people_measure(_spans_28_days),
            mean=True,
        ),
        Quantity(
            "goal_share", cell("goal_completion_30d"), _people_measure(_goal_answers), mean=True
        ),
    ]
    current = _monday(population.today)
    for start in sorted({date.fromisoformat(s) for _, s in weeks}):
        for column in ("members", "checkins", "mood_sum", "confidence_sum"):
            read = week_cell(start, column)
            if (
                start == current
                and population.today.weekday() == 6
                and column in ("members", "checkins")
            ):
                # On a Sunday the last 7 days are this week: its counts are also the
                # members active and the check-ins of the last 7 days.
                read = _either(read, found[0 if column == "members" else 2].read)
            found.append(
                Quantity(
                    f"week {start} {column}",
                    read,
                    _week(start, column),
                    mean=column.endswith("_sum"),
                )
            )
    return found


def _either(
    first: Callable[[str], float | None], second: Callable[[str], float | None]
) -> Callable[[str], float | None]:
    def read(group: str) -> float | None:
        value = first(group)
        return value if value is not None else second(group)

    return read


def attack(population: Population, csv_text: str) -> list[str]:
    """Every way the CSV lets a small group be worked out: empty when there is none."""
    found = []
    sizes = {name: len(members) for name, members in population.parts()}
    for quantity in quantities(population, csv_text):
        total = quantity.read("All members")
        if total is None or total == 0:
            # Not shown; or nothing at all, which says each member did nothing without any
            # subtraction (as any figure of 0 does of its group).
            continue
        # Known: each circle whose figure is shown, and each part known to hold nothing.
        left: list[tuple[str, list[Person]]] = []
        subtracted = 0.0
        for name, members in population.parts():
            value = quantity.read(name) if name != OUTSIDE else None
            if value is not None:
                subtracted += value
            elif sizes[name] == 0 and not quantity.relays:
                continue  # nobody there: nothing there
            elif name == OUTSIDE and quantity.relays:
                continue  # relays are always some circle's
            else:
                left.append((name, members))
        rest = [quantity.truth(population, name, members) for name, members in left]
        rest_members = sum(sizes[name] for name, _ in left)
        rest_contributors = sum(t.contributors for t in rest)
        worked_out = f"{quantity.name}: everyone minus the circles shown = {[n for n, _ in left]}"
        if len(left) == 1:
            name, members = left[0]
            if not quantity.mean and sizes[name] > 0:
                # The attacker's arithmetic is right: it is that part's own figure.
                assert total - subtracted == rest[0].amount, worked_out
            small = 0 < sizes[name] < MINIMUM or (sizes[name] == 0 and rest[0].amount)
            if small or (quantity.mean and 0 < rest_contributors < MINIMUM):
                found.append(f"{worked_out}: one hidden group of {sizes[name]} recovered")
                continue
        if rest_members == 0:
            if any(t.amount for t in rest):
                found.append(f"{worked_out}: holds no member, yet {sum(t.amount for t in rest)}")
        elif rest_members < MINIMUM:
            found.append(f"{worked_out}: a group of {rest_members} members")
        elif quantity.mean and 0 < rest_contributors < MINIMUM:
            found.append(f"{worked_out}: a mean over {rest_contributors} members")
    return found


# -- /stats text and chart say the same as the CSV ----------------------------------------


def everyone_block(text: str) -> str:
    return text.split("<b>All members</b>", 1)[1].split("\n\n", 1)[0]


def assert_text_and_chart_agree(report: StatsReport, csv_text: str) -> None:
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    summary = next(r for r in rows if r["group"] == "All members" and r["row"] == "summary")
    weeks = [r for r in rows if r["group"] == "All members" and r["row"] == "week"]
    if summary["members"] == HIDDEN:
        return
    block = everyone_block(stats_text(report))
    lines = {
        "active_7d": "Active, last 7 and 30 days: " + WITHHELD,
        "checkin_adherence_7d": "Check-in adherence, last 7 days: " + WITHHELD,
        "confidence_change_median": "Confidence, first 14 days to last 14 days: " + WITHHELD,
        "goal_completion_30d": "Goals done, last 30 days: " + WITHHELD,
        "encouragement_sent_7d": "Encouragement, last 7 days: " + WITHHELD,
    }
    for column, line in lines.items():
        assert (summary[column] == WITHHELD) == (line in block), column
    if weeks:
        assert (weeks[-1]["mean_mood"] == WITHHELD) == (
            "mean mood and confidence " + WITHHELD in block
        )
    series = dict(chart_series(report)).get("All members", [])
    for row, (start, mood, confidence) in zip(weeks, series, strict=True):
        assert row["week_start"] == start.isoformat()
        if row["mean_mood"] == WITHHELD:
            assert math.isnan(mood) and math.isnan(confidence)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("remainders") / "stats.db"

    async def migrate() -> None:
        db = await Database.open(path)
        await db.close()

    asyncio.run(migrate())
    return path


async def _report(path: Path, today: date) -> StatsReport:
    db = await Database.open(path)
    try:
        now = datetime.combine(today, time(12), UTC)
        return await StatsService(db, ManualClock(now), MINIMUM).report()
    finally:
        await db.close()


def render(path: Path, population: Population) -> tuple[StatsReport, str]:
    """The population's /stats report and `peercircle report` CSV."""
    conn = sqlite3.connect(path, timeout=30)
    conn.execute("PRAGMA foreign_keys = ON")
    try:
        with conn:  # one transaction
            seed(conn, population)
    finally:
        conn.close()
    report = asyncio.run(_report(path, population.today))
    return report, to_csv(report)


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(population=populations)
# The reported case: one circle of one member, the others large, nobody outside a circle.
@example(Population([[DAILY_LOW], [DAILY] * 6, [DAILY] * 6], [], FIRST_MONDAY + timedelta(2)))
def test_no_subtraction_gives_away_a_small_group(migrated: Path, population: Population) -> None:
    report, csv_text = render(migrated, population)
    found = attack(population, csv_text)
    assert not found, "\n".join(found)
    assert_text_and_chart_agree(report, csv_text)


def test_nothing_is_withheld_when_every_circle_shows_every_figure(migrated: Path) -> None:
    report, csv_text = render(migrated, Population([[DAILY] * 6, [DAILY] * 5], [], FIRST_MONDAY))
    assert WITHHELD not in csv_text and WITHHELD not in stats_text(report)
    assert not report.withholds_weeks()


# -- the rules on their own ------------------------------------------------------------------


def test_a_remainder_of_nobody_or_of_enough_members_is_safe() -> None:
    assert not count_leaves_a_small_group(0, 0, 5)
    assert not count_leaves_a_small_group(5, 0, 5)
    assert count_leaves_a_small_group(0, 2, 5)  # relays of members who have left
    assert all(count_leaves_a_small_group(n, 0, 5) for n in range(1, 5))
    assert not mean_leaves_a_small_group(9, 0, 5)
    assert not mean_leaves_a_small_group(9, 5, 5)
    assert all(mean_leaves_a_small_group(9, n, 5) for n in range(1, 5))


def _group(name: str, members: int, week_members: int) -> GroupStats:
    count = Figure(members, members)
    mood, confidence = Figure(3, week_members), Figure(5, week_members)
    week = Week(FIRST_MONDAY, week_members, week_members, mood, confidence)
    return GroupStats(
        name=name,
        members=members,
        active_7d=count,
        active_30d=count,
        adherence_7d=Figure(1, members),
        confidence_change=count,
        goal_completion=count,
        encouragement_sent=count,
        encouragement_thanked=count,
        weeks=[week],
    )


def test_only_everyones_figures_are_withheld_and_circles_stay_as_they_are() -> None:
    everyone, big, lone = _group("All", 13, 13), _group("Big", 12, 12), _group("Lone", 1, 1)
    after = withhold_remainders([everyone, big, lone], 5, FIRST_MONDAY)
    assert after[1:] == [big, lone]
    assert after[0].active_7d.withheld and after[0].weeks[0].withheld
    assert after[0].weeks[0].mood.withheld and after[0].weeks[0].confidence.withheld
    # With five members in no circle, everyone minus Big is six members: shown; but relays
    # are always some circle's, so everyone's minus Big's are still the lone member's.
    everyone = _group("All", 18, 18)
    after = withhold_remainders([everyone, big, lone], 5, FIRST_MONDAY)
    assert not after[0].active_7d.withheld and not after[0].weeks[0].withheld
    assert not after[0].confidence_change.withheld and not after[0].goal_completion.withheld
    assert after[0].encouragement_sent.withheld and after[0].encouragement_thanked.withheld


# -- the reported case, through /stats ------------------------------------------------------

OPERATOR = 990001
TODAY = date(2026, 3, 25)  # a Wednesday
NOW = datetime(2026, 3, 25, 12, 0, tzinfo=UTC)


def seed_reported_case(database: str) -> None:
    """Circles Oak and Pine of six members each, mood 3; circle Alone of one member, mood 1;
    everyone checks in every day, so each week's mean weighs every member alike."""
    population = Population(
        [[Person("daily", 3, 6, 2, 1, True)] * 6] * 2 + [[Person("daily", 1, 2, 2, 1, True)]],
        [],
        TODAY,
    )
    with probe(database) as conn:
        if database.startswith("sqlite:"):
            conn.execute("PRAGMA foreign_keys = ON")  # PostgreSQL's are always on
        seed(conn, population)
        conn.executemany(
            "UPDATE circles SET name = ? WHERE id = ?", [("Oak", 1), ("Pine", 2), ("Alone", 3)]
        )


@pytest.fixture
async def reported(storage_url: str, open_db: OpenDb) -> str:
    db = await open_db()  # migrates
    await db.close()
    seed_reported_case(storage_url)
    return storage_url


@pytest.fixture
def settings(emulator: BotApiEmulator, storage_url: str, storage_key: bytes | None) -> Settings:
    return make_settings(
        emulator, storage_url, storage_key, moderation=ModerationSettings(operators=[OPERATOR])
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


def lone_mood_from(text: str, sizes: dict[str, int]) -> tuple[float, float] | None:
    """What a moderator works out of the lone member's weekly mean mood from /stats: the
    range it must lie in (means are shown to one decimal), or None if /stats gives no
    everyone's mean to subtract from."""
    means = {}
    for block in text.split("\n\n"):
        heading = re.match(r"(.+) \(\d+ members\)\n", block)
        mood = re.search(r"mean mood ([\d.]+)", block)
        if heading and mood:
            means[heading[1]] = float(mood[1])
    if "All members" not in means:
        return None
    everyone = sum(sizes.values())
    low = (means["All members"] - 0.05) * everyone
    high = (means["All members"] + 0.05) * everyone
    for name, size in sizes.items():
        if name in means:
            low -= (means[name] + 0.05) * size
            high -= (means[name] - 0.05) * size
    return max(low, 1.0), min(high, 5.0)  # a mood is 1 to 5


async def test_stats_hides_everyones_figures_that_would_give_away_a_lone_member(
    reported: str, emulator: BotApiEmulator, bot: PeerApplication
) -> None:
    operator = emulator.user(OPERATOR)
    text = (await operator.ask("/stats")).shown_text
    # Before: everyone's mean mood 2.8 minus Oak's and Pine's 3.0 put the lone member's
    # mean mood between 1.0 and 1.65 on the scale of 1 to 5 (the CSV gave it exactly).
    assert lone_mood_from(text, {"Oak": 6, "Pine": 6, "Alone": 1}) is None
    everyone = text.split("All members (13 members)\n", 1)[1].split("\n\n", 1)[0]
    assert everyone.splitlines() == [
        "Active, last 7 and 30 days: hidden so that a small group cannot be worked out",
        "Check-in adherence, last 7 days: hidden so that a small group cannot be worked out",
        "Week of 23 Mar: mean mood and confidence hidden so that a small group cannot be "
        "worked out",
        "Confidence, first 14 days to last 14 days: hidden so that a small group cannot be "
        "worked out",
        "Goals done, last 30 days: hidden so that a small group cannot be worked out",
        "Encouragement, last 7 days: hidden so that a small group cannot be worked out",
    ]
    # The circles' own figures are all still there.
    oak = text.split("Oak (6 members)\n", 1)[1].split("\n\n", 1)[0]
    assert "Active: 6 in the last 7 days, 6 in the last 30" in oak
    assert "Encouragement, last 7 days: 6 sent, 6 thanked" in oak
    assert "Week of 23 Mar: mean mood 3.0, confidence 6.0" in oak
    assert "Alone: fewer than 5 members" in text
    chart = await operator.next_message()
    assert chart.caption is not None and chart.caption.endswith(
        "Weeks hidden so that a small group cannot be worked out are left out too."
    )
