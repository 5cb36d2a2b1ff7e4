"""Monte Carlo analysis: many bot-only games, their outcomes with confidence intervals, and the
article's claims run as paired experiments.

- :func:`run_batches` plays N games (seed of game i derived from the master seed and i, so the
  results are the same whatever the number of worker processes), each measured by
  :mod:`wargame.analysis.metrics`, and :func:`summarise` turns their outcomes into proportions (Wilson
  intervals) and means (t intervals).
- :func:`run_claims` runs, for each claim C1..C16 (``docs/claims.md``) that an experiment can
  test, the same seeds twice with one factor changed (common random numbers: the game's dice and
  the bots' own dice are the same in both arms), and measures the paired difference on an
  outcome; a claim about what usually happens is an :class:`Observation` of the baseline games,
  and one no experiment can test says why (:class:`Untestable`). :func:`play_claims` plays the
  arms and :func:`judge` works out the results, so a test can recompute them from the games.

Factors are changed on the opening State (``attrs.evolve``), in the bots' doctrine, or by
withholding orders from the bots (:class:`Withholding`), never in the rules. A factor never sets
what its experiment measures: each :class:`Experiment` declares the tracks its factor sets
(``reads``, which the tests work out again from the boards and the rulebook) and those its outcome
is read from (``measures``), and the two do not overlap; the section "the claims as experiments"
says why each experiment is fair. Each result also reports, per arm, the share of games whose
outcome sits at a bound of its range, flagged when either arm has it there in most games. The
``wargame simulate`` and ``wargame claims`` commands are at the end.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from statistics import NormalDist
from typing import Any

import attrs
from attrs import frozen

from wargame.analysis import metrics
from wargame.analysis.metrics import (  # noqa: F401  (kept importable from here)
    EARLY_TURNS,
    MARK_TURN,
    SERIES,
    SERIES_TITLES,
    GameResult,
    _at,
    _periphery_territory,
    _spawn_origins,
    game_seed,
)
from wargame.bots.doctrine import Doctrine
from wargame.engine.board import flat_tracks
from wargame.engine.model import CELL_TITLES, CELLS, MERGER, Offshoot, State, Theatre
from wargame.engine.rulebook import Rulebook
from wargame.engine.turn import new_game

DEFAULT_SEATS = "all=doctrine"

# --- statistics ---------------------------------------------------------------------------------

Z95 = NormalDist().inv_cdf(0.975)
# Student's t, 97.5th percentile, for 1..30 degrees of freedom; beyond, a Cornish-Fisher expansion.
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
         2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
         2.045, 2.042)


def t975(df: int) -> float:
    """The two-sided 95% quantile of Student's t with ``df`` degrees of freedom."""
    if df < 1:
        return math.inf
    if df <= len(_T975):
        return _T975[df - 1]
    z = Z95
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def wilson(successes: int, n: int) -> tuple[float, float, float]:
    """A proportion and its 95% Wilson score interval."""
    if n == 0:
        return math.nan, 0.0, 1.0
    p = successes / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    lo = 0.0 if successes == 0 else max(0.0, centre - half)
    hi = 1.0 if successes == n else min(1.0, centre + half)
    return p, lo, hi


def mean_ci(values: Sequence[float]) -> tuple[float, float, float]:
    """A mean and its 95% t interval (a single value, or none: an interval as wide as it gets)."""
    n = len(values)
    if n == 0:
        return math.nan, math.nan, math.nan
    m = math.fsum(values) / n
    if n == 1:
        return m, -math.inf, math.inf
    sd = statistics.stdev(values)
    half = t975(n - 1) * sd / math.sqrt(n)
    return m, m - half, m + half


@frozen
class Estimate:
    """One outcome over many games: a proportion or a mean, with its 95% interval."""

    name: str
    label: str
    kind: str  # "proportion" or "mean"
    n: int
    value: float
    lo: float
    hi: float

    def as_dict(self) -> dict[str, Any]:
        return {k: _num(v) for k, v in attrs.asdict(self).items()}


def _num(v: Any) -> Any:
    if isinstance(v, float):
        if math.isnan(v):
            return None
        if math.isinf(v):
            return None
        return round(v, 6)
    return v


def _quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile of ``values`` (linear between order statistics)."""
    xs = sorted(values)
    if not xs:
        return math.nan
    pos = q * (len(xs) - 1)
    i = int(pos)
    frac = pos - i
    return xs[i] if i + 1 >= len(xs) else xs[i] + (xs[i + 1] - xs[i]) * frac


def estimate(name: str, label: str, values: Sequence[float | None], proportion: bool) -> Estimate:
    """A proportion (truthy values) or a mean over the games where the metric applies: values
    that are None (:data:`wargame.analysis.metrics.NA`) are left out, and ``n`` counts the rest."""
    values = [v for v in values if v is not None]
    if proportion:
        p, lo, hi = wilson(sum(1 for v in values if v), len(values))
        return Estimate(name, label, "proportion", len(values), p, lo, hi)
    m, lo, hi = mean_ci(values)
    return Estimate(name, label, "mean", len(values), m, lo, hi)


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
    """A running count of true values among those that apply."""

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
        """As :func:`_quantile` over the values added (linear between order statistics)."""
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


# --- one game ------------------------------------------------------------------------------------


@frozen
class Arm:
    """One arm of an experiment: a change to the opening board, to some cells' doctrine, and/or
    orders no bot may give.

    ``setup`` names a function of :data:`SETUPS`; ``doctrines`` replaces the bot of a cell with a
    doctrine bot configured so; ``without`` names order kinds withheld from every bot (see
    :class:`Withholding`). The plain arm (none of these) is the baseline."""

    setup: str | None = None
    doctrines: tuple[tuple[str, Doctrine], ...] = ()
    without: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [SETUPS[self.setup][0]] if self.setup else []
        parts += [f"{CELL_TITLES[c]} doctrine: {_describe_doctrine(d)}" for c, d in self.doctrines]
        if self.without:
            parts.append(f"no bot ever gives {', '.join(self.without)}")
        return "; ".join(parts) or "the scenario as written, doctrine bots"


def _describe_doctrine(d: Doctrine) -> str:
    base = Doctrine(posture=d.posture)
    changed = [f"{a.name}={getattr(d, a.name)}" for a in attrs.fields(Doctrine) if getattr(d, a.name) != getattr(base, a.name)]
    return ", ".join([d.posture] + changed)


BASELINE = Arm()


class Withholding:
    """A bot that plays as ``inner`` does, except that orders of the ``withheld`` kinds are taken
    out of the legal orders it is offered: it chooses among the rest exactly as it would if the
    rules did not allow those. The smallest change that keeps an order out of a game (C9's control
    keeps IS and AQ apart by withholding IS's acceptance of terms, the only way into an alliance or
    a merger), without touching the rules or the doctrine."""

    def __init__(self, inner: Any, withheld: Iterable[str]):
        self.inner = inner
        self.withheld = frozenset(withheld)
        self.name = getattr(inner, "name", "bot")

    def choose(self, view: Any, legal: Callable[[Sequence[Any]], list[Any]], max_orders: int) -> Any:
        allowed = lambda pending: [o for o in legal(pending) if o.kind not in self.withheld]  # noqa: E731
        return self.inner.choose(view, allowed, max_orders)


def play_game(rulebook: Rulebook, scenario: str, seed: int, seats: Mapping[str, str], arm: Arm = BASELINE,
              index: int = 0) -> GameResult:
    """Play one bot-only game of an experiment's arm to the end and measure it (see
    :func:`wargame.analysis.metrics.play_game`)."""
    setup = SETUPS[arm.setup][1] if arm.setup else None
    adapt = None
    if arm.without:
        adapt = lambda bots: {cell: Withholding(bot, arm.without) for cell, bot in bots.items()}  # noqa: E731
    return metrics.play_game(rulebook, scenario, seed, seats, setup=setup, doctrines=arm.doctrines, index=index,
                             adapt_bots=adapt)


# --- many games, in parallel ---------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(rules: str, decks: str) -> None:
    from wargame.engine.rulebook import load_rulebook

    _WORKER["rulebook"] = load_rulebook(Path(rules), Path(decks))  # once per worker process


def _run_chunk(job: tuple[str, Mapping[str, str], Arm, tuple[tuple[int, int], ...]]) -> list[GameResult]:
    scenario, seats, arm, games = job
    rulebook = _WORKER["rulebook"]
    return [play_game(rulebook, scenario, seed, seats, arm, i) for i, seed in games]


@frozen
class Batch:
    """Games to play: one arm of one scenario, game indices ``0..runs-1``."""

    scenario: str
    seats: Mapping[str, str]
    arm: Arm
    runs: int
    master_seed: int


MAX_RUNS = 1_000_000
"""The most games ``simulate``, ``calibrate`` (per seat set) and ``claims`` (per arm) play in one run."""
WINDOW = 4
"""Chunks of games in flight per worker process: what is handed out before a result is back."""


def _chunk_size(runs: int, workers: int) -> int:
    return max(1, min(8, runs // max(1, workers * 16)))


def _chunks(runs: int, workers: int) -> list[range]:
    size = _chunk_size(runs, workers)
    return [range(i, min(runs, i + size)) for i in range(0, runs, size)]


def workers_for(batches: Sequence[Batch], requested: int | None = None) -> int:
    """How many worker processes play ``batches``: as many as asked (default: one per core), but
    never more than the cores, nor than the chunks of games there are to hand out."""
    cpus = os.cpu_count() or 1
    wanted = max(1, min(requested or cpus, cpus))
    chunks = sum(-(-b.runs // _chunk_size(max(b.runs, 1), wanted)) for b in batches)
    return max(1, min(wanted, chunks))


def _jobs(batches: Sequence[Batch], workers: int) -> Iterator[tuple[int, tuple[str, dict[str, str], Arm, tuple[tuple[int, int], ...]]]]:
    """(batch, job) for every chunk of games, made as they are handed out (never all at once):
    chunk by chunk, and within a chunk batch by batch, so the arms of paired games come back
    side by side."""
    sizes = [_chunk_size(b.runs, workers) for b in batches]
    starts = [0] * len(batches)
    while any(start < b.runs for start, b in zip(starts, batches)):
        for i, b in enumerate(batches):
            if starts[i] < b.runs:
                chunk = range(starts[i], min(b.runs, starts[i] + sizes[i]))
                starts[i] = chunk.stop
                yield i, (b.scenario, dict(b.seats), b.arm, tuple((g, game_seed(b.master_seed, g)) for g in chunk))


def stream_batches(rulebook: Rulebook, batches: Sequence[Batch], workers: int = 1,
                   rules_dir: Path | None = None, decks_dir: Path | None = None,
                   progress: Callable[[int], None] | None = None) -> Iterator[tuple[int, list[GameResult]]]:
    """Play every batch, yielding (batch, results of a chunk of its games) in game order within
    each batch whatever ``workers`` (see :func:`workers_for`, which bounds it). Jobs are made as
    they are handed out and at most :data:`WINDOW` chunks a worker are in flight: memory does not
    grow with the number of games. With more than one worker the games run in separate processes
    (the "spawn" context, each loading the rulebook once from ``rules_dir`` and ``decks_dir``);
    ``progress`` is told how many games each finished chunk held."""
    workers = workers_for(batches, workers)
    if workers <= 1:
        for b, (scenario, seats, arm, games) in _jobs(batches, workers):
            results = [play_game(rulebook, scenario, seed, seats, arm, i) for i, seed in games]
            if progress:
                progress(len(results))
            yield b, results
        return
    from collections import deque

    from wargame.engine.rulebook import DECKS_DIR, RULES_DIR

    ctx = multiprocessing.get_context("spawn")
    init = (str(rules_dir or RULES_DIR), str(decks_dir or DECKS_DIR))
    with ctx.Pool(workers, initializer=_init_worker, initargs=init) as pool:
        flight: deque = deque()
        jobs = _jobs(batches, workers)
        for b, job in jobs:
            flight.append((b, pool.apply_async(_run_chunk, (job,))))
            while len(flight) >= workers * WINDOW:
                owner, pending = flight.popleft()
                results = pending.get()
                if progress:
                    progress(len(results))
                yield owner, results
        while flight:
            owner, pending = flight.popleft()
            results = pending.get()
            if progress:
                progress(len(results))
            yield owner, results


def run_batches(rulebook: Rulebook, batches: Sequence[Batch], workers: int = 1,
                rules_dir: Path | None = None, decks_dir: Path | None = None,
                progress: Callable[[int], None] | None = None) -> list[list[GameResult]]:
    """Every game of every batch, kept, in game order within each batch (for a test, or a few
    games); the commands stream them instead (:func:`stream_batches`)."""
    out: list[list[GameResult]] = [[] for _ in batches]
    for b, results in stream_batches(rulebook, batches, workers, rules_dir, decks_dir, progress):
        out[b].extend(results)
    return out


# --- summaries -------------------------------------------------------------------------------------

OUTCOMES: tuple[tuple[str, str, bool], ...] = (
    ("rapprochement", "Rapprochement (alliance or merger) by the end", True),
    ("talks", "AQ-IS talks at some point", True),
    ("is_weaker", "IS ends the weaker group (power gap > 0)", True),
    ("power_gap", "Power gap at the end (AQ - IS)", False),
    ("is_collapse", "The caliphate collapses", True),
    ("offshoots_formed", "Offshoot groups formed", False),
    ("offshoots_absorbed", "Offshoots absorbed by AQ", False),
    ("defectors_formed", "... of them defectors' groups formed", False),
    ("holdouts_formed", "... holdouts' groups formed", False),
    ("inspired_formed", "... inspired groups formed", False),
    ("second_split", "A second split", True),
    ("second_splits", "Second splits (count)", False),
    ("allied_turns", "Quarters allied or merged", False),
    ("peak_brutality", "Peak brutality (IS or offshoots)", False),
    ("reform_achieved", "Reform achieved (a theatre with faithful reform 5+)", True),
    ("faithful_reforms", "Theatres with faithful reform 5+ at the end", False),
    ("territory", "IS territory at the end", False),
    ("avg_grievance", "Average grievance at the end", False),
)


class SimulationTally:
    """What ``simulate`` reports, kept as running sums over the games fed to it (in game order):
    proportions and means with their intervals, when the rapprochement came, each cell's points,
    and each charted track turn by turn (its mean and a :class:`Quantiles` sketch of its 10th, 50th
    and 90th percentiles). Its memory does not depend on the number of games."""

    def __init__(self, rulebook: Rulebook, scenario: str):
        self.rulebook = rulebook
        self.scenario = scenario
        self.runs = 0
        self.outcomes = {k: Proportion() if prop else Moments() for k, _, prop in OUTCOMES}
        self.turns: dict[int, int] = {}  # rapprochement turn (-1: never) -> games
        self.reached = Moments()
        self.cells = {cell: Moments() for cell in CELLS}
        self.objectives = {o.id: Moments() for o in rulebook.objectives}
        self.length: int | None = None  # turns every game's series has (the shortest)
        self.sums: dict[str, list[float]] = {k: [] for k in SERIES}
        self.sketches: dict[str, list[Quantiles]] = {k: [] for k in SERIES}

    def add(self, result: GameResult) -> None:
        m = result.metrics
        self.runs += 1
        for k, tally in self.outcomes.items():
            if m[k] is not None:
                tally.add(m[k])
        t = int(m["rapprochement_turn"])
        self.turns[t] = self.turns.get(t, 0) + 1
        if t >= 0:
            self.reached.add(t)
        for cell, tally in self.cells.items():
            v = m.get(f"cell:{cell}", 0.0)
            if v is not None:
                tally.add(v)
        for oid, tally in self.objectives.items():
            v = m.get(f"objective:{oid}", 0.0)
            if v is not None:
                tally.add(v)
        for k in SERIES:
            values = result.series[k]
            self.length = len(values) if self.length is None else min(self.length, len(values))
            sums, sketches = self.sums[k], self.sketches[k]
            for i, v in enumerate(values[: self.length]):
                if i == len(sums):
                    sums.append(0.0)
                    sketches.append(Quantiles())
                sums[i] += v
                sketches[i].add(v)

    def _estimate(self, name: str, label: str, tally: Moments | Proportion) -> Estimate:
        if isinstance(tally, Proportion):
            p, lo, hi = wilson(tally.k, tally.n)
            return Estimate(name, label, "proportion", tally.n, p, lo, hi)
        m, lo, hi = tally.mean_ci()
        return Estimate(name, label, "mean", tally.n, m, lo, hi)

    def summary(self) -> dict[str, Any]:
        """Every outcome of the run with its 95% interval, by-year rapprochement, objectives, tracks."""
        sc = self.rulebook.scenarios[self.scenario]
        labels = {k: label for k, label, _ in OUTCOMES}
        outcomes = [self._estimate(k, labels[k], tally) for k, tally in self.outcomes.items()]
        by_year = []
        for y in sorted({sc.year(t) for t in range(1, sc.turns + 1)}):
            last = max(t for t in range(1, sc.turns + 1) if sc.year(t) == y)
            p, lo, hi = wilson(sum(n for t, n in self.turns.items() if 0 <= t <= last), self.runs)
            by_year.append({"year": y, "value": _num(p), "lo": _num(lo), "hi": _num(hi)})
        histogram = {t: self.turns.get(t, 0) for t in range(1, sc.turns + 1)}
        objectives = {}
        for cell in CELLS:
            objs = [o for o in self.rulebook.objectives if o.cell == cell]
            objectives[cell] = {
                "title": CELL_TITLES[cell],
                "of": sum(o.points for o in objs),
                "total": self._estimate(f"cell:{cell}", CELL_TITLES[cell], self.cells[cell]).as_dict(),
                "objectives": [{"id": o.id, "title": o.title, "of": o.points,
                                **self._estimate(o.id, o.title, self.objectives[o.id]).as_dict()} for o in objs],
            }
        n = self.length or 0
        series = {k: [_num(total / self.runs) for total in self.sums[k][:n]] for k in SERIES}
        bands = {k: {f"p{q}": [_num(sk.quantile(q / 100)) for sk in self.sketches[k][:n]] for q in (10, 50, 90)}
                 for k in SERIES}
        return {
            "scenario": self.scenario,
            "runs": self.runs,
            "outcomes": [e.as_dict() for e in outcomes],
            "rapprochement_by_year": by_year,
            "rapprochement_turns": {"histogram": histogram, "never": self.runs - self.reached.n,
                                    "labels": {t: sc.label(t) for t in range(1, sc.turns + 1)},
                                    "mean_turn": _num(self.reached.mean) if self.reached.n else None},
            "objectives": objectives,
            "series": series,
            "series_bands": bands,
        }


def summarise(rulebook: Rulebook, scenario: str, results: Iterable[GameResult]) -> dict[str, Any]:
    """Every outcome of a run with its 95% interval, by-year rapprochement, objectives, tracks
    (:class:`SimulationTally` over ``results``)."""
    tally = SimulationTally(rulebook, scenario)
    for r in results:
        tally.add(r)
    return tally.summary()


# --- the claims as experiments ---------------------------------------------------------------------
#
# What makes an experiment fair. The factor must change an input from which the model does not set
# the measured outcome directly: the tracks the factor sets (those its setup changes on the opening
# board, and those written by the orders it gives or withholds: ``Experiment.reads``) never include
# the tracks the outcome is read from (``Experiment.measures``); tests/test_analysis.py works out
# the first from the boards and the rulebook and checks both. The factor may feed the claim's
# mechanism (a rule's chance, a bot's judgement): that is what is tested, against everything else
# the game does at the same time. What it may not do is write the answer: an outcome that only one
# rule writes, and that rule fires whenever the factor is there (the Shura Council raising the
# successor's hardline whenever a leader dies; the Assad cap holding Syria's governance whenever
# he stays), is the rule read back, not a claim tested. Each experiment says below why it is fair.
#
# Bounds: an outcome read off a quantity pinned at the end of its range in most games shows little
# of any effect (brutality stuck at 10 in both arms shows no escalation). Each result reports, per
# arm, the share of games with the quantity at a bound (``wargame.analysis.metrics.BOUNDED``) and is flagged
# when either arm has it there in most games; no experiment below is.


def _evolve_theatres(state: State, change: Callable[[Any], dict[str, int]]) -> State:
    return attrs.evolve(state, theatres=tuple(attrs.evolve(t, **change(t)) for t in state.theatres))


def _part(state: State, part: str, **changes: Any) -> State:
    return attrs.evolve(state, **{part: attrs.evolve(getattr(state, part), **changes)})


def _ego_low(state: State, rb: Rulebook) -> State:
    return _part(state, "islamic_state", ego=3)


def _is_weakened(state: State, rb: Rulebook) -> State:
    # Much weaker, not yet broken: half its ground and no oil, its reserves thin. (Weaker still,
    # talks open on turn 1 in most games, and the outcome, the turn they open, sits at its bound.)
    state = _evolve_theatres(state, lambda t: {"territory": t.territory // 2, "oil": 0})
    return _part(state, "islamic_state", funds=4, standing=3, fighters=8, cohesion=5)


def _pressure_on_aq(state: State, rb: Rulebook) -> State:
    # The same pressure values, moved from where IS is strongest to where AQ is: the theatre with
    # the k-th strongest AQ affiliate gets the pressure of the theatre with the k-th largest IS
    # presence (territory and province).
    by_is = sorted(state.theatres, key=lambda t: (-(t.territory + t.is_province), t.name))
    by_aq = sorted(state.theatres, key=lambda t: (-t.aq_affiliate, t.name))
    moved = {a.name: i.pressure for i, a in zip(by_is, by_aq)}
    return _evolve_theatres(state, lambda t: {"pressure": moved[t.name]})


def _pressure_up(state: State, rb: Rulebook) -> State:
    return _evolve_theatres(state, lambda t: {"pressure": min(10, t.pressure + 3)})


def _periphery_gains(state: State, rb: Rulebook) -> State:
    return _evolve_theatres(state, lambda t: {} if t.core else {"territory": min(10, t.territory + 3)})


def _oil_lost(state: State, rb: Rulebook) -> State:
    return _evolve_theatres(state, lambda t: {"oil": 0})


def _unpaid(state: State, rb: Rulebook) -> State:
    return _part(state, "islamic_state", wages=0, services=0, funds=0)


def _iraq_affiliate(state: State, rb: Rulebook) -> State:
    return _evolve_theatres(state, lambda t: {"aq_affiliate": 3} if t.name == "iraq" else {})


def _merged(autonomy: int, turns: int) -> Callable[[State, Rulebook], State]:
    def setup(state: State, rb: Rulebook) -> State:
        return _part(state, "relation", stage=MERGER, autonomy=autonomy, turns=turns, offered=1)

    return setup


def _calm(state: State, rb: Rulebook) -> State:
    # IS at brutality 3, where harshness no longer eases by itself: room to escalate in both arms.
    return _part(state, "islamic_state", brutality=3)


def _calm_major_defeat(state: State, rb: Rulebook) -> State:
    state = _evolve_theatres(_calm(state, rb), lambda t: {"territory": max(0, t.territory - 3), "oil": min(t.oil, 1)}
                             if t.core else {})
    return _part(state, "islamic_state", setbacks=8)


def _heartland_lost(state: State, rb: Rulebook) -> State:
    # The ground and oil of Iraq and Syria gone; the rules declare the collapse at the end of turn 1.
    return _evolve_theatres(state, lambda t: {"territory": 0, "oil": 0} if t.core else {})


def _groups_after_collapse(state: State, rb: Rulebook) -> State:
    # The heartland lost and, in every theatre, a young inspired group (strength 2): whether they
    # thrive is what C11b watches.
    state = _heartland_lost(state, rb)
    brutality = min(10, state.islamic_state.brutality + 1)
    groups = tuple(Offshoot(id=f"opening-{t.name}", theatre=t.name, origin="inspired", strength=2, brutality=brutality)
                   for t in state.theatres)
    return attrs.evolve(state, offshoots=groups)


def _good_climate(base: Callable[[State, Rulebook], State]) -> Callable[[State, Rulebook], State]:
    def setup(state: State, rb: Rulebook) -> State:
        return _evolve_theatres(base(state, rb), lambda t: {"grievance": max(0, t.grievance - 3),
                                                            "governance": min(10, t.governance + 3)})

    return setup


def _leader_killed(state: State, rb: Rulebook) -> State:
    leader = attrs.evolve(state.islamic_state.leader, vacuum=2, successions=1)
    return _part(state, "islamic_state", leader=leader)


def _reform_board(faithful: int) -> Callable[[State, Rulebook], State]:
    def setup(state: State, rb: Rulebook) -> State:
        return _evolve_theatres(state, lambda t: {"reform": 5, "faithful": faithful})

    return setup


def _assad_gone(state: State, rb: Rulebook) -> State:
    return _evolve_theatres(state, lambda t: {"assad": 0} if t.name == "syria" else {})


def _afpak_settled(province: int | None = None, affiliate: int | None = None) -> Callable[[State, Rulebook], State]:
    def setup(state: State, rb: Rulebook) -> State:
        def change(t: Any) -> dict[str, int]:
            if t.name != "afpak":
                return {}
            out = {"peace": 5, "settled": 1}
            if province is not None:
                out.update(is_province=province, aq_affiliate=affiliate)
            return out

        return _evolve_theatres(state, change)

    return setup


def _root_causes(state: State, rb: Rulebook) -> State:
    # Root causes alone: Sunni inclusion carried out faithfully everywhere (reform 6). Governance
    # is left as it is: lifting it too would weaken the groups through every rule that reads it.
    return _evolve_theatres(state, lambda t: {"reform": 6, "faithful": 1})


SETUPS: dict[str, tuple[str, Callable[[State, Rulebook], State]]] = {
    "ego_low": ("IS's ego 3 instead of 9", _ego_low),
    "is_weakened": ("IS starts much weaker (half its ground, no oil, funds 4, standing 3, fighters 8, cohesion 5)",
                    _is_weakened),
    "pressure_on_aq": ("the opening pressure moved onto AQ's franchises (the heaviest where AQ is strongest, not "
                       "where IS is)", _pressure_on_aq),
    "pressure_up": ("3 more coalition pressure in every theatre", _pressure_up),
    "periphery_gains": ("IS starts with 3 more territory in every theatre outside Iraq and Syria", _periphery_gains),
    "oil_lost": ("IS has lost every oil site at the start", _oil_lost),
    "unpaid": ("IS starts unable to pay: wages 0, services 0, funds 0", _unpaid),
    "iraq_affiliate": ("AQ starts with an affiliate of 3 in Iraq", _iraq_affiliate),
    "merged_0": ("IS and AQ start merged, autonomy 0", _merged(0, 1)),
    "merged_3": ("IS and AQ start merged, autonomy 3", _merged(3, 1)),
    "merger_now": ("IS merges into AQ on turn 1 (autonomy 0)", _merged(0, 0)),
    "calm": ("IS starts at brutality 3", _calm),
    "calm_major_defeat": ("IS starts at brutality 3, just after a major defeat (3 ground lost in Iraq and Syria, "
                          "setbacks 8)", _calm_major_defeat),
    "heartland_lost": ("IS has lost its ground and oil in Iraq and Syria: the caliphate collapses on turn 1",
                       _heartland_lost),
    "groups_after_collapse": ("the caliphate collapses on turn 1; a young inspired group (strength 2) in every "
                              "theatre", _groups_after_collapse),
    "groups_after_collapse_good_climate": ("the same, with grievance 3 lower and governance 3 higher everywhere",
                                           _good_climate(_groups_after_collapse)),
    "leader_killed": ("IS's leader is killed on turn 1 (vacuum 2)", _leader_killed),
    "oil_lost_leader_killed": ("IS has lost its oil and its leader is killed on turn 1",
                               lambda state, rb: _leader_killed(_oil_lost(state, rb), rb)),
    "reform_faithful": ("reform 5 in every theatre, carried out faithfully", _reform_board(1)),
    "reform_paper": ("reform 5 in every theatre, on paper only", _reform_board(0)),
    "assad_gone": ("Assad no longer holds on in Syria", _assad_gone),
    "afpak_settled": ("a settlement in Afghanistan-Pakistan, IS and AQ there as written (province 3, affiliate 4)",
                      _afpak_settled()),
    "afpak_settled_weak_groups": ("a settlement in Afghanistan-Pakistan, IS and AQ there with little left "
                                  "(province 1, affiliate 1)", _afpak_settled(1, 1)),
    "root_causes": ("root causes addressed: faithful reform 6 in every theatre (governance as written)", _root_causes),
}
"""Changes to the opening board, by name: (what it means, the function)."""


def _doc(cell: str, **knobs: Any) -> tuple[tuple[str, Doctrine], ...]:
    return ((cell, Doctrine(**knobs)),)


KNOB_ORDERS: dict[str, tuple[str, ...] | None] = {
    "posture": None,  # every order of the cell
    "autonomy": ("aq.offer_strict", "aq.offer_limited", "aq.offer_wide", "aq.offer_free_hand"),
    "welcome": ("aq.welcome_defectors",),
    "reform": ("gov.reform_faithful", "gov.reform_cosmetic", "gov.crackdown"),
    "press_is": ("coalition.air_campaign", "coalition.counter_finance", "coalition.leadership_targeting",
                 "coalition.intelligence"),
    "hunt": ("coalition.leadership_targeting", "coalition.intelligence"),
    "press_reform": ("coalition.press_reform",),
}
"""For each knob of :class:`~wargame.bots.doctrine.Doctrine`, the order kinds whose use it changes (the
doctrine's scorers that read it): what an arm that turns the knob gives or withholds."""


@frozen
class Experiment:
    """A claim as a paired experiment: the same seeds with the factor (``treatment``) and without
    (``control``); the effect is treatment minus control on ``metric``, and the article expects
    its sign to be ``expected`` (+1 or -1).

    ``reads``: the tracks the factor sets (see :func:`factor_tracks`, which the tests compare it
    with); ``measures``: the tracks the outcome is read from. The two never overlap, but for a
    relative outcome (``per``): then ``metric`` counts what was lost of what ``per`` counts at the
    start, and the effect is the share of the treatment's extra ``per`` lost, game by game, minus
    the share the control loses of its own: a share of the factor's own addition, which the
    setup cannot set."""

    id: str
    claim: str
    statement: str  # what the article says, in our words
    factor: str
    treatment: Arm
    control: Arm
    metric: str
    metric_label: str
    expected: int
    reads: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    per: str | None = None


@frozen
class Untestable:
    claim: str
    statement: str
    reason: str


@frozen
class Observation:
    """A claim about what usually happens, not about the effect of one factor: measured on the
    baseline games, matched when the interval lies on the article's side of ``threshold``."""

    id: str
    claim: str
    statement: str
    metric: str
    metric_label: str
    threshold: float
    expected: int  # +1: above the threshold; -1: below
    measures: tuple[str, ...] = ()


_POWER = ("territory", "is_province", "is_funds", "is_fighters", "is_cohesion", "is_standing", "aq_affiliate",
          "aq_funds", "aq_discipline", "aq_standing", "aq_recruitment")  # the formulas is_power and aq_power
_KEPT_APART = ("is.accept_terms",)  # the only way into an alliance or a merger (orders.toml)

EXPERIMENTS: tuple[Experiment | Observation | Untestable, ...] = (
    # C1. Fair: ego is IS's own track; the outcome is when the relation opens talks, which the
    # talks rule and both groups' orders decide from the weaker group's ego among much else.
    Experiment("C1a", "C1", "Ego is the main barrier to talks (¶2)", "IS's ego low (3) vs as written (9)",
               Arm("ego_low"), BASELINE, "talks_turn", "turn talks first open (never: last + 1)", -1,
               reads=("is_ego",), measures=("relation_stage",)),
    # Fair: the factor takes IS's ground, oil and reserves; when talks open is the relation's.
    Experiment("C1b", "C1", "Talks open when one group is much weaker and desperate (¶2)",
               "IS much weaker at the start vs as written", Arm("is_weakened"), BASELINE, "talks_turn",
               "turn talks first open (never: last + 1)", -1,
               reads=("is_cohesion", "is_fighters", "is_funds", "is_standing", "oil", "territory"),
               measures=("relation_stage",)),
    Observation("C2a", "C2", "IS, not AQ, is the one that becomes the weaker (¶3)", "is_weaker",
                "IS ends the weaker group", 0.5, +1, measures=_POWER),
    # C2's counterfactual. Fair: the factor moves only where the pressure falls on the opening
    # board (the coalition plays as it does); the groups' strength follows from the rules that
    # wear provinces and franchises down under pressure and from everything else in the game.
    Experiment("C2b", "C2", "... because the pressure falls on IS, not on AQ's franchises (¶3)",
               "pressure on IS (as written) vs the same pressure on AQ's franchises", BASELINE, Arm("pressure_on_aq"),
               "power_gap", "power gap (AQ - IS) at the end", +1, reads=("pressure",), measures=_POWER),
    # C3. Fair: the factor is pressure only; provinces and franchises are worn down by rules whose
    # chance grows with it, and grow back by the groups' own orders and grievance. Read after two
    # years, before IS's provinces run out in the games with more pressure.
    Experiment("C3a", "C3", "Coalition pressure wears IS's provinces down (¶3)",
               "3 more pressure in every theatre vs as written", Arm("pressure_up"), BASELINE, "total_provinces_y2",
               "IS province strength after two years", -1, reads=("pressure",), measures=("is_province",)),
    Experiment("C3b", "C3", "... and AQ's franchises much less (¶3)", "3 more pressure in every theatre vs as written",
               Arm("pressure_up"), BASELINE, "provinces_minus_affiliates_y2",
               "IS province minus AQ affiliate strength after two years", -1, reads=("pressure",),
               measures=("is_province", "aq_affiliate")),
    # C4. The setup adds distant ground, so an absolute loss would grow with it by construction;
    # the outcome is relative: the share of the added ground lost in the first year (the
    # treatment's extra loss over the control's, game by game, over the 21 steps added), minus the
    # share of its own distant ground the control loses. The rules decide what is lost.
    Experiment("C4", "C4", "IS gains outside Iraq and Syria are followed by setbacks (¶3)",
               "3 more territory in each distant theatre vs as written", Arm("periphery_gains"), BASELINE,
               "periphery_lost_y1", "share of distant ground lost in the first year (with: of the ground added)", +1,
               reads=("territory",), measures=("territory",), per="periphery_start"),
    # C5. Fair: oil sites are set; wages, services and recruiting are IS's own tracks, cut by rules
    # that read revenue and funds, and raised by IS's orders.
    Experiment("C5a", "C5", "Lost oil means lower wages and services (¶4)", "oil lost at the start vs not",
               Arm("oil_lost"), BASELINE, "mean_wages_services", "IS wages + services, game average", -1,
               reads=("oil",), measures=("is_wages", "is_services")),
    Experiment("C5b", "C5", "... and less recruiting (¶4)", "oil lost at the start vs not",
               Arm("oil_lost"), BASELINE, "mean_is_recruitment_early", "IS recruitment, average over two years", -1,
               reads=("oil",), measures=("is_recruitment",)),
    # C6. Fair: pay is set; groups form by the defection rule, whose chance reads pay among the
    # ground lost and cohesion, and by cards.
    Experiment("C6", "C6", "Unpaid members defect and form offshoots (¶4)", "IS starts unable to pay vs as written",
               Arm("unpaid"), BASELINE, "defectors_early", "defectors' groups formed in the first two years", +1,
               reads=("is_funds", "is_services", "is_wages"), measures=("offshoots",)),
    # C7. Fair: the knob only opens AQ's doors (outreach); whether a group comes in is the
    # absorption rule's roll on the group's brutality, AQ's standing and more.
    Experiment("C7a", "C7", "AQ welcomes defectors back (¶4)", "AQ welcomes defectors vs never does", BASELINE,
               Arm(doctrines=_doc("aq", welcome=False)), "offshoots_absorbed", "offshoots absorbed by AQ", +1,
               reads=("outreach",), measures=("offshoots",)),
    # Fair: the factor is AQ's affiliate in Iraq; absorption is read in the first year, while AQ
    # still lacks an affiliate there as written (it builds one within a year or two, after which
    # the two arms no longer differ in what the claim is about).
    Experiment("C7b", "C7", "... most of all in Iraq, where it has no affiliate (¶4)",
               "no AQ affiliate in Iraq (as written) vs an affiliate of 3", BASELINE, Arm("iraq_affiliate"),
               "absorbed_iraq_y1", "groups absorbed by AQ in Iraq in the first year", +1,
               reads=("aq_affiliate",), measures=("offshoots",)),
    # C8. Both arms start merged; the factor is the autonomy granted. The split chance reads it:
    # that is the claim's mechanism; the split itself is rolled each quarter, and IS's choice to
    # break away weighs desperation, ego and strain too. Neither arm's setup sets the outcome.
    Experiment("C8a", "C8", "The more autonomy AQ grants, the likelier a second split (¶5)",
               "start merged at autonomy 3 vs 0", Arm("merged_3"), Arm("merged_0"), "second_split",
               "a second split", +1, reads=("relation_autonomy",), measures=("tally_second_splits",)),
    Experiment("C8b", "C8", "... and the weaker the alliance (¶5)", "start merged at autonomy 3 vs 0",
               Arm("merged_3"), Arm("merged_0"), "allied_turns", "quarters allied or merged", -1,
               reads=("relation_autonomy",), measures=("relation_stage",)),
    # C9. The control keeps IS and AQ apart for the whole game: no bot ever accepts terms, the only
    # way into an alliance or a merger (tests check it never merges). Fair: groups form by the
    # holdouts rule on the merger and by the cards and rules that spawn groups anyway.
    Experiment("C9", "C9", "On a merger, holdouts form their own offshoots (¶6)",
               "merger on turn 1 vs IS and AQ kept apart all game", Arm("merger_now"), Arm(without=_KEPT_APART),
               "holdouts_formed", "holdouts' groups formed", +1,
               reads=("aq_standing", "is_standing", "relation_offered", "relation_stage", "relation_turns"),
               measures=("offshoots",)),
    # C10. Both arms start at brutality 3 (as written it is 7 and reaches 10 in most quarters of
    # both arms); the factor is the defeat: lost ground and setbacks. Escalation is the rule's roll
    # on setbacks and the leaders' choice; harshness eases in quiet quarters.
    Experiment("C10", "C10", "After a major defeat, brutality escalates (¶6)",
               "a major defeat at the start vs none (both at brutality 3)", Arm("calm_major_defeat"), Arm("calm"),
               "mean_is_brutality_early", "IS brutality, average over two years", +1,
               reads=("is_setbacks", "oil", "territory"), measures=("is_brutality",)),
    # C11. The factor is the loss of the heartland; the collapse follows by the rules, and so do
    # the groups: inspired ones where grievance runs high, defectors, holdouts, AQ taking some in,
    # others withering. The outcome is every offshoot's strength, over the game.
    Experiment("C11a", "C11", "An IS collapse inspires violent offshoots (¶7)",
               "the heartland lost at the start (collapse on turn 1) vs as written", Arm("heartland_lost"), BASELINE,
               "mean_offshoot_strength", "offshoot strength, game average", +1,
               reads=("oil", "territory"), measures=("offshoots",)),
    # Both arms start with the same young groups after a collapse; the factor is the climate. The
    # outcome is how those groups fare (their strength after two years), not how many new ones
    # form, which the climate also changes.
    Experiment("C11b", "C11", "Their success depends on the political climate (¶7)",
               "the same groups after a collapse: the climate as written vs grievance -3, governance +3",
               Arm("groups_after_collapse"), Arm("groups_after_collapse_good_climate"), "opening_offshoots_y2",
               "strength of those groups after two years", +1, reads=("governance", "grievance"),
               measures=("offshoots",)),
    # C12. Fair: the factor opens the vacuum; AQ's and IS's standing move by the vacuum rule, which
    # needs lost ground and dry revenue too, by cards and by both groups' propaganda.
    Experiment("C12a", "C12", "A vacuum, lost ground and dry revenue: only AQ can fill it (¶8)",
               "oil already lost: IS's leader killed on turn 1 vs not", Arm("oil_lost_leader_killed"), Arm("oil_lost"),
               "standing_gap_y1", "AQ minus IS standing after a year", +1,
               reads=("is_leader_successions", "is_leader_vacuum"), measures=("aq_standing", "is_standing")),
    # What a death does to a deal: the successor's hardline is not measured (the succession rule
    # raises it whenever a leader dies, and nothing lowers it), but whether IS comes to AQ's terms,
    # which the Shura Council decides on desperation, ego and its leader's hardline.
    Experiment("C12b", "C12", "The successor is no more diplomatic: a death brings IS no closer to AQ's terms (¶8)",
               "IS's leader killed on turn 1 vs not", Arm("leader_killed"), BASELINE, "rapprochement",
               "alliance or merger by the end", -1, reads=("is_leader_successions", "is_leader_vacuum"),
               measures=("relation_stage",)),
    # C13. Fair: the factor is whether reform is carried out; grievance moves by rules that read
    # it, and by cards, crackdowns and reconstruction.
    Experiment("C13a", "C13", "Marginalisation feeds anger until reform is faithful (¶9)",
               "reform 5 everywhere, faithful vs on paper", Arm("reform_faithful"), Arm("reform_paper"),
               "avg_grievance", "average grievance at the end", -1, reads=("faithful",), measures=("grievance",)),
    # What was C13b (the governments' policy, faithful vs on paper, on grievance) let the factor
    # write the outcome: faithful reform orders lower grievance themselves. The other half of the
    # claim, that reform is slow, is what the games show.
    Observation("C13b", "C13", "Reform is slow: in most games no theatre has faithful reform 5+ by 2021 (¶9)",
                "reform_achieved", "a theatre with faithful reform 5+ at the end", 0.5, -1,
                measures=("reform", "faithful")),
    # C14. Assad's staying is a fact of the board; what the article draws from it is that Syria
    # stays a root cause feeding the groups (¶9, ¶10). Fair: the groups' strength in Syria is not
    # what the rules keyed to Assad write (Syria's governance cap, grievance and peace on cards).
    Experiment("C14", "C14", "With Assad staying, Syria keeps feeding the groups (¶9, ¶10)",
               "Assad stays (as written) vs gone", BASELINE, Arm("assad_gone"), "syria_groups",
               "strength of the groups in Syria at the end", +1, reads=("assad",),
               measures=("is_province", "aq_affiliate", "offshoots")),
    # C15. Both arms settle, with the groups present in both (the rule that lets them trouble the
    # new government is live in both); the factor is how much influence they keep. Governance is
    # read over the two years after the settlement (later it sits at 0 in most games).
    Experiment("C15", "C15", "After a settlement, groups with influence trouble the new government (¶9)",
               "settled Afghanistan-Pakistan, the groups as written vs with little left", Arm("afpak_settled"),
               Arm("afpak_settled_weak_groups"), "mean_afpak_governance_early",
               "Afghanistan-Pakistan governance, average over two years", -1, reads=("aq_affiliate", "is_province"),
               measures=("governance",)),
    # C16. Root causes alone (faithful reform), governance as written. Provinces and franchises
    # lose ground by a rule that also needs governance 4+, and grow by grievance, orders, absorption.
    # For the other groups, how many form: the rule that starves them acts on faithful reform
    # alone, so their strength would read it back.
    Experiment("C16a", "C16", "Addressing root causes weakens IS (¶10)", "root causes addressed vs as written",
               Arm("root_causes"), BASELINE, "total_provinces", "IS province strength at the end", -1,
               reads=("faithful", "reform"), measures=("is_province",)),
    Experiment("C16b", "C16", "... and AQ (¶10)", "root causes addressed vs as written", Arm("root_causes"), BASELINE,
               "total_affiliates", "AQ affiliate strength at the end", -1, reads=("faithful", "reform"),
               measures=("aq_affiliate",)),
    Experiment("C16c", "C16", "... and the other groups: fewer form (¶10)", "root causes addressed vs as written",
               Arm("root_causes"), BASELINE, "offshoots_formed", "offshoot groups formed", -1,
               reads=("faithful", "reform"), measures=("offshoots",)),
    Untestable("C14", "Afghan talks start in their infancy (¶9)",
               "a fact about the opening board, not the effect of a factor: the scenario sets the Afghan talks at "
               "peace 1 (checked by test_c14_afghan_talks_start_in_their_infancy)"),
    Untestable("C12", "The Shura Council chooses a successor no more diplomatic (¶8)",
               "the successor is modelled only by his hardline, which the succession rule and the Leader Death cards "
               "raise whenever a leader dies and nothing lowers: an experiment on it would read that rule back. It is "
               "checked as a property of the rules (test_c12_a_successor_is_never_more_conciliatory, "
               "test_c12_no_leader_death_card_softens_a_leader); C12b measures what follows, whether IS comes to terms"),
)
"""Every claim, as an experiment, an observation, or with the reason it cannot be tested."""


# --- what the factor sets -----------------------------------------------------------------------------


def _writes(effects: Iterable[Any], rulebook: Rulebook, seen: frozenset[str] = frozenset()) -> set[str]:
    """The tracks a list of effects writes ("offshoots" for spawning or absorbing a group); a card
    drawn writes what its deck's cards write."""
    out: set[str] = set()
    for e in effects:
        if e.op in ("spawn_offshoot", "absorb_offshoot"):
            out.add("offshoots")
        elif e.op == "draw":
            deck = e.args[0]
            if deck not in seen:
                for card in rulebook.cards.values():
                    if card.deck == deck:
                        out |= _writes(card.effects, rulebook, seen | {deck})
        else:
            out.add("offshoots" if e.where == "O" else e.target)
    return out


def _arm_orders(rulebook: Rulebook, arm: Arm) -> set[str]:
    """The order kinds whose use the arm changes: those it withholds and those its doctrines'
    knobs weigh differently (:data:`KNOB_ORDERS`)."""
    kinds = set(arm.without)
    for cell, d in arm.doctrines:
        base = Doctrine()
        for field in attrs.fields(Doctrine):
            if getattr(d, field.name) == getattr(base, field.name):
                continue
            orders = KNOB_ORDERS[field.name]
            kinds |= {k.id for k in rulebook.orders if k.cell == cell} if orders is None else set(orders)
    return kinds


def _opening(rulebook: Rulebook, scenario: str, arm: Arm, seed: int) -> State:
    state = new_game(rulebook, scenario, seed)
    return SETUPS[arm.setup][1](state, rulebook) if arm.setup else state


def factor_tracks(rulebook: Rulebook, exp: Experiment, scenario: str = "spring-2016", seed: int = 1) -> frozenset[str]:
    """What an experiment's factor sets: every track whose opening value differs between the two
    arms' boards (global tracks by their rulebook name, theatre tracks by theirs, "offshoots" for
    the groups in play), and every track written by the orders one arm gives or withholds and the
    other does not."""
    a, b = _opening(rulebook, scenario, exp.treatment, seed), _opening(rulebook, scenario, exp.control, seed)
    out = {name for name, v in flat_tracks(a).items() if flat_tracks(b)[name] != v}
    for ta, tb in zip(a.theatres, b.theatres):
        out |= {f.name for f in attrs.fields(Theatre) if getattr(ta, f.name) != getattr(tb, f.name)}
    if a.offshoots != b.offshoots:
        out.add("offshoots")
    kinds = _arm_orders(rulebook, exp.treatment) | _arm_orders(rulebook, exp.control)
    for kind in rulebook.orders:
        if kind.id in kinds:
            out |= _writes(kind.success + kind.failure, rulebook)
    return frozenset(out)


# --- the results ----------------------------------------------------------------------------------------


@frozen
class ClaimResult:
    id: str
    claim: str
    statement: str
    kind: str  # "experiment" or "observation"
    factor: str
    metric: str
    metric_label: str
    expected: int
    n: int
    control: float | None
    treatment: float | None
    effect: float
    lo: float
    hi: float
    verdict: str  # "matches", "contradicts", "inconclusive"
    differences: tuple[float, ...] = ()  # paired, treatment - control, game by game
    reads: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    bound: str | None = None  # what "at a bound" means for the outcome (None: a tally or a yes/no outcome)
    bound_control: float | None = None  # share of the control's games with the outcome at a bound
    bound_treatment: float | None = None  # ... of the treatment's (an observation's: of the baseline games)
    flagged: bool = False  # either arm at a bound in most games

    def as_dict(self, with_data: bool = False) -> dict[str, Any]:
        d = {k: _num(v) for k, v in attrs.asdict(self).items() if k != "differences"}
        d["reads"], d["measures"] = list(self.reads), list(self.measures)
        if with_data:
            d["differences"] = list(self.differences)
        return d


def verdict(expected: int, lo: float, hi: float) -> str:
    """Whether a 95% interval agrees with the direction the article expects.

    ``expected`` +1 or -1: "matches" when the whole interval lies on that side of zero,
    "contradicts" when it lies wholly on the other, else "inconclusive"."""
    if math.isnan(lo) or math.isnan(hi):
        return "inconclusive"
    if expected > 0:
        return "matches" if lo > 0 else "contradicts" if hi < 0 else "inconclusive"
    return "matches" if hi < 0 else "contradicts" if lo > 0 else "inconclusive"


def bound_share(metric: str, games: Sequence[GameResult]) -> float | None:
    """The share of games whose outcome ``metric`` sat at a bound (``bound:<metric>``, see
    :data:`wargame.analysis.metrics.BOUNDED`); None for an outcome without one."""
    if metrics.bound_meaning(metric) is None:
        return None
    flags = [r.metrics[f"bound:{metric}"] for r in games]
    flags = [f for f in flags if f is not None]
    return math.fsum(flags) / len(flags) if flags else None


def _flagged(*shares: float | None) -> bool:
    return any(s is not None and s > 0.5 for s in shares)


def _pair(exp: Experiment, t: GameResult, c: GameResult) -> tuple[float, float] | None:
    """One game's (treatment, control) values of the outcome, or None where it does not apply
    (see :func:`paired_values`)."""
    a, b = t.metrics[exp.metric], c.metrics[exp.metric]
    if a is None or b is None:
        return None
    if exp.per is None:
        return a, b
    held_t, held_c = t.metrics[exp.per], c.metrics[exp.per]
    if held_t is None or held_c is None or held_t <= held_c or held_c <= 0:
        return None
    return (a - b) / (held_t - held_c), b / held_c


def paired_values(exp: Experiment, treated: Sequence[GameResult],
                  control: Sequence[GameResult]) -> list[tuple[float, float]]:
    """Game by game (the same seed in both arms), the treatment's and the control's value of the
    outcome; games where it does not apply are left out. For a relative outcome (``per``): the
    share of the treatment's extra ``per`` that it lost beyond what the control lost, and the
    share of its own ``per`` the control lost."""
    assert [r.seed for r in treated] == [r.seed for r in control], "paired arms must share their seeds"
    return [p for p in (_pair(exp, t, c) for t, c in zip(treated, control)) if p is not None]


MAX_KEPT_DIFFERENCES = 10_000
"""A claim's result keeps its first paired differences, game by game, up to this many (its
statistics are worked out from every game)."""


class _BoundShare:
    __slots__ = ("sum", "n")

    def __init__(self) -> None:
        self.sum = 0.0
        self.n = 0

    def add(self, flag: float | None) -> None:
        if flag is not None:
            self.sum += flag
            self.n += 1

    @property
    def share(self) -> float | None:
        return self.sum / self.n if self.n else None


class ClaimTally:
    """One experiment's or observation's result, kept as running sums over its games, fed game by
    game in game order (an experiment: the treatment's and the control's game of each seed)."""

    def __init__(self, spec: Experiment | Observation):
        self.spec = spec
        self.bounded = metrics.bound_meaning(spec.metric) is not None
        self.diffs = Moments()
        self.treated = Moments()
        self.control = Moments()
        self.first: float | None = None
        self.same = True  # every difference so far equal to the first
        self.kept: list[float] = []
        self.bound_t = _BoundShare()
        self.bound_c = _BoundShare()
        self.flags = Proportion()

    def add(self, *games: GameResult) -> None:
        spec = self.spec
        key = f"bound:{spec.metric}"
        if isinstance(spec, Observation):
            (g,) = games
            v = g.metrics[spec.metric]
            if v is not None:
                self.flags.add(v)
            if self.bounded:
                self.bound_t.add(g.metrics[key])
            return
        t, c = games
        assert t.seed == c.seed, "paired arms must share their seeds"
        if self.bounded:
            self.bound_t.add(t.metrics[key])
            self.bound_c.add(c.metrics[key])
        pair = _pair(spec, t, c)
        if pair is None:
            return
        a, b = pair
        d = a - b
        self.treated.add(a)
        self.control.add(b)
        self.diffs.add(d)
        if self.first is None:
            self.first = d
        elif d != self.first:
            self.same = False
        if len(self.kept) < MAX_KEPT_DIFFERENCES:
            self.kept.append(d)

    def result(self) -> ClaimResult:
        spec = self.spec
        if isinstance(spec, Observation):
            p, lo, hi = wilson(self.flags.k, self.flags.n)
            v = verdict(spec.expected, lo - spec.threshold, hi - spec.threshold)
            b = self.bound_t.share if self.bounded else None
            return ClaimResult(spec.id, spec.claim, spec.statement, "observation",
                               f"baseline games (threshold {spec.threshold:g})", spec.metric, spec.metric_label,
                               spec.expected, self.flags.n, None, p, p, lo, hi, v, (), (), spec.measures,
                               metrics.bound_meaning(spec.metric), None, b, _flagged(b))
        m, lo, hi = self.diffs.mean_ci()
        if self.diffs.n and self.first != 0 and self.same:
            # Every game moved by the same amount: a t interval would have no width at all. Be
            # conservative and add one game in which the factor changed nothing: the interval then
            # has a width that shrinks with the number of games, as it should.
            widened = self.diffs.copy()
            widened.add(0.0)
            _, lo, hi = widened.mean_ci()
        bc = self.bound_c.share if self.bounded else None
        bt = self.bound_t.share if self.bounded else None
        return ClaimResult(spec.id, spec.claim, spec.statement, "experiment", spec.factor, spec.metric,
                           spec.metric_label, spec.expected, self.diffs.n,
                           self.control.mean if self.control.n else None,
                           self.treated.mean if self.treated.n else None, m, lo, hi,
                           verdict(spec.expected, lo, hi), tuple(self.kept), spec.reads, spec.measures,
                           metrics.bound_meaning(spec.metric), bc, bt, _flagged(bc, bt))


def paired(exp: Experiment, treated: Sequence[GameResult], control: Sequence[GameResult]) -> ClaimResult:
    assert [r.seed for r in treated] == [r.seed for r in control], "paired arms must share their seeds"
    tally = ClaimTally(exp)
    for t, c in zip(treated, control):
        tally.add(t, c)
    return tally.result()


def observed(obs: Observation, baseline: Sequence[GameResult]) -> ClaimResult:
    tally = ClaimTally(obs)
    for g in baseline:
        tally.add(g)
    return tally.result()


def _chosen(only: Iterable[str] | None) -> list[Experiment | Observation]:
    wanted = set(only) if only is not None else None
    return [e for e in EXPERIMENTS if not isinstance(e, Untestable)
            and (wanted is None or e.id in wanted or e.claim in wanted)]


def _arms(chosen: Sequence[Experiment | Observation]) -> list[Arm]:
    arms: list[Arm] = []
    for e in chosen:
        for arm in ((e.treatment, e.control) if isinstance(e, Experiment) else (BASELINE,)):
            if arm not in arms:
                arms.append(arm)
    return arms


def play_claims(rulebook: Rulebook, runs: int, master_seed: int = 1, scenario: str = "spring-2016",
                seats: Mapping[str, str] | None = None, workers: int = 1, rules_dir: Path | None = None,
                decks_dir: Path | None = None, progress: Callable[[int], None] | None = None,
                only: Iterable[str] | None = None) -> dict[Arm, list[GameResult]]:
    """Every arm the chosen claims need, each played on the same ``runs`` seeds (common random
    numbers: the game's dice and the bots' own are the same in every arm)."""
    from wargame.bots.play import parse_seats

    seats = dict(seats or parse_seats(DEFAULT_SEATS))
    arms = _arms(_chosen(only))
    batches = [Batch(scenario, seats, arm, runs, master_seed) for arm in arms]
    return dict(zip(arms, run_batches(rulebook, batches, workers, rules_dir, decks_dir, progress)))


def judge(by_arm: Mapping[Arm, Sequence[GameResult]], only: Iterable[str] | None = None) -> list[ClaimResult]:
    """Each chosen claim's result from the games of its arms."""
    out = []
    for e in _chosen(only):
        if isinstance(e, Experiment):
            out.append(paired(e, by_arm[e.treatment], by_arm[e.control]))
        else:
            out.append(observed(e, by_arm[BASELINE]))
    return out


def run_claims(rulebook: Rulebook, runs: int, master_seed: int = 1, scenario: str = "spring-2016",
               seats: Mapping[str, str] | None = None, workers: int = 1, rules_dir: Path | None = None,
               decks_dir: Path | None = None, progress: Callable[[int], None] | None = None,
               only: Iterable[str] | None = None) -> list[ClaimResult]:
    """Every testable claim, each arm played on the same ``runs`` seeds (common random numbers).
    The games are not kept: each seed's games in every arm are fed to each claim's
    :class:`ClaimTally` as they come back (the arms of a chunk of seeds come back side by side),
    so memory does not grow with ``runs``. The same results as :func:`judge` on
    :func:`play_claims`'s games."""
    from wargame.bots.play import parse_seats

    seats = dict(seats or parse_seats(DEFAULT_SEATS))
    chosen = _chosen(only)
    arms = _arms(chosen)
    index = {arm: i for i, arm in enumerate(arms)}
    tallies = [(ClaimTally(e), [index[e.treatment], index[e.control]] if isinstance(e, Experiment)
                else [index[BASELINE]]) for e in chosen]
    batches = [Batch(scenario, seats, arm, runs, master_seed) for arm in arms]
    waiting: list[list[GameResult]] = [[] for _ in arms]
    for b, results in stream_batches(rulebook, batches, workers, rules_dir, decks_dir, progress):
        waiting[b].extend(results)
        ready = min(len(w) for w in waiting)
        for g in range(ready):
            games = [w[g] for w in waiting]
            for tally, which in tallies:
                tally.add(*(games[i] for i in which))
        if ready:
            waiting = [w[ready:] for w in waiting]
    return [tally.result() for tally, _ in tallies]


def untestable(only: Iterable[str] | None = None) -> list[Untestable]:
    """The claims (or parts of claims) that no experiment can test, with the reason."""
    wanted = set(only) if only is not None else None
    return [e for e in EXPERIMENTS if isinstance(e, Untestable) and (wanted is None or e.claim in wanted)]


def claims_games(runs: int, only: Iterable[str] | None = None) -> int:
    """How many games ``run_claims`` plays (for a progress bar)."""
    return runs * len(_arms(_chosen(only)))


# --- the commands ---------------------------------------------------------------------------------


def _progress_bar(total: int, what: str):
    """A rich progress bar on stderr when it is a terminal; otherwise nothing."""
    if not sys.stderr.isatty():
        return _NoProgress()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    progress = Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    return _RichProgress(progress, total)


class _NoProgress:
    def __enter__(self) -> Callable[[int], None]:
        return lambda n: None

    def __exit__(self, *exc: Any) -> None:
        return None


class _RichProgress:
    def __init__(self, progress: Any, total: int):
        self.progress = progress
        self.total = total

    def __enter__(self) -> Callable[[int], None]:
        self.progress.__enter__()
        task = self.progress.add_task("games", total=self.total)
        return lambda n: self.progress.advance(task, n)

    def __exit__(self, *exc: Any) -> None:
        self.progress.__exit__(*exc)


def _console(width: int = 110):
    from rich.console import Console

    return Console(file=sys.stdout, width=None if sys.stdout.isatty() else width, highlight=False)


def _rate(games: int, elapsed: float, workers: int) -> None:
    """Games per second, on stderr (never mixed into --json)."""
    sys.stdout.flush()
    print(f"{games} games in {elapsed:.1f} s: {games / max(elapsed, 1e-9):.1f} games/s "
          f"({workers} worker{'s' if workers > 1 else ''})", file=sys.stderr)


def _fmt(v: float | None, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return f"{v:.{digits}f}"


def _ci(e: Mapping[str, Any], pct: bool) -> tuple[str, str]:
    scale = 100 if pct else 1
    unit = "%" if pct else ""
    v, lo, hi = e["value"], e["lo"], e["hi"]
    if v is None:
        return "-", "-"
    digits = 1 if pct else 2
    return (f"{v * scale:.{digits}f}{unit}",
            f"{'-' if lo is None else f'{lo * scale:.{digits}f}'} .. {'-' if hi is None else f'{hi * scale:.{digits}f}'}{unit}")


def _seats_or_complain(rulebook: Rulebook, args: Any) -> dict[str, str] | None:
    """The scenario and seats of a command line, or None after a one-line complaint."""
    from wargame.bots.play import parse_seats

    if args.scenario not in rulebook.scenarios:
        print(f"wargame: no scenario {_short(repr(args.scenario))} (scenarios: {', '.join(rulebook.scenarios)})",
              file=sys.stderr)
        return None
    try:
        return parse_seats(args.seats)
    except ValueError as e:
        print(f"wargame: {_short(str(e), 300)}", file=sys.stderr)
        return None


def _short(text: str, most: int = 60) -> str:
    """An argument as a complaint shows it: one line, cut short."""
    text = text.replace("\n", " ").replace("\r", " ")
    return text if len(text) <= most else text[: most - 1] + "…"


def simulate_command(rulebook: Rulebook, args: Any) -> int:
    """``wargame simulate``: bot-only games, outcomes with 95% intervals, charts; games/s on stderr."""
    seats = _seats_or_complain(rulebook, args)
    if seats is None:
        return 2
    batches = [Batch(args.scenario, seats, BASELINE, args.runs, args.seed)]
    workers = workers_for(batches, args.workers)
    start = time.perf_counter()
    tally = SimulationTally(rulebook, args.scenario)  # the games are summed as they come, not kept
    with _progress_bar(args.runs, f"simulate {args.scenario}") as advance:
        for _, results in stream_batches(rulebook, batches, workers, args.rules, args.decks, advance):
            for r in results:
                tally.add(r)
    elapsed = time.perf_counter() - start
    summary = {"seed": args.seed, "seats": seats, **tally.summary()}
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        from wargame.analysis.charts import print_simulation

        print_simulation(_console(), summary)
    _rate(args.runs, elapsed, workers)
    return 0


def claims_command(rulebook: Rulebook, args: Any) -> int:
    """``wargame claims``: the article's claims as paired experiments."""
    seats = _seats_or_complain(rulebook, args)
    if seats is None:
        return 2
    only = [x.strip() for x in args.only.split(",") if x.strip()] if args.only else None
    known = {getattr(e, "id", e.claim) for e in EXPERIMENTS} | {e.claim for e in EXPERIMENTS}
    unknown = [x for x in only or () if x not in known]
    if unknown:
        shown = ", ".join(x[:40] for x in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        print(f"wargame: no claim or experiment {shown} (see wargame claims --help)", file=sys.stderr)
        return 2
    workers = workers_for([Batch(args.scenario, seats, arm, args.runs, args.seed) for arm in _arms(_chosen(only))],
                          args.workers)
    start = time.perf_counter()
    total = claims_games(args.runs, only)
    with _progress_bar(total, "claims") as advance:
        results = run_claims(rulebook, args.runs, args.seed, args.scenario, seats, workers, args.rules, args.decks,
                             advance, only)
    elapsed = time.perf_counter() - start
    header = {"scenario": args.scenario, "runs": args.runs, "seed": args.seed, "seats": seats}
    if args.json:
        print(json.dumps({**header, "claims": [r.as_dict() for r in results],
                          "flagged": [r.id for r in results if r.flagged],
                          "untestable": [attrs.asdict(u) for u in untestable(only)]}, indent=2, ensure_ascii=False))
    elif args.markdown:
        print(claims_markdown(header, results, untestable(only)))
    else:
        from wargame.analysis.charts import print_claims

        print_claims(_console(150), header, results, untestable(only))
    _rate(total, elapsed, workers)
    return 0


_SIGN = {1: "+", -1: "-"}
FLAG = "⚑"


def bound_text(r: ClaimResult) -> str:
    """The share of games at a bound, without / with the factor (an observation: of the baseline
    games), flagged when either is most games; "n/a" for a tally or a yes/no outcome."""
    if r.bound is None:
        return "n/a"
    pct = lambda v: "-" if v is None else f"{v * 100:.0f}%"  # noqa: E731
    text = pct(r.bound_treatment) if r.kind == "observation" else f"{pct(r.bound_control)} / {pct(r.bound_treatment)}"
    return f"{text} {FLAG}" if r.flagged else text


def bound_summary(results: Sequence[ClaimResult]) -> str:
    flagged = [r.id for r in results if r.flagged]
    return ("At a bound: the share of games in which the quantity an outcome is read from sits at the end of its range "
            "when it is read (without / with the factor); n/a for tallies of events and yes/no outcomes. "
            + (f"{FLAG} flags an arm at a bound in most games: {', '.join(flagged)}." if flagged
               else "No experiment has either arm at a bound in most games."))


def claims_markdown(header: Mapping[str, Any], results: Sequence[ClaimResult],
                    gone: Sequence[Untestable] = ()) -> str:
    lines = [
        f"# The article's claims as experiments ({header['scenario']}, {header['runs']} paired games, seed {header['seed']})",
        "",
        "Each experiment plays the same seeds twice, with and without one factor (common random numbers); the "
        "effect is the mean paired difference (with the factor minus without) with its 95% t interval. "
        "Observations are proportions over the baseline games with their 95% Wilson interval. A claim *matches* "
        "when the whole interval lies on the side the article expects.",
        "",
        "| id | claim | factor | outcome | expected | without | with | effect | 95% CI | verdict | at a bound |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.id} | {r.statement} | {r.factor} | {r.metric_label} | {_SIGN[r.expected]} | "
            f"{_fmt(r.control)} | {_fmt(r.treatment)} | {_fmt(r.effect)} | {_fmt(r.lo)} .. {_fmt(r.hi)} | {r.verdict} | "
            f"{bound_text(r)} |")
    counts = {v: sum(1 for r in results if r.verdict == v) for v in ("matches", "inconclusive", "contradicts")}
    lines += ["", f"{counts['matches']} match the article, {counts['inconclusive']} inconclusive, "
                  f"{counts['contradicts']} contradict it.", "", bound_summary(results)]
    if gone:
        lines += ["", "Not testable by experiment:", ""]
        lines += [f"- {u.claim} ({u.statement}): {u.reason}" for u in gone]
    return "\n".join(lines)
