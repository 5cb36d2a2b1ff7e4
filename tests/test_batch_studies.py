"""The studies on the batch engine (``wargame.analysis.batched``): every game's result the scalar
engine's, metric for metric, series and tracks; a chunk of ``simulate`` the same either way.

The batch plays the scalar engine's games bit for bit (``tests/test_batch_bots.py``); here what the
meter reads of each turn (rules fired, cards played, absorptions in Iraq, offshoots formed by
origin, orders, option counts, the state) must come out the same from the batch's counts as from
the scalar engine's records.
"""

from __future__ import annotations

import json

import pytest

from tests.bounded import in_process
from wargame.analysis.arms import BASELINE, SETUPS, Arm, play_game
from wargame.analysis.batched import BATCH_MIN, batch_plays, play_games_batch
from wargame.analysis.pool import BATCH_CHUNK, Batch, _chunk_size, play_chunk, run_batches, scalar_note
from wargame.bots.play import parse_seats

SEEDS = (3, 41, 2024, 987654321)
SEAT_SETS = ("all=doctrine", "all=random", "all=doctrine:mixed",
             "is=random,aq=doctrine:aggressive,coalition=doctrine:cautious,governments=random")


@pytest.mark.parametrize("scenario", ["spring-2016", "exercise"])
@pytest.mark.parametrize("seats", SEAT_SETS)
def test_a_batch_gives_every_game_the_scalar_result(rulebook, scenario, seats):
    seat_map = parse_seats(seats)
    keep = seats == "all=doctrine:mixed"  # every track too, in one seat set a scenario (the slowest part)
    batch = play_games_batch(rulebook, scenario, SEEDS, seat_map, indices=range(10, 10 + len(SEEDS)), keep_tracks=keep)
    for k, (seed, got) in enumerate(zip(SEEDS, batch)):
        want = play_game(rulebook, scenario, seed, seat_map, BASELINE, 10 + k, keep_tracks=keep)
        assert got.index == want.index and got.seed == want.seed
        differ = sorted(m for m in set(want.metrics) | set(got.metrics) if want.metrics.get(m) != got.metrics.get(m))
        assert not differ, f"seed {seed}: {differ[:10]}"
        assert got.series == want.series, f"seed {seed}: the series"
        assert got.tracks == want.tracks, f"seed {seed}: the tracks"
        assert got == want


def test_what_the_batch_counts_is_exercised(rulebook):
    """The counts the batch keeps for the meter do happen in these games (else equality is cheap)."""
    seeds = list(range(24))
    results = play_games_batch(rulebook, "spring-2016", seeds, parse_seats("all=doctrine:mixed"))
    total = {m: sum(r.metrics[m] or 0 for r in results)
             for m in ("absorbed_iraq", "defectors_formed", "holdouts_formed", "options:is")}
    assert all(v > 0 for v in total.values()), total


def test_a_chunk_is_the_same_with_either_engine(rulebook):
    seats = parse_seats("all=doctrine:mixed")
    games = tuple((i, 1000 + 7 * i) for i in range(BATCH_MIN))
    batch = play_chunk(rulebook, ("exercise", seats, BASELINE, games, True, "batch"))
    scalar = play_chunk(rulebook, ("exercise", seats, BASELINE, games, True, "scalar"))
    assert batch == scalar


def test_arms_the_batch_cannot_play_fall_back(rulebook):
    odd = Arm(setup=next(iter(SETUPS)))
    assert batch_plays(BASELINE) and not batch_plays(odd) and not batch_plays(Arm(without=("x",)))
    with pytest.raises(ValueError, match="scalar"):
        play_games_batch(rulebook, "exercise", [1], parse_seats("all=random"), odd)
    seats = parse_seats("all=random")
    batches = [Batch("exercise", seats, arm, BATCH_MIN, 5) for arm in (BASELINE, odd)]
    assert scalar_note(batches).startswith("1 of 2 arms")
    assert scalar_note([Batch("exercise", seats, odd, 3, 5, engine="scalar")]) is None
    both = run_batches(rulebook, batches)
    alone = run_batches(rulebook, [Batch(b.scenario, b.seats, b.arm, b.runs, b.master_seed, engine="scalar")
                                   for b in batches])
    assert both == alone


def test_simulate_json_is_the_same_with_either_engine():
    run = ["simulate", "--scenario", "exercise", "--runs", "20", "--seed", "4", "--workers", "1", "--json",
           "--seats", "all=doctrine:mixed"]
    outs = {}
    for engine in ("batch", "scalar"):
        done = in_process([*run, "--engine", engine])
        assert done.code == 0, done.err
        outs[engine] = json.loads(done.out)
    assert outs["batch"] == outs["scalar"]


@pytest.mark.parametrize("runs", [1, 15, 16, 400, 2000, 1_000_000])
@pytest.mark.parametrize("workers", [1, 2, 64])
def test_a_batch_chunk_is_bounded_whatever_the_runs(runs, workers):
    """What bounds a worker's memory: a chunk holds at most BATCH_CHUNK games (a tenth with every track)."""
    size = _chunk_size(runs, workers, batched=True)
    assert 1 <= size <= min(runs, BATCH_CHUNK)
    assert size >= min(runs, BATCH_MIN)  # never too small to play as a batch, when there are games enough
    assert _chunk_size(runs, workers, batched=True, tracks=True) <= BATCH_CHUNK // 10
