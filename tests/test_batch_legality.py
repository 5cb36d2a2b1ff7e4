"""The batch engine's legal orders are the scalar engine's (``wargame.batch.legality``).

On boards reached in games (bots in the seats, some turns in, then the events of the next turn)
and on arbitrary boards, each cell's mask over its candidates, after a pending set built by
picking legal orders one at a time, lists exactly what ``legal_orders`` returns, in its order.
The strategy :func:`reached` is shared by the other batch-bot tests.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import states
from wargame.batch.game import BatchGame
from wargame.batch.legality import Legality, orders_board
from wargame.bots.play import bots_for, parse_seats, play
from wargame.engine.legality import legal_orders
from wargame.engine.model import CELLS, State
from wargame.engine.turn import begin_turn, new_game

SEATS = ("all=random", "all=doctrine", "all=doctrine:mixed",
         "is=doctrine:aggressive,aq=random,coalition=doctrine:cautious,governments=doctrine:mixed")
# Fewer examples than the profile's: each plays some turns of several games first.
FEW = settings(max_examples=max(5, settings.default.max_examples // 4))


@st.composite
def reached(draw, rulebook, scenario: str) -> State:
    """A board in the orders phase: a game played some turns by bots, then the next events; or
    an arbitrary board (every track anywhere in its bounds)."""
    if draw(st.integers(0, 3)) == 0:
        return draw(states(rulebook, scenario, phase="orders"))
    state = new_game(rulebook, scenario, draw(st.integers(0, 2**32)))
    seats = draw(st.sampled_from(SEATS))
    turns = draw(st.integers(0, min(10, state.last_turn - 1)))
    for turn in play(rulebook, state, bots_for(parse_seats(seats), state.seed, rulebook), turns):
        state = turn.state
    return begin_turn(rulebook, state).state


def batch_of(rulebook, games: list[State]) -> tuple[BatchGame, np.ndarray]:
    batch = BatchGame.from_states(rulebook, games)
    return batch, orders_board(batch)


@FEW
@given(data=st.data())
def test_the_masks_are_the_legal_orders(rulebook, data):
    scenario = data.draw(st.sampled_from(sorted(rulebook.scenarios)))
    games = data.draw(st.lists(reached(rulebook, scenario), min_size=1, max_size=4))
    batch, rows = batch_of(rulebook, games)
    assert list(rows) == list(range(len(games)))
    legality = Legality(rulebook, batch.book, batch.boards.theatre_names)
    for cell in CELLS:
        cands = legality.cands[cell]
        allowed = legality.allowed(batch.boards, rows, cell)
        budget = legality.budget(batch.boards, rows, cell)
        m, K = allowed.shape
        taken = np.zeros((m, K), dtype=bool)
        count = np.zeros(m, dtype=np.int64)
        spent = np.zeros(m)
        pending: list[list] = [[] for _ in games]
        for _ in range(rulebook.max_orders + 1):
            mask = legality.legal(allowed, budget, cell, taken, count, spent)
            for i, state in enumerate(games):
                want = legal_orders(rulebook, state, cell, pending[i])
                got = [cands.orders[k] for k in np.flatnonzero(mask[i])]
                assert got == want, f"game {i}, {cell}, after {pending[i]}"
                if want:
                    pick = data.draw(st.integers(0, len(want) - 1))
                    k = cands.index[(want[pick].kind, want[pick].theatre)]
                    pending[i].append(want[pick])
                    taken[i, k] = True
                    count[i] += 1
                    spent[i] += cands.costs[k]


def test_every_candidate_is_an_order_of_its_cell_in_the_engines_order(rulebook):
    state = begin_turn(rulebook, new_game(rulebook, "spring-2016", 5)).state
    batch, rows = batch_of(rulebook, [state])
    legality = Legality(rulebook, batch.book, batch.boards.theatre_names)
    from wargame.engine.position import position

    for cell in CELLS:
        assert list(legality.cands[cell].orders) == list(position(rulebook, state).requirements(rulebook, cell))


def test_a_game_loaded_in_the_orders_phase_gets_its_calendar(rulebook):
    """A game handed over in the orders phase: its turn and year are set before anything reads them."""
    state = begin_turn(rulebook, new_game(rulebook, "spring-2016", 9)).state
    batch, _ = batch_of(rulebook, [state])
    scenario = rulebook.scenarios["spring-2016"]
    assert batch.boards.G["year"][0] == scenario.year(state.turn)
    assert batch.boards.G["turns_left"][0] == state.last_turn - state.turn
