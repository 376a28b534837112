"""What /stats reports, as plain values: each figure with the number of members behind it,
and the rule that one over fewer than the minimum is not shown."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date


@dataclass(frozen=True)
class Figure:
    value: float | None  # None when there is no data at all
    basis: int  # how many members it was computed over
    # Over enough members, yet not shown: with the circles' figures it would give away a
    # smaller group by subtraction (bot/stats/suppression.py).
    withheld: bool = False

    def withhold(self) -> Figure:
        return replace(self, withheld=True)


@dataclass(frozen=True)
class Week:
    start: date
    members: int
    checkins: int
    mood: Figure
    confidence: Figure
    withheld: bool = False  # the whole week: its counts and its means

    def withhold(self) -> Week:
        return replace(
            self, withheld=True, mood=self.mood.withhold(), confidence=self.confidence.withhold()
        )


@dataclass(frozen=True)
class GroupStats:
    name: str
    members: int
    active_7d: Figure
    active_30d: Figure
    adherence_7d: Figure  # share of member-days with a check-in, 0..1
    confidence_change: Figure  # median of (last 14 days - first 14 days)
    goal_completion: Figure  # share of habit answers that were "done", last 30 days
    encouragement_sent: Figure
    encouragement_thanked: Figure
    weeks: list[Week] = field(default_factory=list)


@dataclass(frozen=True)
class StatsReport:
    today: date
    minimum: int
    groups: list[GroupStats]  # everyone first, then each circle by name
    # Crisis alerts since the start, by (tier, outcome): raised, taken, false_alarm.
    alerts: dict[tuple[str, str], int] = field(default_factory=dict)
    # Every Monday the weekly figures cover, oldest first: a small group's rows in the CSV
    # are these, so which weeks it has data in is not shown either.
    week_starts: tuple[date, ...] = ()

    def hidden(self, figure: Figure) -> bool:
        return figure.basis < self.minimum

    def withholds_weeks(self) -> bool:
        """Whether a week of a group in the chart is withheld (its caption says so)."""
        return any(
            week.withheld
            for group in self.groups
            if group.members >= self.minimum
            for week in group.weeks
        )
