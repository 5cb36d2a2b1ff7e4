"""An entry of the rulebook measured on one board, with one input moved alone.

Outcomes are measured on the engine's own board (:class:`~wargame.engine.board.Board`): an input
that is a track is set and the board recomputed (its totals and formulas follow it); an input
that is computed (a total, a formula) is set in place and only the formulas read after it
recomputed, so that it moves alone, as a declaration (:mod:`wargame.engine.declarations`) says.
"""

from __future__ import annotations

from typing import Any

from wargame.engine.board import GLOBAL_TRACKS, OFFSHOOT_TRACKS, THEATRE_COMPUTED, THEATRE_TRACKS, Board
from wargame.engine.declarations import Declaration, Invariant
from wargame.engine.model import State
from wargame.engine.rulebook import Rulebook


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


def entry_of(rulebook: Rulebook, d: Declaration | Invariant) -> Any:
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
