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
from wargame.analysis.claims import DEFAULT_SEATS, arms_of, chosen_claims
from wargame.analysis.pool import BATCH_CHUNK, Batch, _chunk_size, play_chunk, run_batches, scalar_note
from wargame.batch.game import BatchGame
from wargame.batch.play import Players
from wargame.bots.doctrine import Doctrine
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


ARM_SEEDS = (3, 41, 2024)
ARM_SEATS = ("all=doctrine:mixed", "is=random,aq=doctrine:aggressive,coalition=doctrine:cautious,governments=random")


def _same_games(rulebook, arm, seats, seeds=ARM_SEEDS, scenario="spring-2016"):
    """The batch's results for ``arm`` are arms.play_game's, game by game; returns them."""
    assert batch_plays(arm)
    seat_map = parse_seats(seats)
    batch = play_games_batch(rulebook, scenario, seeds, seat_map, arm, indices=range(5, 5 + len(seeds)),
                             keep_tracks=True)
    for k, (seed, got) in enumerate(zip(seeds, batch)):
        want = play_game(rulebook, scenario, seed, seat_map, arm, 5 + k, keep_tracks=True)
        differ = sorted(m for m in set(want.metrics) | set(got.metrics) if want.metrics.get(m) != got.metrics.get(m))
        assert not differ, f"{arm.describe()}, seed {seed}: {differ[:10]}"
        assert got == want, f"{arm.describe()}, seed {seed}: the series or tracks"
    return batch


@pytest.mark.parametrize("setup", sorted(SETUPS))
def test_a_batch_plays_every_setup_as_the_scalar_engine(rulebook, setup):
    _same_games(rulebook, Arm(setup=setup), "all=doctrine:mixed", seeds=(3, 41))


def _doc(cell, **knobs):
    return Arm(doctrines=((cell, Doctrine(**knobs)),))


KNOB_ARMS = {
    "aq-closed": _doc("aq", welcome=False),
    "aq-autonomy-0": _doc("aq", autonomy=0, posture="aggressive"),
    "aq-autonomy-3": _doc("aq", autonomy=3),
    "gov-faithful": _doc("governments", reform="faithful", posture="cautious"),
    "gov-crackdown": _doc("governments", reform="crackdown"),
    "gov-none": _doc("governments", reform="none"),
    "gov-cosmetic": _doc("governments", reform="cosmetic", posture="aggressive"),
    "coalition-idle": _doc("coalition", press_is=False, hunt=False, press_reform=False),
    "coalition-no-hunt": _doc("coalition", hunt=False, posture="aggressive"),
    "two-cells": Arm(doctrines=(("coalition", Doctrine(press_is=False)), ("is", Doctrine(posture="cautious")))),
}


@pytest.mark.parametrize("seats", ARM_SEATS)
@pytest.mark.parametrize("name", sorted(KNOB_ARMS))
def test_a_batch_plays_doctrine_knobs_as_the_scalar_engine(rulebook, name, seats):
    _same_games(rulebook, KNOB_ARMS[name], seats)


def test_the_knobs_change_the_games(rulebook):
    """Else equality with the scalar engine would be cheap: each knob arm plays other games than
    the baseline (the seats' own bots) in some seed."""
    seats = parse_seats("all=doctrine")
    seeds = list(range(8))
    base = play_games_batch(rulebook, "spring-2016", seeds, seats)
    for name, arm in KNOB_ARMS.items():
        got = play_games_batch(rulebook, "spring-2016", seeds, seats, arm)
        assert any(g.metrics != b.metrics for g, b in zip(got, base)), name


WITHHELD = {
    "is-terms": ("is.accept_terms",),
    "one-a-cell": ("is.attack", "aq.embed", "coalition.air_campaign", "gov.ground_offensive"),
    "cheap-ones": ("is.escalate", "aq.propaganda", "coalition.intelligence", "gov.amnesty", "gov.crackdown"),
}


@pytest.mark.parametrize("seats", ARM_SEATS)
@pytest.mark.parametrize("name", sorted(WITHHELD))
def test_a_batch_withholds_orders_as_the_scalar_engine(rulebook, name, seats):
    _same_games(rulebook, Arm(without=WITHHELD[name]), seats)


def test_withheld_orders_are_never_given_and_change_the_games(rulebook):
    withheld = {k for kinds in WITHHELD.values() for k in kinds}
    game = BatchGame.new(rulebook, "spring-2016", list(range(8)), keep_series=False)
    players = Players(rulebook, game, "all=random", withheld=withheld)
    given = set()
    while not game.over.all():
        for orders in players.turn():
            given |= {o.kind for cell_orders in orders.values() for o in cell_orders}
    assert given and not given & withheld
    seats = parse_seats("all=random")
    base = play_games_batch(rulebook, "spring-2016", range(8), seats)
    for name, kinds in WITHHELD.items():
        if name == "is-terms":  # legal only once AQ has offered terms: rare among random bots
            continue
        got = play_games_batch(rulebook, "spring-2016", range(8), seats, Arm(without=kinds))
        assert any(g.metrics != b.metrics for g, b in zip(got, base)), name


def test_a_batch_plays_all_three_at_once(rulebook):
    arm = Arm(setup="merged_3", doctrines=(("aq", Doctrine(autonomy=1, welcome=False)),),
              without=("is.break_away", "gov.reform_faithful"))
    for seats in ARM_SEATS:
        _same_games(rulebook, arm, seats)


# the claims' arms that open on boards with groups not named offshoot-N (C11b's ``opening-iraq``)
FOREIGN_IDS = [a for a in arms_of(chosen_claims(None)) if a.setup in ("groups_after_collapse", "groups_after_collapse_good_climate")]


def test_every_claims_arm_is_batched():
    arms = arms_of(chosen_claims(None))
    assert all(batch_plays(a) for a in arms) and not batch_plays(Arm(setup="no-such-setup"))
    assert len(FOREIGN_IDS) == 2


@pytest.mark.parametrize("arm", FOREIGN_IDS, ids=lambda a: a.setup)
def test_the_claims_arms_with_opening_groups_are_the_scalar_engines(rulebook, arm):
    """As ``claims`` plays them: its seats, a chunk of games (big enough to go to the batch) each
    engine, every game's result the same."""
    seats = parse_seats(DEFAULT_SEATS)
    games = tuple((i, 77 + 13 * i) for i in range(BATCH_MIN))
    assert Batch("spring-2016", seats, arm, BATCH_MIN, 1).batched
    batch = play_chunk(rulebook, ("spring-2016", seats, arm, games, False, "batch"))
    scalar = play_chunk(rulebook, ("spring-2016", seats, arm, games, False, "scalar"))
    assert batch == scalar


def test_arms_the_batch_cannot_play_fall_back(rulebook, monkeypatch):
    assert batch_plays(BASELINE) and batch_plays(Arm(without=("x",)))
    # the batch plays every arm of the claims today: pretend it could not play one
    odd = Arm(setup="heartland_lost")
    for where in ("wargame.analysis.batched", "wargame.analysis.pool"):
        monkeypatch.setattr(f"{where}.batch_plays", lambda arm: arm != odd)
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
