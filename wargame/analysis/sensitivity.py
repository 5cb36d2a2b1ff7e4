"""``wargame sensitivity``: which of the rulebook's parameters drive an outcome, by Sobol indices.

The parameters named are varied together over their declared ranges (``[parameter_ranges]`` of
``rules/parameters.toml``, :func:`wargame.engine.parameters.declared_ranges`); every other one is
held at its value. SALib draws the points (Saltelli's scheme on a scrambled Sobol sequence,
:func:`sample`); at each point the rulebook is rebuilt with those values (:func:`with_parameters`:
the formulas recompiled, so their bounds are the new values'; the engine reads the values off the
rulebook at every turn) and ``runs_per_point`` bot games are played, the metric averaged over those
where it applies. SALib then works out each parameter's first-order index S1 (the share of the
metric's variance it explains alone) and total index ST (with every interaction it takes part in),
each with a bootstrap 95% interval (:func:`analyse`).

The games of many points are played together: a *chunk* (:meth:`GameStudy.chunks`, at most
:data:`MAX_CHUNK` games, a point's games spanning chunks if need be) is ONE batch of the batch
engine whose games each carry their own point's parameter values (:func:`play_chunk`,
:mod:`wargame.batch.parameters`), game for game the results the scalar engine gives on that
point's rulebook; so even a few runs a point are played as batches. A study whose points' rulebooks
differ in more than values (:func:`shares_batches`) plays each point as a batch of its own.

Every point plays the same games: the seed of game ``g`` is derived from the master seed and ``g``
only (:func:`point_seed`). With the engine's keyed dice these are common random numbers: two
points roll the same dice wherever their boards agree, so the difference between their averages
is the parameters' doing far more than the dice's. SALib's scrambling and bootstrap are seeded from
the master seed too: the same command gives the same indices, whatever the number of worker
processes and however the games are chunked. The chunks are played by a *runner* (:data:`Runner`):
:func:`wargame.analysis.sensitivity_runs.make_runner` is the one place that chooses it (worker
processes on this machine, or a Dask scheduler's workers).

A whole-number parameter (``holdout_brutality``) is drawn on ``[lo - 0.5, hi + 0.5]`` and rounded,
so each whole value of its range is played as often. The indices are estimates, not verdicts: the
game-to-game noise of a point's average adds to the variance (its share is reported as ``noise``),
which raises every ST a little; more runs per point lower it.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
from attrs import frozen

from wargame.analysis import metrics
from wargame.analysis.batched import BATCH_MIN, play_games_batch
from wargame.analysis.catalogue import NEVER, TURN_METRICS
from wargame.engine.parameters import compile_formulas
from wargame.engine.rulebook import Rulebook

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
        raise SensitivityError(f"no metric {_short(metric)!r}: {hint}every one: wargame calibrate --metrics", 2)


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
    """Games of one point to play: the parameters' values there, and the seeds of its games (all
    of them, or a run of them from game ``first`` on: a point's games may span chunks)."""

    point: int
    values: tuple[tuple[str, float | int], ...]
    scenario: str
    seats: tuple[tuple[str, str], ...]
    metric: str
    seeds: tuple[int, ...]
    engine: str = "batch"
    first: int = 0


Chunk = tuple[Job, ...]
"""Games of one or more points played together (as one batch of the batch engine where it can)."""
Runner = Callable[[Iterable[Chunk]], Iterator[list[tuple[int, list[float | None]]]]]
"""Plays chunks and yields, for each in the chunks' order, ``(point, the metric of each game)`` of
each of its jobs in order."""

MAX_CHUNK = 2000
"""The most games in a chunk: what bounds a worker's memory (a batch of 2,000 games holds some
tens of MiB), whatever the points and runs per point."""


def play_point(rulebook: Rulebook, job: Job) -> tuple[int, list[float | None]]:
    """Play a job's games alone on ``rulebook`` with the point's parameter values; the metric of
    each: as one batch of its own where it has :data:`BATCH_MIN` games or more, else game by game."""
    book = with_parameters(rulebook, dict(job.values))
    seats = dict(job.seats)
    if job.engine == "batch" and len(job.seeds) >= BATCH_MIN:  # one batch of the batch engine: the same results
        return job.point, [r.metrics.get(job.metric) for r in play_games_batch(book, job.scenario, job.seeds, seats)]
    return job.point, [metrics.play_game(book, job.scenario, seed, seats, index=job.first + g).metrics.get(job.metric)
                       for g, seed in enumerate(job.seeds)]


def play_chunk(rulebook: Rulebook, chunk: Chunk) -> list[tuple[int, list[float | None]]]:
    """Play a chunk's games (here, in a worker process or on a Dask worker): with the batch engine,
    every game of every point in ONE batch, each game with its point's parameter values
    (:func:`~wargame.analysis.batched.play_games_batch` with a rulebook a game: the very results
    the scalar engine gives at each point); point by point (:func:`play_point`) with the scalar
    engine, for fewer than :data:`BATCH_MIN` games, or where the points' rulebooks differ in more
    than parameter values (:func:`wargame.batch.parameters.columns`: then :func:`shares_batches`
    has said so). The metric of each job's games, in the jobs' order."""
    if not chunk:
        return []
    first = chunk[0]
    if first.engine != "batch" or sum(len(j.seeds) for j in chunk) < BATCH_MIN:
        return [play_point(rulebook, job) for job in chunk]
    books = {j.values: with_parameters(rulebook, dict(j.values)) for j in chunk}
    if any((j.scenario, j.seats, j.metric) != (first.scenario, first.seats, first.metric) for j in chunk):
        raise ValueError("the jobs of a chunk play one scenario with one seat list and one metric")
    try:
        results = play_games_batch(rulebook, first.scenario, [s for j in chunk for s in j.seeds], dict(first.seats),
                                   indices=[j.first + g for j in chunk for g in range(len(j.seeds))],
                                   rulebooks=[books[j.values] for j in chunk for _ in j.seeds])
    except ValueError:  # rulebooks that cannot share a batch: each point its own (the same results)
        return [play_point(rulebook, job) for job in chunk]
    out, at = [], 0
    for j in chunk:
        out.append((j.point, [r.metrics.get(j.metric) for r in results[at:at + len(j.seeds)]]))
        at += len(j.seeds)
    return out


def shares_batches(rulebook: Rulebook, names: Sequence[str], ranges: Mapping[str, tuple[float, float]]) -> str | None:
    """None if the points of a study varying ``names`` over ``ranges`` can share batches (their
    rulebooks differ in parameter values only, each read per game); else why not, one line (the
    points are then played one batch each)."""
    from wargame.batch.parameters import columns

    try:
        for end in (0, 1):
            columns(rulebook, [rulebook, with_parameters(rulebook, {n: ranges[n][end] for n in names})])
    except (ValueError, SensitivityError) as e:
        return f"each point is played as a batch of its own ({e})"
    return None


def chunk_games(games: int, workers: int, engine: str = "batch") -> int:
    """Games a chunk: with the batch engine as many as share out over ``workers`` (twice as many
    chunks as workers, so none waits long for the last), at most :data:`MAX_CHUNK` and at least
    :data:`BATCH_MIN`; with the scalar engine a few games, to share out finely."""
    if engine != "batch":
        return max(1, min(8, games // max(1, workers * 16)))
    shared = -(-games // (workers * 2)) if workers > 1 else games
    return max(1, min(MAX_CHUNK, max(shared, min(games, BATCH_MIN))))


@frozen
class GameStudy:
    """What the points of a game's study are played with: the fixed parts of each :class:`Job`,
    and the games a chunk holds (``chunk``: :func:`chunk_games`) and whether points share one
    (``shared``: :func:`shares_batches`)."""

    rulebook: Rulebook
    names: tuple[str, ...]
    ranges: Mapping[str, tuple[float, float]]
    scenario: str
    seats: Mapping[str, str]
    metric: str
    runs_per_point: int
    seed: int
    engine: str = "batch"
    chunk: int = MAX_CHUNK
    shared: bool = True

    def jobs(self, points: Any) -> Iterator[Job]:
        """A :class:`Job` a point (all its games), made as they are handed out."""
        seats = tuple(sorted(self.seats.items()))
        seeds = tuple(point_seed(self.seed, g) for g in range(self.runs_per_point))
        for p, row in enumerate(points):
            values = tuple((n, played_value(float(v), whole(self.rulebook, n), *self.ranges[n]))
                           for n, v in zip(self.names, row))
            yield Job(p, values, self.scenario, seats, self.metric, seeds, self.engine)

    def chunks(self, points: Any) -> Iterator[Chunk]:
        """The points' games in chunks of at most ``chunk`` games, in order, made as they are handed
        out: a chunk holds the games of several points (one, unless ``shared``), and a point with
        more games than that spans chunks (a job for each part, from its game ``first``)."""
        size = max(1, self.chunk)
        held: list[Job] = []
        room = size
        for job in self.jobs(points):
            if held and not self.shared:
                yield tuple(held)
                held, room = [], size
            at = 0
            while at < len(job.seeds):
                take = min(room, len(job.seeds) - at)
                held.append(attrs.evolve(job, seeds=job.seeds[at:at + take], first=at))
                at += take
                room -= take
                if not room:
                    yield tuple(held)
                    held, room = [], size
        if held:
            yield tuple(held)


def evaluate_games(study: GameStudy, runner: Runner, stats: dict[str, Any] | None = None) -> Callable[[Any], Any]:
    """``evaluate`` for :func:`run_study`: each point's metric averaged over its games (those where
    it applies). ``stats``, if given, receives ``noise``: the share of the outputs' variance that is
    the game-to-game noise of a point's average (None with one game a point), and ``skipped``: the
    games where the metric did not apply."""
    import numpy as np

    never = study.metric in TURN_METRICS  # -1: it never came, so it does not apply in that game

    def evaluate(points: Any) -> Any:
        ys = np.full(len(points), np.nan)
        within: list[float] = []
        skipped = 0
        played: dict[int, list[float | None]] = {}  # the games of the points not yet complete
        for results in runner(study.chunks(points)):
            for p, part in results:
                values = played.setdefault(p, [])
                values.extend(part)  # (a point's parts come in game order)
                if len(values) < study.runs_per_point:
                    continue
                del played[p]
                defined = [float(v) for v in values if v is not None and not math.isnan(v) and not (never and v == NEVER)]
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
