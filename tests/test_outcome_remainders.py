"""No figure of the outcomes cohort report gives away a hidden small group by subtraction.

The property test builds random populations (circles of 0 to 8 members, some members in no
circle; each member opted in or not, with or without a follow-up at each time point, and
with or without 30 days of check-ins for the peer question), builds the report from the
rows storage would give (bot.outcomes.report.cohort_report) and renders it as /stats and
`peercircle report --outcomes` do. Then it plays a moderator who knows every circle's size
(/circles) and how many members there are in all (/stats): for every figure of "All
members" (members with a first score, and at each time point the members with a follow-up,
their summed change and how many improved) it subtracts every circle's figure shown. What
is left is the figure of the members not in a circle shown; it must never be over a group of
1 to 4 members, nor over 1 to 4 members counted. For the peer question (everyone only) it
subtracts the thirds shown from the members counted: what is left is never 1 to 4 members.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bot.outcomes.questionnaire import load
from bot.outcomes.report import cohort_report, outcomes_csv, report_messages
from bot.outcomes.rules import TIMEPOINTS
from storage.circles import CircleRow
from storage.outcomes import CountedRow, PeerRow

MINIMUM = 5
QUESTIONNAIRES = load(None, "en")
WHO5 = QUESTIONNAIRES["who5"]
EVERYONE = "All members"
OUTSIDE = "members in no circle"  # never a row of its own: what subtraction leaves


@dataclass(frozen=True)
class Person:
    baseline: bool  # opted in, with a first WHO-5 score
    changes: tuple[int | None, ...]  # the change at each time point (None: no follow-up)
    peer: tuple[int, int] | None  # (received, given) in the first 30 days, if they have them

    def follow_up(self, days: int) -> int | None:
        return self.changes[TIMEPOINTS.index(days)] if self.baseline else None


@dataclass(frozen=True)
class Population:
    circles: list[list[Person]]
    outside: list[Person]

    def parts(self) -> Iterator[tuple[str, list[Person]]]:
        for index, people in enumerate(self.circles):
            yield f"C{index}", people
        yield OUTSIDE, self.outside

    def everyone(self) -> list[Person]:
        return [p for _, people in self.parts() for p in people]


people = st.builds(
    Person,
    baseline=st.booleans(),
    changes=st.tuples(*[st.one_of(st.none(), st.integers(-40, 40).map(lambda c: c * 4))] * 3),
    peer=st.one_of(st.none(), st.tuples(st.integers(0, 6), st.integers(0, 6))),
)
populations = st.builds(
    Population,
    circles=st.lists(st.lists(people, max_size=8), max_size=4),
    outside=st.lists(people, max_size=7),
)


def counted_rows(population: Population) -> list[CountedRow]:
    """What storage.outcomes.counted_changes gives: per circle and (None) for everyone."""
    rows = []
    for index, members in enumerate(population.circles):
        rows += _rows(index + 1, members)
    return rows + _rows(None, population.everyone())


def _rows(circle_id: int | None, members: list[Person]) -> list[CountedRow]:
    rows = []
    for person in members:
        if not person.baseline:
            continue
        rows.append(CountedRow(circle_id, "who5", 0, 0.0, 1))
        for days in TIMEPOINTS:
            change = person.follow_up(days)
            if change is not None:
                rows.append(CountedRow(circle_id, "who5", days, float(change), 1))
    return rows


def report_of(population: Population) -> tuple[str, str]:
    """The report as the CSV and as /stats' text."""
    circles = [
        CircleRow(index + 1, f"C{index}", f"code{index}", 12, "post", len(members))
        for index, members in enumerate(population.circles)
    ]
    peer = [
        PeerRow(user_id, 5.0, 5.0 + user_id % 3, *reversed(person.peer))
        for user_id, person in enumerate(population.everyone(), 1)
        if person.peer is not None
    ]
    everyone = len(population.everyone())
    report = cohort_report(
        counted_rows(population), circles, everyone, peer, {"who5": WHO5}, MINIMUM
    )
    return outcomes_csv(report), "\n".join(report_messages(report))


# -- the attacker ----------------------------------------------------------------------------


def number(cell: str | None) -> float | None:
    try:
        return float(cell) if cell else None
    except ValueError:
        return None  # "fewer than 5", or withheld


@dataclass(frozen=True)
class Quantity:
    """One figure as the attacker reads it from the CSV for any group (None: not shown), and
    which members it is over."""

    name: str
    read: Callable[[str], float | None]
    counts: Callable[[Person], bool]


def quantities(csv_text: str) -> list[Quantity]:
    rows = csv_rows(csv_text)

    def cell(days: int, column: str) -> Callable[[str], float | None]:
        def read(group: str) -> float | None:
            row = rows[(group, str(days))]
            if column == "members":
                return number(row["members"])
            members, value = number(row["members"]), number(row[column])
            return None if members is None or value is None else value * members

        return read

    found = [Quantity("baseline", cell(0, "members"), lambda p: p.baseline)]
    for days in TIMEPOINTS:

        def followed(person: Person, days: int = days) -> bool:
            return person.follow_up(days) is not None

        for column in ("members", "mean_change", "improved_share"):
            found.append(Quantity(f"{days} days {column}", cell(days, column), followed))
    return found


def attack(population: Population, csv_text: str) -> list[str]:
    """Every way the CSV lets a small group be worked out: empty when there is none."""
    found = []
    for quantity in quantities(csv_text):
        total = quantity.read(EVERYONE)
        if total is None or total == 0:
            continue  # not shown; or nothing, which says it of every member behind it
        left = [
            (name, members)
            for name, members in population.parts()
            if (name == OUTSIDE or quantity.read(name) is None) and members
        ]
        rest_members = sum(len(members) for _, members in left)
        rest_counted = sum(quantity.counts(p) for _, members in left for p in members)
        worked_out = f"{quantity.name}: everyone minus the circles shown = {[n for n, _ in left]}"
        if rest_members == 0 and rest_counted:
            found.append(f"{worked_out}: holds no member, yet {rest_counted}")
        elif 0 < rest_members < MINIMUM:
            found.append(f"{worked_out}: a group of {rest_members} members")
        elif 0 < rest_counted < MINIMUM:
            found.append(f"{worked_out}: a figure over {rest_counted} members")
    return found + attack_peer(population, csv_text)


def attack_peer(population: Population, csv_text: str) -> list[str]:
    """The peer question's thirds: the members counted (a moderator may know how many) minus
    the thirds shown in a split must not leave 1 to 4 members."""
    counted = sum(p.peer is not None for p in population.everyone())
    found = []
    rows = [r for r in csv.DictReader(io.StringIO(csv_text)) if r["measure"].startswith("conf")]
    for exposure in ("received", "given"):
        shown = [
            number(r["members"])
            for r in rows
            if r["measure"].startswith(f"confidence_{exposure}_")
            and number(r["members"]) is not None
        ]
        left = counted - sum(n or 0 for n in shown)
        if shown and 0 < left < MINIMUM:
            found.append(f"peer by {exposure}: {left} members left over")
    return found


def csv_rows(csv_text: str) -> dict[tuple[str, str], dict[str, str]]:
    """The questionnaire's rows by group and day (the peer question's rows, also "All
    members" at 30 days, are read by attack_peer)."""
    return {
        (r["group"], r["days"]): r
        for r in csv.DictReader(io.StringIO(csv_text))
        if r["measure"] == "who5"
    }


def everyone_text(text: str) -> str:
    return text.split(f"<b>{EVERYONE}</b>", 1)[1].split("\n\n", 1)[0]


def _person(baseline: bool, thirty: int | None = None) -> Person:
    return Person(baseline, (thirty, None, None), None)


def _peers(peers: list[tuple[int, int] | None]) -> list[Person]:
    return [Person(False, (None, None, None), peer) for peer in peers]


FIVE = [_person(True, 8) for _ in range(5)]
# (received, given) of 11 members: by given, thirds of 5, 5 and 1, so the two thirds'
# counts and the 11 would give away the one.
PEER = [(5, 2), (5, 3), (0, 2), (1, 1), (0, 2), (0, 0), (2, 2), (5, 1), (3, 2), (1, 0), (4, 0)]


@given(populations)
@example(Population([FIVE, [_person(True) for _ in range(3)]], []))  # baselines: 8 - 5 = 3
@example(Population([FIVE], [_person(True, 4)]))  # one outside: 6 - 5 = 1 at 30 days
@example(Population([FIVE, [_person(False) for _ in range(3)]], []))  # a circle of 3
@example(Population([FIVE * 2, FIVE], [_person(True, 4) for _ in range(2)]))
@example(Population([], [Person(False, (None,) * 3, peer) for peer in PEER]))
# Found by a random run: the peer rows' "All members" at 30 days were read as the
# questionnaire's; all hidden, with one member outside any circle who has a follow-up.
@example(
    Population(
        [
            _peers([None] * 4 + [(0, 0)] * 4),
            _peers([None] * 4 + [(0, 0)] * 3 + [(0, 1)]),
            _peers([None] * 2 + [(0, 0)] * 2 + [(0, 1)] * 3),
        ],
        [*_peers([None, None, (0, 1)]), Person(True, (0, None, None), None)],
    )
)
@hypothesis_settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
def test_no_figure_of_the_outcomes_report_gives_away_a_small_group(
    population: Population,
) -> None:
    csv_text, text = report_of(population)
    assert attack(population, csv_text) == []
    # /stats' text says of everyone's baseline what the CSV says.
    baseline = csv_rows(csv_text)[(EVERYONE, "0")]["members"]
    said = {
        "withheld": "members with a first score not shown",
        "fewer than 5": "fewer than 5 members so far",
    }.get(baseline, f"{baseline} member")
    assert said in everyone_text(text)


def test_a_withheld_baseline_says_why_and_the_circles_stay() -> None:
    csv_text, text = report_of(Population([FIVE, [_person(True) for _ in range(3)]], []))
    rows = csv_rows(csv_text)
    assert rows[(EVERYONE, "0")]["members"] == "withheld"
    assert rows[("C0", "0")]["members"] == "5"
    assert rows[("C1", "0")]["members"] == "fewer than 5"
    assert (
        "WHO-5 wellbeing: members with a first score not shown, as with the circles' figures "
        "it would single out fewer than 5 members"
    ) in everyone_text(text)
