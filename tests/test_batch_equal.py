"""The batch engine plays the scalar engine's games bit for bit.

Games are played by the scalar engine with bots in the seats (``wargame.bots.play``); each
turn's orders are fed to the batch engine, which plays all the games of an example at once, and
after every turn each game's state must equal the scalar one: the same digest, or a field-by-field
list of what differs. Games start as new, from a facilitator's hand (a track set, a card played,
an offshoot changed: ``wargame.engine.facilitator``) at the start or some turns in, in either
phase, and from arbitrary boards (``tests.strategies.states``, up to twelve offshoots).
"""

from __future__ import annotations

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import states
from wargame.batch.game import BatchGame
from wargame.bots.play import bots_for, parse_seats, play
from wargame.engine.board import GLOBAL_TRACKS, THEATRE_TRACKS
from wargame.engine.facilitator import inject_card, set_track
from wargame.engine.model import Offshoot, State, digest
from wargame.engine.turn import begin_turn, new_game

SEATS = ("all=random", "all=doctrine", "all=doctrine:cautious,is=doctrine:aggressive", "all=doctrine:mixed",
         "is=random,aq=doctrine,coalition=doctrine:aggressive,governments=random")
# Fewer examples than the profile's: each plays several whole games twice (scalar and batch).
FEW = settings(max_examples=max(5, settings.default.max_examples // 3))


def differences(a, b, path: str = "state") -> list[str]:
    """Where two states differ, field by field: ``state.theatres[2].territory: 3 != 4``."""
    if attrs.has(type(a)) and type(a) is type(b):
        return [d for f in attrs.fields(type(a)) for d in differences(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")]
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and any(attrs.has(type(x)) for x in a):
        return [d for k, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{k}]")]
    return [] if a == b else [f"{path}: scalar {a!r} != batch {b!r}"]


def assert_same(scalar: State, batch: State, what: str) -> None:
    if digest(scalar) != digest(batch):
        lines = differences(scalar, batch)
        raise AssertionError(f"{what}: the batch engine differs from the scalar engine in {len(lines)} fields:\n  "
                             + "\n  ".join(lines[:30]))


def play_both(rulebook, games: list[tuple[State, str]], turns: int | None = None) -> BatchGame:
    """Play each (start, seats) with the scalar engine and its bots, then the same orders in one
    batch, comparing every game after every turn. Returns the batch."""
    played = [list(play(rulebook, s, bots_for(parse_seats(seats), s.seed, rulebook), turns)) for s, seats in games]
    batch = BatchGame.from_states(rulebook, [s for s, _ in games])
    for i, (s, _) in enumerate(games):
        assert_same(s, batch.state(i), f"game {i} at the start")
    for k in range(max((len(p) for p in played), default=0)):
        batch.begin_turn()
        batch.resolve_turn([dict(p[k].orders) if k < len(p) else {} for p in played])
        for i, p in enumerate(played):
            want = p[k].state if k < len(p) else (p[-1].state if p else games[i][0])
            assert_same(want, batch.state(i), f"game {i} ({games[i][1]}, seed {games[i][0].seed}) after its turn {k + 1}")
    return batch


@st.composite
def forced(draw, rulebook, state: State) -> State:
    """The facilitator's hand on ``state``: nothing, a track set, a theatre's track set, a card
    played or an offshoot changed."""
    how = draw(st.sampled_from(["none", "track", "theatre", "card", "offshoot"]))
    if how == "track":
        name = draw(st.sampled_from(sorted(GLOBAL_TRACKS)))
        lo, hi = GLOBAL_TRACKS[name]
        return set_track(rulebook, state, name, draw(st.integers(lo, min(hi, 30))), "test").state
    if how == "theatre":
        name = draw(st.sampled_from(sorted(THEATRE_TRACKS)))
        where = draw(st.sampled_from([t.name for t in state.theatres]))
        lo, hi = THEATRE_TRACKS[name]
        return set_track(rulebook, state, f"{where}.{name}", draw(st.integers(lo, hi)), "test").state
    if how == "card":
        card = draw(st.sampled_from(sorted(rulebook.cards)))
        if rulebook.cards[card].theatre not in (None, *(t.name for t in state.theatres)):
            return state
        return inject_card(rulebook, state, card).state
    if how == "offshoot" and state.offshoots:
        o = draw(st.sampled_from(state.offshoots))
        return set_track(rulebook, state, f"{o.id}.strength", draw(st.integers(0, 10)), "test").state
    return state


@st.composite
def starts(draw, rulebook, scenario: str) -> tuple[State, str]:
    """A game's start: new, or some turns in; in the events or the orders phase; perhaps forced."""
    seats = draw(st.sampled_from(SEATS))
    state = new_game(rulebook, scenario, draw(st.integers(0, 2**32)))
    before = draw(st.sampled_from([0, 0, 1, 3]))
    for turn in play(rulebook, state, bots_for(parse_seats(seats), state.seed, rulebook), before):
        state = turn.state
    if not state.over and draw(st.booleans()):
        state = begin_turn(rulebook, state).state
    if not state.over:
        state = draw(forced(rulebook, state))
    return state, seats


@FEW
@given(data=st.data())
def test_the_batch_plays_the_scalar_games(rulebook, data):
    scenario = data.draw(st.sampled_from(sorted(rulebook.scenarios)))
    games = data.draw(st.lists(starts(rulebook, scenario), min_size=1, max_size=4))
    play_both(rulebook, games, turns=data.draw(st.integers(1, 6)))


@st.composite
def crowded(draw, rulebook, scenario: str) -> State:
    """An arbitrary board (every track anywhere in its bounds) with up to twelve offshoots and any
    tally of offshoots formed, so that the weakest folds and ids run past the tally's cap, and its
    decks dealt into short draw piles, so that they reshuffle (or run out of playable cards)."""
    state = draw(states(rulebook, scenario, phase=draw(st.sampled_from(["events", "orders"]))))
    count = draw(st.sampled_from([0, 2, 5, 11, 12, 12]))  # mostly crowded: the weakest must fold
    formed = draw(st.sampled_from([count, 40, 990, 999]))
    ids = draw(st.lists(st.integers(max(1, formed - 12), formed + 2), min_size=count, max_size=count, unique=True))
    theatres = [t.name for t in state.theatres]
    offshoots = tuple(Offshoot(id=f"offshoot-{n}", theatre=draw(st.sampled_from(theatres)),
                               origin=draw(st.sampled_from(["defectors", "holdouts", "inspired"])),
                               strength=draw(st.integers(1, 10)), brutality=draw(st.integers(0, 10))) for n in ids)
    decks = []
    for piles in state.decks:  # the piles dealt anew: short draw piles make the decks reshuffle
        cards = draw(st.permutations(piles.cards()))
        a, b = sorted(draw(st.lists(st.integers(0, len(cards)), min_size=2, max_size=2)))
        a = draw(st.sampled_from([0, 1, a]))
        decks.append(attrs.evolve(piles, draw=tuple(cards[:a]), discard=tuple(cards[a:b]), aside=tuple(cards[b:])))
    return attrs.evolve(state, offshoots=offshoots, decks=tuple(decks), tally=attrs.evolve(state.tally, offshoots_formed=formed))


@FEW
@given(data=st.data())
def test_the_batch_plays_from_any_board(rulebook, data):
    scenario = data.draw(st.sampled_from(sorted(rulebook.scenarios)))
    boards = data.draw(st.lists(crowded(rulebook, scenario), min_size=1, max_size=4))
    games = [(s, data.draw(st.sampled_from(SEATS))) for s in boards]
    play_both(rulebook, games, turns=data.draw(st.integers(1, 4)))


def test_whole_games_of_every_seat_set_in_one_batch(rulebook):
    """Whole spring-2016 games, to the end, every seat set in one batch; the games that end stay ended."""
    games = [(new_game(rulebook, "spring-2016", 1000 + k), seats) for k, seats in enumerate(SEATS)]
    batch = play_both(rulebook, games)
    assert batch.over.all()
    before = [digest(batch.state(i)) for i in range(batch.n)]
    batch.begin_turn()
    batch.resolve_turn([{}] * batch.n)
    assert [digest(batch.state(i)) for i in range(batch.n)] == before
    assert batch.fired.sum() > 0 and batch.drawn.sum() == sum(batch.state(i).tally.cards_drawn for i in range(batch.n))
    assert len(batch.series) == rulebook.scenarios["spring-2016"].turns


def test_a_thousand_games_without_orders_are_the_scalar_ones(rulebook):
    """Many lanes at once (so that every deck, reshuffle and offshoot path is taken somewhere):
    spot-checked against the scalar engine after every turn."""
    from wargame.engine.turn import resolve_turn

    seeds = list(range(0, 3000, 3))
    batch = BatchGame.new(rulebook, "exercise", seeds, keep_series=False)
    picked = [0, 1, 17, 500, 999]
    scalar = {i: new_game(rulebook, "exercise", seeds[i]) for i in picked}
    while not batch.over.all():
        batch.begin_turn()
        batch.resolve_turn(None)
        for i in picked:
            scalar[i] = resolve_turn(rulebook, begin_turn(rulebook, scalar[i]).state, {}).state
            assert_same(scalar[i], batch.state(i), f"game {i} on turn {scalar[i].turn}")
