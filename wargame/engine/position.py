"""A state read under the rules: its board brought up to date, and what the rules say of it.

A :class:`Position` is the board of one state with its totals and formulas worked out (the last
one asked about is kept, so that many questions about one state cost one board). It answers the
legality of orders (:mod:`wargame.engine.legality`), the objectives' points, the formulas' values
and the chance a rule or an order has, for the UI's odds, the bots and the tests.
"""

from __future__ import annotations

import ast
from typing import Any

from attrs import frozen

from wargame.engine.board import Board
from wargame.engine.declarations import Invariant
from wargame.engine.expressions import compile_written
from wargame.engine.model import Order, State
from wargame.engine.orders import OrderKind
from wargame.engine.resolver import rounded, set_calendar
from wargame.engine.rulebook import Rulebook


class Position:
    """A state read under the rules: its board (the year set, totals and formulas worked out),
    and per cell the orders its requirements allow."""

    __slots__ = ("state", "board", "base", "open", "costs")

    def __init__(self, rulebook: Rulebook, state: State):
        self.state = state
        handed = _handed.pop(id(state), None)  # (one pop: taken once, whichever thread asks first)
        if handed is not None and handed[0] is state and handed[1] is rulebook:
            self.board = handed[2]
        else:
            self.board = Board(state, rulebook.parameters, rulebook.formulas)
            set_calendar(rulebook, self.board, state)
            self.board.refresh()
        self.base: dict[str, dict[Order, str | None]] = {}
        self.open: dict[str, tuple[tuple[Order, int, tuple[str, str | None]], ...]] = {}
        self.costs: dict[str, dict[tuple[str, str | None], int]] = {}

    def allowed_costs(self, rulebook: Rulebook, cell: str) -> dict[tuple[str, str | None], int]:
        """:meth:`allowed` as a dict, (kind, theatre) to cost, for checking orders; worked out once per cell
        (no one may change it)."""
        out = self.costs.get(cell)
        if out is None:
            out = self.costs[cell] = {key: cost for _, cost, key in self.allowed(rulebook, cell)}
        return out

    def requirements(self, rulebook: Rulebook, cell: str) -> dict[Order, str | None]:
        """Every order of a cell, with the reason it is refused by its requirements, or None."""
        if cell not in self.base:
            theatres = self._theatres()
            self.base[cell] = {order: _refused(self.board.g, theatres[order.theatre] if order.theatre else _NO_SCOPE, kind)
                               for order, kind in _candidates(rulebook, tuple(theatres), cell)}
        return self.base[cell]

    def refused(self, rulebook: Rulebook, order: Order) -> str | None:
        """Why the requirements of its kind refuse ``order`` (one of its cell's :meth:`requirements`), or None."""
        base = self.base.get(order.cell)
        if base is not None:
            return base[order]
        T = self._theatres()[order.theatre] if order.theatre else _NO_SCOPE
        return _refused(self.board.g, T, rulebook.order_kinds[order.kind])

    def allowed(self, rulebook: Rulebook, cell: str) -> tuple[tuple[Order, int, tuple[str, str | None]], ...]:
        """The orders of a cell its requirements allow, in the rulebook's order, each with its
        cost and its (kind, theatre): what :func:`~wargame.engine.legality.legal_orders` filters
        by budget and by the orders pending, worked out once per cell."""
        out = self.open.get(cell)
        if out is None:
            G = self.board.g
            theatres = self._theatres()
            code = _allowed_code(rulebook, tuple(theatres), cell)
            if code is not None:  # the same verdicts, every requirement written out in one function
                fn, offers = code
                out = self.open[cell] = tuple([offers[i] for i in fn(G, list(theatres.values()), _NO_SCOPE)])
                return out
            found = []
            for order, cost, key, where, tests in _offers(rulebook, tuple(theatres), cell):
                T = theatres[where] if where else _NO_SCOPE
                for test in tests:
                    if not test(G, T, _NO_SCOPE):
                        break
                else:
                    found.append((order, cost, key))
            out = self.open[cell] = tuple(found)
        return out

    def _theatres(self) -> dict[str, dict[str, Any]]:
        return {T["name"]: T for T in self.board.theatres}


def _refused(G: dict[str, Any], T: dict[str, Any], kind: OrderKind) -> str | None:
    """The reason of the first requirement of ``kind`` that does not hold in theatre ``T``, or None."""
    for req in kind.requires:
        if not req.when.fn(G, T, _NO_SCOPE):
            return req.reason
    return None


_NO_SCOPE: dict = {}
_candidate_cache: dict[tuple, tuple[Rulebook, tuple[tuple[Order, OrderKind], ...]]] = {}


def _candidates(rulebook: Rulebook, theatres: tuple[str, ...], cell: str) -> tuple[tuple[Order, OrderKind], ...]:
    """Every order a cell could give on a board with these theatres, before any requirement."""
    key = (id(rulebook), theatres, cell)
    cached = _candidate_cache.get(key)
    if cached is None or cached[0] is not rulebook:
        out = []
        for kind in rulebook.orders:
            if kind.cell == cell:
                for where in (theatres if kind.target == "theatre" else (None,)):
                    out.append((Order(cell, kind.id, where), kind))
        if len(_candidate_cache) > 64:
            _candidate_cache.clear()
        _candidate_cache[key] = (rulebook, tuple(out))
    return _candidate_cache[key][1]


_offer_cache: dict[tuple, tuple[Rulebook, tuple]] = {}


def _offers(rulebook: Rulebook, theatres: tuple[str, ...], cell: str) -> tuple[tuple[Order, int, tuple[str, str | None], str | None, tuple], ...]:
    """:func:`_candidates` as :meth:`Position.allowed` reads them: each order with its cost, its
    (kind, theatre), its theatre and its requirements' tests, worked out once."""
    key = (id(rulebook), theatres, cell)
    cached = _offer_cache.get(key)
    if cached is None or cached[0] is not rulebook:
        out = tuple((order, kind.cost, (order.kind, order.theatre), order.theatre, tuple(r.when.fn for r in kind.requires))
                    for order, kind in _candidates(rulebook, theatres, cell))
        if len(_offer_cache) > 64:
            _offer_cache.clear()
        cached = _offer_cache[key] = (rulebook, out)
    return cached[1]


_code_cache: dict[tuple, tuple[Rulebook, Any]] = {}


def _allowed_code(rulebook: Rulebook, theatres: tuple[str, ...], cell: str) -> tuple[Any, list] | None:
    """:meth:`Position.allowed` as one compiled function of (G, the theatres' dicts in order, {}):
    the indexes of the :func:`_offers` whose requirements all hold, each requirement written out
    in place (``if (r1) and (r2): out.append(i)``, as the loop asks them, in order, stopping at the
    first that fails) rather than a call of its compiled function. Made once per rulebook, board
    shape and cell; None where a requirement keeps no tree to write out (:attr:`Expression.body`)."""
    key = (id(rulebook), theatres, cell)
    cached = _code_cache.get(key)
    if cached is not None and cached[0] is rulebook:
        return cached[1]
    offers = _offers(rulebook, theatres, cell)
    lines = ["def allowed(G, TS, O):", "    out = []"]
    code: tuple[Any, list] | None = None
    bodies = [[req.when.body for req in rulebook.order_kinds[order.kind].requires] for order, *_ in offers]
    if all(b is not None for tests in bodies for b in tests):
        for i, ((_, _, _, where, _), tests) in enumerate(zip(offers, bodies)):
            lines.append(f"    T = TS[{theatres.index(where)}]" if where else "    T = O")
            lines.append(f"    if {' and '.join(f'({ast.unparse(b)})' for b in tests)}:" if tests else "    if True:")
            lines.append(f"        out.append({i})")
        lines.append("    return out")
        code = (compile_written(lines, "allowed", f"<requirements of {cell}>"), [(o, cost, k) for o, cost, k, _, _ in offers])
    if len(_code_cache) > 64:
        _code_cache.clear()
    _code_cache[key] = (rulebook, code)
    return code


# Boards handed over by the phase that froze the state (begin_turn: the events' board, up to date,
# is what Board(state) and a refresh would give; a test holds them equal), keyed by the state's
# id with the state kept beside it so the id cannot be reused while the entry lives. Cleared when
# full: a state no one asks the position of leaves its board here only until then.
_handed: dict[int, tuple[State, Rulebook, Board]] = {}
_HANDED_MAX = 8


def hand_over(rulebook: Rulebook, state: State, board: Board) -> None:
    """Give ``board``, frozen into ``state`` and no longer changed by anyone, to the first :class:`Position`
    of ``state``: it is brought up to date here (:meth:`Board.update`), as a refresh would leave it."""
    if board.dirty:
        board.update()
    if len(_handed) >= _HANDED_MAX:
        _handed.clear()
    _handed[id(state)] = (state, rulebook, board)


_position_cache: list[Any] = [None, None]  # [rulebook, Position]: the last state asked about


def position(rulebook: Rulebook, state: State) -> Position:
    """The :class:`Position` of ``state``: the last one asked about is kept, so that questions
    about the same state object cost one board."""
    rb, pos = _position_cache
    if rb is rulebook and pos is not None and pos.state is state:
        return pos
    pos = Position(rulebook, state)
    _position_cache[0], _position_cache[1] = rulebook, pos
    return pos


@frozen
class Score:
    """An objective's points on a board: ``points`` of the most it can score, ``of``."""

    objective: str
    cell: str
    title: str
    text: str
    points: int
    of: int


def scores(rulebook: Rulebook, state: State, cell: str | None = None) -> list[Score]:
    """Each objective's points on this board (shown from turn 1, final at the end)."""
    board = position(rulebook, state).board
    out = []
    for obj in rulebook.objectives:
        if cell is None or obj.cell == cell:
            pts = max(0, min(obj.points, rounded(obj.score.fn(board.g, {}, {}))))
            out.append(Score(obj.id, obj.cell, obj.title, obj.text, pts, obj.points))
    return out


def formula_values(rulebook: Rulebook, state: State) -> dict[str, float]:
    """The rulebook's formulas (e.g. each group's strength) on this board."""
    g = position(rulebook, state).board.g
    return {name: g[name] for name, _ in rulebook.formulas}


def _scope_dicts(pos: Position, theatre: str | None, offshoot: str | None) -> tuple[dict, dict]:
    T: dict = {}
    O: dict = {}
    if offshoot is not None:
        O = next(o for o in pos.board.offshoots if o["id"] == offshoot)
        theatre = O["theatre"]
    if theatre is not None:
        T = pos.board.theatre(theatre)
    return T, O


def rule_chance(rulebook: Rulebook, state: State, rule_id: str, theatre: str | None = None,
                offshoot: str | None = None) -> float:
    """The chance that a rule fires on this board (in that theatre or for that offshoot):
    0 if its condition does not hold, 1 if it holds and the rule rolls no dice."""
    rule = rulebook.rule(rule_id)
    pos = position(rulebook, state)
    T, O = _scope_dicts(pos, theatre, offshoot)
    G = pos.board.g
    if rule.when is not None and not rule.when.fn(G, T, O):
        return 0.0
    return 1.0 if rule.chance is None else float(rule.chance.fn(G, T, O))


def order_chance(rulebook: Rulebook, state: State, order: Order) -> float:
    """The chance of success the rules give an order on this board (1 if it rolls no dice)."""
    kind = rulebook.order_kinds[order.kind]
    if kind.chance is None:
        return 1.0
    pos = position(rulebook, state)
    T, _ = _scope_dicts(pos, order.theatre, None)
    return float(kind.chance.fn(pos.board.g, T, {}))


def where_broken(rulebook: Rulebook, invariant: Invariant, state: State) -> str | None:
    """Where an invariant (rules/invariants.toml) fails on this board: "the board", a theatre's
    id or an offshoot's id; None where it holds everywhere in its scope."""
    board = position(rulebook, state).board
    G = board.g
    holds = invariant.holds.fn
    if invariant.scope == "global":
        return None if holds(G, _NO_SCOPE, _NO_SCOPE) else "the board"
    if invariant.scope == "theatre":
        return next((T["name"] for T in board.theatres if not holds(G, T, _NO_SCOPE)), None)
    return next((O["id"] for O in board.offshoots if not holds(G, board.theatre(O["theatre"]), O)), None)
