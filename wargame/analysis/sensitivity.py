"""``wargame sensitivity``: which of the rulebook's parameters drive an outcome, by Sobol indices.

The parameters named are varied together over their declared ranges (``[parameter_ranges]`` of
``rules/parameters.toml``, :func:`wargame.engine.parameters.declared_ranges`); every other one is
held at its value. SALib draws the points (Saltelli's scheme on a scrambled Sobol sequence,
:func:`sample`); at each point the rulebook is rebuilt with those values (:func:`with_parameters`:
the formulas recompiled, so their bounds are the new values'; the engine reads the values off the
rulebook at every turn) and ``runs_per_point`` bot games are played, the metric averaged over those
where it applies (:func:`play_point`). SALib then works out each parameter's first-order index S1
(the share of the metric's variance it explains alone) and total index ST (with every interaction
it takes part in), each with a bootstrap 95% interval (:func:`analyse`).

Every point plays the same games: the seed of game ``g`` is derived from the master seed and ``g``
only (:func:`point_seed`). With the engine's keyed dice these are common random numbers: two
points roll the same dice wherever their boards agree, so the difference between their averages
is the parameters' doing far more than the dice's. SALib's scrambling and bootstrap are seeded from the master seed too: the
same command gives the same indices, whatever the number of worker processes. The points are
played by a *runner* (:data:`Runner`): :func:`make_runner` is the one place that chooses it (worker
processes on this machine, :func:`local_runner`); a scheduler of other machines plugs in there.

A whole-number parameter (``holdout_brutality``) is drawn on ``[lo - 0.5, hi + 0.5]`` and rounded,
so each whole value of its range is played as often. The indices are estimates, not verdicts: the
game-to-game noise of a point's average adds to the variance (its share is reported as ``noise``),
which raises every ST a little; more runs per point lower it.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from wargame.analysis import metrics
from wargame.analysis.batched import BATCH_MIN, play_games_batch
from wargame.engine.parameters import compile_formulas
from wargame.engine.rulebook import DECKS_DIR, RULES_DIR, Rulebook, load_rulebook

RESAMPLES = 200
"""Bootstrap resamples behind each index's 95% interval."""
MAX_SAMPLES = 4096
"""The most base samples (``--samples``): a study plays ``samples * (parameters + 2)`` points."""


METRIC_ALIASES = {"rapprochement_by_end": "rapprochement"}
"""Other names an analyst may use for a metric: ``rapprochement`` is whether AQ and IS came to
terms by the end of the game, which is what "rapprochement by the end" asks."""


class SensitivityError(Exception):
    """A study that cannot be run or analysed, as one line (the command's exit code is ``code``)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


# --- the parameters, their ranges, the metric ----------------------------------------------------


def choose(rulebook: Rulebook, ranges: Mapping[str, tuple[float, float]], params: Sequence[str],
           metric: str, known_metrics: Iterable[str]) -> None:
    """Refuse (:class:`SensitivityError`, code 2, listing the choices) a parameter that is not the
    rulebook's or has no declared range, one named twice, fewer than two, or an unknown metric."""
    have = ", ".join(ranges) or "none"
    for name in params:
        if name not in rulebook.parameters:
            raise SensitivityError(f"no parameter {_short(name)!r} (parameters with a declared range: {have})", 2)
        if name not in ranges:
            raise SensitivityError(f"parameter {name} has no declared range in [parameter_ranges] of parameters.toml "
                                   f"(parameters with one: {have})", 2)
    if len(set(params)) != len(params):
        raise SensitivityError(f"a parameter is named twice in {', '.join(params)}", 2)
    if len(params) < 2:
        raise SensitivityError(f"name two parameters or more, e.g. --params {','.join(list(ranges)[:3])} "
                               f"(with a declared range: {have})", 2)
    known = list(known_metrics)
    if metric not in known:
        import difflib

        close = difflib.get_close_matches(metric, known, 3, 0.6)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        plain = [m for m in known if ":" not in m]
        raise SensitivityError(f"no metric {_short(metric)!r}: {hint}every one: wargame calibrate --metrics; "
                               f"metrics: {', '.join(plain)}", 2)


def _short(text: str, most: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1] + "…"


def whole(rulebook: Rulebook, name: str) -> bool:
    """Is ``name`` a whole-number parameter (drawn on a widened range, then rounded)?"""
    return isinstance(rulebook.parameters[name], int)


def problem(ranges: Mapping[str, tuple[float, float]], names: Sequence[str], whole_names: Iterable[str] = ()) -> dict:
    """SALib's problem: ``names`` over their ranges, a whole-number one's widened by half a step
    either way (see the module's notes)."""
    wholes = set(whole_names)
    bounds = [[ranges[n][0] - 0.5, ranges[n][1] + 0.5] if n in wholes else list(ranges[n]) for n in names]
    return {"num_vars": len(names), "names": list(names), "bounds": bounds}


def played_value(value: float, whole_number: bool, lo: float, hi: float) -> float | int:
    """The value a sample stands for: a whole-number parameter's rounded (half up) into its range."""
    if not whole_number:
        return float(min(hi, max(lo, value)))
    return int(min(hi, max(lo, math.floor(value + 0.5))))


def with_parameters(rulebook: Rulebook, values: Mapping[str, float]) -> Rulebook:
    """``rulebook`` with some parameters set to ``values`` (a whole-number one's rounded): the
    formulas recompiled with them, so their bounds are those the values give. The engine and the
    bots read every parameter off :attr:`Rulebook.parameters` on each board, so the games see them."""
    params = dict(rulebook.parameters)
    for name, v in values.items():
        params[name] = int(math.floor(v + 0.5)) if isinstance(params[name], int) else float(v)
    problems: list[str] = []
    formulas, text, _bounds = compile_formulas(rulebook.formula_text, params, problems.append)
    if problems:
        raise SensitivityError(f"with {', '.join(f'{n}={params[n]:g}' for n in values)}: {problems[0]}", 3)
    max_orders = params.get("max_orders", rulebook.max_orders)
    return attrs.evolve(rulebook, parameters=params, formulas=formulas, formula_text=text,
                        max_orders=int(max_orders))


# --- sampling and analysis (the same path for the game and for a test function) ----------------


def _salib_seed(master: int, what: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"sensitivity:{what}:{master}".encode(), digest_size=4).digest(), "big")


def sample(prob: dict, samples: int, seed: int) -> Any:
    """The points to evaluate, ``samples * (parameters + 2)`` rows of values (first-order and total
    indices only): Saltelli's scheme on a Sobol sequence scrambled from ``seed``."""
    from SALib.sample import sobol as sobol_sample

    return sobol_sample.sample(prob, samples, calc_second_order=False, seed=_salib_seed(seed, "sample"))


@frozen
class Index:
    """One parameter's Sobol indices, each with the half-width of its 95% interval."""

    name: str
    s1: float
    s1_conf: float
    st: float
    st_conf: float

    def as_dict(self) -> dict[str, Any]:
        return {"parameter": self.name, "S1": self.s1, "S1_ci": [self.s1 - self.s1_conf, self.s1 + self.s1_conf],
                "ST": self.st, "ST_ci": [self.st - self.st_conf, self.st + self.st_conf]}


def analyse(prob: dict, ys: Any, seed: int) -> list[Index]:
    """The indices of the outputs ``ys`` (one a point of :func:`sample`), the largest ST first."""
    import numpy as np
    from SALib.analyze import sobol as sobol_analyze

    y = np.asarray(ys, dtype=float)
    if not np.all(np.isfinite(y)):
        raise SensitivityError(f"{int(np.sum(~np.isfinite(y)))} of {len(y)} points have no value: no index can be worked out")
    if float(np.var(y)) == 0.0:
        raise SensitivityError(f"the metric is {y[0]:g} at every point: it does not vary over these ranges, so no "
                               "parameter drives it (try more runs per point, other parameters or another metric)")
    out = sobol_analyze.analyze(prob, y, calc_second_order=False, num_resamples=RESAMPLES, conf_level=0.95,
                                seed=_salib_seed(seed, "bootstrap"))
    rows = [Index(n, float(out["S1"][i]), float(out["S1_conf"][i]), float(out["ST"][i]), float(out["ST_conf"][i]))
            for i, n in enumerate(prob["names"])]
    return sorted(rows, key=lambda r: (-r.st, -r.s1, r.name))


def run_study(prob: dict, samples: int, seed: int, evaluate: Callable[[Any], Any]) -> tuple[Any, Any, list[Index]]:
    """Sample, evaluate (``evaluate`` maps the points to one output each), analyse: ``(points,
    outputs, indices)``. The game's study and a test function's take this same path."""
    points = sample(prob, samples, seed)
    ys = evaluate(points)
    return points, ys, analyse(prob, ys, seed)


# --- playing the points ----------------------------------------------------------------------------


def point_seed(master: int, game: int) -> int:
    """The seed of game ``game`` of every point of a study with master seed ``master``: the same at
    each point (common random numbers), so the points differ by their parameters, not their dice."""
    digest = hashlib.blake2b(f"sensitivity:{master}:{game}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


@frozen
class Job:
    """One point to play: the parameters' values there, and the seeds of its games."""

    point: int
    values: tuple[tuple[str, float | int], ...]
    scenario: str
    seats: tuple[tuple[str, str], ...]
    metric: str
    seeds: tuple[int, ...]
    engine: str = "batch"


Runner = Callable[[Iterable[Job]], Iterator[tuple[int, list[float | None]]]]
"""Plays jobs and yields ``(point, the metric of each game)`` for each, in the jobs' order."""


def play_point(rulebook: Rulebook, job: Job) -> tuple[int, list[float | None]]:
    """Play a point's games on ``rulebook`` with the point's parameter values; the metric of each."""
    book = with_parameters(rulebook, dict(job.values))
    seats = dict(job.seats)
    if job.engine == "batch" and len(job.seeds) >= BATCH_MIN:  # one batch of the batch engine: the same results
        return job.point, [r.metrics.get(job.metric) for r in play_games_batch(book, job.scenario, job.seeds, seats)]
    return job.point, [metrics.play_game(book, job.scenario, seed, seats, index=g).metrics.get(job.metric)
                       for g, seed in enumerate(job.seeds)]


_WORKER: dict[str, Any] = {}


def _init_worker(rules: str, decks: str) -> None:
    _WORKER["rulebook"] = load_rulebook(Path(rules), Path(decks))  # once per worker process


def _play_in_worker(job: Job) -> tuple[int, list[float | None]]:
    return play_point(_WORKER["rulebook"], job)


WINDOW = 4
"""Points in flight per worker process: what is handed out before a result is back."""


def local_runner(rulebook: Rulebook, workers: int, rules_dir: Path | None = None, decks_dir: Path | None = None,
                 progress: Callable[[int], None] | None = None) -> Runner:
    """A runner on this machine: ``workers`` processes (the "spawn" context, each loading the
    rulebook once from ``rules_dir`` and ``decks_dir``, as :mod:`wargame.analysis.pool` does), or
    this process for one; ``progress`` is told how many games each point held."""

    def run(jobs: Iterable[Job]) -> Iterator[tuple[int, list[float | None]]]:
        if workers <= 1:
            for job in jobs:
                out = play_point(rulebook, job)
                if progress:
                    progress(len(job.seeds))
                yield out
            return
        ctx = multiprocessing.get_context("spawn")
        init = (str(rules_dir or RULES_DIR), str(decks_dir or DECKS_DIR))
        with ctx.Pool(workers, initializer=_init_worker, initargs=init) as pool:
            flight: deque = deque()

            def done() -> tuple[int, list[float | None]]:
                job, pending = flight.popleft()
                out = pending.get()
                if progress:
                    progress(len(job.seeds))
                return out

            for job in jobs:
                flight.append((job, pool.apply_async(_play_in_worker, (job,))))
                while len(flight) >= workers * WINDOW:
                    yield done()
            while flight:
                yield done()

    return run


def workers_for(points: int, requested: int | None) -> int:
    """Worker processes for ``points`` points: as asked (default one per core), never more than
    the cores nor the points."""
    cpus = os.cpu_count() or 1
    return max(1, min(requested or cpus, cpus, points))


def make_runner(rulebook: Rulebook, points: int, workers: int | None, rules_dir: Path | None = None,
                decks_dir: Path | None = None, progress: Callable[[int], None] | None = None,
                cluster: Any = None) -> tuple[Runner, int]:
    """The runner that plays a study's points, and how many play at once: the one place a runner
    is chosen. Worker processes here by default; with ``cluster`` (a connected
    :class:`wargame.analysis.cluster.Cluster`, from ``--scheduler``), the points are played on its
    Dask workers, each point's games seeded as here, so the indices are the same."""
    if cluster is not None:
        return cluster.runner(play_point, rulebook, lambda result: len(result[1]), progress), cluster.threads
    n = workers_for(points, workers)
    return local_runner(rulebook, n, rules_dir, decks_dir, progress), n


@frozen
class GameStudy:
    """What the points of a game's study are played with: the fixed parts of each :class:`Job`."""

    rulebook: Rulebook
    names: tuple[str, ...]
    ranges: Mapping[str, tuple[float, float]]
    scenario: str
    seats: Mapping[str, str]
    metric: str
    runs_per_point: int
    seed: int
    engine: str = "batch"

    def jobs(self, points: Any) -> Iterator[Job]:
        """A :class:`Job` a point, made as they are handed out."""
        seats = tuple(sorted(self.seats.items()))
        for p, row in enumerate(points):
            values = tuple((n, played_value(float(v), whole(self.rulebook, n), *self.ranges[n]))
                           for n, v in zip(self.names, row))
            seeds = tuple(point_seed(self.seed, g) for g in range(self.runs_per_point))
            yield Job(p, values, self.scenario, seats, self.metric, seeds, self.engine)


def evaluate_games(study: GameStudy, runner: Runner, stats: dict[str, Any] | None = None) -> Callable[[Any], Any]:
    """``evaluate`` for :func:`run_study`: each point's metric averaged over its games (those where
    it applies). ``stats``, if given, receives ``noise``: the share of the outputs' variance that is
    the game-to-game noise of a point's average (None with one game a point), and ``skipped``: the
    games where the metric did not apply."""
    import numpy as np

    def evaluate(points: Any) -> Any:
        ys = np.full(len(points), np.nan)
        within: list[float] = []
        skipped = 0
        for p, values in runner(study.jobs(points)):
            defined = [float(v) for v in values if v is not None and not math.isnan(v)]
            skipped += len(values) - len(defined)
            if defined:
                ys[p] = sum(defined) / len(defined)
            if len(defined) > 1:
                within.append(float(np.var(defined, ddof=1)) / len(defined))
        if stats is not None:
            total = float(np.nanvar(ys)) if np.any(np.isfinite(ys)) else 0.0
            stats["noise"] = (sum(within) / len(within) / total) if within and total > 0 else None
            stats["skipped"] = skipped
        missing = int(np.sum(np.isnan(ys)))
        if missing:
            raise SensitivityError(f"{study.metric} does not apply in any game at {missing} of {len(ys)} points "
                                   "(it is n/a there): use more --runs-per-point or another metric")
        return ys

    return evaluate
