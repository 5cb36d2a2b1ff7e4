"""``wargame calibrate``'s judging: is the game, played by bots, in the bands the designer wants?

Each target of ``rules/targets.toml`` (read by :mod:`wargame.analysis.targets`) is judged on the
games of each of its seat sets: its statistic over them (a share, a mean, ...) with a 95% interval
(:class:`Estimate`), and a verdict: *met* if the estimate lies in the band, *missed* if not, *too
few games* if fewer than ``min_n`` games count (then it is neither); and whether the whole
interval lies in the band. :class:`StatTally` keeps a statistic as running sums, so the command
feeds it game by game and keeps no game; the functions :func:`share`, :func:`mean`, ... work it
out from lists (for tests).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
from attrs import frozen

from wargame.analysis.catalogue import metric_maximum
from wargame.analysis.metrics import GameResult
from wargame.analysis.statistics import Z95, Moments, Proportion, mean_ci, wilson
from wargame.analysis.targets import Target, expand
from wargame.engine.rulebook import Rulebook

# --- statistics ------------------------------------------------------------------------------------


@frozen
class Estimate:
    """A statistic over the games where its metric applies, with a 95% interval (``lo`` and
    ``hi`` equal to ``value`` when the statistic has none) and the games counted."""

    value: float
    lo: float
    hi: float
    n: int


_NAN = Estimate(math.nan, math.nan, math.nan, 0)


def _defined(values: Iterable[float | None]) -> list[float]:
    return [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]


def _share(flags: Sequence[bool]) -> Estimate:
    p, lo, hi = wilson(sum(1 for f in flags if f), len(flags))
    return Estimate(p, lo, hi, len(flags))


def share(values: Iterable[float | None]) -> Estimate:
    """The share of games where the metric is true (not 0); games where it does not apply are
    left out."""
    return _share([bool(v) for v in _defined(values)])


def mean(values: Iterable[float | None]) -> Estimate:
    """The mean (in the metric's unit) with its 95% t interval; games where the metric does not
    apply are left out."""
    xs = _defined(values)
    m, lo, hi = mean_ci(xs)
    return Estimate(m, lo, hi, len(xs))


def sd(values: Iterable[float | None]) -> Estimate:
    """The standard deviation, with the normal-approximation interval sd*(1 ± 1.96/sqrt(2(n-1)))."""
    xs = _defined(values)
    if len(xs) < 2:
        return Estimate(math.nan, math.nan, math.nan, len(xs))
    return _sd_interval(statistics.stdev(xs), len(xs))


def _sd_interval(s: float, n: int) -> Estimate:
    """A standard deviation ``s`` of ``n`` games (2 or more) with the interval the targets file
    documents (rules/README.md, :data:`~wargame.analysis.targets.STATS`): sd*(1 ± z/sqrt(2(n-1))),
    the normal approximation, kept as documented rather than SciPy's chi-square interval, which
    would move every ``sd`` target's interval."""
    half = Z95 / math.sqrt(2 * (n - 1))
    return Estimate(s, max(0.0, s * (1 - half)), s * (1 + half), n)


def share_at_most(values: Iterable[float | None], limit: float) -> Estimate:
    """The share of games whose metric is <= ``limit``, with its Wilson interval."""
    return _share([v <= limit for v in _defined(values)])


def share_at_least(values: Iterable[float | None], limit: float) -> Estimate:
    """The share of games whose metric is >= ``limit``, with its Wilson interval."""
    return _share([v >= limit for v in _defined(values)])


def by(values: Iterable[float | None], turn: int) -> Estimate:
    """The share of games where the metric, a turn number (-1: never), is 0 <= value <= turn."""
    return _share([0 <= v <= turn for v in _defined(values)])


def distinct(values: Iterable[float | None]) -> Estimate:
    """How many different values the metric took (no interval: ``lo`` and ``hi`` are the count)."""
    xs = _defined(values)
    k = float(len(set(xs)))
    return Estimate(k, k, k, len(xs))


def difference(values: Iterable[float | None], split: Iterable[float | None], at_least: float) -> Estimate:
    """The share of true values among games whose ``split`` is >= ``at_least``, minus the share
    among games whose ``split`` is below it (games where either does not apply are left out),
    with Newcombe's hybrid score interval; ``n`` is the smaller group."""
    high: list[bool] = []
    low: list[bool] = []
    for v, s in zip(values, split):
        if v is None or s is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(s, float) and math.isnan(s)):
            continue
        (high if s >= at_least else low).append(bool(v))
    if not high or not low:
        return Estimate(math.nan, math.nan, math.nan, min(len(high), len(low)))
    return _newcombe(sum(high), len(high), sum(low), len(low))


def _newcombe(k1: int, n1: int, k2: int, n2: int) -> Estimate:
    """The difference of two shares, k1/n1 - k2/n2 (both n 1 or more), with Newcombe's hybrid
    score interval, kept in -1..1; ``n`` is the smaller group. Built here from the two Wilson
    intervals (Newcombe 1998, method 10) because SciPy has no interval for a difference of two
    independent proportions."""
    p1, l1, u1 = wilson(k1, n1)
    p2, l2, u2 = wilson(k2, n2)
    d = p1 - p2
    lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Estimate(d, max(-1.0, lo), min(1.0, hi), min(n1, n2))


def scaled(e: Estimate, by_: float) -> Estimate:
    """``e`` with its value and interval divided by ``by_`` (a metric's maximum: a share of it)."""
    return Estimate(e.value / by_, e.lo / by_, e.hi / by_, e.n)


def compute(target: Target, values: Sequence[float | None], split: Sequence[float | None] | None = None,
            maximum: float | None = None) -> Estimate:
    """The target's statistic over one metric's values (one a game)."""
    stat = target.stat
    if stat == "share":
        return share(values)
    if stat == "mean":
        return mean(values)
    if stat == "sd":
        return sd(values)
    if stat == "share_of_max":
        return scaled(mean(values), maximum or math.nan)
    if stat == "sd_of_max":
        return scaled(sd(values), maximum or math.nan)
    if stat == "share_at_most":
        return share_at_most(values, target.value)  # type: ignore[arg-type]
    if stat == "share_at_least":
        return share_at_least(values, target.value)  # type: ignore[arg-type]
    if stat == "by":
        return by(values, target.at_turn)  # type: ignore[arg-type]
    if stat == "distinct":
        return distinct(values)
    if stat == "difference":
        return difference(values, split or [], target.at_least)  # type: ignore[arg-type]
    raise KeyError(stat)


# --- verdicts --------------------------------------------------------------------------------------

MET, MISSED, TOO_FEW, EXEMPT = "met", "missed", "too few", "exempt"


@frozen
class Outcome:
    """One metric of a target on one seat set (or the seat sets it was judged on)."""

    item: str | None
    seats: str
    metric: str
    estimate: Estimate
    verdict: str
    inside: bool  # the whole 95% interval lies in the band
    reason: str = ""  # why it is exempt

    def as_dict(self) -> dict[str, Any]:
        e = self.estimate
        return {"item": self.item, "seats": self.seats, "metric": self.metric, "value": _num(e.value),
                "lo": _num(e.lo), "hi": _num(e.hi), "n": e.n, "verdict": self.verdict,
                "interval_in_band": self.inside, **({"reason": self.reason} if self.reason else {})}


def judge(estimate: Estimate, band: tuple[float, float], min_n: int) -> tuple[str, bool]:
    """(verdict, whether the whole interval lies in the band)."""
    if estimate.n < min_n or math.isnan(estimate.value):
        return TOO_FEW, False
    lo, hi = band
    met = lo <= estimate.value <= hi
    inside = not (math.isnan(estimate.lo) or math.isnan(estimate.hi)) and lo <= estimate.lo and estimate.hi <= hi
    return (MET if met else MISSED), inside


@frozen
class Row:
    """A target's verdict on one seat set (``combine = "each"``) or on all of them (``"any"``)."""

    target: Target
    seats: str
    outcomes: tuple[Outcome, ...]  # one per item, exempt items included

    @property
    def judged(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.verdict != EXEMPT)

    @property
    def verdict(self) -> str:
        judged = self.judged
        if any(o.verdict == MISSED for o in judged):
            return MISSED
        if judged and all(o.verdict == TOO_FEW for o in judged):
            return TOO_FEW
        return MET if judged else TOO_FEW

    def count(self, verdict: str) -> int:
        return sum(1 for o in self.outcomes if o.verdict == verdict)

    def as_dict(self) -> dict[str, Any]:
        t = self.target
        out: dict[str, Any] = {
            "id": t.id, "title": t.title, "metric": t.metric, "stat": t.stat, "band": [_num(b) for b in t.band],
            "scenario": t.scenario, "seats": self.seats, "combine": t.combine, "cites": list(t.cites),
            "rationale": t.rationale, "verdict": self.verdict,
        }
        for key in ("at", "value", "each", "split_by", "at_least"):
            if getattr(t, key) is not None:
                out[key] = getattr(t, key)
        if t.each is None and self.outcomes:
            out.update({k: v for k, v in self.outcomes[0].as_dict().items() if k not in ("item", "seats")})
        else:
            out.update({"met": self.count(MET), "missed": self.count(MISSED), "too_few": self.count(TOO_FEW),
                        "items": [o.as_dict() for o in self.outcomes]})
        return out


def _num(v: Any) -> Any:
    # As statistics.json_number, but an infinite bound reads "inf" / "-inf": a target's report says
    # an interval is unbounded rather than unknown.
    if isinstance(v, float):
        if math.isnan(v):
            return None
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return round(v, 6)
    return v


MAX_DISTINCT_VALUES = 10_000
"""``distinct`` counts different values up to this many (a value past it reads as at least this)."""


class StatTally:
    """A target's statistic over one metric, kept as running sums over the games fed to it (so its
    memory does not grow with the number of games): :func:`compute` for values that come one game
    at a time."""

    def __init__(self, target: Target, maximum: float | None = None):
        self.target = target
        self.maximum = maximum
        self.moments = Moments()
        self.flags = Proportion()
        self.seen: set[float] = set()
        self.n = 0
        self.high = Proportion()
        self.low = Proportion()

    def add(self, value: float | None, split: float | None = None) -> None:
        t = self.target
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return
        stat = t.stat
        if stat == "difference":
            if split is None or (isinstance(split, float) and math.isnan(split)):
                return
            (self.high if split >= t.at_least else self.low).add(value)  # type: ignore[operator]
        elif stat in ("mean", "sd", "share_of_max", "sd_of_max"):
            self.moments.add(value)
        elif stat == "share":
            self.flags.add(value)
        elif stat == "share_at_most":
            self.flags.add(value <= t.value)  # type: ignore[operator]
        elif stat == "share_at_least":
            self.flags.add(value >= t.value)  # type: ignore[operator]
        elif stat == "by":
            self.flags.add(0 <= value <= t.at_turn)  # type: ignore[operator]
        elif stat == "distinct":
            self.n += 1
            if len(self.seen) < MAX_DISTINCT_VALUES:
                self.seen.add(value)
        else:
            raise KeyError(stat)

    def estimate(self) -> Estimate:
        stat = self.target.stat
        if stat in ("share", "share_at_most", "share_at_least", "by"):
            p, lo, hi = wilson(self.flags.k, self.flags.n)
            return Estimate(p, lo, hi, self.flags.n)
        if stat in ("mean", "share_of_max"):
            e = Estimate(*self.moments.mean_ci(), self.moments.n)
            return e if stat == "mean" else scaled(e, self.maximum or math.nan)
        if stat in ("sd", "sd_of_max"):
            n = self.moments.n
            e = Estimate(math.nan, math.nan, math.nan, n) if n < 2 else _sd_interval(self.moments.sd, n)
            return e if stat == "sd" else scaled(e, self.maximum or math.nan)
        if stat == "distinct":
            k = float(len(self.seen))
            return Estimate(k, k, k, self.n)
        high, low = self.high, self.low
        if not high.n or not low.n:
            return Estimate(math.nan, math.nan, math.nan, min(high.n, low.n))
        return _newcombe(high.k, high.n, low.k, low.n)


Feed = tuple[StatTally, str, "str | None"]  # a tally, the metric it reads, the metric that splits the games


def tallies(target: Target, rulebook: Rulebook, seat_sets: Mapping[str, Mapping[str, str]]
            ) -> dict[tuple[str, str | None], Feed]:
    """A :class:`StatTally` for each (seat set, item) the target judges (exempt items have none),
    with the metric it reads and the one that splits the games."""
    out: dict[tuple[str, str | None], Feed] = {}
    exempt = dict(target.exempt)
    for s in target.seats:
        for item, metric, split in expand(target, rulebook, seat_sets[s]):
            if item not in exempt:
                out[(s, item)] = (StatTally(target, metric_maximum(rulebook, metric)), metric, split)
    return out


def feed(feeds: Iterable[Feed], result: GameResult) -> None:
    """One game's metrics into the tallies of a (scenario, seat set) it was played for."""
    m = result.metrics
    for tally, metric, split in feeds:
        tally.add(m.get(metric), m.get(split) if split else None)


def _outcomes(target: Target, rulebook: Rulebook, name: str, seats: Mapping[str, str],
              estimates: Mapping[tuple[str, str | None], Estimate]) -> dict[str | None, Outcome]:
    out: dict[str | None, Outcome] = {}
    exempt = dict(target.exempt)
    for item, metric, _split in expand(target, rulebook, seats):
        if item in exempt:
            out[item] = Outcome(item, name, metric, _NAN, EXEMPT, False, exempt[item])
            continue
        e = estimates[(name, item)]
        verdict, inside = judge(e, target.band, target.min_n)
        out[item] = Outcome(item, name, metric, e, verdict, inside)
    return out


def rows(target: Target, rulebook: Rulebook, seat_sets: Mapping[str, Mapping[str, str]],
         estimates: Mapping[tuple[str, str | None], Estimate]) -> list[Row]:
    """The target's rows from the estimates of its (seat set, item)s: one per seat set, or one for
    all of them with ``combine = "any"`` (an item is met if it is met on any seat set)."""
    per = {s: _outcomes(target, rulebook, s, seat_sets[s], estimates) for s in target.seats}
    if target.combine == "each" or len(target.seats) == 1:
        return [Row(target, s, tuple(per[s].values())) for s in target.seats]
    items: list[str | None] = []
    for s in target.seats:
        items += [i for i in per[s] if i not in items]
    combined = []
    for item in items:
        found = [per[s][item] for s in target.seats if item in per[s]]
        met = [o for o in found if o.verdict == MET]
        missed = [o for o in found if o.verdict == MISSED]
        if met:
            combined.append(met[0])
        elif missed:
            combined.append(attrs.evolve(missed[0], seats="|".join(o.seats for o in missed)))
        else:
            combined.append(found[0])
    return [Row(target, "|".join(target.seats), tuple(combined))]


def evaluate(target: Target, rulebook: Rulebook, seat_sets: Mapping[str, Mapping[str, str]],
             results: Mapping[tuple[str, str], Sequence[GameResult]]) -> list[Row]:
    """The target's rows from games kept in lists: ``results`` maps (scenario, seat set) to the
    games played. (``wargame calibrate`` feeds its tallies game by game instead.)"""
    fed = tallies(target, rulebook, seat_sets)
    for (s, _), f in fed.items():
        for r in results[(target.scenario, s)]:
            feed([f], r)
    return rows(target, rulebook, seat_sets, {k: t.estimate() for k, (t, _, _) in fed.items()})

