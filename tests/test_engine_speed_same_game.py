"""The engine's shortcuts (issue 13) give what the long way gives: the same boards, states, views and verdicts.

The engine keeps what it read off a state (the state never changes), works out again only the
formulas whose names changed, reuses the parts of a state a phase left as they were, and accepts a
plainly legal order without asking :func:`~wargame.engine.legality.why_illegal`. Each test here
does the long way beside the short one and holds them equal; the golden saves and the digest
checks hold whole games to it.
"""

from __future__ import annotations

import attrs
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import states
from wargame.bots.play import bots_for, parse_seats, play
from wargame.engine import board as board_module
from wargame.engine.board import GLOBAL_TRACKS, Board, flat_tracks
from wargame.engine.legality import IllegalOrder, check_orders, why_illegal
from wargame.engine.model import CELL_TITLES, CELLS, DeckPiles, Leader, Offshoot, Order, State, Theatre, tracks_of
from wargame.engine.position import Position
from wargame.engine.resolver import order_key
from wargame.engine.rulebook import load_rulebook
from wargame.engine.turn import new_game
from wargame.engine.view import SEATS, view

RULEBOOK = load_rulebook()


def _same(a: object, b: object) -> bool:
    """Equal, and of the same type (a record shows 3 and 3.0 apart)."""
    return a == b and type(a) is type(b)


def test_update_gives_what_a_full_refresh_gives(monkeypatch) -> None:
    """Each time the resolver brings its board up to date (only the totals and formulas whose
    names changed), the board is what working everything out again gives."""
    seen = []
    update = Board.update

    def checked(self: Board) -> None:
        update(self)
        other = Board.__new__(Board)
        other.g, other.theatres, other.offshoots = dict(self.g), [dict(t) for t in self.theatres], [dict(o) for o in self.offshoots]
        other.formulas, other.piles = self.formulas, {}
        other.refresh()
        assert all(_same(self.g[k], other.g[k]) for k in other.g), [k for k in other.g if not _same(self.g[k], other.g[k])]
        assert self.theatres == other.theatres
        seen.append(1)

    monkeypatch.setattr(Board, "update", checked)
    for seed in range(3):
        for spec in ("all=random", "all=doctrine"):
            for _ in play(RULEBOOK, new_game(RULEBOOK, "spring-2016", seed), bots_for(parse_seats(spec), seed, RULEBOOK)):
                pass
    assert seen


def _rebuilt(state: State) -> State:
    """The same state, every part of it a new object (so nothing kept for the old one applies)."""
    return State(**{a.name: _copy(getattr(state, a.name)) for a in attrs.fields(State)})


def _copy(value: object) -> object:
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    if attrs.has(type(value)):
        return type(value)(**{a.name: _copy(getattr(value, a.name)) for a in attrs.fields(type(value))})
    return value


@given(state=states(RULEBOOK), seat=st.sampled_from(SEATS))
def test_a_view_is_the_same_whatever_was_kept_of_the_state(state: State, seat: str) -> None:
    fresh = _rebuilt(state)
    assert fresh is not state and fresh == state
    a, b = view(state, seat), view(fresh, seat)
    assert a == b and list(a.tracks) == list(b.tracks)
    assert flat_tracks(state) == flat_tracks(fresh) and list(flat_tracks(state)) == list(GLOBAL_TRACKS)


def _freeze_the_long_way(board: Board, template: State, **changes) -> State:
    """Board.freeze as it was: every part of the model built anew from the board's values."""
    g = board.g
    parts = {}
    for prefix, attr, cls in board_module.PARTS:
        kwargs = {n: g[prefix + n] for n, _, _ in tracks_of(cls)}
        for lp, lattr in board_module.LEADERS:
            if lattr == attr:
                kwargs["leader"] = Leader(name=getattr(template, attr).leader.name,
                                          **{n: g[lp + n] for n, _, _ in tracks_of(Leader)})
        parts[attr] = cls(**kwargs)
    return attrs.evolve(
        template,
        theatres=tuple(Theatre(**{a.name: t[a.name] for a in attrs.fields(Theatre)}) for t in board.theatres),
        offshoots=tuple(Offshoot(**{a.name: o[a.name] for a in attrs.fields(Offshoot)}) for o in board.offshoots),
        decks=tuple(DeckPiles(deck=d, draw=tuple(p[0]), discard=tuple(p[1]), aside=tuple(p[2])) for d, p in board.piles.items()),
        **parts, **changes)


@given(state=states(RULEBOOK, phase="events"), data=st.data())
def test_freezing_gives_the_state_built_field_by_field(state: State, data) -> None:
    """Freezing a board reuses the parts that came out as they went in and builds the rest: the
    state is the one built anew from every value."""
    board = Board(state, RULEBOOK.parameters, RULEBOOK.formulas)
    assert board.freeze(state) == state
    for _ in range(data.draw(st.integers(0, 3))):
        name = data.draw(st.sampled_from(sorted(GLOBAL_TRACKS)))
        board.g[name] = data.draw(st.integers(*GLOBAL_TRACKS[name]))
    for _ in range(data.draw(st.integers(0, 2))):
        data.draw(st.sampled_from(board.theatres))["grievance"] = data.draw(st.integers(0, 10))
    if board.offshoots and data.draw(st.booleans()):
        board.offshoots.pop(0)
    board.piles[next(iter(board.piles))][1].append("a card")
    new = board.freeze(state, phase="orders")
    assert new == _freeze_the_long_way(board, state, phase="orders")
    assert flat_tracks(new) == {k: board.g[k] for k in GLOBAL_TRACKS}
    assert flat_tracks(new) == flat_tracks(_rebuilt(new))


def test_a_float_where_a_track_is_whole_is_refused_as_it_always_was() -> None:
    state = new_game(RULEBOOK, "spring-2016", 1)
    board = Board(state, RULEBOOK.parameters, RULEBOOK.formulas)
    board.g["is_funds"] = float(board.g["is_funds"])  # equal, but not a whole number's type
    try:
        board.freeze(state)
    except ValueError as e:
        assert "funds" in str(e)
    else:
        raise AssertionError("a float track was frozen into the model")


def _check_the_long_way(state: State, orders: dict[str, list[Order]]) -> str | None:
    """check_orders as it was: every order asked of why_illegal, in the canonical order."""
    for cell, given_orders in orders.items():
        accepted: list[Order] = []
        for order in sorted(given_orders, key=order_key(RULEBOOK, state)):
            if order.cell != cell:
                return f"{order} was given under {cell} but is an order of {order.cell}"
            reason = why_illegal(RULEBOOK, state, order, accepted)
            if reason is not None:
                return f"{CELL_TITLES[cell]}: {order}: {reason}"
            accepted.append(order)
    return None


@given(state=states(RULEBOOK), data=st.data())
def test_checking_orders_says_what_asking_each_one_says(state: State, data) -> None:
    candidates = {cell: list(Position(RULEBOOK, state).requirements(RULEBOOK, cell)) for cell in CELLS}
    anyone = [o for cell in CELLS for o in candidates[cell]]  # now and then an order of another cell
    orders = {cell: data.draw(st.lists(st.one_of(st.sampled_from(candidates[cell]), st.sampled_from(anyone)), max_size=4))
              for cell in CELLS}
    expected = _check_the_long_way(state, orders)
    try:
        check_orders(RULEBOOK, state, orders)
    except IllegalOrder as e:
        assert str(e) == expected
    else:
        assert expected is None
