"""Parameter values per game in the batch engine (``wargame.batch.parameters``): one batch whose
games each play with their own point's parameter values gives, game by game, exactly what the
scalar engine gives on a rulebook that carries those values (``with_parameters``).

The points vary parameters over their declared ranges: a whole-number one (``holdout_brutality``,
read by the adjudication rules and a card), ones the formulas read (``gap_threshold``,
``ego_weight``, ``talks_per_gap``: the chance of talks), ones the doctrine bots read
(``upkeep_rate``, ``gap_threshold``) and ones the rules read (``defection_per_lost``,
``absorb_base``). A batch with no per-game values compiles every parameter as a constant, as before.
"""

from __future__ import annotations

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_batch_bots import play_alongside
from tests.test_batch_legality import FEW
from wargame.analysis.batched import play_games_batch
from wargame.analysis.metrics import play_game
from wargame.analysis.sensitivity import with_parameters
from wargame.batch.game import BatchGame
from wargame.batch.parameters import columns, per_game
from wargame.bots.play import parse_seats
from wargame.engine.parameters import declared_ranges
from wargame.engine.rulebook import RULES_DIR
from wargame.engine.turn import new_game

VARIED = ("holdout_brutality", "gap_threshold", "upkeep_rate", "ego_weight", "talks_per_gap", "defection_per_lost",
          "absorb_base")


def points(rulebook, count: int, seed: int = 0) -> list[dict[str, float]]:
    """``count`` points spread over the declared ranges of :data:`VARIED` (a whole-number
    parameter's drawn over its range and rounded by ``with_parameters``)."""
    ranges = declared_ranges(RULES_DIR, rulebook.parameters)
    rng = np.random.default_rng(seed)
    return [{n: float(rng.uniform(*ranges[n])) for n in VARIED} for _ in range(count)]


def _results_agree(rulebook, scenario: str, seats: str, books, seeds) -> None:
    seat_map = parse_seats(seats)
    batch = play_games_batch(rulebook, scenario, seeds, seat_map, indices=range(len(seeds)), keep_tracks=True,
                             rulebooks=books)
    for g, (book, seed, got) in enumerate(zip(books, seeds, batch)):
        want = play_game(book, scenario, seed, seat_map, index=g, keep_tracks=True)
        differ = sorted(m for m in set(want.metrics) | set(got.metrics) if want.metrics.get(m) != got.metrics.get(m))
        assert not differ, f"game {g} (seed {seed}, {book.parameters['holdout_brutality']}): {differ[:10]}"
        assert got == want, f"game {g}: the series or tracks"


@pytest.mark.parametrize("seats", ["all=doctrine", "all=doctrine:mixed"])
def test_a_batch_of_many_points_gives_each_game_its_points_scalar_result(rulebook, seats):
    books = [with_parameters(rulebook, p) for p in points(rulebook, 6, seed=len(seats))]
    assert len({b.parameters["holdout_brutality"] for b in books}) > 1  # the whole number does vary
    # each point twice, with different seeds, and one seed at several points
    seeds = [11, 12, 13, 14, 11, 11, 15, 16, 17, 18, 19, 20]
    _results_agree(rulebook, "spring-2016", seats, books + books, seeds)


def test_the_points_orders_and_boards_are_the_scalar_engines_turn_by_turn(rulebook):
    books = [with_parameters(rulebook, p) for p in points(rulebook, 4, seed=7)]
    starts = [new_game(book, "spring-2016", 100 + k) for k, book in enumerate(books)]
    seats = ["all=doctrine", "all=doctrine:mixed", "is=random,aq=doctrine:aggressive,coalition=doctrine,governments=random",
             "all=doctrine:cautious"]
    params = columns(rulebook, books)
    assert set(params) == set(VARIED)
    # the scalar engine plays each game on its own rulebook; the batch plays them all on one
    scalar = [play_alongside(book, [(s, seat)]) for book, s, seat in zip(books, starts, seats)]
    batch = BatchGame.from_states(rulebook, starts, parameters=params)
    from wargame.batch.play import play_on

    play_on(rulebook, batch, seats)
    for i, one in enumerate(scalar):
        assert batch.state(i) == one.state(0), f"game {i}"


@FEW
@given(data=st.data())
def test_any_points_and_seeds_give_the_scalar_games(rulebook, data):
    ranges = declared_ranges(RULES_DIR, rulebook.parameters)
    names = data.draw(st.lists(st.sampled_from(VARIED), min_size=1, max_size=4, unique=True))
    n = data.draw(st.integers(1, 3))
    books = []
    for _ in range(n):
        values = {}
        for name in names:
            lo, hi = ranges[name]
            values[name] = data.draw(st.integers(lo, hi) if isinstance(lo, int)
                                     else st.floats(lo, hi, allow_nan=False, allow_infinity=False))
        books.append(with_parameters(rulebook, values))
    seeds = data.draw(st.lists(st.integers(0, 2**40), min_size=n, max_size=n))
    scenario = data.draw(st.sampled_from(["exercise", "spring-2016"]))
    _results_agree(rulebook, scenario, "all=doctrine:mixed", books, seeds)


def test_only_the_parameters_that_differ_are_read_per_game(rulebook):
    same = with_parameters(rulebook, {"oil_income": rulebook.parameters["oil_income"]})
    other = with_parameters(rulebook, {"oil_income": 1.25})
    assert columns(rulebook, [rulebook, same]) == {}
    assert columns(rulebook, [same, other]) == {"oil_income": [rulebook.parameters["oil_income"], 1.25]}
    assert per_game(rulebook, {"oil_income": [1.0, 1.0]}, 2) == {}  # the rulebook's value: a constant
    game = BatchGame.new(rulebook, "exercise", [1, 2], parameters={"oil_income": [1.0, 1.0]})
    assert game.book.varying == frozenset() and game.boards.params == ()
    varied = BatchGame.new(rulebook, "exercise", [1, 2], parameters={"oil_income": [1.0, 1.25]})
    assert varied.book.varying == {"oil_income"} and varied.boards.G["oil_income"].tolist() == [1.0, 1.25]
    plain = BatchGame.new(rulebook, "exercise", [1, 2])
    assert plain.book is game.book  # no per-game values: the very book every batch compiles


def test_what_cannot_vary_per_game_is_refused_with_the_reason(rulebook):
    with pytest.raises(ValueError, match="max_orders"):
        per_game(rulebook, {"max_orders": [3, 2]}, 2)
    with pytest.raises(ValueError, match="no parameter"):
        per_game(rulebook, {"no_such": [1.0]}, 1)
    with pytest.raises(ValueError, match="3 values"):
        per_game(rulebook, {"oil_income": [1.0, 1.0, 1.0]}, 2)
    with pytest.raises(ValueError, match="finite"):
        per_game(rulebook, {"oil_income": [float("nan")]}, 1)
    fewer = attrs.evolve(rulebook, max_orders=2, parameters={**rulebook.parameters, "max_orders": 2})
    with pytest.raises(ValueError, match="max_orders"):
        columns(rulebook, [rulebook, fewer])
    other_rules = attrs.evolve(rulebook, rules=rulebook.rules[:-1])
    with pytest.raises(ValueError, match="rules"):
        columns(rulebook, [other_rules])
    with pytest.raises(ValueError, match="rulebooks differ"):
        play_games_batch(rulebook, "exercise", [1], parse_seats("all=random"), rulebooks=[other_rules])
