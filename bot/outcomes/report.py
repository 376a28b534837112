"""The cohort report: do members who take part get better, and does the peer part go with it?

Per circle and overall, for each questionnaire: members with a baseline (their first score),
and at 30, 60 and 90 days after it (a score within 7 days either side, the closest) the
paired change with its 95 % confidence interval, the effect size (Cohen's d_z) and the share
improved by at least the questionnaire's minimal important difference. Then the peer
question: the change in daily confidence over members' first 30 days, by tertile of the
encouragement they received and gave. That is an association, not proof of cause: the
output says so.

Only members who are opted in count. A figure over fewer than `moderation.stats_min_members`
members is not shown ("fewer than 5"), so nobody can be singled out; and everyone's figure is
withheld where subtracting the circles' figures from it would single out a small group (the
same rule as /stats, bot/stats/rules.py).
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock
from bot.localtime.schedule import local_date
from bot.localtime.zones import zone_of
from bot.outcomes.questionnaire import Questionnaire, said
from bot.outcomes.rules import TIMEPOINTS
from bot.outcomes.statistics import (
    Change,
    paired_change,
    paired_change_counted,
    tertile,
    tertile_cuts,
)
from bot.stats.rules import mean_leaves_a_small_group
from bot.texts import outcomes as outcome_texts
from bot.texts import stats as stats_texts
from bot.texts.stats import fewer_than
from storage import circles as circle_rows
from storage import outcomes as outcome_rows
from storage import stats as stat_rows
from storage.circles import CircleRow
from storage.db import Database
from storage.outcomes import CountedRow, PeerRow, ScoreRow

PEER_DAYS = 30
RECEIVED, GIVEN = "received", "given"


@dataclass(frozen=True)
class FollowUp:
    days: int
    n: int
    change: Change | None
    # Everyone's figure, withheld: with the circles' figures it would give away a group of
    # fewer than the minimum (everyone minus the circles shown).
    withheld: bool = False


@dataclass(frozen=True)
class Measured:
    """One questionnaire in one group."""

    questionnaire: Questionnaire
    baseline: int
    follow_ups: tuple[FollowUp, ...]
    # Everyone's count of members with a baseline, withheld as FollowUp.withheld is.
    baseline_withheld: bool = False


@dataclass(frozen=True)
class Group:
    name: str
    measured: tuple[Measured, ...]
    # How many members the group has, opted in or not: moderators know it (/circles shows
    # each circle's size, /stats everyone's), so it bounds what subtraction can single out.
    members: int = 0


@dataclass(frozen=True)
class PeerGroup:
    """A tertile of encouragement received or given: its count range and the change in
    daily confidence over the first 30 days (last week's mean minus the first week's)."""

    exposure: str  # RECEIVED or GIVEN
    tertile: int  # 0 low, 1 middle, 2 high
    fewest: int | None
    most: int | None
    n: int
    change: Change | None


@dataclass(frozen=True)
class OutcomeReport:
    minimum: int
    groups: tuple[Group, ...]
    peer: tuple[PeerGroup, ...]
    peer_members: int

    def hidden(self, n: int) -> bool:
        return n < self.minimum

    def split_shown(self, exposure: str) -> bool:
        """A split of the peer question is shown whole or not at all: the same members in
        both splits, so one small third could be worked out from the other split."""
        return all(p.n == 0 or not self.hidden(p.n) for p in self.peer if p.exposure == exposure)


def _measured(
    questionnaire: Questionnaire,
    baseline: int,
    changes: Mapping[int, Mapping[float, int]],
    minimum: int,
) -> Measured:
    """A group's figures; a time point over fewer than `minimum` members is never shown,
    so it is not computed either (most circles, at scale)."""
    mid = questionnaire.scoring.minimal_important_difference
    follow_ups = []
    for days in TIMEPOINTS:
        found = changes.get(days, {})
        members = sum(found.values())
        change = paired_change_counted(found, mid) if members >= minimum else None
        follow_ups.append(FollowUp(days, members, change))
    return Measured(questionnaire, baseline, tuple(follow_ups))


def _withhold_remainders(everyone: Group, circles: Sequence[Group], minimum: int) -> Group:
    """Everyone's baseline and follow-up counts and figures, withheld where everyone minus
    the circles shown would single out a small group."""
    measured = []
    for index, own in enumerate(everyone.measured):
        theirs = [(circle.members, circle.measured[index]) for circle in circles]
        follow_ups = []
        for number, follow in enumerate(own.follow_ups):
            counts = [(size, m.follow_ups[number].n) for size, m in theirs]
            if _singles_out(everyone.members, follow.n, counts, minimum):
                follow = FollowUp(follow.days, follow.n, None, withheld=True)
            follow_ups.append(follow)
        counts = [(size, m.baseline) for size, m in theirs]
        withheld = _singles_out(everyone.members, own.baseline, counts, minimum)
        measured.append(Measured(own.questionnaire, own.baseline, tuple(follow_ups), withheld))
    return Group(everyone.name, tuple(measured), everyone.members)


def _singles_out(
    members: int, counted: int, circles: Sequence[tuple[int, int]], minimum: int
) -> bool:
    """Whether everyone's figure over `counted` of its `members`, minus the figures of the
    circles shown (each circle's size and count), singles out a small group: the rest
    (members in no circle and in the circles not shown) is 1 to minimum - 1 members, or the
    figure is over 1 to minimum - 1 of them (bot.stats.rules, as /stats)."""
    if counted < minimum:
        return False  # not shown at all: "fewer than 5"
    shown = [(size, count) for size, count in circles if count >= minimum]
    left_members = members - sum(size for size, _ in shown)
    left_counted = counted - sum(count for _, count in shown)
    return mean_leaves_a_small_group(left_members, left_counted, minimum)


def peer_groups(rows: Sequence[PeerRow]) -> tuple[PeerGroup, ...]:
    """Tertiles of encouragement received, then given, each with the confidence change."""
    found: list[PeerGroup] = []
    if len(rows) < 2:
        return ()
    for exposure in (RECEIVED, GIVEN):
        counts = [row.received if exposure == RECEIVED else row.given for row in rows]
        cuts = tertile_cuts(counts)
        members: list[list[tuple[int, float]]] = [[], [], []]
        thirds = {count: tertile(count, cuts) for count in set(counts)}  # few distinct
        for count, row in zip(counts, rows, strict=True):
            members[thirds[count]].append((count, row.last_week - row.first_week))
        for index, group in enumerate(members):
            changes = [change for _, change in group]
            found.append(
                PeerGroup(
                    exposure,
                    index,
                    min((c for c, _ in group), default=None),
                    max((c for c, _ in group), default=None),
                    len(group),
                    paired_change(changes) if changes else None,
                )
            )
    return tuple(found)


def cohort_report(
    counted: Sequence[CountedRow],
    circles: Sequence[CircleRow],
    members: int,
    peer: Sequence[PeerRow],
    questionnaires: Mapping[str, Questionnaire],
    minimum: int,
) -> OutcomeReport:
    """The report from storage's rows: counted changes per circle and (circle None) for
    everyone, the circles, how many members there are in all, and the peer rows."""
    # Per group and questionnaire: members with a first score, and each time point's
    # changes (oriented so that positive is better; counts expanded back to values).
    baselines: dict[tuple[int | None, str], int] = {}
    changes: dict[tuple[int | None, str], dict[int, dict[float, int]]] = {}
    for row in counted:
        questionnaire = questionnaires.get(row.questionnaire)
        if questionnaire is None:
            continue
        key = (row.circle_id, row.questionnaire)
        if row.timepoint == 0:
            baselines[key] = baselines.get(key, 0) + row.members
            continue
        found = changes.setdefault(key, {}).setdefault(row.timepoint, {})
        value = questionnaire.better(row.change)
        found[value] = found.get(value, 0) + row.members

    def group(name: str, circle: int | None, size: int) -> Group:
        return Group(
            name,
            tuple(
                _measured(
                    q,
                    baselines.get((circle, q.id), 0),
                    changes.get((circle, q.id), {}),
                    minimum,
                )
                for q in questionnaires.values()
            ),
            size,
        )

    everyone = group(stats_texts.all_members(), None, members)
    circle_groups = [group(circle.name, circle.id, circle.member_count) for circle in circles]
    groups = (_withhold_remainders(everyone, circle_groups, minimum), *circle_groups)
    return OutcomeReport(minimum, groups, peer_groups(peer), len(peer))


class OutcomeReports:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        questionnaires: Mapping[str, Questionnaire],
        minimum: int,
    ) -> None:
        self._db = db
        self._clock = clock
        self._questionnaires = questionnaires
        self._minimum = minimum

    async def report(self) -> OutcomeReport:
        now = self._clock.now()
        # Reads each holding the connection on its own: members' taps queue behind one of
        # them (up to about half a second at 100,000 members), not all of them.
        async with self._db.read() as session:
            counted = await outcome_rows.counted_changes(session)
        async with self._db.read() as session:
            circles = await circle_rows.all_circles(session)
            members = await stat_rows.member_count(session)  # "All members" in /stats
        async with self._db.read() as session:
            peer = await outcome_rows.peer_rows(session, now - timedelta(days=PEER_DAYS))
        return cohort_report(counted, circles, members, peer, self._questionnaires, self._minimum)

    async def research_rows(self) -> list[list[str]]:
        """The de-identified export: README "Research export" names each column."""
        now = self._clock.now()
        async with self._db.read() as session:
            scores = await outcome_rows.consenting_scores(session)
            peer = {
                row.user_id: row
                for row in await outcome_rows.peer_rows(session, now - timedelta(days=PEER_DAYS))
            }
        return research_rows(scores, peer, self._questionnaires, self._minimum)


def _token() -> str:
    return secrets.token_hex(6)


def research_rows(
    scores: Sequence[ScoreRow],
    peer: Mapping[int, PeerRow],
    questionnaires: Mapping[str, Questionnaire],
    k: int,
) -> list[list[str]]:
    """One row per scored questionnaire: random ids that hold only within this file, days
    since joining instead of dates, no text; a circle of fewer than `k` members is left
    blank when this file holds fewer than `k` of its members (k-anonymity), as are
    first-30-days figures for members without them."""
    export = _token()
    participants: dict[int, str] = {}
    circle_ids: dict[int, str] = {}
    # k-anonymity counts the members this file holds per circle, not the circle's size.
    exported: dict[int, set[int]] = {}
    for row in scores:
        if row.circle_id is not None and row.questionnaire in questionnaires:
            exported.setdefault(row.circle_id, set()).add(row.user_id)
    most_items = max((len(q.items) for q in questionnaires.values()), default=0)
    rows: list[list[str]] = []
    for row in scores:
        questionnaire = questionnaires.get(row.questionnaire)
        if questionnaire is None:
            continue
        participant = participants.setdefault(row.user_id, _token())
        circle = ""
        if row.circle_id is not None and len(exported[row.circle_id]) >= k:
            circle = circle_ids.setdefault(row.circle_id, _token())
        first = peer.get(row.user_id)
        items = [str(a) for a in row.answers] + [""] * (most_items - len(row.answers))
        joined = local_date(row.joined_at, zone_of(row.timezone))  # the member's own day
        rows.append(
            [
                export,
                participant,
                circle,
                questionnaire.id,
                str(questionnaire.version),
                str(max((row.completed_on - joined).days, 0)),
                f"{row.score:g}",
                *items,
                str(first.received) if first else "",
                str(first.given) if first else "",
                f"{first.last_week - first.first_week:.3f}" if first else "",
            ]
        )
    # Sorted by the random ids: the order says nothing of who joined first.
    rows.sort(key=lambda r: (r[1], r[3], int(r[5])))
    return rows


def research_columns(most_items: int) -> list[str]:
    return [
        "export_id",
        "participant",
        "circle",
        "questionnaire",
        "version",
        "days_since_joining",
        "score",
        *[f"item_{n}" for n in range(1, most_items + 1)],
        "encouragement_received_30d",
        "encouragement_given_30d",
        "confidence_change_30d",
    ]


def research_csv(rows: list[list[str]], most_items: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(research_columns(most_items))
    writer.writerows(rows)
    return out.getvalue()


def _figure(report: OutcomeReport, n: int, value: float | None, digits: int = 2) -> str:
    if report.hidden(n):
        return fewer_than(report.minimum)
    return "" if value is None else f"{value:.{digits}f}"


def outcomes_csv(report: OutcomeReport) -> str:
    """Every figure of the report, one row per group, questionnaire and time point, then
    the peer question's rows (headers in the operator's language, one word each)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(outcome_texts.csv_columns())
    for group in report.groups:
        for measured in group.measured:
            name = measured.questionnaire.id
            writer.writerow(
                [group.name, name, "0", _baseline_cell(report, measured), "", "", "", "", "", ""]
            )
            for follow in measured.follow_ups:
                writer.writerow(_change_row(report, group.name, name, str(follow.days), follow))
    association = outcome_texts.report_association()
    for peer in report.peer:
        label = f"confidence_{peer.exposure}_{('low', 'middle', 'high')[peer.tertile]}"
        withheld = not report.split_shown(peer.exposure)
        writer.writerow(
            [
                stats_texts.all_members(),
                label,
                str(PEER_DAYS),
                *_change_cells(report, peer.n, peer.change, withheld),
                association,
            ]
        )
    return out.getvalue()


def _baseline_cell(report: OutcomeReport, measured: Measured) -> str:
    if report.hidden(measured.baseline):
        return fewer_than(report.minimum)
    if measured.baseline_withheld:
        return outcome_texts.report_withheld_cell()
    return str(measured.baseline)


def _change_row(
    report: OutcomeReport, group: str, measure: str, days: str, follow: FollowUp
) -> list[str]:
    cells = _change_cells(report, follow.n, follow.change, follow.withheld)
    return [group, measure, days, *cells, ""]


def _change_cells(
    report: OutcomeReport, n: int, change: Change | None, withheld: bool = False
) -> list[str]:
    if report.hidden(n):
        return [fewer_than(report.minimum), *[fewer_than(report.minimum)] * 5]
    if withheld:
        # The count too: with the circles' counts it would give the small group's size.
        return [outcome_texts.report_withheld_cell()] * 6
    if change is None:
        return [str(n), "", "", "", "", ""]
    return [
        str(n),
        _figure(report, n, change.mean),
        _figure(report, n, change.low),
        _figure(report, n, change.high),
        _figure(report, n, change.effect_size),
        _figure(report, n, change.improved, 3),
    ]


MESSAGE_CHARS = 3500  # under Telegram's 4096, with room for the heading


def report_messages(report: OutcomeReport) -> list[str]:
    """/stats' outcomes part: everyone and the peer question first, then each circle."""
    first = [outcome_texts.report_heading(report.minimum)]
    first.append(_group_text(report, report.groups[0]))
    first.append(_peer_text(report))
    messages = ["\n\n".join(first)]
    current = ""
    for group in report.groups[1:]:
        block = _group_text(report, group)
        if current and len(current) + len(block) > MESSAGE_CHARS:
            messages.append(current)
            current = ""
        current = f"{current}\n\n{block}" if current else block
    if current:
        messages.append(current)
    return messages


def _group_text(report: OutcomeReport, group: Group) -> str:
    lines = [outcome_texts.report_group(group.name)]
    for measured in group.measured:
        name = said(measured.questionnaire.name)
        if report.hidden(measured.baseline):
            lines.append(outcome_texts.report_baseline_hidden(name, report.minimum))
            continue
        if measured.baseline_withheld:
            lines.append(outcome_texts.report_baseline_withheld(name, report.minimum))
        else:
            lines.append(outcome_texts.report_baseline(name, measured.baseline))
        mid = measured.questionnaire.scoring.minimal_important_difference
        for follow in measured.follow_ups:
            if follow.withheld:
                lines.append(outcome_texts.report_withheld(follow.days, report.minimum))
                continue
            lines.append(_change_text(report, follow.days, follow.n, follow.change, mid))
    return "\n".join(lines)


def _change_text(
    report: OutcomeReport, days: int, n: int, change: Change | None, mid: float | None
) -> str:
    if report.hidden(n) or change is None:
        return outcome_texts.report_hidden(days, report.minimum)
    return outcome_texts.report_change(
        days,
        n,
        change.mean,
        change.low,
        change.high,
        change.effect_size,
        change.improved,
        mid,
    )


def _peer_text(report: OutcomeReport) -> str:
    lines = [outcome_texts.report_peer_heading(PEER_DAYS)]
    if report.hidden(report.peer_members):
        lines.append(outcome_texts.report_peer_hidden(report.minimum))
        return "\n".join(lines)
    for exposure in (RECEIVED, GIVEN):
        lines.append(outcome_texts.report_peer_by(exposure == RECEIVED))
        if not report.split_shown(exposure):
            lines.append(outcome_texts.report_peer_split_withheld(report.minimum))
            continue
        for peer in (p for p in report.peer if p.exposure == exposure):
            if report.hidden(peer.n) or peer.change is None:
                lines.append(
                    outcome_texts.report_peer_tertile_hidden(peer.tertile, report.minimum)
                )
                continue
            lines.append(
                outcome_texts.report_peer_tertile(
                    peer.tertile,
                    peer.fewest or 0,
                    peer.most or 0,
                    peer.n,
                    peer.change.mean,
                    peer.change.low,
                    peer.change.high,
                )
            )
    lines.append(outcome_texts.report_association())
    return "\n".join(lines)
