"""The article's claims judged: for each claim C1..C16 (``docs/claims.md``) that an experiment can
test, the same seeds played twice with one factor changed (common random numbers: the game's dice
and the bots' own dice are the same in both arms), and the paired difference on an outcome with its
95% t interval; an observation's share of the baseline games with its Wilson interval. Each result
also reports, per arm, the share of games whose outcome sits at a bound of its range, flagged when
either arm has it there in most games.

:func:`run_claims` streams the games into a :class:`ClaimTally` per claim; :func:`play_claims`
keeps them and :func:`judge` works out the same results from them, so a test can recompute them.
The experiments themselves are :data:`wargame.analysis.experiments.EXPERIMENTS`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from wargame.analysis.arms import BASELINE, Arm
from wargame.analysis.bounds import bound_meaning
from wargame.analysis.cluster import stream_chunks
from wargame.analysis.experiments import EXPERIMENTS, Experiment, Observation, Untestable
from wargame.analysis.metrics import GameResult
from wargame.analysis.pool import Batch, run_batches
from wargame.analysis.statistics import Moments, Proportion, json_number, wilson
from wargame.bots.play import parse_seats
from wargame.engine.rulebook import Rulebook

DEFAULT_SEATS = "all=doctrine"
"""The seats of every arm unless told otherwise: a doctrine bot in every cell."""


@frozen
class ClaimResult:
    """One claim's result. An experiment's: ``n`` paired games, the control's and the treatment's
    mean outcome, the ``effect`` (their mean paired difference, treatment minus control, in the
    outcome's unit) and its 95% t interval ``lo``..``hi``. An observation's: the share of the ``n``
    baseline games where the outcome is true (``treatment`` and ``effect``, in 0..1) and its 95%
    Wilson interval. The bound shares are in 0..1."""

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
        """The fields for JSON (numbers as :func:`~wargame.analysis.statistics.json_number` gives
        them); the paired differences only ``with_data``."""
        d = {k: json_number(v) for k, v in attrs.asdict(self).items() if k != "differences"}
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
    :data:`wargame.analysis.bounds.BOUNDED`); None for an outcome without one."""
    if bound_meaning(metric) is None:
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
        self.bounded = bound_meaning(spec.metric) is not None
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
        """One seed's games: (treatment, control) for an experiment (the same seed: AssertionError
        if not), (baseline,) for an observation."""
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
        """The claim's result over the games added so far."""
        spec = self.spec
        if isinstance(spec, Observation):
            p, lo, hi = wilson(self.flags.k, self.flags.n)
            v = verdict(spec.expected, lo - spec.threshold, hi - spec.threshold)
            b = self.bound_t.share if self.bounded else None
            return ClaimResult(spec.id, spec.claim, spec.statement, "observation",
                               f"baseline games (threshold {spec.threshold:g})", spec.metric, spec.metric_label,
                               spec.expected, self.flags.n, None, p, p, lo, hi, v, (), (), spec.measures,
                               bound_meaning(spec.metric), None, b, _flagged(b))
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
                           bound_meaning(spec.metric), bc, bt, _flagged(bc, bt))


def paired(exp: Experiment, treated: Sequence[GameResult], control: Sequence[GameResult]) -> ClaimResult:
    """An experiment's result from its two arms' games, paired game by game (the same seeds, in
    the same order: AssertionError if not)."""
    assert [r.seed for r in treated] == [r.seed for r in control], "paired arms must share their seeds"
    tally = ClaimTally(exp)
    for t, c in zip(treated, control):
        tally.add(t, c)
    return tally.result()


def observed(obs: Observation, baseline: Sequence[GameResult]) -> ClaimResult:
    """An observation's result from the baseline games."""
    tally = ClaimTally(obs)
    for g in baseline:
        tally.add(g)
    return tally.result()


def chosen_claims(only: Iterable[str] | None) -> list[Experiment | Observation]:
    """The experiments and observations whose id or claim is in ``only`` (all of them if None), in
    the order of :data:`~wargame.analysis.experiments.EXPERIMENTS`."""
    wanted = set(only) if only is not None else None
    return [e for e in EXPERIMENTS if not isinstance(e, Untestable)
            and (wanted is None or e.id in wanted or e.claim in wanted)]


def arms_of(chosen: Sequence[Experiment | Observation]) -> list[Arm]:
    """Every arm the ``chosen`` claims need, once each, in the order they are first needed (an
    observation needs the baseline)."""
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
    seats = dict(seats or parse_seats(DEFAULT_SEATS))
    arms = arms_of(chosen_claims(only))
    batches = [Batch(scenario, seats, arm, runs, master_seed) for arm in arms]
    return dict(zip(arms, run_batches(rulebook, batches, workers, rules_dir, decks_dir, progress)))


def judge(by_arm: Mapping[Arm, Sequence[GameResult]], only: Iterable[str] | None = None) -> list[ClaimResult]:
    """Each chosen claim's result from the games of its arms."""
    out = []
    for e in chosen_claims(only):
        if isinstance(e, Experiment):
            out.append(paired(e, by_arm[e.treatment], by_arm[e.control]))
        else:
            out.append(observed(e, by_arm[BASELINE]))
    return out


def run_claims(rulebook: Rulebook, runs: int, master_seed: int = 1, scenario: str = "spring-2016",
               seats: Mapping[str, str] | None = None, workers: int = 1, rules_dir: Path | None = None,
               decks_dir: Path | None = None, progress: Callable[[int], None] | None = None,
               only: Iterable[str] | None = None, scheduler: str | None = None,
               engine: str = "batch") -> list[ClaimResult]:
    """Every testable claim, each arm played on the same ``runs`` seeds (common random numbers).
    The games are not kept: each seed's games in every arm are fed to each claim's
    :class:`ClaimTally` as they come back (the arms of a chunk of seeds come back side by side),
    so memory does not grow with ``runs``. The same results as :func:`judge` on
    :func:`play_claims`'s games. ``scheduler``: play them on that Dask cluster
    (:func:`wargame.analysis.cluster.stream_chunks`, which may raise its ``ClusterError``);
    ``engine``: as :attr:`wargame.analysis.pool.Batch.engine` (the same results either way)."""
    seats = dict(seats or parse_seats(DEFAULT_SEATS))
    chosen = chosen_claims(only)
    arms = arms_of(chosen)
    index = {arm: i for i, arm in enumerate(arms)}
    tallies = [(ClaimTally(e), [index[e.treatment], index[e.control]] if isinstance(e, Experiment)
                else [index[BASELINE]]) for e in chosen]
    batches = [Batch(scenario, seats, arm, runs, master_seed, engine=engine) for arm in arms]
    waiting: list[list[GameResult]] = [[] for _ in arms]
    for b, results in stream_chunks(rulebook, batches, workers, scheduler, rules_dir, decks_dir, progress):
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
    return runs * len(arms_of(chosen_claims(only)))
