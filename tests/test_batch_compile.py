"""The rulebook's expressions compiled to NumPy give, lane by lane, exactly what the scalar
engine's compiled expressions give: every expression of the shipped rulebook, and expressions
using every construct of the language, on arbitrary boards, in every theatre and offshoot."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import states
from wargame.batch.compute import refresh
from wargame.batch.context import Ctx
from wargame.batch.game import BatchGame
from wargame.engine.board import Board
from wargame.engine.expressions import compile_expression
from wargame.engine.resolver import set_calendar

CONSTRUCTS = (
    "-is_funds + +aq_funds", "not is_collapsed", "not (pressure - 2)", "is_funds ** 2 - aq_funds ** 3 + territory ** 0",
    "(grievance + 0.5) ** 4 / 7", "is_funds % 3 + aq_funds % 0 + (grievance - 5) % 4 + (grievance / 3) % 0.7",
    "is_funds // 4 + aq_funds // 0 + (0.5 - grievance) // 3 + (grievance / 3) // 0.7", "pressure / 0 + grievance / (pressure - 3)",
    "is_funds and aq_funds", "is_funds or 0.5", "pressure and grievance or reform and 7", "(pressure > 3) + (grievance <= 4) * 2",
    "theatre == \"iraq\"", "theatre != \"syria\" and origin == \"holdouts\"", "origin != \"inspired\" or theatre == \"nowhere\"",
    "abs(power_gap) + ceil(is_revenue) - floor(avg_grievance)", "min(is_funds, aq_funds, 3.5) + max(0, -territory, lost_here)",
    "clamp(talks_chance * 3, 0.1, 0.9) + clamp(strength, brutality, 5)", "1 if offshoots_here > strength else 0.25 if turn > 3 else year / 2000",
    "is_desperation == aq_desperation", "weaker_ego >= 7 and turns_left", "True + False * 3 - 1e-3",
)


def _all_expressions(rulebook):
    scopes = {k: rulebook.scope(k) for k in ("global", "theatre", "offshoot")}
    out = [(e.source, "global") for _, e in rulebook.formulas]
    for r in rulebook.rules:
        out += [(e.source, r.scope) for e in (r.when, r.chance) if e is not None]
        out += [(a.source, r.scope) for eff in r.effects for a in eff.args if hasattr(a, "source")]
    for o in rulebook.orders:
        kind = "theatre" if o.target == "theatre" else "global"
        out += [(o.chance.source, kind)] if o.chance else []
        out += [(a.source, kind) for eff in o.success + o.failure for a in eff.args if hasattr(a, "source")]
    for c in rulebook.cards.values():
        kind = "theatre" if c.theatre else "global"
        out += [(e.source, kind) for e in ([c.when] if c.when else [])]
        out += [(a.source, kind) for eff in c.effects for a in eff.args if hasattr(a, "source")]
    return [(src, kind, scopes[kind]) for src, kind in out] + [(src, "offshoot", scopes["offshoot"]) for src in CONSTRUCTS]


_COMPILED: dict = {}  # (source, scope kind, theatres) -> (scalar Expression, batch closure): compiled once


def _compiled(rulebook, compiler, src, kind, scope):
    key = (src, kind, tuple(compiler.theatres))
    if key not in _COMPILED:
        _COMPILED[key] = (compile_expression(src, scope), compiler.expression(src, scope))
    return _COMPILED[key]


@settings(max_examples=max(5, settings.default.max_examples // 3))
@given(data=st.data())
def test_compiled_expressions_match_the_scalar_ones_on_any_board(rulebook, data):
    state = data.draw(states(rulebook, data.draw(st.sampled_from(sorted(rulebook.scenarios)))))
    board = Board(state, rulebook.parameters, rulebook.formulas)
    set_calendar(rulebook, board, state)
    board.refresh()
    games = BatchGame.from_states(rulebook, [state])
    rows = np.zeros(1, dtype=np.int64)
    games._start(rows, "orders")  # turn, turns left and year, as a new Board sets them
    refresh(games.boards, games.book, rows)
    compiler = games.book.compiler
    slots = games.boards.offshoot_order(0)
    for src, kind, scope in _all_expressions(rulebook):
        scalar, fn = _compiled(rulebook, compiler, src, kind, scope)
        places = [({}, {}, Ctx(games.boards, rows))] if kind == "global" else []
        if kind == "theatre":
            places = [(T, {}, Ctx(games.boards, rows, j)) for j, T in enumerate(board.theatres)]
        if kind == "offshoot":
            by_name = {T["name"]: j for j, T in enumerate(board.theatres)}
            places = [(board.theatres[by_name[O["theatre"]]], O, Ctx(games.boards, rows, rows * 0 + by_name[O["theatre"]], rows * 0 + k))
                      for O, k in zip(board.offshoots, slots)]
        for T, O, ctx in places:
            want = float(scalar.fn(board.g, T, O))
            got = fn(ctx)
            got = float(got[0]) if hasattr(got, "__len__") else float(got)
            assert got == want, f"{src!r} in {T.get('name')} {O.get('id')}: batch {got!r}, scalar {want!r}"
