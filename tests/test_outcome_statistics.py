"""The outcomes report's statistics: t quantiles against printed tables and closed forms,
paired change against Python's own statistics module and hand-worked examples, tertiles with
ties."""

from __future__ import annotations

import itertools
import math
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.outcomes.statistics import (
    Change,
    paired_change,
    paired_change_counted,
    t_quantile,
    tertile,
    tertile_cuts,
)

# Two-sided 95 % (and one-sided 95 %) critical values as printed in every t table.
T_TABLE = [
    (0.975, 1, 12.7062),
    (0.975, 2, 4.3027),
    (0.975, 3, 3.1824),
    (0.975, 4, 2.7764),
    (0.975, 10, 2.2281),
    (0.975, 30, 2.0423),
    (0.975, 100, 1.9840),
    (0.95, 5, 2.0150),
    (0.95, 1, 6.3138),
    (0.995, 10, 3.1693),
]

probabilities = st.floats(min_value=1e-6, max_value=1 - 1e-6)
changes_lists = st.lists(
    st.floats(min_value=-100, max_value=100, allow_nan=False, allow_infinity=False),
    min_size=2,
    max_size=200,
)


@pytest.mark.parametrize(("p", "df", "expected"), T_TABLE)
def test_t_quantile_matches_the_printed_table(p: float, df: int, expected: float) -> None:
    assert t_quantile(p, df) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(("p", "df", "expected"), T_TABLE)
def test_t_quantile_is_symmetric(p: float, df: int, expected: float) -> None:
    assert t_quantile(1 - p, df) == -t_quantile(p, df)
    assert t_quantile(1 - p, df) == pytest.approx(-expected, abs=1e-3)


@pytest.mark.parametrize("df", [1, 2, 3, 5, 29, 200, 10**7])
def test_t_quantile_of_one_half_is_zero(df: int) -> None:
    assert t_quantile(0.5, df) == 0.0


@pytest.mark.parametrize("df", [1, 2, 7, 50])
def test_t_quantile_increases_with_p(df: int) -> None:
    ps = [0.001, 0.01, 0.1, 0.3, 0.49, 0.5, 0.51, 0.7, 0.9, 0.99, 0.999]
    values = [t_quantile(p, df) for p in ps]
    assert all(a < b for a, b in itertools.pairwise(values))


def test_t_quantile_shrinks_towards_the_normal_as_df_grows() -> None:
    values = [t_quantile(0.975, df) for df in (1, 2, 5, 10, 100, 1000, 10**5)]
    assert all(a > b for a, b in itertools.pairwise(values))
    z = statistics.NormalDist().inv_cdf(0.975)
    assert t_quantile(0.975, 10**5) == pytest.approx(z, abs=1e-4)
    assert t_quantile(0.975, 10**7) == pytest.approx(z, abs=1e-9)


@pytest.mark.parametrize(("p", "df"), [(0.0, 3), (1.0, 3), (-0.1, 3), (0.5, 0)])
def test_t_quantile_rejects_impossible_arguments(p: float, df: int) -> None:
    with pytest.raises(ValueError):
        t_quantile(p, df)


# Closed forms of the t quantile exist for df = 1 (Cauchy), 2 and 4, so these are checks that do
# not depend on the incomplete beta at all.
@settings(deadline=None)
@given(probabilities)
def test_t_quantile_df1_is_the_cauchy_quantile(p: float) -> None:
    expected = math.tan(math.pi * (p - 0.5))
    assert t_quantile(p, 1) == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(deadline=None)
@given(probabilities)
def test_t_quantile_df2_closed_form(p: float) -> None:
    expected = (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    assert t_quantile(p, 2) == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(deadline=None)
@given(probabilities)
def test_t_quantile_df4_closed_form(p: float) -> None:
    alpha = 4 * p * (1 - p)
    q = math.cos(math.acos(math.sqrt(alpha)) / 3) / math.sqrt(alpha)
    expected = math.copysign(2 * math.sqrt(q - 1), p - 0.5)
    assert t_quantile(p, 4) == pytest.approx(expected, rel=1e-7, abs=1e-7)


def test_paired_change_worked_example_even_steps() -> None:
    # [2, 4, 6, 8]: mean 5; squared deviations 9 + 1 + 1 + 9 = 20, variance 20 / 3,
    # stdev 2.5819889; standard error 2.5819889 / 2 = 1.2909944; t(0.975, 3) = 3.1824463,
    # half width 3.1824463 * 1.2909944 = 4.1085205, so the CI is 0.8914795 .. 9.1085205;
    # d_z = 5 / 2.5819889 = 1.9364917. With mid 5, only 6 and 8 count: 2 / 4.
    result = paired_change([2, 4, 6, 8], mid=5)
    assert result.n == 4
    assert result.mean == 5
    assert result.low == pytest.approx(0.8914795, abs=1e-6)
    assert result.high == pytest.approx(9.1085205, abs=1e-6)
    assert result.effect_size == pytest.approx(1.9364917, abs=1e-6)
    assert result.improved == 0.5


def test_paired_change_worked_example_crossing_zero() -> None:
    # [-1, 0, 1, 2, 3]: mean 1; squared deviations 4 + 1 + 0 + 1 + 4 = 10, variance 10 / 4,
    # stdev 1.5811388; standard error 1.5811388 / sqrt(5) = 0.7071068; t(0.975, 4) = 2.7764451,
    # half width 1.9632432, so the CI is -0.9632432 .. 2.9632432 and includes no change;
    # d_z = 1 / 1.5811388 = 0.6324555. With mid 1, members 1, 2 and 3 count: 3 / 5.
    result = paired_change([-1, 0, 1, 2, 3], mid=1)
    assert result.n == 5
    assert result.mean == 1
    assert result.low == pytest.approx(-0.9632432, abs=1e-6)
    assert result.high == pytest.approx(2.9632432, abs=1e-6)
    assert result.effect_size == pytest.approx(0.6324555, abs=1e-6)
    assert result.improved == 0.6


def test_paired_change_other_level_widens_the_interval() -> None:
    # [2, 4, 6, 8] at 99 %: t(0.995, 3) = 5.8409093, half width 5.8409093 * 1.2909944 = 7.5405815.
    result = paired_change([2, 4, 6, 8], level=0.99)
    assert result.low == pytest.approx(5 - 7.5405815, abs=1e-6)
    assert result.high == pytest.approx(5 + 7.5405815, abs=1e-6)


def test_paired_change_single_member_has_no_interval_or_effect_size() -> None:
    result = paired_change([3.5], mid=2)
    assert result == Change(n=1, mean=3.5, low=None, high=None, effect_size=None, improved=1.0)


def test_paired_change_without_mid_has_no_improved_share() -> None:
    assert paired_change([1, 2, 3]).improved is None


def test_paired_change_empty_is_an_error() -> None:
    with pytest.raises(ValueError):
        paired_change([])


def test_paired_change_all_equal_collapses_the_interval() -> None:
    result = paired_change([2.5, 2.5, 2.5, 2.5], mid=3)
    assert result == Change(n=4, mean=2.5, low=2.5, high=2.5, effect_size=None, improved=0.0)


@settings(deadline=None)
@given(changes_lists, st.one_of(st.none(), st.floats(min_value=-100, max_value=100)))
def test_paired_change_agrees_with_the_statistics_module(
    changes: list[float], mid: float | None
) -> None:
    result = paired_change(changes, mid=mid)
    n = len(changes)
    mean = statistics.fmean(changes)
    sd = statistics.stdev(changes)
    assert result.n == n
    assert result.mean == mean
    assert result.low is not None
    assert result.high is not None
    if sd == 0:
        assert (result.low, result.high) == (mean, mean)
        assert result.effect_size is None
    else:
        half_width = t_quantile(0.975, n - 1) * sd / math.sqrt(n)
        assert result.low == pytest.approx(mean - half_width, rel=1e-12, abs=1e-12)
        assert result.high == pytest.approx(mean + half_width, rel=1e-12, abs=1e-12)
        assert result.low <= mean <= result.high
        assert result.effect_size == pytest.approx(mean / sd, rel=1e-12)
    if mid is None:
        assert result.improved is None
    else:
        assert result.improved == len([c for c in changes if c >= mid]) / n


def test_tertiles_with_ties_worked_example() -> None:
    # statistics.quantiles inclusive on 9 sorted values: position i * 8 / 3.
    # 1/3: position 2.67, between values 0 and 0 -> 0; 2/3: position 5.33, 2 + (3 - 2) / 3 = 7/3.
    values = [0, 0, 0, 0, 1, 2, 3, 5, 8]
    cuts = tertile_cuts(values)
    assert cuts == pytest.approx((0, 7 / 3))
    assert [tertile(v, cuts) for v in values] == [0, 0, 0, 0, 1, 1, 2, 2, 2]


def test_tertiles_many_ties_leave_the_middle_group_empty() -> None:
    # Seven members at the floor: both cuts fall on 0, so nobody is in the middle group.
    values = [0, 0, 0, 0, 0, 0, 0, 1, 2]
    cuts = tertile_cuts(values)
    assert cuts == (0, 0)
    assert [tertile(v, cuts) for v in values] == [0, 0, 0, 0, 0, 0, 0, 2, 2]


def test_tertile_boundaries_belong_to_the_lower_group() -> None:
    cuts = (1.0, 2.0)
    assert [tertile(v, cuts) for v in (0.5, 1.0, 1.5, 2.0, 2.5)] == [0, 0, 1, 1, 2]


def test_tertile_cuts_needs_two_values() -> None:
    with pytest.raises(ValueError):
        tertile_cuts([1.0])
    assert tertile_cuts([1.0, 4.0]) == (2.0, 3.0)


@settings(deadline=None)
@given(
    counts=st.dictionaries(
        st.integers(min_value=-100, max_value=100).map(float),
        st.integers(min_value=1, max_value=50),
        min_size=1,
        max_size=30,
    ),
    mid=st.one_of(st.none(), st.integers(min_value=1, max_value=20).map(float)),
)
def test_counted_changes_give_what_the_changes_themselves_give(
    counts: dict[float, int], mid: float | None
) -> None:
    """The report passes {change: members}; the figures are those of the expanded list."""
    expanded = [value for value, count in counts.items() for _ in range(count)]
    direct, counted = paired_change(expanded, mid), paired_change_counted(counts, mid)
    assert counted.n == direct.n
    assert counted.mean == pytest.approx(direct.mean, abs=1e-9)
    for mine, theirs in (
        (counted.low, direct.low),
        (counted.high, direct.high),
        (counted.effect_size, direct.effect_size),
        (counted.improved, direct.improved),
    ):
        assert (mine is None) == (theirs is None)
        if mine is not None and theirs is not None:
            assert mine == pytest.approx(theirs, rel=1e-9, abs=1e-9)
