"""Anonymised statistics: per circle and overall, never a single member's data.

Every figure carries the number of members it was computed over; one over fewer than the
configured minimum is shown as "fewer than N", so no one can be singled out. Everyone's
figure is withheld where subtracting the circles' figures would single out a small group
(bot/stats/rules.py).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from bot.clock import Clock
from bot.stats.rules import Figure, GroupStats, StatsReport, Week, withhold_remainders
from bot.texts import stats as stats_texts
from bot.texts.stats import fewer_than, withheld
from storage import alerts as alert_rows
from storage import circles as circle_rows
from storage import stats as stat_rows
from storage.db import Database

CHART_WEEKS = 8


def _weeks(rows: list[stat_rows.WeekRow]) -> list[Week]:
    """One group's rows week by week (a week with several rows: means weighted by count)."""
    by_week: dict[date, list[stat_rows.WeekRow]] = {}
    for row in rows:
        by_week.setdefault(row.week_start, []).append(row)
    weeks = []
    for start in sorted(by_week):
        parts = by_week[start]
        members = sum(p.members for p in parts)
        checkins = sum(p.checkins for p in parts)
        mood = sum(p.mood * p.checkins for p in parts) / checkins
        confidence = sum(p.confidence * p.checkins for p in parts) / checkins
        weeks.append(
            Week(start, members, checkins, Figure(mood, members), Figure(confidence, members))
        )
    return weeks


class StatsService:
    def __init__(self, db: Database, clock: Clock, minimum: int) -> None:
        self._db = db
        self._clock = clock
        self._minimum = minimum

    async def report(self, since: date | None = None) -> StatsReport:
        """Figures for today (UTC) and weekly means from `since` (default: 8 weeks)."""
        now = self._clock.now()
        today = now.date()
        first_week = since or today - timedelta(weeks=CHART_WEEKS - 1, days=today.weekday())
        async with self._db.read() as session:
            circles = await circle_rows.all_circles(session)
            everyone = await stat_rows.member_count(session)
            weeks = await stat_rows.checkin_weeks(session, first_week, today)
            activity = await stat_rows.activity(session, today)
            goals = await stat_rows.goal_answers(session, today - timedelta(days=29))
            changes = await stat_rows.confidence_changes(session)
            encouragement = await stat_rows.encouragement(session, now - timedelta(days=7))
            alerts = await alert_rows.outcome_counts(session)

        # Bucket every row by circle once; a circle then reads only its own rows. Rows with
        # circle None are everyone's; every check-in change and relay counts for everyone.
        by_circle: dict[int | None, _Rows] = {}
        for a in activity:
            by_circle.setdefault(a.circle_id, _Rows()).activity.append(a)
        for g in goals:
            by_circle.setdefault(g.circle_id, _Rows()).goals.append(g)
        for w in weeks:
            by_circle.setdefault(w.circle_id, _Rows()).weeks.append(w)
        everything = by_circle.pop(None, _Rows())
        for cid, change in changes:
            everything.changes.append(change)
            if cid is not None:
                by_circle.setdefault(cid, _Rows()).changes.append(change)
        for e in encouragement:
            everything.encouragement.append(e)
            by_circle.setdefault(e.circle_id, _Rows()).encouragement.append(e)
        groups = [_group(stats_texts.all_members(), everyone, everything)]
        groups += [_group(c.name, c.member_count, by_circle.get(c.id, _Rows())) for c in circles]
        groups = withhold_remainders(groups, self._minimum, today)
        return StatsReport(today, self._minimum, groups, alerts, _mondays(first_week, today))


def _mondays(first_day: date, last_day: date) -> tuple[date, ...]:
    """The Monday of every week from `first_day`'s to `last_day`'s."""
    monday = first_day - timedelta(days=first_day.weekday())
    mondays = []
    while monday <= last_day:
        mondays.append(monday)
        monday += timedelta(weeks=1)
    return tuple(mondays)


@dataclass
class _Rows:
    """One group's rows from each aggregate query."""

    activity: list[stat_rows.ActivityRow] = field(default_factory=list)
    goals: list[stat_rows.GoalRateRow] = field(default_factory=list)
    changes: list[float] = field(default_factory=list)
    encouragement: list[stat_rows.EncouragementRow] = field(default_factory=list)
    weeks: list[stat_rows.WeekRow] = field(default_factory=list)


def _group(name: str, members: int, rows: _Rows) -> GroupStats:
    a7 = sum(a.active_7d for a in rows.activity)
    a30 = sum(a.active_30d for a in rows.activity)
    c7 = sum(a.checkins_7d for a in rows.activity)
    done, answered = sum(g.done for g in rows.goals), sum(g.answered for g in rows.goals)
    return GroupStats(
        name=name,
        members=members,
        active_7d=Figure(a7, members),
        active_30d=Figure(a30, members),
        adherence_7d=Figure(c7 / (members * 7) if members else None, members),
        confidence_change=Figure(
            median(rows.changes) if rows.changes else None, len(rows.changes)
        ),
        goal_completion=Figure(
            done / answered if answered else None, sum(g.members for g in rows.goals)
        ),
        encouragement_sent=Figure(sum(e.sent for e in rows.encouragement), members),
        encouragement_thanked=Figure(sum(e.thanked for e in rows.encouragement), members),
        weeks=_weeks(rows.weeks),
    )


def chart_series(report: StatsReport) -> dict[str, list[tuple[date, float, float]]]:
    """Weekly means per group for the chart; a hidden or empty week is NaN (a gap)."""

    def value(figure: Figure) -> float:
        hidden = report.hidden(figure) or figure.withheld or figure.value is None
        return math.nan if hidden else float(figure.value or 0)

    return {
        g.name: [(w.start, value(w.mood), value(w.confidence)) for w in g.weeks]
        for g in report.groups
        if g.members >= report.minimum and g.weeks
    }


def to_csv(report: StatsReport) -> str:
    """One summary row per group (the /stats figures), then one row per group and week."""

    def shown(figure: Figure, digits: int = 2) -> str:
        if report.hidden(figure):
            return fewer_than(report.minimum)
        if figure.withheld:
            return withheld()
        if figure.value is None:
            return ""
        return str(round(figure.value, digits)) if digits else str(int(figure.value))

    summary, week_row = stats_texts.csv_row_kinds()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(stats_texts.csv_columns())
    for g in report.groups:
        small = g.members < report.minimum
        members = fewer_than(report.minimum) if small else str(g.members)
        writer.writerow(
            [
                g.name,
                summary,
                "",
                members,
                shown(g.active_7d, 0),
                shown(g.active_30d, 0),
                shown(g.adherence_7d, 3),
                "",
                "",
                "",
                shown(g.confidence_change),
                shown(_count(g.confidence_change.basis, g.confidence_change), 0),
                shown(g.goal_completion, 3),
                shown(g.encouragement_sent, 0),
                shown(g.encouragement_thanked, 0),
            ]
        )
    for g in report.groups:
        for week in _csv_weeks(report, g):
            writer.writerow(
                [
                    g.name,
                    week_row,
                    week.start.isoformat(),
                    shown(_count(week.members, week.mood), 0),
                    "",
                    "",
                    "",
                    shown(_count(week.checkins, week.mood), 0),
                    shown(week.mood),
                    shown(week.confidence),
                    "",
                    "",
                    "",
                    "",
                    "",
                ]
            )
    return out.getvalue()


def _count(value: int, figure: Figure) -> Figure:
    """A count shown beside `figure`: hidden or withheld with it."""
    return Figure(value, figure.basis, figure.withheld)


def _csv_weeks(report: StatsReport, group: GroupStats) -> list[Week]:
    """A group's week rows; a group too small to show has one (hidden) for every week of the
    report, so that which weeks its members checked in does not show either."""
    if group.members >= report.minimum:
        return group.weeks
    nobody = Figure(None, 0)
    return [Week(start, 0, 0, nobody, nobody) for start in report.week_starts]
