"""What /stats reports, as plain values: each figure with the number of members behind it,
and the rule that one over fewer than the minimum is not shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Figure:
    value: float | None  # None when there is no data at all
    basis: int  # how many members it was computed over


@dataclass(frozen=True)
class Week:
    start: date
    members: int
    checkins: int
    mood: Figure
    confidence: Figure


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

    def hidden(self, figure: Figure) -> bool:
        return figure.basis < self.minimum
