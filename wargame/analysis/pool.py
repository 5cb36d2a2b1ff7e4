"""Many games, in parallel: batches (:class:`Batch`) of bot-only games played over worker processes.

The seed of game ``i`` of a run is derived from the master seed and ``i`` (:func:`game_seed`), so
the results are the same whatever the number of worker processes. :func:`stream_batches` hands
the games out in chunks and yields their results as they come back, so memory does not grow with
the number of games; :func:`run_batches` keeps them all (for a test, or a few games). A chunk of
games is a :data:`Job`, played by :func:`play_chunk` here or on a Dask cluster
(:mod:`wargame.analysis.cluster`, which also chooses between the two).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from wargame.analysis.arms import Arm, play_game
from wargame.analysis.batched import BATCH_MIN, batch_plays, play_games_batch
from wargame.analysis.metrics import GameResult
from wargame.engine.rulebook import DECKS_DIR, RULES_DIR, Rulebook, load_rulebook


def game_seed(master: int, index: int) -> int:
    """The seed of game ``index`` of a run with master seed ``master``: the same in any process."""
    digest = hashlib.blake2b(f"simulate:{master}:{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


_WORKER: dict[str, Any] = {}


def _init_worker(rules: str, decks: str) -> None:
    _WORKER["rulebook"] = load_rulebook(Path(rules), Path(decks))  # once per worker process


def worker_pool(ctx: Any, workers: int, initializer: Callable[..., None], initargs: tuple) -> Any:
    """``ctx.Pool(workers, initializer, initargs)`` whose processes ignore Ctrl+C (SIGINT): a
    terminal sends it to every process of the command, and only this one should answer it (its
    ``with`` block then ends the workers), not each worker with a traceback of its own. The
    workers are started with SIGINT ignored, which a new Python process keeps from its first
    instruction; this process's own handler is put back at once."""
    import signal

    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: it receives no signal to pass on
        return ctx.Pool(workers, initializer=initializer, initargs=initargs)
    try:
        return ctx.Pool(workers, initializer=initializer, initargs=initargs)
    finally:
        signal.signal(signal.SIGINT, previous)


Job = tuple[str, Mapping[str, str], Arm, tuple[tuple[int, int], ...], bool, str]
"""A chunk of games to play: scenario, seats, arm, (game index, seed) of each game, whether to
keep every track turn by turn (:attr:`Batch.tracks`), and the engine (:attr:`Batch.engine`)."""


def play_chunk(rulebook: Rulebook, job: Job) -> list[GameResult]:
    """Play a chunk of games (in this process: a worker's, or a Dask worker's), in game order: as
    one batch of the batch engine where it can play the arm, else game by game (the same results)."""
    scenario, seats, arm, games, tracks, *engine = job
    if engine and engine[0] == "batch" and batch_plays(arm) and len(games) >= BATCH_MIN:
        return play_games_batch(rulebook, scenario, [seed for _, seed in games], seats, arm, [i for i, _ in games],
                                keep_tracks=tracks)
    keep = {"keep_tracks": True} if tracks else {}
    return [play_game(rulebook, scenario, seed, seats, arm, i, **keep) for i, seed in games]


def _run_chunk(job: Job) -> list[GameResult]:
    return play_chunk(_WORKER["rulebook"], job)


@frozen
class Batch:
    """Games to play: one arm of one scenario, game indices ``0..runs-1``; ``tracks``: keep every
    track of every game turn by turn (``simulate --series-out``), else only the charted series."""

    scenario: str
    seats: Mapping[str, str]
    arm: Arm
    runs: int
    master_seed: int
    tracks: bool = False
    engine: str = "batch"

    @property
    def batched(self) -> bool:
        """Whether its games are played as batches of the batch engine (``engine`` "batch" and an
        arm it can play: :func:`~wargame.analysis.batched.batch_plays`)."""
        return self.engine == "batch" and batch_plays(self.arm)


MAX_RUNS = 1_000_000
"""The most games ``simulate``, ``calibrate`` (per seat set) and ``claims`` (per arm) play in one run."""
WINDOW = 4
"""Chunks of games in flight per worker process: what is handed out before a result is back."""


BATCH_CHUNK = 1000
"""The most games in one chunk played as a batch (fewer when keeping every track): what bounds a
worker's memory, whatever ``--runs``."""


def _chunk_size(runs: int, workers: int, batched: bool = False, tracks: bool = False) -> int:
    if batched:  # big enough for the batch to pay, small enough to share out and to keep in memory
        shared = -(-runs // (workers * 2)) if workers > 1 else runs
        return max(1, min(BATCH_CHUNK // 10 if tracks else BATCH_CHUNK, max(shared, min(runs, BATCH_MIN))))
    return max(1, min(8, runs // max(1, workers * 16)))


def _size(b: Batch, workers: int) -> int:
    return _chunk_size(max(b.runs, 1), workers, b.batched, b.tracks)


def scalar_note(batches: Sequence[Batch]) -> str | None:
    """One line saying which arms the scalar engine plays although the batch engine was asked
    for (a setup the batch engine does not know: :func:`batch_plays`); None if none."""
    fallen = [b for b in batches if b.engine == "batch" and not b.batched]
    if not fallen:
        return None
    return (f"{len(fallen)} of {len(batches)} arm{'s' if len(batches) > 1 else ''} played with the scalar engine "
            "(their opening boards hold offshoots the batch engine cannot key: the same results, more slowly)")


FEW_GAMES = 200
"""Fewer games than this in all are played in the command's own process unless --workers asks
for more: a worker process takes a second or two to start (Python, NumPy, the rulebook), about
as long as a couple of hundred games take to play."""


def workers_for(batches: Sequence[Batch], requested: int | None = None) -> int:
    """How many worker processes play ``batches``: as many as asked (default: one per core, or
    one for fewer than :data:`FEW_GAMES` games in all), but never more than the cores, nor than
    the chunks of games there are to hand out."""
    if requested is None and sum(b.runs for b in batches) < FEW_GAMES:
        return 1
    cpus = os.cpu_count() or 1
    wanted = max(1, min(requested or cpus, cpus))
    chunks = sum(-(-b.runs // _size(b, wanted)) for b in batches)
    return max(1, min(wanted, chunks))


def _jobs(batches: Sequence[Batch], workers: int) -> Iterator[tuple[int, Job]]:
    """(batch, job) for every chunk of games, made as they are handed out (never all at once):
    chunk by chunk, and within a chunk batch by batch, so the arms of paired games come back
    side by side."""
    sizes = [_size(b, workers) for b in batches]
    starts = [0] * len(batches)
    while any(start < b.runs for start, b in zip(starts, batches)):
        for i, b in enumerate(batches):
            if starts[i] < b.runs:
                chunk = range(starts[i], min(b.runs, starts[i] + sizes[i]))
                starts[i] = chunk.stop
                yield i, (b.scenario, dict(b.seats), b.arm, tuple((g, game_seed(b.master_seed, g)) for g in chunk), b.tracks,
                                  b.engine)


chunk_jobs = _jobs
"""Every chunk of games of ``batches``, as (batch, :data:`Job`), made as they are handed out."""


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
        for b, job in _jobs(batches, workers):
            results = play_chunk(rulebook, job)
            if progress:
                progress(len(results))
            yield b, results
        return

    ctx = multiprocessing.get_context("spawn")
    init = (str(rules_dir or RULES_DIR), str(decks_dir or DECKS_DIR))
    with worker_pool(ctx, workers, _init_worker, init) as pool:
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

