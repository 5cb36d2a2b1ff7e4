"""Bots in the batch engine (``wargame.batch.bots``, ``wargame.batch.play``) play the table's bots' games.

The bots roll counter-based keyed dice (:func:`wargame.bots.bot.bot_roll`), so a whole batch rolls
them at once: the batch's orders must be the table's random and doctrine bots' orders, turn by
turn, and its games the scalar engine's, bit for bit.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import states
from tests.test_batch_equal import assert_same
from tests.test_batch_legality import FEW
from wargame.batch.game import BatchGame
from wargame.batch.play import Players, play_batch
from wargame.bots.bot import bot_roll
from wargame.bots.doctrine import POSTURES
from wargame.bots.doctrine_bot import Judge
from wargame.bots.doctrine_data import doctrine_book
from wargame.bots.picture import Picture
from wargame.bots.play import bots_for, parse_seats, play
from wargame.engine.model import CELLS, State
from wargame.engine.turn import begin_turn, new_game

SEATS = ("all=random", "all=doctrine", "all=doctrine:mixed", "all=doctrine:cautious,is=doctrine:aggressive",
         "is=random,aq=doctrine,coalition=doctrine:aggressive,governments=random")


def scalar_bots(seats: str, seed: int, rulebook) -> dict:
    """The table's own bots for ``seats``: the batch's bots must choose exactly as they do."""
    return bots_for(parse_seats(seats), seed, rulebook)


def play_alongside(rulebook, games: list[tuple[State, str]], turns: int | None = None) -> BatchGame:
    """Play each (start, seats) with the scalar engine and bots, and all of them in one batch
    with the batch's bots: the same orders every turn and the same state after it."""
    played = [list(play(rulebook, s, scalar_bots(seats, s.seed, rulebook), turns)) for s, seats in games]
    batch = BatchGame.from_states(rulebook, [s for s, _ in games])
    players = Players(rulebook, batch, [seats for _, seats in games])
    for k in range(max((len(p) for p in played), default=0)):
        given = players.turn()
        for i, p in enumerate(played):
            if k >= len(p):
                assert given[i] == {}, f"game {i} is over, and the batch gave orders"
                continue
            what = f"game {i} ({games[i][1]}, seed {games[i][0].seed}) on its turn {k + 1}"
            for cell in CELLS:
                assert given[i][cell] == p[k].orders[cell], f"{what}: {cell}'s orders"
            assert_same(p[k].state, batch.state(i), what)
    return batch


@FEW
@given(data=st.data())
def test_every_candidate_is_judged_as_the_doctrine_judges_it(rulebook, data):
    """Not only the orders given: every candidate's verdict and score, in every posture."""
    from tests.test_batch_legality import batch_of, reached
    from wargame.batch.doctrine import DoctrineCode
    from wargame.batch.legality import Legality
    from wargame.batch.view import Picture as BatchPicture
    from wargame.batch.view import view_keys
    from wargame.bots.doctrine import Doctrine
    from wargame.engine.view import view

    scenario = data.draw(st.sampled_from(sorted(rulebook.scenarios)))
    games = data.draw(st.lists(reached(rulebook, scenario), min_size=1, max_size=3))
    batch, rows = batch_of(rulebook, games)
    legality = Legality(rulebook, batch.book, batch.boards.theatre_names)
    code = DoctrineCode(rulebook, batch.book)
    book = doctrine_book(rulebook)
    boldness = np.array(data.draw(st.lists(st.integers(0, 2), min_size=len(games), max_size=len(games))))
    for cell in CELLS:
        picture = BatchPicture(batch.boards, batch.book, rows, cell, view_keys(batch.boards.seed), rulebook.budgets[cell])
        valid, score = code.judge(picture, legality.cands[cell], boldness)
        for i, state in enumerate(games):
            judge = Judge(book, Picture(view(state, cell), rulebook), Doctrine(posture=POSTURES[boldness[i]]))
            for k, order in enumerate(legality.cands[cell].orders):
                found = judge(order)
                assert valid[i, k] == (found is not None), f"game {i}: {order}"
                if found is not None:
                    assert score[i, k] == found.score, f"game {i}: {order}"


@st.composite
def starts(draw, rulebook, scenario: str) -> tuple[State, str]:
    """A game's start: new, or some turns in, in the events or the orders phase; or an arbitrary
    board (every track anywhere in its bounds: secret talks, empty budgets, crowded theatres)."""
    seats = draw(st.sampled_from(SEATS))
    if draw(st.integers(0, 3)) == 0:
        return draw(states(rulebook, scenario, phase=draw(st.sampled_from(["events", "orders"])))), seats
    state = new_game(rulebook, scenario, draw(st.integers(0, 2**32)))
    for turn in play(rulebook, state, scalar_bots(seats, state.seed, rulebook), draw(st.sampled_from([0, 0, 2, 5]))):
        state = turn.state
    if not state.over and draw(st.booleans()):
        state = begin_turn(rulebook, state).state
    return state, seats


@FEW
@given(data=st.data())
def test_the_batch_bots_play_the_scalar_bots_games(rulebook, data):
    scenario = data.draw(st.sampled_from(sorted(rulebook.scenarios)))
    games = data.draw(st.lists(starts(rulebook, scenario), min_size=1, max_size=4))
    play_alongside(rulebook, games, turns=data.draw(st.integers(1, 5)))


def test_whole_games_of_every_seat_set_in_one_batch(rulebook):
    """Whole spring-2016 games to the end, two seeds of every seat set in one batch."""
    games = [(new_game(rulebook, "spring-2016", 700 + k), seats) for k, seats in enumerate(SEATS * 2)]
    batch = play_alongside(rulebook, games)
    assert batch.over.all()


@pytest.mark.parametrize("seats", SEATS)
def test_play_batch_ends_in_the_scalar_games_final_states(rulebook, seats):
    seeds = [3, 44, 2**31 + 5]
    batch = play_batch(rulebook, "exercise", seeds, seats)
    assert batch.over.all()
    for i, seed in enumerate(seeds):
        *_, last = play(rulebook, new_game(rulebook, "exercise", seed), scalar_bots(seats, seed, rulebook))
        assert_same(last.state, batch.state(i), f"{seats}, seed {seed}")


def test_mixed_postures_are_drawn_per_game_and_seat(rulebook):
    from wargame.batch.bots import bot_keys, mixed_postures

    seeds = list(range(40))
    for cell in CELLS:
        got = mixed_postures(bot_keys(seeds), cell)
        want = [math.floor(bot_roll(s, 0, cell, "posture") * 3) for s in seeds]
        assert got.tolist() == want
        assert len(set(want)) > 1
