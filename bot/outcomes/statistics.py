"""Small, dependency-free statistics for the cohort outcomes report.

The report states how much members changed and how sure we can be of it, so it needs a
confidence interval from Student's t, an effect size and a share of members who improved by
a meaningful amount. numpy and scipy are not available, so the t quantile is computed here
from the regularized incomplete beta function (Numerical Recipes' continued fraction).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

# Above this many degrees of freedom t and the normal quantiles agree far beyond what the report
# shows, and the continued fraction would need ever more terms.
_NORMAL_DF = 1_000_000
_CF_EPS = 1e-15
_CF_TINY = 1e-300
_CF_MAX_ITERATIONS = 100_000
_BISECTION_STEPS = 200


@dataclass(frozen=True)
class Change:
    """Paired change (follow-up minus baseline, oriented so positive = better) over n members."""

    n: int
    mean: float
    low: float | None  # 95 % confidence interval of the mean (t, df=n-1); None when n < 2
    high: float | None
    effect_size: float | None  # paired Cohen's d_z = mean / sample stdev; None if n < 2 or sd 0
    improved: float | None  # share (0..1) of members whose change >= mid; None when mid is None


def paired_change(
    changes: Sequence[float], mid: float | None = None, level: float = 0.95
) -> Change:
    """Summarise members' paired changes: mean, t confidence interval, d_z and share improved.

    A single member gives a mean but no spread, so the interval and effect size are None rather
    than a made-up number. When every change is equal the interval collapses to the mean and
    d_z (which divides by the spread) is None. `mid` is the minimal important difference: the
    smallest change members would notice, so `improved` counts changes of at least that size.
    """
    _check(len(changes), level)
    return _summary(
        len(changes),
        statistics.fmean(changes),
        [(value, 1) for value in changes],
        None if mid is None else sum(1 for c in changes if c >= mid),
        level,
    )


def paired_change_counted(
    counts: Mapping[float, int], mid: float | None = None, level: float = 0.95
) -> Change:
    """paired_change over changes given as {value: how many members}: the report's scores
    change in whole steps, so 20,000 members are a few dozen distinct values."""
    n = sum(counts.values())
    _check(n, level)
    return _summary(
        n,
        math.fsum(value * count for value, count in counts.items()) / n,
        list(counts.items()),
        None if mid is None else sum(c for v, c in counts.items() if v >= mid),
        level,
    )


def _check(n: int, level: float) -> None:
    if n == 0:
        raise ValueError("paired_change needs at least one change")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, got {level}")


def _summary(
    n: int,
    mean: float,
    counted: Sequence[tuple[float, int]],
    improved: int | None,
    level: float,
) -> Change:
    """The figures from n, the mean and (value, members) pairs."""
    share = None if improved is None else improved / n
    if n < 2:
        return Change(n=n, mean=mean, low=None, high=None, effect_size=None, improved=share)
    sd = _stdev(counted, mean, n)
    if sd == 0:
        return Change(n=n, mean=mean, low=mean, high=mean, effect_size=None, improved=share)
    half_width = t_quantile((1.0 + level) / 2.0, n - 1) * sd / math.sqrt(n)
    return Change(n, mean, mean - half_width, mean + half_width, mean / sd, share)


def _stdev(counted: Sequence[tuple[float, int]], mean: float, n: int) -> float:
    """The sample standard deviation of (value, members) pairs. statistics.stdev is exact
    (fractions) and ~100x slower; a report computes thousands. Equal values give exactly 0,
    and deviations are scaled by the largest so that tiny ones do not underflow squared."""
    if all(value == counted[0][0] for value, _ in counted):
        return 0.0
    scale = max(abs(value - mean) for value, _ in counted)
    squares = math.fsum(count * ((value - mean) / scale) ** 2 for value, count in counted)
    return scale * math.sqrt(squares / (n - 1))


def _away_from_zero(value: float) -> float:
    return value if abs(value) >= _CF_TINY else _CF_TINY


@cache  # a report asks for the same few (p, df) for every group; each costs ~2 ms
def t_quantile(p: float, df: int) -> float:
    """Inverse CDF of Student's t with df degrees of freedom (df >= 1, 0 < p < 1).

    Small cohorts are exactly where t differs most from the normal distribution, so the
    interval must use it. The CDF comes from the incomplete beta function and is inverted by
    bisection, which cannot diverge; the lower half mirrors the upper so the result is exactly
    symmetric.
    """
    if df < 1:
        raise ValueError(f"df must be at least 1, got {df}")
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be strictly between 0 and 1, got {p}")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if df > _NORMAL_DF:
        return statistics.NormalDist().inv_cdf(p)
    tail = 1.0 - p  # wanted upper tail probability, < 0.5
    low, high = 0.0, 1.0
    while _t_upper_tail(high, df) > tail:
        low, high = high, high * 2.0
    for _ in range(_BISECTION_STEPS):
        middle = (low + high) / 2.0
        if middle in (low, high):
            break
        if _t_upper_tail(middle, df) > tail:
            low = middle
        else:
            high = middle
        if high - low <= 1e-12 * max(1.0, high):
            break
    return (low + high) / 2.0


def tertile_cuts(values: Sequence[float]) -> tuple[float, float]:
    """Cut points at the 1/3 and 2/3 quantiles (inclusive method), to split members by baseline.

    The inclusive method treats the values as the whole cohort rather than a sample of a larger
    one, which is what the report describes. Needs at least two values.
    """
    if len(values) < 2:
        raise ValueError("tertile_cuts needs at least two values")
    low, high = statistics.quantiles(values, n=3, method="inclusive")
    return (low, high)


def tertile(value: float, cuts: tuple[float, float]) -> int:
    """The group of a value: 0 (low) if <= cuts[0], 1 (middle) if <= cuts[1], else 2 (high).

    Equal values always land in the same group, so with many ties (for example many members at
    the lowest score) both cuts can coincide and the middle group is empty. The report shows
    that empty group as it is rather than moving members around to hide it.
    """
    low, high = cuts
    if value <= low:
        return 0
    if value <= high:
        return 1
    return 2


def _t_upper_tail(t: float, df: int) -> float:
    """P(T > t) for t >= 0: half the incomplete beta I_x(df/2, 1/2) at x = df / (df + t^2)."""
    t2 = t * t
    x = df / (df + t2)
    y = t2 / (df + t2)  # 1 - x, computed directly so a small value keeps its precision
    return 0.5 * _incomplete_beta(df / 2.0, 0.5, x, y)


def _incomplete_beta(a: float, b: float, x: float, y: float) -> float:
    """Regularized incomplete beta I_x(a, b), with y = 1 - x given separately (NR `betai`)."""
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(y)
    )
    front = math.exp(log_front)
    # The continued fraction converges quickly only on one side of its mean; use the symmetry
    # I_x(a, b) = 1 - I_y(b, a) on the other.
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, y) / b


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta, by the modified Lentz method (NR `betacf`)."""
    qab = a + b
    qap = a + 1.0
    qam = a - 1.0
    c = 1.0
    d = 1.0 / _away_from_zero(1.0 - qab * x / qap)
    h = d
    for m in range(1, _CF_MAX_ITERATIONS + 1):
        m2 = 2 * m
        # The even step, then the odd one (Lentz): each keeps c and d away from zero.
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 / _away_from_zero(1.0 + aa * d)
        c = _away_from_zero(1.0 + aa / c)
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 / _away_from_zero(1.0 + aa * d)
        c = _away_from_zero(1.0 + aa / c)
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _CF_EPS:
            return h
    raise ArithmeticError(f"incomplete beta did not converge for a={a}, b={b}, x={x}")
