"""For each declaration (or invariant), what to draw and how a drawn case breaks it.

:func:`search` gives a Hypothesis strategy of cases (a board, a theatre or offshoot index, the
input's two values …) and a check that returns None where the declaration holds, else what was
measured and where. :mod:`wargame.analysis.properties` runs the search.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs
from hypothesis import strategies as st

from wargame.analysis.boards import boards
from wargame.analysis.probe import Probe, condition, entry_of, measure
from wargame.bots.play import bots_for, parse_seats
from wargame.engine.board import COMPUTED, GLOBAL_TRACKS, OFFSHOOT_TRACKS, THEATRE_COMPUTED, THEATRE_TRACKS, flat_tracks
from wargame.engine.declarations import Declaration, Invariant
from wargame.engine.facilitator import fire_rule, inject_card
from wargame.engine.legality import legal_orders
from wargame.engine.model import CELLS, State
from wargame.engine.position import where_broken
from wargame.engine.rulebook import Rulebook
from wargame.engine.turn import begin_turn, resolve_turn
from wargame.engine.view import view

EPS = 1e-9



Check = Callable[[tuple], "tuple[str, str | None] | None"]


def _bounds(rulebook: Rulebook, d: Declaration) -> tuple[float, float, bool]:
    """The range of an input (a track's bounds; a computed value's or formula's interval)."""
    name = d.argument
    for table in (OFFSHOOT_TRACKS, THEATRE_TRACKS, GLOBAL_TRACKS):
        if name in table and (table is GLOBAL_TRACKS or d.scope != "global"):
            lo, hi = table[name]
            return lo, hi, True
    for table in (THEATRE_COMPUTED, COMPUTED):
        if name in table:
            lo, hi, _ = table[name]
            return lo, hi, not name.startswith("avg_")
    lo, hi = dict(rulebook.formulas)[name].bounds
    return lo, hi, False


def _values(lo: float, hi: float, integral: bool) -> st.SearchStrategy:
    if integral:
        return st.integers(int(lo), int(hi))
    return st.floats(lo, hi, allow_nan=False)


def search(rulebook: Rulebook, d: Declaration | Invariant, scenario: str, reached: Sequence[State]
           ) -> tuple[st.SearchStrategy, Check]:
    """The inputs to draw for one declaration, and the check that says how one breaks it:
    None when it holds, else (what was measured, where)."""
    strategy, check = _search(rulebook, d, scenario, reached)
    if isinstance(d, Invariant) or d.scope != "offshoot":
        return strategy, check

    def with_a_group(x: tuple) -> tuple[str, str | None] | None:
        # an offshoot's rule speaks of a group: a board simplified down to none has nothing to break
        return check(x) if x[0].offshoots else None

    return strategy, with_a_group


def _search(rulebook: Rulebook, d: Declaration | Invariant, scenario: str, reached: Sequence[State]
            ) -> tuple[st.SearchStrategy, Check]:
    board = st.sampled_from(list(reached)) if reached else boards(rulebook, scenario)
    where = st.integers(0, 63)
    if isinstance(d, Invariant):
        return _invariant_search(rulebook, d, board, where)
    entry = entry_of(rulebook, d)
    subject = d.subject
    scope = d.scope
    theatre_of = (lambda i: i) if scope != "global" else (lambda i: None)
    offshoot_of = (lambda i: i) if scope == "offshoot" else (lambda i: None)
    if scope == "offshoot":
        board = board.filter(lambda s: len(s.offshoots) > 0)

    def place(p: Probe, i: int) -> str | None:
        G, T, O = p.scope(theatre_of(i), offshoot_of(i))
        return O.get("id") and f"{O['id']} ({O['theatre']})" or T.get("name")

    if d.key in ("rises_with", "falls_with"):
        lo, hi, integral = _bounds(rulebook, d)
        pair = st.tuples(_values(lo, hi, integral), _values(lo, hi, integral)).map(sorted)

        def monotone(x: tuple) -> tuple[str, str | None] | None:
            state, i, (a, b) = x
            if a == b:
                return None
            p = Probe(rulebook, state)
            low, high = (p.moved(d.argument, v, theatre_of(i), offshoot_of(i)) for v in (a, b))
            ma = measure(rulebook, subject, entry, *low.scope(theatre_of(i), offshoot_of(i)), effective=True)
            mb = measure(rulebook, subject, entry, *high.scope(theatre_of(i), offshoot_of(i)), effective=True)
            broken = mb < ma - EPS if d.key == "rises_with" else mb > ma + EPS
            if not broken:
                return None
            return f"{d.argument} {_num(a)} → {_num(b)} moved it {_num(ma)} → {_num(mb)}", place(p, i)

        return st.tuples(board, where, pair), monotone

    if d.key in ("never_above", "never_below"):
        def bounded(x: tuple) -> tuple[str, str | None] | None:
            state, i = x
            p = Probe(rulebook, state)
            G, T, O = p.scope(theatre_of(i), offshoot_of(i))
            if not condition(rulebook, subject, entry, G, T, O):
                return None
            value, limit = measure(rulebook, subject, entry, G, T, O, effective=False), float(d.bound.fn(G, T, O))
            broken = value > limit + EPS if d.key == "never_above" else value < limit - EPS
            return (f"it is {_num(value)}, the bound {_num(limit)}", place(p, i)) if broken else None

        return st.tuples(board, where), bounded

    if d.key in ("never_less_likely_than", "excludes", "implies"):
        other = rulebook.rule(d.argument)

        def between(x: tuple) -> tuple[str, str | None] | None:
            state, i = x
            p = Probe(rulebook, state)
            G, T, O = p.scope(theatre_of(i), offshoot_of(i))
            if other.scope != "global" and not T or other.scope == "offshoot" and not O:
                return None
            mine = measure(rulebook, "rule", entry, G, T, O, effective=True)
            theirs = measure(rulebook, "rule", other, G, T, O, effective=True)
            if d.key == "never_less_likely_than":
                both = condition(rulebook, "rule", entry, G, T, O) and condition(rulebook, "rule", other, G, T, O)
                broken = both and mine < theirs - EPS
            elif d.key == "excludes":
                broken = mine > 0 and theirs > 0
            else:
                broken = mine > 0 and theirs <= 0
            if not broken:
                return None
            return f"{d.of} {_num(mine)}, {d.argument} {_num(theirs)}", place(p, i)

        return st.tuples(board, where), between

    return _effect_search(rulebook, d, entry, board, where)


def _effect_search(rulebook: Rulebook, d: Declaration, entry: Any, board: st.SearchStrategy, where: st.SearchStrategy
                   ) -> tuple[st.SearchStrategy, Check]:
    cards = [c.id for c in entry.cards] if d.subject == "deck" else [entry.id] if d.subject == "card" else []
    which = st.sampled_from(cards) if cards else st.just(None)

    def track_of(state: State, theatre: str | None) -> int:
        if d.argument in flat_tracks(state):
            return flat_tracks(state)[d.argument]
        return getattr(state.theatre(theatre), d.argument) if theatre else 0

    def effect(x: tuple) -> tuple[str, str | None] | None:
        state, i, card = x
        p = Probe(rulebook, state)
        names = [t.name for t in state.theatres]
        theatre = names[i % len(names)]
        if card is not None:  # a card, where it could be drawn: its condition holds
            played = rulebook.cards[card]
            theatre = played.theatre or theatre
            T = p.board.theatre(theatre) if played.theatre else {}
            if played.when is not None and not played.when.fn(p.board.g, T, {}):
                return None
            after = inject_card(rulebook, state, card).state
            what = f"card {card}"
        else:  # a rule, where it fires: its condition holds and the roll succeeds
            offshoot = None
            if entry.scope == "offshoot":
                if not state.offshoots:
                    return None
                group = state.offshoots[i % len(state.offshoots)]
                offshoot, theatre = group.id, group.theatre
            G, T, O = p.scope(i if entry.scope != "global" else None, i if offshoot else None)
            if not condition(rulebook, "rule", entry, G, T, O):
                return None
            after = fire_rule(rulebook, state, entry.id, 0.0, theatre if entry.scope == "theatre" else None, offshoot).state
            what = d.of
        before_v, after_v = track_of(state, theatre), track_of(after, theatre)
        broken = after_v > before_v if d.key == "never_raises" else after_v < before_v
        if not broken:
            return None
        return f"{what} moved {d.argument} {before_v} → {after_v}", theatre

    return st.tuples(board, where, which), effect


def _invariant_search(rulebook: Rulebook, inv: Invariant, board: st.SearchStrategy, where: st.SearchStrategy
                      ) -> tuple[st.SearchStrategy, Check]:

    phases = st.sampled_from(["events", "orders"])

    def step(x: tuple) -> tuple[str, str | None] | None:
        state, _, phase, seed = x
        state = attrs.evolve(state, phase=phase)
        if any(where_broken(rulebook, i, state) is not None for i in (inv, *rulebook.invariants)):
            return None  # what does not hold before a phase is not the phase's doing
        if phase == "events":
            after = begin_turn(rulebook, state).state
        else:
            bots = bots_for(parse_seats("all=random"), seed, rulebook)
            orders = {}
            for cell in CELLS:
                choice = bots[cell].choose(view(state, cell), lambda p, c=cell: legal_orders(rulebook, state, c, p),
                                           rulebook.max_orders)
                orders[cell] = choice.orders
            after = resolve_turn(rulebook, state, orders).state
        found = where_broken(rulebook, inv, after)
        if found is None:
            return None
        return f"after the {phase} phase it no longer holds", found

    return st.tuples(board, where, phases, st.integers(0, 2**16)), step


def _num(x: float) -> str:
    return f"{x:.3g}" if isinstance(x, float) and not float(x).is_integer() else str(int(x))


