"""The batch engine plays boards whose offshoots have any id, bit for bit as the scalar engine.

An offshoot's dice are keyed by its id (``wargame.engine.dice``: the id's BLAKE2b name; an empty id
by its theatre's), so an opening board's groups named otherwise than ``offshoot-N`` (claim C11b's
``opening-iraq``, ...) roll their own dice in the batch too, keep their ids, and the groups that
form in play are named ``offshoot-N`` by the tally of groups formed, whatever ids the board holds.
States are compared after every turn with ``tests/test_batch_equal.py``'s helpers.
"""

from __future__ import annotations

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_batch_equal import FEW, SEATS, crowded, play_both
from wargame.analysis.arms import SETUPS
from wargame.batch.dice import OFFSHOOT_NAMES, Names
from wargame.batch.game import BatchGame
from wargame.engine.dice import name
from wargame.engine.model import Offshoot
from wargame.engine.turn import new_game

C11B = ("groups_after_collapse", "groups_after_collapse_good_climate")
# ids that look like offshoot-N and are not (the batch must not read an N from them)
LOOKALIKES = ("", "offshoot-007", "offshoot-5000", "offshoot-", "offshoot--1", "offshoot-\u0663", "offshoot-1e3",
              "Offshoot-3", "opening-iraq", "offshoot-99999999999999999999")


def _opening(rulebook, setup: str, seed: int):
    return SETUPS[setup][1](new_game(rulebook, "spring-2016", seed), rulebook)


@pytest.mark.parametrize("setup", C11B)
def test_the_c11b_openings_play_turn_by_turn_as_the_scalar_engine(rulebook, setup):
    games = [(_opening(rulebook, setup, 500 + k), seats) for k, seats in enumerate(SEATS)]
    batch = play_both(rulebook, games)
    assert batch.over.all()
    ends = [batch.state(i) for i in range(batch.n)]
    # else equality is cheap: the opening groups' own rules fired (they grew, shrank or left) and
    # groups formed in play beside them, named by the tally
    assert any(o.strength != 2 for s in ends for o in s.offshoots if o.id.startswith("opening-")) or \
        any(len([o for o in s.offshoots if o.id.startswith("opening-")]) < len(s.theatres) for s in ends)
    formed = [o.id for s in ends for o in s.offshoots if not o.id.startswith("opening-")]
    assert formed and all(f.startswith("offshoot-") for f in formed)
    assert all(int(o.id[9:]) <= s.tally.offshoots_formed for s in ends for o in s.offshoots if o.id.startswith("offshoot-"))


def test_lookalike_ids_are_ids_of_their_own(rulebook):
    """Ids the batch could misread as offshoot-N, an empty id (keyed by its theatre) among them,
    on the C11b opening board: whole games, the same as the scalar engine's."""
    games = []
    for k, seats in enumerate(SEATS[:3]):
        start = _opening(rulebook, "groups_after_collapse", 70 + k)
        ids = LOOKALIKES[k::3][:len(start.offshoots)] + ("offshoot-3",)
        groups = tuple(attrs.evolve(o, id=ids[j], strength=4) if j < len(ids) else o for j, o in enumerate(start.offshoots))
        games.append((attrs.evolve(start, offshoots=groups), seats))
    batch = play_both(rulebook, games)
    assert {o.id for o in batch.state(0).offshoots} & set(LOOKALIKES)


@st.composite
def foreign(draw, rulebook, scenario: str):
    """:func:`tests.test_batch_equal.crowded`'s board (up to twelve groups, any tally of groups
    formed) with some of its groups renamed to any other text."""
    state = draw(crowded(rulebook, scenario))
    others = st.one_of(st.sampled_from(LOOKALIKES), st.text(max_size=12).filter(lambda t: not t.startswith("offshoot-")))
    names = draw(st.lists(others, min_size=len(state.offshoots), max_size=len(state.offshoots), unique=True))
    groups = tuple(attrs.evolve(o, id=n) if draw(st.booleans()) else o for o, n in zip(state.offshoots, names))
    return attrs.evolve(state, offshoots=groups)


@FEW
@given(data=st.data())
def test_the_batch_plays_any_ids_from_any_board(rulebook, data):
    scenario = data.draw(st.sampled_from(sorted(rulebook.scenarios)))
    boards = data.draw(st.lists(foreign(rulebook, scenario), min_size=1, max_size=4))
    games = [(s, data.draw(st.sampled_from(SEATS))) for s in boards]
    play_both(rulebook, games, turns=data.draw(st.integers(1, 4)))


def test_an_offshoots_dice_name_is_its_ids():
    for oid, theatre in [("opening-iraq", "iraq"), ("offshoot-007", "syria"), ("", "libya"), ("offshoot-12", "iraq"),
                         ("offshoot-5000", "iraq")]:
        code = OFFSHOOT_NAMES.code(oid, theatre)
        assert OFFSHOOT_NAMES.text(code) == oid
        assert OFFSHOOT_NAMES[np.array([code])][0] == name(oid or theatre)
    assert OFFSHOOT_NAMES.code("offshoot-12", "iraq") == 12 and OFFSHOOT_NAMES.code("opening-iraq", "x") < 0
    assert OFFSHOOT_NAMES.code("", "iraq") != OFFSHOOT_NAMES.code("", "syria")


def test_a_family_that_grows_keeps_its_tail():
    names = Names("n-{}", 3)
    names.table = np.concatenate([names.table, np.array([name("tail-1"), name("tail-0")], dtype=np.uint64)])
    assert names[np.array([-1, -2, 1])].tolist() == [name("tail-0"), name("tail-1"), name("n-1")]
    assert names[np.array([7, -1, -2])].tolist() == [name("n-7"), name("tail-0"), name("tail-1")]


def test_two_groups_of_one_id_are_refused(rulebook):
    start = _opening(rulebook, "groups_after_collapse", 1)
    twins = attrs.evolve(start, offshoots=(*start.offshoots, Offshoot(id="opening-iraq", theatre="syria", origin="inspired",
                                                                      strength=3, brutality=2)))
    with pytest.raises(ValueError, match="two offshoots of one id"):
        BatchGame.from_states(rulebook, [twins])


def test_a_board_that_holds_a_card_twice_plays_as_the_scalar_engine(rulebook):
    # found by the property above in CI: a drawn board whose piles held one card twice overflowed
    # the batch's piles (as wide as the deck); the scalar engine plays such a board as it is
    games = []
    for k, seats in enumerate(SEATS):
        state = new_game(rulebook, "spring-2016", 900 + k)
        decks = tuple(attrs.evolve(d, draw=d.draw + d.draw[:1 + k], discard=d.discard) for d in state.decks)
        games.append((attrs.evolve(state, decks=decks), seats))
    assert all(len(d.draw) > len(rulebook.decks[d.deck].cards) for s, _ in games for d in s.decks)
    play_both(rulebook, games, turns=4)
