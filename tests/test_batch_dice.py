"""The batch engine's dice are the scalar engine's: SplitMix64 over uint64 lanes, the key chain,
the 53-bit unit, the names, and Fisher-Yates shuffles, bit for bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from wargame.batch import dice as bd
from wargame.batch.game import BatchGame
from wargame.engine import dice
from wargame.engine.turn import new_game

U64 = st.integers(0, 2**64 - 1)


def test_mix_matches_on_many_keys():
    rng = np.random.default_rng(7)
    keys = rng.integers(0, 2**63, size=20000, dtype=np.uint64) * np.uint64(2) + rng.integers(0, 2, 20000, dtype=np.uint64)
    edge = np.array([0, 1, 2**63, 2**64 - 1, 0x9E3779B97F4A7C15, 2**64 - 0x9E3779B97F4A7C15], dtype=np.uint64)
    keys = np.concatenate([keys, edge])
    got = bd.mix(keys)
    assert [int(x) for x in got] == [dice.mix(int(k)) for k in keys]
    assert [float(x) for x in bd.unit(got)] == [dice.unit(dice.mix(int(k))) for k in keys]


@given(st.lists(U64, min_size=1, max_size=50))
def test_mix_matches_any_key(keys):
    got = bd.mix(np.array(keys, dtype=np.uint64))
    assert [int(x) for x in got] == [dice.mix(k) for k in keys]


@given(seeds=st.lists(st.integers(0, 2**40), min_size=1, max_size=8), turn=st.integers(0, 99),
       phase=st.sampled_from(["events", "adjudication", "dynamics", "assessment", "decks"]),
       source=st.sampled_from(["c6.defection", "coalition.air_campaign", "leader_death", "x"]),
       scope=st.sampled_from(["", "iraq", "offshoot-3", "offshoot-1000", "reshuffle-2"]), index=st.integers(0, 60))
def test_rolls_follow_the_key_chain(seeds, turn, phase, source, scope, index):
    keys = bd.phase_keys(bd.game_keys(seeds), np.full(len(seeds), turn), phase)
    got = bd.rolls(bd.source_keys(keys, source), bd.nm(scope), index)
    assert [float(x) for x in got] == [dice.Dice(s, turn, phase).roll(source, scope, index) for s in seeds]


def test_names_are_worked_out_once_and_grow():
    names = bd.Names("offshoot-{}", 4)
    assert [int(x) for x in names[[0, 3, 9, 2]]] == [dice.name(f"offshoot-{i}") for i in (0, 3, 9, 2)]


@given(seeds=st.lists(st.integers(0, 2**32), min_size=1, max_size=6), width=st.integers(1, 30), data=st.data())
def test_shuffles_match_rows_of_any_length(seeds, width, data):
    lengths = [data.draw(st.integers(0, width)) for _ in seeds]
    phase = bd.phase_keys(bd.game_keys(seeds), np.full(len(seeds), 3), "events")
    piles = np.tile(np.arange(width), (len(seeds), 1))
    scope = np.array([dice.name(f"reshuffle-{k % 3 + 1}") for k in range(len(seeds))], dtype=np.uint64)
    bd.shuffle(piles, np.array(lengths), bd.source_keys(phase, "reform"), scope)
    for k, (s, n) in enumerate(zip(seeds, lengths)):
        items = list(range(n))
        dice.Dice(s, 3, "events").shuffle(items, "reform", f"reshuffle-{k % 3 + 1}")
        assert list(piles[k, :n]) == items
        assert list(piles[k, n:]) == list(range(n, width))  # past its length a row is left alone


def test_new_games_shuffle_their_decks_as_the_scalar_engine(rulebook):
    seeds = [0, 1, 2, 99, 2**31, 2**40 + 5]
    for scenario in rulebook.scenarios:
        games = BatchGame.new(rulebook, scenario, seeds)
        for i, s in enumerate(seeds):
            assert games.state(i) == new_game(rulebook, scenario, s)
