"""Where a sensitivity study's chunks of games are played (:mod:`wargame.analysis.sensitivity`):
:func:`make_runner` is the one place that chooses, worker processes on this machine
(:func:`local_runner`) or a Dask cluster's workers (``--scheduler``); either plays each chunk with
:func:`~wargame.analysis.sensitivity.play_chunk`, so the games, and the indices, are the same.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from wargame.analysis.pool import worker_pool
from wargame.analysis.sensitivity import Chunk, Runner, chunk_games, play_chunk
from wargame.engine.rulebook import DECKS_DIR, RULES_DIR, Rulebook, load_rulebook

_WORKER: dict[str, Any] = {}


def _init_worker(rules: str, decks: str) -> None:
    _WORKER["rulebook"] = load_rulebook(Path(rules), Path(decks))  # once per worker process


def _play_in_worker(chunk: Chunk) -> list[tuple[int, list[float | None]]]:
    return play_chunk(_WORKER["rulebook"], chunk)


WINDOW = 2
"""Chunks in flight per worker process: what is handed out before a result is back."""


def _games(result: list[tuple[int, list[float | None]]]) -> int:
    return sum(len(values) for _, values in result)


def local_runner(rulebook: Rulebook, workers: int, rules_dir: Path | None = None, decks_dir: Path | None = None,
                 progress: Callable[[int], None] | None = None) -> Runner:
    """A runner on this machine: ``workers`` processes (the "spawn" context, each loading the
    rulebook once from ``rules_dir`` and ``decks_dir``, as :mod:`wargame.analysis.pool` does), or
    this process for one; ``progress`` is told how many games each chunk held."""

    def run(chunks: Iterable[Chunk]) -> Iterator[list[tuple[int, list[float | None]]]]:
        if workers <= 1:
            for chunk in chunks:
                out = play_chunk(rulebook, chunk)
                if progress:
                    progress(_games(out))
                yield out
            return
        ctx = multiprocessing.get_context("spawn")
        init = (str(rules_dir or RULES_DIR), str(decks_dir or DECKS_DIR))
        with worker_pool(ctx, workers, _init_worker, init) as pool:  # (Ctrl+C answered here, not by each worker)
            flight: deque = deque()

            def done() -> list[tuple[int, list[float | None]]]:
                out = flight.popleft().get()
                if progress:
                    progress(_games(out))
                return out

            for chunk in chunks:
                flight.append(pool.apply_async(_play_in_worker, (chunk,)))
                while len(flight) >= workers * WINDOW:
                    yield done()
            while flight:
                yield done()

    return run


def workers_for(games: int, requested: int | None, engine: str = "batch") -> int:
    """Worker processes for a study of ``games`` games: as asked (default one per core), never
    more than the cores nor the chunks they come in (:func:`chunk_games`)."""
    cpus = os.cpu_count() or 1
    wanted = max(1, min(requested or cpus, cpus))
    return max(1, min(wanted, -(-games // chunk_games(games, wanted, engine))))


def make_runner(rulebook: Rulebook, games: int, workers: int | None, rules_dir: Path | None = None,
                decks_dir: Path | None = None, progress: Callable[[int], None] | None = None,
                cluster: Any = None, engine: str = "batch") -> tuple[Runner, int]:
    """The runner that plays a study's ``games`` games, and how many workers play at once: the one
    place a runner is chosen. Worker processes here by default; with ``cluster`` (a connected
    :class:`wargame.analysis.cluster.Cluster`, from ``--scheduler``), the chunks are played on its
    Dask workers, each game seeded as here, so the indices are the same."""
    if cluster is not None:
        return cluster.runner(play_chunk, rulebook, _games, progress), cluster.threads
    n = workers_for(games, workers, engine)
    return local_runner(rulebook, n, rules_dir, decks_dir, progress), n
