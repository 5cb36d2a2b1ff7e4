"""Bots in the batch engine (``wargame.batch.bots``, ``wargame.batch.play``) play the scalar bots' games.

The scalar bots are switching to counter-based keyed rolls (:func:`wargame.bots.bot.bot_roll`).
Until they do, :class:`SpecRandom` and :class:`SpecDoctrine` here are the scalar bots as the switch
specifies them (the scalar engine's legal orders, view and picture, the doctrine's judge): the
batch's orders must be theirs, turn by turn, and its games the scalar engine's, bit for bit. Once
the scalar bots use ``bot_roll`` the same tests run against them (:func:`scalar_bots`).
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
from wargame.bots import doctrine, doctrine_bot, random_bot
from wargame.bots.bot import Choice, bot_roll
from wargame.bots.doctrine import POSTURES
from wargame.bots.doctrine_bot import DoctrineBot, Judge
from wargame.bots.doctrine_data import doctrine_book
from wargame.bots.picture import Picture
from wargame.bots.play import bots_for, parse_seats, play
from wargame.bots.seats import parse_bot
from wargame.engine.model import CELLS, State
from wargame.engine.turn import begin_turn, new_game

SEATS = ("all=random", "all=doctrine", "all=doctrine:mixed", "all=doctrine:cautious,is=doctrine:aggressive",
         "is=random,aq=doctrine,coalition=doctrine:aggressive,governments=random")
# the scalar bots roll with bot_roll once the lead switches them; until then, the spec's bots here
SWITCHED = not any(hasattr(m, "bot_dice") for m in (random_bot, doctrine_bot, doctrine))


class SpecRandom:
    """The random bot as the switch to ``bot_roll`` specifies it."""

    name = "random"

    def __init__(self, seed: int):
        self.seed = seed

    def choose(self, view, legal, max_orders: int) -> Choice:
        wanted = 1 + math.floor(bot_roll(self.seed, view.turn, view.seat, "random.count") * max_orders)
        orders: list = []
        for k in range(wanted):
            options = legal(orders)
            if not options:
                break
            orders.append(options[math.floor(bot_roll(self.seed, view.turn, view.seat, "random.pick", "", k) * len(options))])
        return Choice(tuple(orders), ())


class SpecDoctrine(DoctrineBot):
    """``DoctrineBot.choose`` with the noise the switch specifies: ``bot_roll(..., "doctrine.noise",
    "kind|theatre") * noise`` in place of the generator's next number; no reasons."""

    def choose(self, view, legal, max_orders: int) -> Choice:
        d, rulebook = self.doctrine, self.rulebook
        book = doctrine_book(rulebook)
        picture = Picture(view, rulebook)
        judge = Judge(book, picture, d)
        cell = book.cells.get(view.seat)
        reserve = cell.reserve[d.boldness] if cell is not None else 0
        threshold = book.threshold[d.boldness]
        kinds = rulebook.order_kinds
        judged: dict = {}
        chosen: dict[str, int] = {}
        orders: list = []
        left = picture.budget
        while len(orders) < max_orders:
            best = None
            for order in legal(orders):
                key = (order.kind, order.theatre)
                if key not in judged:
                    found = judge(order)
                    noise = bot_roll(self.seed, view.turn, view.seat, "doctrine.noise", f"{order.kind}|{order.theatre or ''}")
                    judged[key] = None if found is None else found.score + noise * book.noise
                score = judged[key]
                if score is None:
                    continue
                if chosen.get(order.kind):
                    score -= book.repeat_penalty * chosen[order.kind]
                if left - kinds[order.kind].cost < reserve:
                    score -= book.reserve_penalty
                if score > threshold and (best is None or score > best[0]):
                    best = (score, order)
            if best is None:
                break
            orders.append(best[1])
            chosen[best[1].kind] = chosen.get(best[1].kind, 0) + 1
            left -= kinds[best[1].kind].cost
        return Choice(tuple(orders), ())


def spec_bots(seats: str, seed: int, rulebook) -> dict:
    out = {}
    for cell, spec in parse_seats(seats).items():
        kind, posture = parse_bot(spec)
        if kind == "random":
            out[cell] = SpecRandom(seed)
        else:
            if posture == "mixed":
                posture = POSTURES[math.floor(bot_roll(seed, 0, cell, "posture") * len(POSTURES))]
            out[cell] = SpecDoctrine(seed, posture or "standard", rulebook=rulebook)
    return out


def scalar_bots(seats: str, seed: int, rulebook) -> dict:
    """The real scalar bots once they roll with ``bot_roll``; the spec's until then."""
    return bots_for(parse_seats(seats), seed, rulebook) if SWITCHED else spec_bots(seats, seed, rulebook)


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
