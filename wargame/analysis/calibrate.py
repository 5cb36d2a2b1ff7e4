"""Balance targets and ``wargame calibrate``: is the game, played by bots, in the bands the
designer wants?

A target (``rules/targets.toml``, see rules/README.md, "Balance targets") names a per-game metric
of :mod:`wargame.analysis.metrics`, a statistic over the games (a share, a mean, ...) and a band the
statistic must lie in, with the seat sets (which bots play) and the ¶ of the article or the
rationale behind the band. One target may cover a family of metrics (every cell, objective,
rule, card, track or order kind) with ``each``.

``wargame calibrate`` plays each (scenario, seat set) the targets need once, N games with seeds
derived from a master seed (the same results whatever the number of workers), and gives each
target a verdict: *met* if the estimate lies in the band, *missed* if not, *too few games* if
fewer than ``min_n`` games count (then it is neither). It also says whether the whole 95%
interval lies in the band. The exit code is 1 if any target is missed, else 0.
"""

from __future__ import annotations

import json
import math
import re
import statistics
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from wargame.analysis.metrics import GameResult, family_items, metric_catalogue, metric_maximum
from wargame.analysis.studies import (
    BASELINE,
    Z95,
    Batch,
    Moments,
    Proportion,
    _console,
    _progress_bar,
    _rate,
    mean_ci,
    stream_batches,
    wilson,
    workers_for,
)
from wargame.engine.model import CELLS
from wargame.engine.rulebook import TARGETS_FILE, Rulebook, RulebookError, read_toml

EXIT_MISSED = 1
EXIT_USAGE = 2
EXIT_BAD_DATA = 3

STATS: dict[str, str] = {
    "share": "share of games where the metric is true (not 0); Wilson 95% interval",
    "mean": "mean over the games; t 95% interval",
    "sd": "standard deviation over the games; interval sd*(1 ± 1.96/sqrt(2(n-1)))",
    "share_of_max": "mean divided by the metric's maximum (cell:… or objective:… points)",
    "sd_of_max": "standard deviation divided by the metric's maximum",
    "share_at_most": "share of games where the metric is <= value",
    "share_at_least": "share of games where the metric is >= value",
    "by": "share of games where the metric (a turn; -1 never) is 0 <= turn <= the turn of quarter `at`",
    "distinct": "number of distinct values over the games (no interval)",
    "difference": "share (metric true) among games with split_by >= at_least, minus the share among the others; "
                  "Newcombe 95% interval; n is the smaller group",
}
"""Every statistic a target may ask for, with what it computes."""
PERCENT_STATS = frozenset({"share", "share_of_max", "sd_of_max", "share_at_most", "share_at_least", "by",
                           "difference"})
FAMILIES = ("cell", "objective", "rule", "card", "track", "order")
"""What ``each`` may name: the metric's ``{cell}``, ``{objective}``, ... stands for each of them.
``order`` stands for each order kind (``{order}``) of each cell (``{cell}``) whose seat in the
seat set is a doctrine bot."""
COMBINES = ("each", "any")
DEFAULT_MIN_N = 20
"""Fewer games than this counting towards a statistic: "too few games", neither met nor missed."""

_TOP_KEYS = {"seats", "defaults", "target"}
_DEFAULT_KEYS = {"scenario", "seats", "min_n"}
_TARGET_KEYS = {"id", "title", "metric", "stat", "band", "seats", "scenario", "cites", "rationale", "at", "value",
                "each", "exempt", "combine", "split_by", "at_least", "min_n"}
_STAT_KEYS = {"at": ("by",), "value": ("share_at_most", "share_at_least"), "split_by": ("difference",),
              "at_least": ("difference",)}
_ID = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,63}$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class TargetsError(ValueError):
    """A targets file that cannot be used, with the one-line reason (``path: what is wrong``)."""


@frozen
class Target:
    """One balance target, as read from the targets file."""

    id: str
    title: str
    metric: str
    stat: str
    band: tuple[float, float]
    seats: tuple[str, ...]
    scenario: str
    cites: tuple[int, ...] = ()
    rationale: str = ""
    at: str | None = None
    at_turn: int | None = None
    value: float | None = None
    each: str | None = None
    exempt: tuple[tuple[str, str], ...] = ()
    combine: str = "each"
    split_by: str | None = None
    at_least: float | None = None
    min_n: int = DEFAULT_MIN_N

    @property
    def source(self) -> str:
        """The ¶ of the article and/or the rationale behind the band."""
        parts = [", ".join(f"¶{c}" for c in self.cites)] if self.cites else []
        if self.rationale:
            parts.append(self.rationale)
        return "; ".join(parts)


@frozen
class Targets:
    path: str
    seat_sets: Mapping[str, Mapping[str, str]]  # name -> cell -> bot spec
    targets: tuple[Target, ...]


# --- reading a targets file ------------------------------------------------------------------------


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and not math.isnan(v)


def load_targets(path: Path | str, rulebook: Rulebook) -> Targets:
    """Read and check a targets file; raise :class:`TargetsError` with the first problem."""
    where = str(path)
    try:
        data = read_toml(path)
    except RulebookError as e:
        raise TargetsError(e.problems[0]) from None

    def fail(what: str) -> TargetsError:
        return TargetsError(f"{where}: {what}")

    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (keys: seats, defaults, target)")
    from wargame.bots.play import parse_seats

    raw_seats = data.get("seats", {})
    if not isinstance(raw_seats, dict) or not raw_seats:
        raise fail("[seats] should name at least one seat set, e.g. doctrine = \"all=doctrine\"")
    seat_sets: dict[str, dict[str, str]] = {}
    for name, text in raw_seats.items():
        if not isinstance(text, str):
            raise fail(f"seat set {name!r} should be a seat list like \"all=doctrine\"")
        try:
            seat_sets[name] = parse_seats(text)
        except ValueError as e:
            raise fail(f"seat set {name!r}: {e}") from None
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise fail("[defaults] should be a table")
    unknown = sorted(set(defaults) - _DEFAULT_KEYS)
    if unknown:
        raise fail(f"[defaults]: unknown key {unknown[0]!r} (keys: {', '.join(sorted(_DEFAULT_KEYS))})")
    raw_targets = data.get("target", [])
    if not isinstance(raw_targets, list) or not all(isinstance(t, dict) for t in raw_targets):
        raise fail("targets are [[target]] tables")
    if not raw_targets:
        raise fail("no [[target]] in the file")
    names = {name for name, _ in metric_catalogue(rulebook)}
    targets: list[Target] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_targets):
        tid = raw.get("id")
        label = f"target {tid}" if isinstance(tid, str) and tid else f"target #{i + 1}"
        try:
            target = _target(raw, defaults, seat_sets, rulebook, names)
        except ValueError as e:
            raise fail(f"{label}: {e}") from None
        if target.id in seen:
            raise fail(f"{label}: id used twice")
        seen.add(target.id)
        targets.append(target)
    return Targets(where, seat_sets, tuple(targets))


def _target(raw: dict[str, Any], defaults: Mapping[str, Any], seat_sets: Mapping[str, Mapping[str, str]],
            rulebook: Rulebook, names: set[str]) -> Target:
    unknown = sorted(set(raw) - _TARGET_KEYS)
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (keys: {', '.join(sorted(_TARGET_KEYS))})")
    merged = {**{k: v for k, v in defaults.items()}, **raw}

    def text(key: str, required: bool = True) -> str | None:
        v = merged.get(key)
        if v is None:
            if required:
                raise ValueError(f"{key} is missing")
            return None
        if not isinstance(v, str) or not v.strip():
            raise ValueError(f"{key} should be a text, not {v!r}")
        return v

    tid = text("id")
    if not _ID.match(tid):
        raise ValueError("an id is lower-case letters, digits, '-', '_' or '.', at most 64 characters")
    title = text("title")
    metric = text("metric")
    stat = text("stat")
    if stat not in STATS:
        raise ValueError(f"no stat {stat!r} (stats: {', '.join(STATS)})")
    for key, stats in _STAT_KEYS.items():
        if key in raw and stat not in stats:
            raise ValueError(f"{key} goes only with stat = {' or '.join(repr(s) for s in stats)}")
        if key not in raw and stat in stats:
            raise ValueError(f"stat = {stat!r} needs {key}")
    band = merged.get("band")
    if not (isinstance(band, list) and len(band) == 2 and all(_number(b) for b in band)):
        raise ValueError(f"band should be two numbers [lo, hi], not {band!r}")
    if band[0] > band[1]:
        raise ValueError(f"band [{band[0]}, {band[1]}]: lo is above hi")
    seats = merged.get("seats")
    if seats is None:
        raise ValueError("seats is missing (a seat set of [seats], or a list of them)")
    seats = [seats] if isinstance(seats, str) else seats
    if not isinstance(seats, list) or not seats or not all(isinstance(s, str) for s in seats):
        raise ValueError("seats should be a seat set's name or a list of them")
    for s in seats:
        if s not in seat_sets:
            raise ValueError(f"no seat set {s!r} (seat sets: {', '.join(seat_sets)})")
    if len(set(seats)) != len(seats):
        raise ValueError("seats names a seat set twice")
    scenario = text("scenario")
    if scenario not in rulebook.scenarios:
        raise ValueError(f"no scenario {scenario!r} (scenarios: {', '.join(rulebook.scenarios)})")
    cites = raw.get("cites", [])
    if not isinstance(cites, list) or not all(type(c) is int and 1 <= c <= 10 for c in cites):
        raise ValueError(f"cites should be a list of paragraph numbers 1..10, not {cites!r}")
    rationale = text("rationale", required=False) or ""
    if not cites and not rationale:
        raise ValueError("give cites (the article's ¶) or a rationale for the band, or both")
    at = at_turn = None
    if stat == "by":
        at = raw["at"]
        if not isinstance(at, str):
            raise ValueError(f"at should be a quarter like \"2017Q4\", not {at!r}")
        at_turn = rulebook.scenarios[scenario].turn_of(at)  # ValueError with the reason
    value = None
    if "value" in raw:
        value = raw["value"]
        if not _number(value):
            raise ValueError(f"value should be a number, not {value!r}")
    at_least = None
    split_by = None
    if stat == "difference":
        split_by = text("split_by")
        at_least = raw["at_least"]
        if not _number(at_least):
            raise ValueError(f"at_least should be a number, not {at_least!r}")
    combine = raw.get("combine", "each")
    if combine not in COMBINES:
        raise ValueError(f"combine should be \"each\" or \"any\", not {combine!r}")
    min_n = merged.get("min_n", DEFAULT_MIN_N)
    if type(min_n) is not int or min_n < 1:
        raise ValueError(f"min_n should be a whole number 1 or more, not {min_n!r}")
    each = raw.get("each")
    if each is not None and each not in FAMILIES:
        raise ValueError(f"no family {each!r} for each (families: {', '.join(FAMILIES)})")
    allowed = set() if each is None else {"cell", "order"} if each == "order" else {each}
    for metric_name in (metric, split_by):
        if metric_name is None:
            continue
        used = set(_PLACEHOLDER.findall(metric_name))
        strange = sorted(used - allowed)
        if strange:
            hint = (f"give each = \"{strange[0]}\"" if strange[0] in FAMILIES and each is None
                    else f"placeholders: {', '.join('{' + a + '}' for a in sorted(allowed)) or 'none without each'}")
            raise ValueError(f"metric {metric_name!r} has {{{strange[0]}}} ({hint})")
    if each is not None and "{" + each + "}" not in metric:
        raise ValueError(f"each = {each!r} but metric {metric!r} has no {{{each}}} to stand for each of them")
    exempt_raw = raw.get("exempt", [])
    if exempt_raw and each is None:
        raise ValueError("exempt goes only with each (it leaves items of a family out)")
    if not isinstance(exempt_raw, list):
        raise ValueError("exempt should be a list of { item = \"...\", reason = \"...\" }")
    items = family_items(rulebook, each) if each else []
    exempt: list[tuple[str, str]] = []
    for e in exempt_raw:
        if not (isinstance(e, dict) and set(e) == {"item", "reason"} and isinstance(e["item"], str)
                and isinstance(e["reason"], str) and e["reason"].strip()):
            raise ValueError("each exempt entry is { item = \"...\", reason = \"why\" }, with a reason")
        if e["item"] not in items:
            raise ValueError(f"exempt item {e['item']!r} is not a {each} (see wargame calibrate --metrics)")
        exempt.append((e["item"], e["reason"]))
    target = Target(tid, title, metric, stat, (float(band[0]), float(band[1])), tuple(seats), scenario,
                    tuple(cites), rationale, at, at_turn, None if value is None else float(value), each,
                    tuple(exempt), combine, split_by, None if at_least is None else float(at_least), min_n)
    for _, name, split in expand(target, rulebook, None):
        for n in (name, split):
            if n is not None and n not in names:
                raise ValueError(f"unknown metric {n!r} (see wargame calibrate --metrics)")
        if stat in ("share_of_max", "sd_of_max") and metric_maximum(rulebook, name) is None:
            raise ValueError(f"metric {name!r} has no maximum: {stat} takes cell:... or objective:... metrics")
    return target


def expand(target: Target, rulebook: Rulebook, seats: Mapping[str, str] | None
           ) -> list[tuple[str | None, str, str | None]]:
    """(item, metric, split_by metric) for each item of the target (one, with item None, if it
    is not a family). For ``each = "order"``, only the cells whose seat in ``seats`` is a
    doctrine bot (every cell if ``seats`` is None)."""
    if target.each is None:
        return [(None, target.metric, target.split_by)]
    out = []

    def fill(text: str | None, item: str, cell: str | None) -> str | None:
        if text is None:
            return None
        text = text.replace("{" + target.each + "}", item)
        return text.replace("{cell}", cell) if cell is not None else text

    if target.each == "order":
        cells = [c for c in CELLS if seats is None or seats.get(c, "").startswith("doctrine")]
        for kind in rulebook.orders:
            if kind.cell in cells:
                out.append((kind.id, fill(target.metric, kind.id, kind.cell), fill(target.split_by, kind.id, kind.cell)))
        return out
    for item in family_items(rulebook, target.each):
        out.append((item, fill(target.metric, item, None), fill(target.split_by, item, None)))
    return out


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
    xs = _defined(values)
    m, lo, hi = mean_ci(xs)
    return Estimate(m, lo, hi, len(xs))


def sd(values: Iterable[float | None]) -> Estimate:
    """The standard deviation, with the normal-approximation interval sd*(1 ± 1.96/sqrt(2(n-1)))."""
    xs = _defined(values)
    if len(xs) < 2:
        return Estimate(math.nan, math.nan, math.nan, len(xs))
    s = statistics.stdev(xs)
    half = Z95 / math.sqrt(2 * (len(xs) - 1))
    return Estimate(s, max(0.0, s * (1 - half)), s * (1 + half), len(xs))


def share_at_most(values: Iterable[float | None], limit: float) -> Estimate:
    return _share([v <= limit for v in _defined(values)])


def share_at_least(values: Iterable[float | None], limit: float) -> Estimate:
    return _share([v >= limit for v in _defined(values)])


def by(values: Iterable[float | None], turn: int) -> Estimate:
    """The share of games where the metric, a turn number (-1: never), is 0 <= value <= turn."""
    return _share([0 <= v <= turn for v in _defined(values)])


def distinct(values: Iterable[float | None]) -> Estimate:
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
    p1, l1, u1 = wilson(sum(high), len(high))
    p2, l2, u2 = wilson(sum(low), len(low))
    d = p1 - p2
    lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Estimate(d, max(-1.0, lo), min(1.0, hi), min(len(high), len(low)))


def scaled(e: Estimate, by_: float) -> Estimate:
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
            if n < 2:
                e = Estimate(math.nan, math.nan, math.nan, n)
            else:
                sd_ = self.moments.sd
                half = Z95 / math.sqrt(2 * (n - 1))
                e = Estimate(sd_, max(0.0, sd_ * (1 - half)), sd_ * (1 + half), n)
            return e if stat == "sd" else scaled(e, self.maximum or math.nan)
        if stat == "distinct":
            k = float(len(self.seen))
            return Estimate(k, k, k, self.n)
        high, low = self.high, self.low
        if not high.n or not low.n:
            return Estimate(math.nan, math.nan, math.nan, min(high.n, low.n))
        p1, l1, u1 = wilson(high.k, high.n)
        p2, l2, u2 = wilson(low.k, low.n)
        d = p1 - p2
        lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
        return Estimate(d, max(-1.0, lo), min(1.0, hi), min(high.n, low.n))


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


# --- the command -----------------------------------------------------------------------------------


def _fmt(target: Target, v: float) -> str:
    if math.isnan(v):
        return "-"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if target.stat in PERCENT_STATS:
        return f"{v * 100:.1f}%"
    if target.stat == "distinct":
        return f"{v:g}"
    return f"{v:.2f}"


def _value(target: Target, e: Estimate) -> str:
    if math.isnan(e.value):
        return "-"
    if target.stat == "distinct" or e.lo == e.hi == e.value:
        return _fmt(target, e.value)
    return f"{_fmt(target, e.value)} [{_fmt(target, e.lo)} .. {_fmt(target, e.hi)}]"


def _band(target: Target) -> str:
    return f"{_fmt(target, target.band[0])} .. {_fmt(target, target.band[1])}"


def _verdict_text(o: Outcome | Row) -> str:
    if isinstance(o, Row):
        v = o.verdict
        return v if v != TOO_FEW else "too few games"
    if o.verdict == TOO_FEW:
        return f"too few games (n={o.estimate.n})"
    if o.verdict == EXEMPT:
        return "exempt"
    return f"{o.verdict}" + (", CI in band" if o.inside else "")


_STYLE = {MET: "green", MISSED: "bold red", TOO_FEW: "yellow", EXEMPT: "dim"}


def print_report(console: Any, header: Mapping[str, Any], rows: Sequence[Row]) -> None:
    """The rich table: a row a target (and seat set); families show the count met, then only the
    items missed (and those exempt, with the reason)."""
    from rich.table import Table
    from rich.text import Text

    console.print(Text(f"Balance targets ({header['targets']}): {header['runs']} games per seat set, "
                       f"seed {header['seed']}", style="bold"))
    for name, seats in header["seat_sets"].items():
        console.print(f"  seat set {name}: " + ", ".join(f"{c}={k}" for c, k in seats.items()), highlight=False)
    table = Table(title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("target, and where its band comes from", ratio=1, overflow="fold")
    table.add_column("seats", no_wrap=True)
    table.add_column("value [95% CI]", justify="right", no_wrap=True)
    table.add_column("band", justify="right", no_wrap=True)
    table.add_column("n", justify="right", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    for row in rows:
        t = row.target
        title = Text(t.title)
        title.append(f"\n{t.source}", style="dim")
        if t.each is None:
            o = row.outcomes[0]
            table.add_row(t.id, title, row.seats, _value(t, o.estimate), _band(t), str(o.estimate.n),
                          Text(_verdict_text(o), style=_STYLE.get(o.verdict, "")))
            continue
        judged = len(row.judged)
        summary = f"{row.count(MET)}/{judged} met" + (f", {row.count(TOO_FEW)} too few" if row.count(TOO_FEW) else "")
        table.add_row(t.id, title, row.seats, summary, _band(t), "",
                      Text(_verdict_text(row), style=_STYLE.get(row.verdict, "")))
        for o in row.outcomes:
            if o.verdict == MISSED:
                table.add_row(Text(f"  └ {o.item}", style="red"), Text(o.metric, style="dim"), o.seats,
                              _value(t, o.estimate), "", str(o.estimate.n),
                              Text(_verdict_text(o), style=_STYLE[MISSED]))
            elif o.verdict == EXEMPT:
                table.add_row(Text(f"  └ {o.item}", style="dim"), Text(f"exempt: {o.reason}", style="dim"),
                              "", "", "", "", Text("exempt", style="dim"))
    console.print(table)
    counts = {v: sum(1 for r in rows if r.verdict == v) for v in (MET, MISSED, TOO_FEW)}
    console.print(f"{counts[MET]} met, {counts[MISSED]} missed, {counts[TOO_FEW]} with too few games "
                  f"(fewer than min_n games count; neither met nor missed).", highlight=False)
    console.print("A target is met when its estimate lies in the band; 'CI in band' when its whole 95% interval "
                  "does too. Family targets list only the items missed. --json gives every figure and each target's statistic.", highlight=False)


def metrics_command(rulebook: Rulebook, as_json: bool) -> int:
    """``wargame calibrate --metrics``: every metric a target may name, and the stats."""
    catalogue = metric_catalogue(rulebook)
    if as_json:
        print(json.dumps({"metrics": dict(catalogue), "stats": STATS, "families": list(FAMILIES)}, indent=2,
                         ensure_ascii=False))
        return 0
    width = max(len(n) for n, _ in catalogue)
    print("Metrics (one value per game; n/a where it does not apply; -1 for a turn that never came):")
    for name, meaning in catalogue:
        print(f"  {name:{width}}  {meaning}")
    print("\nStats:")
    for name, meaning in STATS.items():
        print(f"  {name:14}  {meaning}")
    print(f"\nFamilies (each = ...): {', '.join(FAMILIES)}; the metric then holds {{cell}}, {{objective}}, "
          "{rule}, {card}, {track}, or {cell} and {order}.")
    return 0


def calibrate_command(rulebook: Rulebook, args: Any) -> int:
    """``wargame calibrate``: play what the targets need, judge every target, exit 1 if any is missed."""
    if args.metrics:
        return metrics_command(rulebook, args.json)
    path = Path(args.targets) if args.targets else Path(args.rules) / TARGETS_FILE
    try:
        targets = load_targets(path, rulebook)
    except TargetsError as e:
        print(f"wargame: {e}", file=sys.stderr)
        return EXIT_BAD_DATA
    chosen = list(targets.targets)
    if args.only:
        wanted = [x.strip() for x in args.only.split(",") if x.strip()]
        known = {t.id for t in chosen}
        unknown = [x for x in wanted if x not in known]
        if unknown:
            shown = ", ".join(x[:40] for x in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
            print(f"wargame: no target {shown} in {path} (see wargame calibrate --help)", file=sys.stderr)
            return EXIT_USAGE
        chosen = [t for t in chosen if t.id in wanted]
    needed: list[tuple[str, str]] = []
    for t in chosen:
        for s in t.seats:
            if (t.scenario, s) not in needed:
                needed.append((t.scenario, s))
    batches = [Batch(scenario, targets.seat_sets[s], BASELINE, args.runs, args.seed) for scenario, s in needed]
    workers = workers_for(batches, args.workers)
    total = args.runs * len(batches)
    # Each game goes into the tallies of the targets judged on its (scenario, seat set), and is
    # not kept: memory does not grow with --runs.
    fed = [tallies(t, rulebook, targets.seat_sets) for t in chosen]
    by_batch: list[list[Feed]] = [[] for _ in needed]
    for t, f in zip(chosen, fed):
        for (s, _), one in f.items():
            by_batch[needed.index((t.scenario, s))].append(one)
    start = time.perf_counter()
    with _progress_bar(total, "calibrate") as advance:
        for b, results in stream_batches(rulebook, batches, workers, args.rules, args.decks, advance):
            for r in results:
                feed(by_batch[b], r)
    elapsed = time.perf_counter() - start
    found = [row for t, f in zip(chosen, fed)
             for row in rows(t, rulebook, targets.seat_sets, {k: tally.estimate() for k, (tally, _, _) in f.items()})]
    header = {"targets": str(path), "runs": args.runs, "seed": args.seed,
              "seat_sets": {s: dict(targets.seat_sets[s]) for s in dict.fromkeys(s for _, s in needed)}}
    missed = sum(1 for r in found if r.verdict == MISSED)
    if args.json:
        print(json.dumps({**header, "missed": missed, "results": [r.as_dict() for r in found]},
                         indent=2, ensure_ascii=False))
    else:
        print_report(_console(160), header, found)
    _rate(total, elapsed, workers)
    return EXIT_MISSED if missed else 0
