"""What a study's meters read of a batch after every turn, read for many games at once: the States
(``wargame.batch.rebuild.Rebuilder``) and their global tracks and formulas
(``wargame.analysis.batched.TurnValues``) must be what ``Boards.state``, ``flat_tracks`` and
``formula_values`` give game by game, with the same types (3 and 3.0 print apart), over seeds,
seat sets and opening boards (offshoots of any id), when only some games play a turn.
"""

from __future__ import annotations

import attrs
import numpy as np
import pytest

from tests.bounded import copy_rulebook
from wargame.analysis.arms import SETUPS
from wargame.analysis.batched import TurnValues
from wargame.batch.game import BatchGame
from wargame.batch.play import Players
from wargame.batch.rebuild import FLAT_NAMES, Rebuilder
from wargame.bots.play import parse_seats
from wargame.engine.board import flat_tracks
from wargame.engine.position import formula_values
from wargame.engine.rulebook import load_rulebook
from wargame.engine.turn import new_game

SEAT_SETS = ("all=doctrine", "all=random",
             "is=random,aq=doctrine:aggressive,coalition=doctrine:cautious,governments=random")


def _same_values(got, want) -> bool:
    """Equal, key for key in the same order, and each value of the same type."""
    return list(got) == list(want) and all(got[k] == want[k] and type(got[k]) is type(want[k]) for k in want)


def _check_every_turn(rulebook, game: BatchGame, seats: str) -> int:
    """Play ``game`` to its end, checking every game that played a turn; the States checked."""
    players = Players(rulebook, game, parse_seats(seats))
    rebuild, values = Rebuilder(game.boards), TurnValues(rulebook, game)
    assert rebuild.states(np.arange(game.n)) == [game.state(i) for i in range(game.n)]
    checked = 0
    while not game.over.all():
        game.begin_turn()
        rows, chosen = players.choose()
        game.resolve_chosen(rows, chosen, players.legality)
        states = rebuild.states(rows)
        flats, formulas = values.read(rows)
        for k, i in enumerate(rows.tolist()):
            want = game.state(i)
            assert states[k] == want, f"game {i}, turn {want.turn}"
            assert _same_values(flats[k], flat_tracks(want)), f"game {i}, turn {want.turn}: the tracks"
            assert _same_values(formulas[k], formula_values(rulebook, want)), f"game {i}, turn {want.turn}: the formulas"
            checked += 1
    return checked


@pytest.mark.parametrize("seats", SEAT_SETS)
@pytest.mark.parametrize("scenario", ["spring-2016", "exercise"])
def test_the_states_tracks_and_formulas_read_at_once_are_those_of_each_game(rulebook, scenario, seats):
    game = BatchGame.new(rulebook, scenario, [3, 41, 2024, 987654321, 7, 8], keep_series=False)
    assert _check_every_turn(rulebook, game, seats) > 6


@pytest.mark.parametrize("setup", ["groups_after_collapse", "merged_3", "is_weakened"])
def test_opening_boards_of_a_setup_too(rulebook, setup):
    """Boards not made from one template: offshoots with ids of their own, other tracks; and games
    that end at different turns, so that only some games play the last turns."""
    states = [SETUPS[setup][1](new_game(rulebook, "spring-2016", s), rulebook) for s in (5, 6, 7, 8)]
    states[1] = attrs.evolve(states[1], last_turn=states[1].turn + 2)
    game = BatchGame.from_states(rulebook, states, keep_series=False)
    assert _check_every_turn(rulebook, game, "all=doctrine:mixed") > 4


def test_an_unchanged_part_is_the_object_built_before(rulebook):
    """The point of the rebuilder: a part that did not change is not built again; and what changed is."""
    game = BatchGame.new(rulebook, "spring-2016", [11, 12], keep_series=False)
    rebuild = Rebuilder(game.boards)
    before = rebuild.states([0, 1])
    assert rebuild.states([0, 1]) == before
    again = rebuild.states([1])[0]
    assert again.theatres is before[1].theatres and again.islamic_state is before[1].islamic_state
    game.boards.T["grievance"][1, 0] += 1
    game.boards.G["is_funds"][1] += 1
    moved = rebuild.states([1])[0]
    assert moved.theatres[0].grievance == before[1].theatres[0].grievance + 1
    assert moved.theatres[1] is before[1].theatres[1]
    assert moved.islamic_state.funds == before[1].islamic_state.funds + 1 and moved.al_qaeda is before[1].al_qaeda
    assert moved == game.state(1)


def test_the_flat_names_are_flat_tracks_order(rulebook):
    assert tuple(flat_tracks(new_game(rulebook, "spring-2016", 1))) == FLAT_NAMES


def test_formulas_that_read_the_turn_the_year_a_tally_and_an_average(tmp_path):
    """A formula of a rulebook may read what changes after the batch's last refresh of a turn (the
    turn, turns left, the year, a tally) or a total that is a float (an average): each read as the
    scalar engine reads it on the State after the turn."""
    rules, decks = copy_rulebook(tmp_path)
    path = rules / "parameters.toml"
    probe = 'probe = "turn * 7 + turns_left + year / 3 + avg_grievance / 7 + tally_cards_drawn + tally_peak_brutality / 9"'
    path.write_text(path.read_text().replace("[formulas]\n", f"[formulas]\n{probe}\n", 1))
    titles = rules / "titles.toml"
    titles.write_text(titles.read_text().replace(
        "[formulas]\n", '[formulas]\nprobe = { title = "Probe", text = "Reads what moves late." }\n', 1))
    rulebook = load_rulebook(rules, decks)
    assert [n for n, _ in rulebook.formulas][0] == "probe"
    game = BatchGame.new(rulebook, "spring-2016", [21, 22, 23], keep_series=False)
    assert _check_every_turn(rulebook, game, "all=random") > 3
