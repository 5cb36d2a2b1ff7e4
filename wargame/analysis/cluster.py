"""Where a study's games are played: worker processes on this machine (the default), or the
workers of a Dask distributed cluster (``--scheduler ADDRESS``).

:func:`stream_chunks` is the one way in, for ``simulate``, ``claims``, ``calibrate`` and any
other study: it hands out the same chunks of games either way
(:func:`wargame.analysis.pool.chunk_jobs`, each played by :func:`wargame.analysis.pool.play_chunk`)
and yields their results chunk by chunk, games in order within each batch, so a run on a cluster
gives exactly the results of a run here (a game's seed depends on its index alone; see
:func:`wargame.analysis.pool.game_seed`). :meth:`Cluster.runner` plays any other kind of job the
same way (a study of its own, e.g. ``wargame sensitivity``'s points).

On a cluster the rulebook is sent once to every worker (``Client.scatter``): as its files, from
which each worker process loads it once, when the caller gives a :data:`Source` (the command line
gives :func:`wargame.record.bundle.rulebook_from` and the rulebook's bundle), else as the object
itself (pickled by value: slower, seconds for a big rulebook). Each chunk is one task, and at most
:data:`wargame.analysis.pool.WINDOW` chunks per worker thread are in flight: results come back as
they are played, and memory does not grow with the number of games. The scheduler and the workers
must run the same version of wargame as this process (checked on connecting). A scheduler that
cannot be reached within :data:`CONNECT_TIMEOUT` seconds, or that has no worker, is a
:class:`ClusterError` (one line), raised before any game is handed out.
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from wargame.analysis.metrics import GameResult
from wargame.analysis.pool import WINDOW, Batch, Job, chunk_jobs, play_chunk, stream_batches, workers_for
from wargame.engine.rulebook import Rulebook

CONNECT_TIMEOUT = 5.0
"""Seconds to reach the scheduler, and for it to have a worker, before giving up."""


class ClusterError(Exception):
    """The cluster cannot be reached or used; the message is one line."""


def _line(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text if len(text) <= 200 else text[:199] + "…"


class Games:
    """The games of some batches as they are played: iterate for (batch, results of a chunk of its
    games). ``workers`` is how many play at once (processes here, or the cluster's worker
    threads); ``where`` says where, in words. Use as a context manager (or call :meth:`close`) to
    let go of the cluster early."""

    def __init__(self, chunks: Iterator[tuple[int, list[GameResult]]], workers: int, where: str,
                 cluster: Cluster | None = None):
        self._chunks = chunks
        self.workers = workers
        self.where = where
        self._cluster = cluster

    def __iter__(self) -> Iterator[tuple[int, list[GameResult]]]:
        return self._chunks

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
        if self._cluster is not None:
            self._cluster.close()

    def __enter__(self) -> Games:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def stream_chunks(rulebook: Rulebook, batches: Sequence[Batch], workers: int | None = None,
                  scheduler: str | Cluster | None = None, rules_dir: Path | None = None, decks_dir: Path | None = None,
                  progress: Callable[[int], None] | None = None) -> Games:
    """Play every batch, here (``scheduler`` None: ``workers`` processes, as
    :func:`wargame.analysis.pool.stream_batches`) or on the Dask cluster whose scheduler is at
    ``scheduler`` (``tcp://host:8786``, or a :class:`Cluster` already connected, which is closed
    when the games are done). Connects at once: raises :class:`ClusterError` before any game if the
    cluster cannot be used. ``progress`` is told how many games each chunk held."""
    if scheduler is None:
        n = workers_for(batches, workers)
        return Games(stream_batches(rulebook, batches, n, rules_dir, decks_dir, progress), n,
                     f"{n} worker process{'es' if n > 1 else ''}")
    cluster = scheduler if isinstance(scheduler, Cluster) else Cluster(scheduler)
    run = cluster.runner(_play_owned, rulebook, lambda owned: len(owned[1]), progress)
    chunks = run(chunk_jobs(batches, cluster.threads))
    return Games(chunks, cluster.threads, f"{cluster.threads} worker thread{'s' if cluster.threads > 1 else ''} "
                 f"at {cluster.address}", cluster)


def _play_owned(rulebook: Rulebook, owned: tuple[int, Job]) -> tuple[int, list[GameResult]]:
    """A chunk of games of batch ``owned[0]``, played on a Dask worker."""
    return owned[0], play_chunk(rulebook, owned[1])


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Dask's own log lines off while connecting and closing: a failure is our one line."""
    log = logging.getLogger("distributed")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        log.setLevel(level)


J = TypeVar("J")
R = TypeVar("R")

Source = tuple[Callable[..., Rulebook], tuple[Any, ...]]
"""How a worker gets the rulebook: a module-level function it can import, and its arguments, plain
data (``(rulebook_from, (bundle, digest))``); the function should keep what it loaded."""


def _play_sourced(loader: Callable[..., Rulebook], payload: tuple[Any, ...], task: Callable[[Rulebook, J], R],
                  job: J) -> R:
    """A job on a worker, on the rulebook ``loader(*payload)`` gives (loaded once a process)."""
    return task(loader(*payload), job)


class Cluster:
    """A connection to the Dask scheduler at ``address``, with at least one worker that runs this
    version of wargame (else :class:`ClusterError`, within about :data:`CONNECT_TIMEOUT` seconds a
    step). ``threads``: the worker threads it has, that is how many tasks run at once. ``source``:
    how the workers get the rulebook (:data:`Source`; without one, it is sent as an object). Close
    it (or use it as a context manager) when done."""

    def __init__(self, address: str, source: Source | None = None):
        self.address = address
        self.source = source
        try:
            from distributed import Client
        except ImportError:
            raise ClusterError("--scheduler needs Dask's distributed package (pip install distributed)") from None
        with _quiet():
            _reach(address)
            try:
                self.client: Any = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
            except Exception as e:
                raise ClusterError(f"no Dask scheduler at {address}: {_line(e)}") from None
            try:
                self.client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
                versions = self.client.run(_version)
                self.threads = max(1, sum(self.client.nthreads().values()))
            except TimeoutError:
                self.close()
                raise ClusterError(f"the Dask scheduler at {address} has no worker (start one: dask worker {address})") from None
            except Exception as e:
                self.close()
                raise ClusterError(f"the workers at {address} cannot run wargame ({_line(e)}): start them where "
                                   "wargame is installed") from None
        from wargame import __version__

        wrong = sorted({v for v in versions.values() if v != __version__})
        if wrong:
            self.close()
            raise ClusterError(f"the workers at {address} run wargame {', '.join(wrong)}, this is {__version__}: "
                               "the same version must play every game")

    def runner(self, task: Callable[[Rulebook, J], R], rulebook: Rulebook, games: Callable[[R], int] | None = None,
               progress: Callable[[int], None] | None = None) -> Callable[[Iterable[J]], Iterator[R]]:
        """A function that plays jobs on the cluster: ``task(rulebook, job)`` a job (``task`` a
        module-level function the workers can import), the rulebook sent to every worker once, at
        most :data:`WINDOW` jobs a worker thread in flight, the results yielded in the jobs' order
        as they come back. ``progress`` is told ``games(result)`` for each. A failure is a
        :class:`ClusterError`; the connection is closed when the jobs are done."""

        def run(jobs: Iterable[J]) -> Iterator[R]:
            flight: deque = deque()
            try:
                try:
                    if self.source is not None:
                        loader, payload = self.source
                        [book] = self.client.scatter([payload], broadcast=True, hash=False)
                    else:
                        book = self.client.scatter(rulebook, broadcast=True, hash=False)
                except Exception as e:
                    raise ClusterError(f"could not send the rulebook to the workers at {self.address}: {_line(e)}") from None

                def done() -> R:
                    try:
                        result = flight.popleft().result()
                    except Exception as e:
                        raise ClusterError(f"games failed on the cluster at {self.address}: {type(e).__name__}: "
                                           f"{_line(e)}") from None
                    if progress and games:
                        progress(games(result))
                    return result

                for job in jobs:
                    try:
                        if self.source is not None:
                            flight.append(self.client.submit(_play_sourced, loader, book, task, job, pure=False))
                        else:
                            flight.append(self.client.submit(task, book, job, pure=False))
                    except Exception as e:
                        raise ClusterError(f"could not hand games to the cluster at {self.address}: {_line(e)}") from None
                    while len(flight) >= self.threads * WINDOW:
                        yield done()
                while flight:
                    yield done()
            finally:
                for future in flight:
                    future.cancel()
                self.close()

        return run

    def close(self) -> None:
        client, self.client = getattr(self, "client", None), None
        if client is None:
            return
        with _quiet():
            try:
                client.close(timeout=CONNECT_TIMEOUT)
            except Exception:
                pass

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _reach(address: str) -> None:
    """Ask the scheduler who it is, so that a wrong or dead address fails here in one line (a
    failed ``Client`` leaves a thread trying to close it for seconds), and so does a server that is
    not a Dask scheduler: one that never answers (Dask's own handshake would wait for ever) or
    answers something else (which Dask may read as a frame exabytes long)."""
    import asyncio

    from distributed.comm import connect as open_comm

    if address.startswith("inproc://"):
        return  # a scheduler in this very process: nothing to reach over the network
    try:
        asyncio.get_running_loop()
        return  # inside an event loop: the Client itself will say
    except RuntimeError:
        pass

    async def reach() -> Any:
        comm = await open_comm(address, timeout=CONNECT_TIMEOUT)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    try:
        # one bound on all of it: the connection, Dask's handshake and the answer
        who = asyncio.run(asyncio.wait_for(reach(), CONNECT_TIMEOUT + 2))
    except TimeoutError:
        raise ClusterError(f"no Dask scheduler at {address}: nothing answered as one within "
                           f"{CONNECT_TIMEOUT + 2:g} s") from None
    except (MemoryError, OverflowError):
        raise ClusterError(f"no Dask scheduler at {address}: what answers there does not speak Dask's protocol") from None
    except Exception as e:  # a bad address (ValueError), nobody there (OSError), a closed connection
        raise ClusterError(f"no Dask scheduler at {address}: {_line(e)}") from None
    if not (isinstance(who, dict) and who.get("type") == "Scheduler"):
        raise ClusterError(f"no Dask scheduler at {address}: what answers there is not one "
                           f"({_line(Exception(str(who)[:80]))})")


def _version() -> str:
    from wargame import __version__

    return __version__
