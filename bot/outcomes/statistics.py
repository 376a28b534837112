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
    n = len(changes)
    if n == 0:
        raise ValueError("paired_change needs at least one change")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    mean = statistics.fmean(changes)
    improved = None if mid is None else sum(1 for c in changes if c >= mid) / n
    if n < 2:
        return Change(n=n, mean=mean, low=None, high=None, effect_size=None, improved=improved)
    # statistics.stdev is exact (fractions) and ~100x slower; a report computes thousands.
    # Equal changes are caught first, so rounding cannot fake a spread where there is none.
    sd = _stdev(changes, mean) if max(changes) != min(changes) else 0.0
    if sd == 0:
        return Change(n=n, mean=mean, low=mean, high=mean, effect_size=None, improved=improved)
    half_width = t_quantile((1.0 + level) / 2.0, n - 1) * sd / math.sqrt(n)
    return Change(
        n=n,
        mean=mean,
        low=mean - half_width,
        high=mean + half_width,
        effect_size=mean / sd,
        improved=improved,
    )


def paired_change_counted(
    counts: Mapping[float, int], mid: float | None = None, level: float = 0.95
) -> Change:
    """paired_change over changes given as {value: how many members}: the report's scores
    change in whole steps, so 20,000 members are a few dozen distinct values."""
    n = sum(counts.values())
    if n == 0:
        raise ValueError("paired_change needs at least one change")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    mean = math.fsum(value * count for value, count in counts.items()) / n
    improved = None if mid is None else sum(c for v, c in counts.items() if v >= mid) / n
    if n < 2:
        return Change(n=n, mean=mean, low=None, high=None, effect_size=None, improved=improved)
    if len(counts) == 1:
        return Change(n=n, mean=mean, low=mean, high=mean, effect_size=None, improved=improved)
    squares = math.fsum(count * (value - mean) ** 2 for value, count in counts.items())
    sd = math.sqrt(squares / (n - 1))
    if sd == 0:
        return Change(n=n, mean=mean, low=mean, high=mean, effect_size=None, improved=improved)
    half_width = t_quantile((1.0 + level) / 2.0, n - 1) * sd / math.sqrt(n)
    return Change(n, mean, mean - half_width, mean + half_width, mean / sd, improved)


def _stdev(values: Sequence[float], mean: float) -> float:
    """The sample standard deviation, scaled by the largest deviation so that tiny ones do
    not underflow when squared."""
    deviations = [value - mean for value in values]
    scale = max(abs(d) for d in deviations)
    if scale == 0:
        return 0.0
    squares = math.fsum((d / scale) ** 2 for d in deviations)
    return scale * math.sqrt(squares / (len(values) - 1))


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
    d = 1.0 - qab * x / qap
    if abs(d) < _CF_TINY:
        d = _CF_TINY
    d = 1.0 / d
    h = d
    for m in range(1, _CF_MAX_ITERATIONS + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        if abs(d) < _CF_TINY:
            d = _CF_TINY
        c = 1.0 + aa / c
        if abs(c) < _CF_TINY:
            c = _CF_TINY
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        if abs(d) < _CF_TINY:
            d = _CF_TINY
        c = 1.0 + aa / c
        if abs(c) < _CF_TINY:
            c = _CF_TINY
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _CF_EPS:
            return h
    raise ArithmeticError(f"incomplete beta did not converge for a={a}, b={b}, x={x}")
