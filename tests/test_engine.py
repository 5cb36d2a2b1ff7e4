"""The engine's promises: bounded tracks, conserved cards, legal orders, fair and repeatable dice."""

from __future__ import annotations

import random as global_random
import subprocess
import sys
from itertools import permutations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from wargame.bots.play import bots_for, parse_seats, play
from wargame.bots.random_bot import RandomBot
from wargame.engine.adjudication import Adjudication
from wargame.engine.board import GLOBAL_TRACKS
from wargame.engine.dice import dice
from wargame.engine.legality import IllegalOrder, legal_orders, unavailable_orders, why_illegal
from wargame.engine.model import CELLS, Order, State, digest, tracks_of
from wargame.engine.position import scores
from wargame.engine.rulebook import load_rulebook
from wargame.engine.turn import PhaseError, begin_turn, new_game, resolve_turn

from .strategies import states

RULEBOOK = load_rulebook()


def assert_in_bounds(state: State) -> None:
    """Every track of every part lies within its bounds (the model's validators agree)."""
    for part in (state.islamic_state, state.al_qaeda, state.coalition, state.governments, state.relation, state.tally,
                 state.islamic_state.leader, state.al_qaeda.leader, *state.theatres, *state.offshoots):
        for name, lo, hi in tracks_of(type(part)):
            assert lo <= getattr(part, name) <= hi, (type(part).__name__, name, getattr(part, name))


def assert_cards_conserved(state: State) -> None:
    """Every card of every deck lies in exactly one pile."""
    assert {p.deck for p in state.decks} == set(RULEBOOK.decks)
    for piles in state.decks:
        expected = sorted(c.id for c in RULEBOOK.decks[piles.deck].cards)
        assert sorted(piles.cards()) == expected


def random_orders(state: State, seed: int) -> dict[str, tuple[Order, ...]]:
    out = {}
    for cell in CELLS:
        choice = RandomBot(seed).choose(
            __import__("wargame.engine.view", fromlist=["view"]).view(state, cell),
            lambda pending, c=cell: legal_orders(RULEBOOK, state, c, pending),
            RULEBOOK.max_orders,
        )
        out[cell] = choice.orders
    return out


def play_game(seed: int, scenario: str = "spring-2016", turns: int | None = None) -> list[State]:
    state = new_game(RULEBOOK, scenario, seed)
    states_seen = [state]
    for turn in play(RULEBOOK, state, bots_for(parse_seats("all=bot"), seed), turns):
        states_seen.append(turn.state)
    return states_seen


# --- seeded soak games -----------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(12))
def test_a_whole_game_keeps_every_promise(seed: int) -> None:
    history = play_game(seed)
    final = history[-1]
    assert final.over and final.turn == final.last_turn == 23
    turns = [s.turn for s in history]
    assert turns == sorted(turns), "turns only go forward"
    for state in history:
        assert_in_bounds(state)
        assert_cards_conserved(state)
        assert len(state.offshoots) <= 12


def test_the_exercise_ends_after_eight_turns() -> None:
    final = play_game(5, "exercise")[-1]
    assert final.over and final.turn == 8


def test_a_finished_game_takes_no_more_turns() -> None:
    final = play_game(2, "exercise")[-1]
    with pytest.raises(PhaseError):
        begin_turn(RULEBOOK, final)
    with pytest.raises(PhaseError):
        resolve_turn(RULEBOOK, final, {})


def test_the_same_seed_and_orders_give_the_same_game() -> None:
    a = [digest(s) for s in play_game(11)]
    b = [digest(s) for s in play_game(11)]
    assert a == b
    assert a != [digest(s) for s in play_game(12)], "another seed gives another game"


def test_the_game_is_the_same_in_another_process_and_hash_seed() -> None:
    here = digest(play_game(4, "exercise")[-1])
    code = (
        "from wargame.engine.rulebook import load_rulebook; from wargame.engine.turn import new_game;"
        "from wargame.bots.play import play, bots_for, parse_seats; from wargame.engine.model import digest;"
        "rb = load_rulebook(); s = new_game(rb, 'exercise', 4);"
        "[s := t.state for t in play(rb, s, bots_for(parse_seats('all=bot'), 4))]; print(digest(s))"
    )
    for hash_seed in ("0", "12345"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={"PYTHONHASHSEED": hash_seed, "PATH": ""})
        assert out.stdout.strip() == here


def test_no_die_comes_from_the_global_random(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args, **kwargs):
        raise AssertionError("the global random generator was used")

    for name in ("random", "randint", "randrange", "choice", "shuffle", "uniform", "sample", "seed", "getrandbits"):
        monkeypatch.setattr(global_random, name, forbidden)
    play_game(3, "exercise")


def test_a_roll_depends_only_on_the_secret_and_what_it_decides() -> None:
    assert dice(7, 3, "events").roll("r") == dice(7, 3, "events").roll("r")
    assert dice(7, 3, "events").roll("r") != dice(7, 4, "events").roll("r")
    assert dice(7, 3, "events").roll("r") != dice(7, 3, "dynamics").roll("r")
    assert dice(7, 3, "events").roll("r") != dice(8, 3, "events").roll("r")
    assert dice(7, 3, "events").roll("r", "iraq") != dice(7, 3, "events").roll("r", "syria")
    assert dice(7, 3, "events").roll("r", "iraq", 0) != dice(7, 3, "events").roll("r", "iraq", 1)
    # no hidden state: rolling other things first changes nothing
    d = dice(7, 3, "events")
    first = d.roll("c6.defection", "iraq")
    for other in ("a", "b", "c"):
        d.roll(other)
    assert d.roll("c6.defection", "iraq") == first


def test_the_dice_scheme_is_pinned() -> None:
    """Reference values of the keyed dice (wargame/dice.py): a reimplementation, e.g. a
    vectorised engine, must reproduce them bit for bit; a change here changes every game."""
    from wargame.engine.dice import Dice, mix, name

    assert mix(0) == 0xE220A8397B1DCDAF
    assert name("events") == int.from_bytes(__import__("hashlib").blake2b(b"events", digest_size=8).digest(), "big")
    d = Dice(1, 1, "events")
    assert d.key == mix(mix(name("game:1") ^ 1) ^ name("events"))
    assert d.roll("events.reform") == (mix(mix(mix(d.key ^ name("events.reform")) ^ name("")) ^ 0) >> 11) * 2.0**-53


@given(seed=st.integers(0, 2**32), turns=st.integers(1, 4), data=st.data())
@settings(max_examples=25)
def test_an_override_moves_no_other_roll(seed: int, turns: int, data) -> None:
    """Forcing one result and resolving the turn again keeps every other roll as it was: a
    result changes only through what depends on the overridden one, never by a shifted die."""
    from wargame.engine.resolver import Forced

    state = new_game(RULEBOOK, "spring-2016", seed)
    for turn in play(RULEBOOK, state, bots_for(parse_seats("all=bot"), seed), turns - 1):
        state = turn.state
    state = begin_turn(RULEBOOK, state).state
    orders = random_orders(state, seed)
    first = resolve_turn(RULEBOOK, state, orders).records
    rolled = [r for r in first if r.roll is not None and r.kind in ("rule", "order")]
    if not rolled:
        return
    target = data.draw(st.sampled_from(rolled))
    where = target.offshoot or target.theatre
    again = resolve_turn(RULEBOOK, state, orders, {(target.ref, where): Forced(not target.happened, "test")}).records

    def rolls(records) -> dict:
        return {(r.phase, r.kind, r.ref, r.theatre, r.offshoot): r.roll for r in records if r.roll is not None}

    before, after = rolls(first), rolls(again)
    for key in before.keys() & after.keys():
        assert before[key] == after[key], key
    forced = [r for r in again if r.ref == target.ref and (r.offshoot or r.theatre) == where and r.original is not None]
    assert forced and forced[0].happened is (not target.happened)


# --- orders ------------------------------------------------------------------------------------


@given(state=states(RULEBOOK), cell=st.sampled_from(CELLS), data=st.data())
def test_legal_orders_are_exactly_those_with_no_reason_against(state: State, cell: str, data) -> None:
    pending: list[Order] = []
    for _ in range(RULEBOOK.max_orders + 1):
        offered = legal_orders(RULEBOOK, state, cell, pending)
        refused = unavailable_orders(RULEBOOK, state, cell, pending)
        for order in offered:
            assert why_illegal(RULEBOOK, state, order, pending) is None
        for order, reason in refused:
            assert reason and why_illegal(RULEBOOK, state, order, pending) == reason
        assert not set(offered) & {o for o, _ in refused}
        if not offered:
            break
        pending.append(data.draw(st.sampled_from(offered)))
    assert len(pending) <= RULEBOOK.max_orders


@given(state=states(RULEBOOK), seed=st.integers(0, 1000))
def test_every_offered_set_of_orders_is_accepted(state: State, seed: int) -> None:
    orders = random_orders(state, seed)
    step = resolve_turn(RULEBOOK, state, orders)
    assert_in_bounds(step.state)
    assert all(isinstance(r, Adjudication) for r in step.records)


@given(state=states(RULEBOOK), seed=st.integers(0, 1000), data=st.data())
def test_submission_order_of_simultaneous_orders_does_not_matter(state: State, seed: int, data) -> None:
    orders = random_orders(state, seed)
    shuffled = {cell: tuple(data.draw(st.permutations(list(orders[cell])))) for cell in
                data.draw(st.permutations(list(orders)))}
    a = resolve_turn(RULEBOOK, state, orders)
    b = resolve_turn(RULEBOOK, state, shuffled)
    assert digest(a.state) == digest(b.state)
    assert [r.text for r in a.records] == [r.text for r in b.records]


def test_cells_may_submit_in_any_order_within_a_turn() -> None:
    state = begin_turn(RULEBOOK, new_game(RULEBOOK, "spring-2016", 9)).state
    orders = random_orders(state, 1)
    results = {digest(resolve_turn(RULEBOOK, state, dict(p)).state) for p in permutations(orders.items())}
    assert len(results) == 1


@given(state=states(RULEBOOK), seed=st.integers(0, 1000), kind=st.sampled_from([o.id for o in RULEBOOK.orders]),
       theatre=st.sampled_from([None, "iraq", "syria", "atlantis"]), cell=st.sampled_from(CELLS))
def test_a_refused_order_leaves_the_game_as_it_was(state: State, seed: int, kind: str, theatre, cell: str) -> None:
    order = Order(cell, kind, theatre)
    orders = random_orders(state, seed)
    mine = list(orders[cell])
    reason = why_illegal(RULEBOOK, state, order, mine)
    if reason is None:
        return  # a legal order: nothing to refuse (the other tests cover legal play)
    before = digest(state)
    clean = resolve_turn(RULEBOOK, state, orders)
    with pytest.raises(IllegalOrder, match="."):
        resolve_turn(RULEBOOK, state, {**orders, cell: (*mine, order)})
    assert digest(state) == before
    assert digest(resolve_turn(RULEBOOK, state, orders).state) == digest(clean.state)


def test_an_order_of_another_cell_is_refused_with_its_reason() -> None:
    state = begin_turn(RULEBOOK, new_game(RULEBOOK, "spring-2016", 1)).state
    reason = why_illegal(RULEBOOK, state, Order("aq", "is.pay_wages"))
    assert reason and "Islamic State" in reason


def test_a_cell_cannot_spend_more_than_its_budget() -> None:
    state = begin_turn(RULEBOOK, new_game(RULEBOOK, "spring-2016", 1)).state
    state = attrs.evolve(state, governments=attrs.evolve(state.governments, capacity=2))
    first = Order("governments", "gov.ground_offensive", "iraq")
    assert why_illegal(RULEBOOK, state, first) is None
    reason = why_illegal(RULEBOOK, state, Order("governments", "gov.ground_offensive", "syria"), [first])
    assert reason and "costs 2" in reason


def test_orders_are_given_only_in_the_orders_phase() -> None:
    state = new_game(RULEBOOK, "spring-2016", 1)
    assert state.phase == "events"
    assert legal_orders(RULEBOOK, state, "is") == []
    with pytest.raises(PhaseError):
        resolve_turn(RULEBOOK, state, {})


# --- decks ----------------------------------------------------------------------------------


def test_the_opening_decks_are_shuffled_by_the_seed() -> None:
    a = new_game(RULEBOOK, "spring-2016", 1).decks
    assert a == new_game(RULEBOOK, "spring-2016", 1).decks
    assert a != new_game(RULEBOOK, "spring-2016", 2).decks
    for piles in a:
        assert not piles.discard and not piles.aside


@given(state=states(RULEBOOK, phase="events"))
def test_drawing_keeps_every_card_in_exactly_one_pile(state: State) -> None:
    step = begin_turn(RULEBOOK, state)
    assert_cards_conserved(step.state)
    for record in step.records:
        if record.kind == "card":
            assert record.ref in RULEBOOK.cards


def test_an_exhausted_deck_is_reshuffled_and_ineligible_cards_are_set_aside() -> None:
    from wargame.engine.board import Board
    from wargame.engine.resolver import Resolver

    state = new_game(RULEBOOK, "spring-2016", 3)
    board = Board(state, RULEBOOK.parameters, RULEBOOK.formulas)
    board.refresh()
    resolver = Resolver(RULEBOOK, board, 1, "events", 3, dice(3, 1, "events"))
    size = len(RULEBOOK.decks["reform"].cards)
    for _ in range(3 * size):
        resolver.draw("reform", "test")
        draw, discard, aside = board.piles["reform"]
        assert sorted(draw + discard + aside) == sorted(c.id for c in RULEBOOK.decks["reform"].cards)
    kinds = [r.text for r in resolver.records if r.kind == "deck"]
    assert any("reshuffled" in t for t in kinds)


# --- views and objectives ----------------------------------------------------------------------


@given(state=states(RULEBOOK), seat=st.sampled_from(CELLS))
def test_a_view_never_lies_and_hides_what_it_must(state: State, seat: str) -> None:
    from wargame.engine.model import TALKS
    from wargame.engine.view import INNER, view

    v = view(state, seat)
    flat = __import__("wargame.engine.board", fromlist=["flat_tracks"]).flat_tracks(state)
    for name, est in v.tracks.items():
        lo, hi = GLOBAL_TRACKS[name]
        assert lo <= est.lo <= est.hi <= hi
        if name in INNER.get(seat, ()):
            assert est.exact and est.lo == flat[name], "a cell sees its own tracks exactly"
        hidden_talks = seat in ("coalition", "governments") and state.relation.stage == TALKS and not state.relation.known
        if not (hidden_talks and name.startswith("relation_")):
            assert est.lo <= flat[name] <= est.hi, "an estimate always contains the truth"
    if seat in ("coalition", "governments") and state.relation.stage == TALKS and not state.relation.known:
        assert v.tracks["relation_stage"].lo != TALKS, "secret talks stay secret"
    # nobody but the facilitator learns the order of the draw piles
    assert not any(hasattr(d, "draw") for d in v.decks)


def test_the_facilitator_sees_everything_exactly() -> None:
    from wargame.engine.view import view

    state = begin_turn(RULEBOOK, new_game(RULEBOOK, "spring-2016", 1)).state
    v = view(state, "white")
    assert all(e.exact for e in v.tracks.values())
    assert v.tracks["is_funds"].lo == state.islamic_state.funds


def test_objectives_are_scored_from_turn_one() -> None:
    state = new_game(RULEBOOK, "spring-2016", 1)
    for cell in CELLS:
        got = scores(RULEBOOK, state, cell)
        assert got, f"{cell} has objectives"
        assert all(0 <= s.points <= s.of for s in got)


# --- the state machine: any legal sequence of play ---------------------------------------------


class Play(RuleBasedStateMachine):
    """Random legal play, with illegal orders thrown in, checking the invariants after each step."""

    @initialize(seed=st.integers(0, 2**31), scenario=st.sampled_from(["exercise", "spring-2016"]))
    def start(self, seed: int, scenario: str) -> None:
        self.state = new_game(RULEBOOK, scenario, seed)
        self.pending: dict[str, list[Order]] = {c: [] for c in CELLS}
        self.last_turn = self.state.turn

    @precondition(lambda self: self.state.phase == "events")
    @rule()
    def events(self) -> None:
        self.state = begin_turn(RULEBOOK, self.state).state

    @precondition(lambda self: self.state.phase == "orders")
    @rule(cell=st.sampled_from(CELLS), data=st.data())
    def give_an_order(self, cell: str, data) -> None:
        offered = legal_orders(RULEBOOK, self.state, cell, self.pending[cell])
        if offered:
            self.pending[cell].append(data.draw(st.sampled_from(offered)))

    @precondition(lambda self: self.state.phase == "orders")
    @rule(cell=st.sampled_from(CELLS), kind=st.sampled_from([o.id for o in RULEBOOK.orders]),
          theatre=st.sampled_from([None, "iraq", "sahel", "nowhere"]))
    def try_any_order(self, cell: str, kind: str, theatre) -> None:
        order = Order(cell, kind, theatre)
        reason = why_illegal(RULEBOOK, self.state, order, self.pending[cell])
        before = digest(self.state)
        if reason is None:
            self.pending[cell].append(order)
        else:
            with pytest.raises(IllegalOrder):
                resolve_turn(RULEBOOK, self.state, {**self.pending, cell: [*self.pending[cell], order]})
            assert digest(self.state) == before

    @precondition(lambda self: self.state.phase == "orders")
    @rule()
    def resolve(self) -> None:
        step = resolve_turn(RULEBOOK, self.state, self.pending)
        self.state = step.state
        self.pending = {c: [] for c in CELLS}

    @precondition(lambda self: self.state.over)
    @rule()
    def the_game_is_over(self) -> None:
        assert self.state.turn == self.state.last_turn
        with pytest.raises(PhaseError):
            begin_turn(RULEBOOK, self.state)

    @invariant()
    def tracks_in_bounds(self) -> None:
        if hasattr(self, "state"):
            assert_in_bounds(self.state)

    @invariant()
    def cards_conserved(self) -> None:
        if hasattr(self, "state"):
            assert_cards_conserved(self.state)

    @invariant()
    def turns_go_forward_and_end_on_time(self) -> None:
        if hasattr(self, "state"):
            assert self.last_turn <= self.state.turn <= self.state.last_turn
            self.last_turn = self.state.turn


Play.TestCase.settings = settings(stateful_step_count=40)
TestPlay = Play.TestCase
