"""What /stats reports, as plain values: each figure with the number of members behind it,
the rule that one over fewer than the minimum is not shown, and the rule that everyone's
figure is withheld where subtracting the circles' figures would give away a small group."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta


@dataclass(frozen=True)
class Figure:
    value: float | None  # None when there is no data at all
    basis: int  # how many members it was computed over
    # Over enough members, yet not shown: with the circles' figures it would give away a
    # smaller group by subtraction (withhold_remainders below).
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


# -- complementary suppression ------------------------------------------------------------
# Everyone's figure is withheld where everyone minus the circles shown would leave a small
# group that a moderator could work out by subtraction.
#
# Everyone is the sum of the circles and of the members in no circle. A circle's figure over
# fewer than the minimum reads "fewer than N"; but everyone's figure minus every circle's
# figure shown is the figure of the rest: the hidden circles and the members in no circle
# together. Moderators know each circle's size (/circles), so they know how many members that
# rest holds. Everyone's figure is shown only when the rest is nobody (and counts nothing) or
# at least the minimum of members, and, for a mean or a median, is computed over none or at
# least the minimum of them: the same rule a circle's own figure follows.
#
# Two figures coincide on some days and so are withheld together: on a Sunday the last 7
# days are the current week, so the members active and check-ins in the last 7 days equal
# that week's members and check-ins.


def count_leaves_a_small_group(left_members: int, left_count: float, minimum: int) -> bool:
    """Whether a count of the members left over (everyone minus the circles shown) would
    single out a small group: between 1 and minimum - 1 of them, or none while something is
    still counted (relays of members who have since left a hidden circle)."""
    if left_members == 0:
        return left_count != 0
    return left_members < minimum


def mean_leaves_a_small_group(left_members: int, left_contributors: int, minimum: int) -> bool:
    """The same for a mean or a median, which also must be over none or at least `minimum`
    of the members left over (`left_contributors`)."""
    if count_leaves_a_small_group(left_members, left_contributors, minimum):
        return True
    return 0 < left_contributors < minimum


def withhold_remainders(
    groups: Sequence[GroupStats], minimum: int, today: date
) -> list[GroupStats]:
    """`groups` (everyone first, then each circle) with everyone's figures withheld where
    subtracting the circles' figures shown would single out a small group."""
    if not groups or groups[0].members < minimum:
        return list(groups)  # everyone's figures are not shown at all
    everyone, circles = groups[0], groups[1:]
    shown = [c for c in circles if c.members >= minimum]
    left_members = everyone.members - sum(c.members for c in shown)
    active_left = _amount(everyone.active_30d) - sum(_amount(c.active_30d) for c in shown)
    activity = count_leaves_a_small_group(left_members, active_left, minimum)
    # Relays belong to a circle: the members in no circle add none, so only the hidden
    # circles' members stand behind everyone's count minus the circles shown.
    sent_left = _amount(everyone.encouragement_sent) - sum(
        _amount(c.encouragement_sent) for c in shown
    )
    hidden_members = sum(c.members for c in circles if c.members < minimum)
    encouragement = count_leaves_a_small_group(hidden_members, sent_left, minimum)
    change = _mean_leaves_a_small_group(everyone, circles, lambda g: g.confidence_change, minimum)
    goals = _mean_leaves_a_small_group(everyone, circles, lambda g: g.goal_completion, minimum)
    current_week = today - timedelta(days=today.weekday())
    # Each circle shown: its members and its weeks by their Monday.
    shown_weeks = [(c.members, {w.start: w for w in c.weeks}) for c in shown]
    weeks = [
        week.withhold()
        if week.members >= minimum
        and (
            _week_leaves_a_small_group(everyone.members, shown_weeks, week, minimum)
            or (activity and week.start == current_week)
        )
        else week
        for week in everyone.weeks
    ]
    return [
        replace(
            everyone,
            active_7d=_maybe(everyone.active_7d, activity, minimum),
            active_30d=_maybe(everyone.active_30d, activity, minimum),
            adherence_7d=_maybe(everyone.adherence_7d, activity, minimum),
            encouragement_sent=_maybe(everyone.encouragement_sent, encouragement, minimum),
            encouragement_thanked=_maybe(everyone.encouragement_thanked, encouragement, minimum),
            confidence_change=_maybe(everyone.confidence_change, change, minimum),
            goal_completion=_maybe(everyone.goal_completion, goals, minimum),
            weeks=weeks,
        ),
        *circles,
    ]


def _amount(figure: Figure) -> float:
    return figure.value or 0


def _maybe(figure: Figure, withhold: bool, minimum: int) -> Figure:
    """The figure, withheld if asked and if it would be shown at all."""
    return figure.withhold() if withhold and figure.basis >= minimum else figure


def _mean_leaves_a_small_group(
    everyone: GroupStats,
    circles: Sequence[GroupStats],
    figure_of: Callable[[GroupStats], Figure],
    minimum: int,
) -> bool:
    """For a figure whose basis is the members it was computed over (a median, a share)."""
    shown = [c for c in circles if c.members >= minimum and figure_of(c).basis >= minimum]
    left_members = everyone.members - sum(c.members for c in shown)
    left_contributors = figure_of(everyone).basis - sum(figure_of(c).basis for c in shown)
    return mean_leaves_a_small_group(left_members, left_contributors, minimum)


def _week_leaves_a_small_group(
    members: int, shown: Sequence[tuple[int, dict[date, Week]]], week: Week, minimum: int
) -> bool:
    """A week's counts and means, from everyone's `members` and the circles shown (their
    members and weeks). A circle without a row that week is known to have had no check-ins
    (no row is shown), so it is part of what is subtracted, not of the rest."""
    left_members, left_contributors = members, week.members
    for circle_members, circle_weeks in shown:
        same = circle_weeks.get(week.start)
        if same is None or same.members >= minimum:
            left_members -= circle_members
            left_contributors -= same.members if same else 0
    return mean_leaves_a_small_group(left_members, left_contributors, minimum)
