"""Bad arguments, kind 7: ``--runs``, ``--workers`` and the other counts of ``simulate``, ``claims``,
``calibrate`` and ``bench`` are bounded. Out of bounds (0, negative, past the documented maximum, not
a number, a number of thousands of digits) is one line on stderr naming the argument, exit 2, before
any game is played. Within bounds, no more worker processes start than there are cores or chunks of
games, seeds are made as they are needed, and the games are summed as they come back: memory does
not grow with ``--runs``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tracemalloc
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.bounded import ROOT, files, in_process, one_line
from wargame.analysis import experiments, pool
from wargame.analysis.arms import BASELINE, play_game
from wargame.analysis.calibrate import StatTally
from wargame.analysis.claims import ClaimTally
from wargame.analysis.pool import MAX_RUNS, Batch, _jobs, workers_for
from wargame.analysis.studies import SimulationTally
from wargame.analysis.targets import Target
from wargame.bots.play import parse_seats
from wargame.cli.arguments import MAX_BENCH_GAMES, MAX_BENCH_ROUNDS
from wargame.cli.arguments import MAX_RUNS as CLI_MAX_RUNS
from wargame.cli.main import _parser
from wargame.engine.rulebook import load_rulebook

RULEBOOK = load_rulebook()
SEATS = parse_seats("all=doctrine")
COUNTED = {  # command: its options that count something, and their maximum
    "simulate": {"--runs": MAX_RUNS, "--workers": None},
    "claims": {"--runs": MAX_RUNS, "--workers": None},
    "calibrate": {"--runs": MAX_RUNS, "--workers": None},
    "bench": {"--games": MAX_BENCH_GAMES, "--rounds": MAX_BENCH_ROUNDS},
}
PAIRS = [(c, o) for c, opts in COUNTED.items() for o in opts]


def test_the_cli_and_the_analysis_agree_on_the_most_runs():
    assert CLI_MAX_RUNS == MAX_RUNS == 1_000_000


@st.composite
def out_of_bounds(draw, most: int | None) -> str:
    kind = draw(st.sampled_from(["zero", "negative", "past", "text", "float", "digits"]))
    if kind == "zero":
        return "0"
    if kind == "negative":
        return str(-draw(st.integers(1, 10**30)))
    if kind == "past":
        return str(draw(st.integers((most or 1024) + 1, 10**40)))
    if kind == "text":
        return draw(st.sampled_from(["x", "", "1e9", "ten", "0x10", "--", "1_000_000_000", " "]))
    if kind == "float":
        return draw(st.sampled_from(["1.5", "2.0", "-0.0", "nan", "inf"]))
    return "9" * draw(st.integers(5_000, 100_000))  # more digits than Python reads as an int


@given(data=st.data(), pair=st.sampled_from(PAIRS))
def test_a_count_out_of_bounds_is_one_line_exit_2_before_any_game(data, pair):
    command, option = pair
    value = data.draw(out_of_bounds(COUNTED[command][option]))
    done = in_process([command, option, value])
    line = one_line(done, 2, option)
    assert len(line) < 300 and done.seconds < 5


@pytest.mark.parametrize("command", ["simulate", "claims", "calibrate"])
def test_the_issues_billion_runs_is_refused(command):
    done = in_process([command, "--runs", "1000000000"])
    assert "at most 1,000,000" in one_line(done, 2, "--runs")


@pytest.mark.parametrize("command, option", PAIRS)
def test_the_bounds_themselves_are_accepted(command, option):
    most = COUNTED[command][option] or 1024
    for value in ("1", str(most)):
        args = _parser().parse_args([command, option, value])
        assert getattr(args, option[2:]) == int(value)
    for value in ("0", str(most + 1)):
        assert in_process([command, option, value]).code == 2


# --- workers ------------------------------------------------------------------------------------------


@given(runs=st.integers(1, MAX_RUNS), batches=st.integers(1, 30), asked=st.one_of(st.none(), st.integers(1, 10**6)))
def test_no_more_workers_than_cores_or_chunks(runs, batches, asked):
    plan = [Batch("exercise", SEATS, BASELINE, runs, 1)] * batches
    n = workers_for(plan, asked)
    assert 1 <= n <= (os.cpu_count() or 1)
    assert n <= (asked or n)
    assert n <= runs * batches  # a worker per chunk at most, and a chunk holds a game at least
    if asked is None and runs * batches < pool.FEW_GAMES:
        assert n == 1  # a few games: starting a worker would cost more than it saves
    from wargame.cli.arguments import WORKERS_HELP

    assert f"fewer than {pool.FEW_GAMES} games" in WORKERS_HELP  # (the help cannot import the pool: said twice)


@pytest.mark.parametrize("command, chunks", [("simulate", 1), ("claims", 2)])
def test_a_run_of_one_game_an_arm_starts_a_worker_a_game_at_most(command, chunks):
    argv = [command, "--runs", "1", "--workers", "1024", "--scenario", "exercise"]
    argv += ["--json"] if command == "simulate" else ["--only", "C8b", "--json"]  # C8b: two arms
    done = in_process(argv)
    assert done.code == 0, done.err
    started = int(done.err.rsplit("(", 1)[1].split()[0])
    assert started == min(chunks, os.cpu_count() or 1), done.err


# --- memory does not grow with --runs -----------------------------------------------------------------


def test_seeds_are_made_as_the_games_are_handed_out():
    tracemalloc.start()
    try:
        # chunks of up to a thousand games (a batch for the batch engine): the first few jobs
        # make only their own seeds, not the forty million of the whole run
        jobs = _jobs([Batch("exercise", SEATS, BASELINE, MAX_RUNS, 1)] * 40, 1)
        first = [next(jobs) for _ in range(3)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000 and first[0][0] == 0 and first[1][0] == 1  # chunk by chunk, arm by arm


@pytest.fixture(scope="module")
def one_game():
    return play_game(RULEBOOK, "exercise", 7, SEATS)


def fake_games(one_game, n: int):
    """``n`` results, each with metrics and series of its own (as a real game's would be)."""
    for i in range(n):
        metrics = {k: (v if v is None else float(v) + (i % 3)) for k, v in one_game.metrics.items()}
        series = {k: tuple(x + (i % 5) for x in v) for k, v in one_game.series.items()}
        yield attrs.evolve(one_game, index=i, seed=i, metrics=metrics, series=series)


def peak_while(feed) -> int:
    tracemalloc.start()
    try:
        feed()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_summaries_keep_no_game(one_game):
    """Fed ten times as many games, the tallies of simulate, claims and calibrate take no more room."""
    exp = next(e for e in experiments.EXPERIMENTS if getattr(e, "id", "") == "C8b")
    obs = next(e for e in experiments.EXPERIMENTS if isinstance(e, experiments.Observation))
    target = Target("t", "t", "power_gap", "sd", (0.0, 1.0), ("doctrine",), "exercise")
    distinct = attrs.evolve(target, stat="distinct")

    def run(n: int) -> None:
        sim, claim, seen, stat, many = SimulationTally(RULEBOOK, "exercise"), ClaimTally(exp), ClaimTally(obs), \
            StatTally(target), StatTally(distinct)
        for g in fake_games(one_game, n):
            sim.add(g)
            claim.add(g, g)
            seen.add(g)
            stat.add(g.metrics["power_gap"])
            many.add(g.metrics["power_gap"])
        sim.summary(), claim.result(), seen.result(), stat.estimate(), many.estimate()

    small, large = peak_while(lambda: run(300)), peak_while(lambda: run(3000))
    assert large < small + 1_500_000, (small, large)  # a kept game alone is tens of kilobytes


def test_simulate_sums_the_games_as_they_come(one_game, monkeypatch):
    """A long run of (fake, instant) games through the real command: its memory stays flat."""
    games = fake_games(one_game, 10**9)
    monkeypatch.setattr(pool, "play_game", lambda *a, **k: next(games))

    def run(n: int) -> None:
        done = in_process(["simulate", "--scenario", "exercise", "--runs", str(n), "--workers", "1", "--json",
                           "--engine", "scalar"])  # the scalar path, whose play_game is faked
        assert done.code == 0, done.err
        assert json.loads(done.out)["runs"] == n

    small, large = peak_while(lambda: run(200)), peak_while(lambda: run(2000))
    assert large < small + 2_000_000, (small, large)


def rss_while_playing(tmp_path: Path, argv: list[str], samples: int, limit: int | None = None) -> list[int]:
    """``wargame ARGV --runs 1000000 --workers 1`` in a process of its own (its address space
    capped at ``limit`` bytes if given): its resident memory in kB every half second of play, for
    ``samples`` samples; the process must still be playing at each, and write no file."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = files(tmp_path)
    import resource

    def limits() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    proc = subprocess.Popen([sys.executable, "-m", "wargame", *argv, "--runs", "1000000", "--workers", "1"],
                            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=limits)
    try:
        rss = []
        for _ in range(samples):
            try:  # half a second of play between samples: the process must still be running
                proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                pass
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
            status = Path(f"/proc/{proc.pid}/status").read_text()
            rss.append(int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))))
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert files(tmp_path) == before
    return rss


@pytest.mark.parametrize("argv", [
    ["simulate", "--scenario", "exercise", "--json", "--engine", "scalar"],
    ["claims", "--scenario", "exercise", "--only", "C8b", "--json", "--engine", "scalar"],
    ["calibrate", "--only", "talks-opened", "--json", "--engine", "scalar"],
])
def test_a_million_runs_starts_at_once_in_bounded_memory(tmp_path, argv):
    """--runs 1000000 in a process bounded in memory: a few seconds in, it is playing, and small.
    (The scalar engine plays a game at a time, so its memory must not move; the batch engine's
    bound is its batch: the next test.)"""
    rss = rss_while_playing(tmp_path, argv, 6, limit=768 * 2**20)
    assert max(rss) < 200_000, rss  # kB
    assert rss[-1] - rss[1] < 30_000, rss  # not growing with the games played


@pytest.mark.parametrize("command", ["simulate", "claims", "bench"])
@pytest.mark.parametrize("option, value", [("--scenario", "x\n" * 50_000), ("--seats", "is=" + "y" * 100_000),
                                           ("--seats", "is=bot\n" * 1_000)])
def test_a_long_scenario_or_seat_list_is_one_short_line(command, option, value):
    if command == "bench" and option == "--seats":
        return  # bench plays random bots in every seat: it takes no --seats
    done = in_process([command, option, value, "--runs" if command != "bench" else "--games", "1"])
    assert len(one_line(done, 2, "wargame")) < 400


def test_a_million_runs_on_the_batch_engine_stay_within_a_batchs_memory(tmp_path):
    """The batch engine plays a thousand games at a time: its memory grows while the first batch
    fills, then is bounded by the batch, never by --runs."""
    rss = rss_while_playing(tmp_path, ["simulate", "--scenario", "exercise", "--json", "--engine", "batch"], 12)
    assert max(rss) < 400_000, rss  # kB: a batch's arrays and results, whatever --runs is


@pytest.mark.parametrize("argv", [["calibrate", "--only", ","], ["claims", "--only", " , "], ["calibrate", "--only", ""],
                                  ["bench", "--sizes", "10"], ["bench", "--saves", "--engine", "batch"],
                                  ["bench", "--saves", "--sizes", "1"]])
def test_an_option_that_names_nothing_or_does_not_apply_is_one_line_exit_2(argv) -> None:
    done = in_process(argv)
    assert done.code == 2 and len(done.err.strip().splitlines()) == 1 and "Traceback" not in done.err


@pytest.mark.parametrize("argv, says", [
    (["play", "--headless", "--load", "saves/example-exercise.json", "--seed", "5"], "--seed starts a new game"),
    (["play", "--headless", "--load", "saves/example-exercise.json", "--scenario", "spring-2016"], "--scenario"),
    (["play", "--headless", "--turns", "1", "--save", "-"], "a save is a file"),
    (["fork", "saves/example-exercise.json", "--turn", "1", "--out", "-"], "a save is a file"),
    (["check", "--deep", "--only", "no-such-property"], "no declared property"),
    (["check", "--only", "anything"], "--deep"),
])
def test_an_option_that_would_be_passed_over_is_refused_in_one_line(argv, says) -> None:
    done = in_process([a if not a.startswith("saves/") else str(ROOT / a) for a in argv])
    lines = done.err.strip().splitlines()  # (check says first that the rules load: that much is true)
    assert done.code == 2 and len(lines) == 1 and says in lines[0] and "Traceback" not in done.err
    assert not (ROOT / "-").exists()
