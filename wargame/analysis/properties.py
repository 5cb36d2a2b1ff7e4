"""Checking what a designer declared of the rulebook (``wargame check --deep``).

Each declaration (:mod:`wargame.engine.declarations`) and each invariant becomes a search for a
board that breaks it: Hypothesis draws boards the model allows (and boards reached in play),
and, when one breaks the declaration, shrinks it towards the scenario's start, so the designer
sees the smallest change from the start that still breaks it. The search is deterministic for a
given ``seed``.

Outcomes are measured on the engine's own board (:class:`~wargame.engine.board.Board`): an input
that is a track is set and the board recomputed (its totals and formulas follow it); an input
that is computed (a total, a formula) is set in place and only the formulas read after it
recomputed, so that it moves alone, as the declaration says.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Sequence
from random import Random
from typing import Any

import attrs
from attrs import frozen
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from wargame.analysis.boards import boards, changes_from_start
from wargame.engine.board import (
    COMPUTED,
    GLOBAL_TRACKS,
    OFFSHOOT_TRACKS,
    THEATRE_COMPUTED,
    THEATRE_TRACKS,
    Board,
    flat_tracks,
)
from wargame.engine.declarations import Declaration, Invariant
from wargame.engine.facilitator import fire_rule, inject_card
from wargame.engine.model import State
from wargame.engine.rulebook import Rulebook

EPS = 1e-9


@frozen
class Failure:
    """A declaration (or invariant) and the smallest board found that breaks it.

    ``what`` is the property in words, ``entry`` the rule, order, card or formula it is declared
    of (with its ¶), ``detail`` what was measured on the board, ``where`` the theatre or offshoot,
    ``changes`` the board as (name, at the start, on this board)."""

    what: str
    entry: str
    cites: tuple[int, ...]
    claims: tuple[str, ...]
    scenario: str
    detail: str
    where: str | None
    board: State = attrs.field(repr=False, eq=False)
    changes: tuple[tuple[str, Any, Any], ...] = ()

    def line(self) -> str:
        """The failure in one line, for the summary."""
        cite = ", ".join([*self.claims, *(f"¶{c}" for c in self.cites)])
        where = f" in {self.where}" if self.where else ""
        return (f"{self.entry} ({cite}): {self.what} — broken{where} on {self.scenario}: {self.detail} "
                f"[{len(self.changes)} change{'s' if len(self.changes) != 1 else ''} from the start]")


# --- measuring an entry on a board -----------------------------------------------------------


class Probe:
    """One board read as the rules read it, with one input possibly moved alone."""

    def __init__(self, rulebook: Rulebook, state: State):
        self.rulebook = rulebook
        self.state = state
        self.board = Board(state, rulebook.parameters, rulebook.formulas)
        self.board.g["year"] = rulebook.scenarios[state.scenario].year(state.turn)
        self.board.refresh()

    def scope(self, theatre: int | None, offshoot: int | None) -> tuple[dict, dict, dict]:
        b = self.board
        O: dict = {}
        T: dict = {}
        if offshoot is not None and b.offshoots:
            O = b.offshoots[offshoot % len(b.offshoots)]
            T = b.theatre(O["theatre"])
        elif theatre is not None:
            T = b.theatres[theatre % len(b.theatres)]
        return b.g, T, O

    def moved(self, name: str, value: float, theatre: int | None, offshoot: int | None) -> Probe:
        """A copy with ``name`` (in the innermost scope that has it) set to ``value``: a track is
        set and the board recomputed; a total or a formula is set after the recomputing, and only
        the formulas read after it follow it."""
        other = Probe.__new__(Probe)
        other.rulebook, other.state = self.rulebook, self.state
        other.board = Board(self.state, self.rulebook.parameters, self.rulebook.formulas)
        other.board.g["year"] = self.board.g["year"]
        G, T, O = other.scope(theatre, offshoot)
        if O and name in OFFSHOOT_TRACKS or T and name in THEATRE_TRACKS or name in GLOBAL_TRACKS:
            place = O if O and name in OFFSHOOT_TRACKS else T if T and name in THEATRE_TRACKS else G
            place[name] = value
            other.board.refresh()
            return other
        other.board.refresh()
        (T if name in THEATRE_COMPUTED else G)[name] = value
        follows = name not in dict(self.rulebook.formulas)  # a total: every formula may read it
        for fname, expr in self.rulebook.formulas:
            if follows:
                G[fname] = expr.fn(G, {}, {})
            follows = follows or fname == name
        return other


def _entry(rulebook: Rulebook, d: Declaration | Invariant) -> Any:
    if isinstance(d, Invariant):
        return d
    if d.subject == "rule":
        return rulebook.rule(d.of)
    if d.subject == "order":
        return rulebook.order_kinds[d.of]
    if d.subject == "card":
        return rulebook.cards[d.of]
    if d.subject == "deck":
        return rulebook.decks[d.of]
    return dict(rulebook.formulas)[d.of]


def condition(rulebook: Rulebook, subject: str, entry: Any, G: dict, T: dict, O: dict) -> bool:
    """Whether a rule's condition, or an order's requirements, hold (always for a formula)."""
    if subject == "rule":
        return entry.when is None or bool(entry.when.fn(G, T, O))
    if subject == "order":
        return all(r.when.fn(G, T, {}) for r in entry.requires)
    return True


def measure(rulebook: Rulebook, subject: str, entry: Any, G: dict, T: dict, O: dict, effective: bool) -> float:
    """A rule's chance of firing (0 where its condition fails when ``effective``), an order's
    chance of success, or a formula's value."""
    if subject == "formula":
        return float(G[entry_name(rulebook, entry)])
    if subject == "rule" and effective and not condition(rulebook, subject, entry, G, T, O):
        return 0.0
    chance = entry.chance
    return 1.0 if chance is None else float(chance.fn(G, T, O))


def entry_name(rulebook: Rulebook, expr: Any) -> str:
    return next(n for n, e in rulebook.formulas if e is expr)


def _scoped(subject: str, entry: Any) -> str:
    if subject == "rule":
        return entry.scope
    if subject == "order":
        return "theatre" if entry.target == "theatre" else "global"
    return "global"


# --- one search per declaration -----------------------------------------------------------------


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
    board = st.sampled_from(list(reached)) if reached else boards(rulebook, scenario)
    where = st.integers(0, 63)
    if isinstance(d, Invariant):
        return _invariant_search(rulebook, d, board, where)
    entry = _entry(rulebook, d)
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
        names = [t.name for t in state.theatres]
        theatre = names[i % len(names)]
        if card is not None:
            theatre = rulebook.cards[card].theatre or theatre
            after = inject_card(rulebook, state, card).state
            what = f"card {card}"
        else:
            if entry.scope == "offshoot":
                return None  # offshoot rules' effects are read through their theatre's tracks below
            p = Probe(rulebook, state)
            G, T, O = p.scope(i if entry.scope == "theatre" else None, None)
            if not condition(rulebook, "rule", entry, G, T, O):
                return None
            after = fire_rule(rulebook, state, entry.id, 0.0, theatre if entry.scope == "theatre" else None).state
            what = d.of
        if d.argument not in flat_tracks(state) and not any(d.argument == n for n in _theatre_track_names()):
            return None
        before_v, after_v = track_of(state, theatre), track_of(after, theatre)
        broken = after_v > before_v if d.key == "never_raises" else after_v < before_v
        if not broken:
            return None
        return f"{what} moved {d.argument} {before_v} → {after_v}", theatre

    return st.tuples(board, where, which), effect


def _theatre_track_names() -> tuple[str, ...]:
    return tuple(THEATRE_TRACKS)


def _invariant_search(rulebook: Rulebook, inv: Invariant, board: st.SearchStrategy, where: st.SearchStrategy
                      ) -> tuple[st.SearchStrategy, Check]:
    from wargame.bots.play import bots_for, parse_seats
    from wargame.engine.legality import legal_orders
    from wargame.engine.model import CELLS
    from wargame.engine.turn import begin_turn, resolve_turn
    from wargame.engine.view import view

    phases = st.sampled_from(["events", "orders"])

    def step(x: tuple) -> tuple[str, str | None] | None:
        state, _, phase, seed = x
        state = attrs.evolve(state, phase=phase)
        if breaks(rulebook, inv, state) is not None or any(breaks(rulebook, other, state) for other in rulebook.invariants):
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
        found = breaks(rulebook, inv, after)
        if found is None:
            return None
        return f"after the {phase} phase it no longer holds", found

    return st.tuples(board, where, phases, st.integers(0, 2**16)), step


def breaks(rulebook: Rulebook, inv: Invariant, state: State) -> str | None:
    """Where an invariant fails on a board ("board", a theatre, an offshoot), or None."""
    p = Probe(rulebook, state)
    G = p.board.g
    if inv.scope == "global":
        return None if inv.holds.fn(G, {}, {}) else "board"
    if inv.scope == "theatre":
        for T in p.board.theatres:
            if not inv.holds.fn(G, T, {}):
                return T["name"]
        return None
    for O in p.board.offshoots:
        if not inv.holds.fn(G, p.board.theatre(O["theatre"]), O):
            return O["id"]
    return None


def _num(x: float) -> str:
    return f"{x:.3g}" if isinstance(x, float) and not float(x).is_integer() else str(int(x))


# --- the whole check ------------------------------------------------------------------------------


def describe(d: Declaration | Invariant) -> tuple[str, str]:
    """(the property in words, the entry it is declared of)."""
    if isinstance(d, Invariant):
        return f"{d.title} ({d.holds.source})", f"invariant {d.id}"
    return d.sentence(), f"{d.subject} {d.of}"


def check_one(rulebook: Rulebook, d: Declaration | Invariant, scenario: str, examples: int, seed: int,
              reached: Sequence[State] = ()) -> Failure | None:
    """Search for the smallest board of ``scenario`` that breaks ``d``; None if none was found in
    ``examples`` tries of boards the model allows, then as many of the boards ``reached`` in play.
    The model's boards come first: they shrink towards the start, boards of play do not.
    Deterministic for a seed."""
    example = None
    for pool in ((), reached) if reached else ((),):
        strategy, check = search(rulebook, d, scenario, pool)
        rng = Random(seed * 2_654_435_761 + zlib.crc32(f"{scenario}:{d.id}:{len(pool)}".encode()))
        chosen = settings(max_examples=examples, database=None, deadline=None, derandomize=False,
                          phases=(Phase.generate, Phase.shrink), suppress_health_check=list(HealthCheck))
        try:
            example = find(strategy, lambda x, check=check: check(x) is not None, settings=chosen, random=rng)
            break
        except NoSuchExample:
            continue
    if example is None:
        return None
    detail, where = check(example)  # type: ignore[misc]
    what, entry = describe(d)
    state = example[0]
    return Failure(what, entry, d.cites, d.claims, scenario, detail, where, state,
                   tuple(changes_from_start(rulebook, state)))


def everything(rulebook: Rulebook) -> list[Declaration | Invariant]:
    """Every declaration of the rulebook, then every invariant."""
    return [*rulebook.declarations, *rulebook.invariants]


def check_all(rulebook: Rulebook, examples: int = 100, seed: int = 0, reached: Sequence[State] = (),
              only: Iterable[str] | None = None, progress: Callable[[], None] | None = None) -> list[Failure]:
    """Every declaration and invariant on ``examples`` boards, shared out among the scenarios; one
    Failure per property broken (on the first scenario that breaks it). ``only`` keeps the
    properties whose id contains one of its words."""
    wanted = [w for w in only or ()]
    out = []
    each = -(-examples // len(rulebook.scenarios))  # the boards are shared out among the scenarios
    for d in everything(rulebook):
        if wanted and not any(w in d.id for w in wanted):
            continue
        for scenario in rulebook.scenarios:
            states = [s for s in reached if s.scenario == scenario]
            failure = check_one(rulebook, d, scenario, each, seed, states)
            if failure is not None:
                out.append(failure)
                break  # one scenario's board is enough to show the designer
        if progress is not None:
            progress()
    return out
