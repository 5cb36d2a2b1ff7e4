"""Intervals and running tallies: what ``simulate``, ``claims`` and ``calibrate`` report numbers with.

The intervals come from SciPy: Student's t quantile (:func:`t975`, behind :func:`mean_ci`) and the
Wilson score interval of a proportion (:func:`wilson`). SciPy is imported by those functions on
first use, not with this module: the running tallies below are fed during play (in every worker
process too) and need none of it, and importing ``scipy.stats`` takes about a second and 75 MB,
which a command would otherwise pay before its first game.

The tallies (:class:`Moments`, :class:`Proportion`, :class:`Quantiles`) are written here because
they stream: they never hold the values fed to them, so their memory does not grow with the number
of games, and NumPy and SciPy work on arrays that hold them all.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

import attrs
from attrs import frozen

Z95 = NormalDist().inv_cdf(0.975)
"""The two-sided 95% quantile of the standard normal distribution (1.95996...)."""

def t975(df: int) -> float:
    """The two-sided 95% quantile of Student's t with ``df`` degrees of freedom (``scipy.stats.t``),
    exact; ``inf`` for ``df`` < 1 (no interval can be given)."""
    if df < 1:
        return math.inf
    from scipy.stats import t  # on first use: see the module's docstring

    return float(t.ppf(0.975, df))


def wilson(successes: int, n: int) -> tuple[float, float, float]:
    """A proportion ``successes / n`` and its 95% Wilson score interval, as (p, lo, hi), each in
    0..1 (``lo`` exactly 0 when ``successes`` is 0, ``hi`` exactly 1 when it is ``n``). With no
    trial (``n`` 0): (nan, 0.0, 1.0), the proportion unknown and the interval all of 0..1.
    ``successes`` and ``n`` are whole numbers, 0 <= ``successes`` <= ``n`` (else ValueError)."""
    if n == 0:
        return math.nan, 0.0, 1.0
    from scipy.stats import binomtest  # on first use: see the module's docstring

    ci = binomtest(successes, n).proportion_ci(confidence_level=0.95, method="wilson")
    return successes / n, float(ci.low), float(ci.high)


def mean_ci(values: Sequence[float]) -> tuple[float, float, float]:
    """The mean of ``values`` and its 95% t interval, as (mean, lo, hi) in the values' unit. One
    value: the interval is (-inf, inf); none: all three are nan."""
    n = len(values)
    if n == 0:
        return math.nan, math.nan, math.nan
    m = math.fsum(values) / n
    if n == 1:
        return m, -math.inf, math.inf
    half = t975(n - 1) * statistics.stdev(values) / math.sqrt(n)
    return m, m - half, m + half


def json_number(v: Any) -> Any:
    """A value as the JSON reports give it: a float rounded to 6 places, None for nan or an
    infinity (JSON has neither); anything else as it is."""
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return None
        return round(v, 6)
    return v


@frozen
class Estimate:
    """One outcome over many games: a proportion (in 0..1) or a mean (in the outcome's unit),
    with its 95% interval ``lo``..``hi`` and the ``n`` games it counts."""

    name: str
    label: str
    kind: str  # "proportion" or "mean"
    n: int
    value: float
    lo: float
    hi: float

    def as_dict(self) -> dict[str, Any]:
        """Every field, numbers as :func:`json_number` gives them."""
        return {k: json_number(v) for k, v in attrs.asdict(self).items()}


def estimate(name: str, label: str, values: Sequence[float | None], proportion: bool) -> Estimate:
    """A proportion (truthy values) or a mean over the games where the metric applies: values
    that are None (:data:`wargame.analysis.metrics.NA`) are left out, and ``n`` counts the rest."""
    kept = [v for v in values if v is not None]
    if proportion:
        p, lo, hi = wilson(sum(1 for v in kept if v), len(kept))
        return Estimate(name, label, "proportion", len(kept), p, lo, hi)
    m, lo, hi = mean_ci(kept)
    return Estimate(name, label, "mean", len(kept), m, lo, hi)


class Moments:
    """A running count, mean and sum of squared deviations (Welford): a mean and a standard
    deviation over any number of values in constant memory, the same whatever their number."""

    __slots__ = ("n", "mean", "m2")

    def __init__(self) -> None:
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0

    def add(self, x: float) -> None:
        self.n += 1
        d = x - self.mean
        self.mean += d / self.n
        self.m2 += d * (x - self.mean)

    def copy(self) -> Moments:
        other = Moments()
        other.n, other.mean, other.m2 = self.n, self.mean, self.m2
        return other

    @property
    def sd(self) -> float:
        """The sample standard deviation (n - 1 in the denominator); nan under two values."""
        return math.sqrt(max(0.0, self.m2) / (self.n - 1)) if self.n > 1 else math.nan

    def mean_ci(self) -> tuple[float, float, float]:
        """As :func:`mean_ci` over the values added."""
        if self.n == 0:
            return math.nan, math.nan, math.nan
        if self.n == 1:
            return self.mean, -math.inf, math.inf
        half = t975(self.n - 1) * self.sd / math.sqrt(self.n)
        return self.mean, self.mean - half, self.mean + half


class Proportion:
    """A running count of true values (``k``) among those that apply (``n``)."""

    __slots__ = ("k", "n")

    def __init__(self) -> None:
        self.k = 0
        self.n = 0

    def add(self, flag: Any) -> None:
        self.n += 1
        self.k += bool(flag)


MAX_DISTINCT = 4096
"""Distinct values a :class:`Quantiles` sketch keeps; past that it counts on a coarser grid."""


class Quantiles:
    """Quantiles of a stream in bounded memory: a count of each value seen, exact while there are
    at most :data:`MAX_DISTINCT` distinct values, then on a grid that doubles its step until they
    fit (each value then off by at most the step). Fed in the same order, the same answer."""

    __slots__ = ("counts", "step")

    def __init__(self) -> None:
        self.counts: dict[float, int] = {}
        self.step = 0.0  # 0: exact

    def add(self, x: float) -> None:
        if self.step:
            x = round(x / self.step) * self.step
        self.counts[x] = self.counts.get(x, 0) + 1
        while len(self.counts) > MAX_DISTINCT:
            xs = sorted(self.counts)
            self.step = self.step * 2 if self.step else max((xs[-1] - xs[0]) / MAX_DISTINCT, 1e-9)
            coarse: dict[float, int] = {}
            for v, k in self.counts.items():
                c = round(v / self.step) * self.step
                coarse[c] = coarse.get(c, 0) + k
            self.counts = coarse

    def quantile(self, q: float) -> float:
        """The ``q``-quantile (``q`` in 0..1) of the values added, linear between order statistics:
        what ``numpy.quantile(values, q)`` gives (its default "linear" method), worked out from the
        counts without the values; nan if none was added."""
        n = sum(self.counts.values())
        if n == 0:
            return math.nan
        pos = q * (n - 1)
        i = int(pos)
        frac = pos - i
        below = 0
        xs = sorted(self.counts)
        for j, x in enumerate(xs):
            below += self.counts[x]
            if below > i:  # x is the i-th value (from 0)
                if frac == 0 or below > i + 1 or j + 1 == len(xs):
                    return x
                return x + (xs[j + 1] - x) * frac
        return xs[-1]
