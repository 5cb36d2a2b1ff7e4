"""``--scheduler ADDRESS``: the games of simulate, claims and calibrate played on a Dask cluster give
exactly the results of a run here (wargame/analysis/cluster.py); a scheduler that cannot be reached,
or has no worker, is one line and exit 2 within seconds, never a traceback or a hang.

The cluster is a small one in this process (``LocalCluster(processes=False)``: a scheduler and a
worker with two threads), reached by its address as any other would be.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.bounded import in_process, one_line
from wargame.analysis import cluster
from wargame.analysis.arms import BASELINE
from wargame.analysis.cluster import ClusterError, stream_chunks
from wargame.analysis.pool import Batch, run_batches
from wargame.bots.play import parse_seats
from wargame.engine.rulebook import load_rulebook

distributed = pytest.importorskip("distributed")

RULEBOOK = load_rulebook()


@pytest.fixture(scope="module")
def address():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0") as lc:
        yield lc.scheduler_address


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1.0)


def test_the_chunks_played_on_the_cluster_are_those_played_here(address):
    batches = [Batch("exercise", parse_seats("all=doctrine:mixed"), BASELINE, 11, 5, tracks=True),
               Batch("exercise", parse_seats("all=random"), BASELINE, 7, 6)]
    here = run_batches(RULEBOOK, batches, 1)
    there: list[list] = [[] for _ in batches]
    seen = []
    with stream_chunks(RULEBOOK, batches, scheduler=address, progress=seen.append) as games:
        assert games.workers == 2 and address in games.where
        for b, results in games:
            there[b].extend(results)
    assert there == here  # every metric, series and track of every game, in game order
    assert sum(seen) == 18


@pytest.mark.parametrize("argv", [
    ["simulate", "--scenario", "exercise", "--runs", "6", "--seed", "3", "--json"],
    ["claims", "--scenario", "exercise", "--runs", "4", "--only", "C8b", "--json"],
    ["calibrate", "--runs", "4", "--only", "talks-opened", "--json"],
    # the power gap at the end moves with the upkeep and defection in every game (unlike a
    # rare outcome, which a study this small may never see, and then cannot be analysed)
    ["sensitivity", "--params", "upkeep_rate,defection_per_lost", "--samples", "2", "--runs-per-point", "2",
     "--scenario", "exercise", "--metric", "power_gap", "--json"],
])
def test_a_study_on_the_cluster_gives_the_results_of_a_run_here(address, argv):
    here = in_process([*argv, "--workers", "1"])
    there = in_process([*argv, "--scheduler", address])
    assert here.code == there.code and here.code in (0, 1), here.err + there.err
    assert json.loads(there.out) == json.loads(here.out)
    assert "Traceback" not in there.err and "2 workers" in there.err


def test_the_tables_of_a_run_on_the_cluster_are_those_of_a_run_here(address, tmp_path):
    argv = ["simulate", "--scenario", "exercise", "--runs", "5", "--seed", "2", "--json"]
    assert in_process([*argv, "--workers", "1", "--games-out", tmp_path / "a.csv", "--series-out", tmp_path / "a.jsonl"]).code == 0
    assert in_process([*argv, "--scheduler", address, "--games-out", tmp_path / "b.csv",
                       "--series-out", tmp_path / "b.jsonl"]).code == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


@pytest.mark.parametrize("where", ["tcp://127.0.0.1:1", "127.0.0.1:1", "nonsense", "foo://x:1", "tcp://[::1:1"])
@pytest.mark.parametrize("command", ["simulate", "claims", "calibrate", "sensitivity"])
def test_an_unreachable_or_wrong_address_is_one_line_exit_2(quick, tmp_path, where, command):
    argv = [command, "--scheduler", where] + (["--params", "talks_per_gap,ego_weight"] if command == "sensitivity" else ["--runs", "2"])
    argv += ["--games-out", tmp_path / "g.parquet"] if command == "simulate" else []
    done = in_process(argv)
    assert "Dask scheduler" in one_line(done, 2, where)
    assert done.seconds < 5
    assert os.listdir(tmp_path) == []  # nothing written, not even half


def test_a_scheduler_without_workers_is_one_line(quick):
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as empty:
        done = in_process(["simulate", "--runs", "2", "--scheduler", empty.scheduler_address])
    assert "no worker" in one_line(done, 2, "dask worker")


def test_a_blank_address_is_refused_by_the_command_line():
    one_line(in_process(["simulate", "--scheduler", "a b"]), 2, "--scheduler")


def test_a_connection_failure_is_a_cluster_error_not_a_traceback(quick):
    with pytest.raises(ClusterError, match="no Dask scheduler at tcp://127.0.0.1:1"):
        stream_chunks(RULEBOOK, [Batch("exercise", parse_seats("all=random"), BASELINE, 1, 1)],
                      scheduler="tcp://127.0.0.1:1")


class _Server:
    """A TCP server on a free port of this machine that is not a Dask scheduler: ``reply`` is
    what it sends to whoever connects (None: it accepts and never says a word)."""

    def __init__(self, reply: bytes | None):
        import socket
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.address = f"tcp://127.0.0.1:{self.sock.getsockname()[1]}"
        self.held: list = []
        self.reply = reply
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)  # kept open: a silent peer, not a closed one
            if self.reply is not None:
                conn.sendall(self.reply)

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.mark.parametrize("reply", [None, b"HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n" * 4],
                         ids=["silent", "http"])
def test_a_server_that_is_not_a_dask_scheduler_is_one_line_exit_2_not_a_hang(quick, reply):
    server = _Server(reply)
    try:
        done = in_process(["simulate", "--runs", "2", "--scheduler", server.address])
    finally:
        server.close()
    line = one_line(done, 2, "no Dask scheduler at")
    assert "EiB" not in line and "array" not in line
    assert done.seconds < 10  # the (shortened) connect timeout and two seconds, and the start-up
