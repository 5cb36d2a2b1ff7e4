"""The board as the rulebook names it, and a mutable working copy for one phase.

Expressions in the rulebook speak of flat names: ``is_funds``, ``aq_leader_hardline``,
``relation_stage``, and, for a rule applied to a theatre, that theatre's ``territory``,
``grievance`` and so on. This module is the one place that maps those names to the model, and
the :class:`Board` is the working copy the engine changes while it resolves a phase; it is frozen
back into a :class:`~wargame.engine.model.State` at the end of the phase.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from wargame.engine.model import (
    AlQaeda,
    Coalition,
    DeckPiles,
    Governments,
    IslamicState,
    Leader,
    Offshoot,
    Relation,
    State,
    Tally,
    Theatre,
    tracks_of,
)

# (prefix, attribute of State, class): each track of the part is named prefix + field.
PARTS: tuple[tuple[str, str, type], ...] = (
    ("is_", "islamic_state", IslamicState),
    ("aq_", "al_qaeda", AlQaeda),
    ("coalition_", "coalition", Coalition),
    ("gov_", "governments", Governments),
    ("relation_", "relation", Relation),
    ("tally_", "tally", Tally),
)
LEADERS: tuple[tuple[str, str], ...] = (("is_leader_", "islamic_state"), ("aq_leader_", "al_qaeda"))

GLOBAL_TRACKS: dict[str, tuple[int, int]] = {}
for _prefix, _attr, _cls in PARTS:
    for _n, _lo, _hi in tracks_of(_cls):
        GLOBAL_TRACKS[_prefix + _n] = (_lo, _hi)
for _prefix, _attr in LEADERS:
    for _n, _lo, _hi in tracks_of(Leader):
        GLOBAL_TRACKS[_prefix + _n] = (_lo, _hi)

THEATRE_TRACKS: dict[str, tuple[int, int]] = {n: (lo, hi) for n, lo, hi in tracks_of(Theatre)}
OFFSHOOT_TRACKS: dict[str, tuple[int, int]] = {n: (lo, hi) for n, lo, hi in tracks_of(Offshoot)}

_EMPTY: dict = {}
MAX_OFFSHOOTS = 12  # a bounded board: the weakest offshoot folds when a 13th would form
N_THEATRES_MAX = 12

# Names the engine computes from the board; rules read them but cannot set them.
# name: (lo, hi, what it means)
COMPUTED: dict[str, tuple[float, float, str]] = {
    "turn": (1, 99, "the turn being played, from 1"),
    "turns_left": (0, 99, "turns after this one"),
    "year": (2000, 2100, "the calendar year of this turn"),
    "total_territory": (0, 10 * N_THEATRES_MAX, "IS-held territory over all theatres"),
    "core_territory": (0, 10 * N_THEATRES_MAX, "IS-held territory in the heartland (theatres with core = 1)"),
    "total_oil": (0, 3 * N_THEATRES_MAX, "oil sites IS holds over all theatres"),
    "total_provinces": (0, 10 * N_THEATRES_MAX, "IS province strength over all theatres"),
    "total_affiliates": (0, 10 * N_THEATRES_MAX, "AQ affiliate strength over all theatres"),
    "provinces": (0, N_THEATRES_MAX, "theatres with an IS province (strength 1 or more)"),
    "affiliates": (0, N_THEATRES_MAX, "theatres with an AQ affiliate (strength 1 or more)"),
    "theatre_count": (1, N_THEATRES_MAX, "theatres in this scenario"),
    "total_pressure": (0, 10 * N_THEATRES_MAX, "coalition pressure over all theatres"),
    "avg_governance": (0, 10, "governance, the theatres' average"),
    "avg_grievance": (0, 10, "grievance, the theatres' average"),
    "faithful_reforms": (0, N_THEATRES_MAX, "theatres with reform 5+ carried out faithfully"),
    "lost_territory": (0, 10 * N_THEATRES_MAX, "IS territory lost so far this turn, all theatres"),
    "offshoot_count": (0, MAX_OFFSHOOTS, "offshoot groups in play"),
    "offshoot_strength": (0, 10 * MAX_OFFSHOOTS, "their strength added up"),
    "offshoot_brutality": (0, 10, "the most brutal offshoot's brutality"),
}
THEATRE_COMPUTED: dict[str, tuple[float, float, str]] = {
    "lost_here": (0, 10, "IS territory lost here so far this turn"),
    "gained_here": (0, 10, "IS territory gained here so far this turn"),
    "offshoots_here": (0, 10 * MAX_OFFSHOOTS, "strength of the offshoots based here"),
}
# --- who may read which name (view.py builds each seat's picture from these) ---------------------

# Tracks a cell keeps to itself: the other cells see them only as estimates.
INNER: dict[str, tuple[str, ...]] = {
    "is": ("is_funds", "is_fighters", "is_wages", "is_services", "is_recruitment", "is_cohesion",
           "is_ego", "is_leader_hardline", "is_acceptance"),
    "aq": ("aq_funds", "aq_ego", "aq_discipline", "aq_recruitment", "aq_leader_hardline"),
    "coalition": ("coalition_budget", "coalition_intel"),
    "governments": ("gov_capacity",),
}
OWNER = {name: cell for cell, names in INNER.items() for name in names}
PARTIES = ("is", "aq")  # the two groups: parties to any AQ-IS talks
# How long the current stage of the relation has lasted is known to the two groups only.
PARTIES_ONLY = ("relation_turns",)
# What secret AQ-IS talks change: shown to outsiders as it was before the talks while they last.
TALK_FIELDS = ("relation_stage", "relation_autonomy", "relation_offered")


def hidden_from(seat: str) -> frozenset[str]:
    """The global tracks ``seat`` may not always see exactly: the other cells' inner tracks, and
    for a seat other than the two groups' the clock of the relation and what secret talks hide.
    The facilitator (``white``) sees everything."""
    return _HIDDEN.get(seat, _HIDDEN["public"])


_HIDDEN: dict[str, frozenset[str]] = {"white": frozenset()}
for _seat in ("is", "aq", "coalition", "governments", "public"):
    _HIDDEN[_seat] = frozenset(n for n, owner in OWNER.items() if owner != _seat) | (
        frozenset() if _seat in PARTIES else frozenset(PARTIES_ONLY + TALK_FIELDS))

CONSTANTS: dict[str, int] = {"RIVALRY": 0, "TALKS": 1, "ALLIANCE": 2, "MERGER": 3, "SPLIT": 4}
TEXT_NAMES = {"theatre": "T", "origin": "O"}  # text names, only compared with quoted text


_THEATRE_FIELDS = tuple(a.name for a in attrs.fields(Theatre))
_OFFSHOOT_FIELDS = tuple(a.name for a in attrs.fields(Offshoot))
# (prefix, attribute path, field names) for reading every global track off a State quickly
_READERS = tuple(
    (prefix, (attr,), tuple(n for n, _, _ in tracks_of(cls))) for prefix, attr, cls in PARTS
) + tuple((prefix, (attr, "leader"), tuple(n for n, _, _ in tracks_of(Leader))) for prefix, attr in LEADERS)


def flat_tracks(state: State) -> dict[str, int]:
    """Every global track of a state under its rulebook name, e.g. ``is_funds``."""
    out: dict[str, int] = {}
    for prefix, path, names in _READERS:
        part: Any = state
        for attr in path:
            part = getattr(part, attr)
        for n in names:
            out[prefix + n] = getattr(part, n)
    return out


class Board:
    """A mutable copy of the board for one phase.

    ``g`` maps every global name (tracks, computed totals, parameters, formulas, constants) to
    its value; ``theatres`` is one such dict a theatre; ``offshoots`` one a group.
    """

    __slots__ = ("g", "theatres", "offshoots", "piles", "formulas", "dirty")

    def __init__(self, state: State, parameters: dict[str, float], formulas: Iterable[tuple[str, Any]]):
        self._fill(flat_tracks(state), state.theatres, state.offshoots, state.turn, state.last_turn,
                   parameters, formulas)
        self.piles = {p.deck: [list(p.draw), list(p.discard), list(p.aside)] for p in state.decks}

    @classmethod
    def seen(cls, tracks: Mapping[str, float], theatres: Iterable[Theatre], offshoots: Iterable[Offshoot],
             turn: int, last_turn: int, parameters: dict[str, float],
             formulas: Iterable[tuple[str, Any]]) -> Board:
        """A board built from what a seat sees (its estimates of the tracks), not from a State:
        for a bot to work out the public formulas on its own picture. It has no decks."""
        board = cls.__new__(cls)
        board._fill(tracks, theatres, offshoots, turn, last_turn, parameters, formulas)
        board.piles = {}
        return board

    def _fill(self, tracks: Mapping[str, float], theatres: Iterable[Theatre], offshoots: Iterable[Offshoot],
              turn: int, last_turn: int, parameters: dict[str, float], formulas: Iterable[tuple[str, Any]]) -> None:
        g: dict[str, Any] = dict(parameters)
        g.update(CONSTANTS)
        g.update(tracks)
        g["turn"] = turn
        g["turns_left"] = last_turn - turn
        self.g = g
        self.theatres = [{n: getattr(t, n) for n in _THEATRE_FIELDS} for t in theatres]
        for t in self.theatres:
            t["theatre"] = t["name"]  # the text name rules compare: theatre == "iraq"
        self.offshoots = [{n: getattr(o, n) for n in _OFFSHOOT_FIELDS} for o in offshoots]
        self.formulas = tuple(formulas)
        self.dirty = True

    def refresh(self) -> None:
        """Recompute the totals and the rulebook's formulas after the board changed."""
        g = self.g
        territory = core = oil = provinces = affiliates = lost = pressure = governance = grievance = 0
        n_prov = n_aff = faithful = 0
        for t in self.theatres:
            territory += t["territory"]
            core += t["territory"] if t["core"] else 0
            oil += t["oil"]
            provinces += t["is_province"]
            affiliates += t["aq_affiliate"]
            n_prov += t["is_province"] > 0
            n_aff += t["aq_affiliate"] > 0
            faithful += t["faithful"] == 1 and t["reform"] >= 5
            pressure += t["pressure"]
            governance += t["governance"]
            grievance += t["grievance"]
            t["lost_here"] = max(0, t["turn_start_territory"] - t["territory"])
            t["gained_here"] = max(0, t["territory"] - t["turn_start_territory"])
            lost += t["lost_here"]
            t["offshoots_here"] = 0
        by_name = {t["name"]: t for t in self.theatres}
        strength = brutality = 0
        for o in self.offshoots:
            strength += o["strength"]
            brutality = max(brutality, o["brutality"])
            by_name[o["theatre"]]["offshoots_here"] += o["strength"]
        g["total_territory"] = territory
        g["core_territory"] = core
        g["total_oil"] = oil
        g["total_provinces"] = provinces
        g["total_affiliates"] = affiliates
        g["provinces"] = n_prov
        g["affiliates"] = n_aff
        n = len(self.theatres)
        g["theatre_count"] = n
        g["total_pressure"] = pressure
        g["avg_governance"] = governance / n
        g["avg_grievance"] = grievance / n
        g["faithful_reforms"] = faithful
        g["lost_territory"] = lost
        g["offshoot_count"] = len(self.offshoots)
        g["offshoot_strength"] = strength
        g["offshoot_brutality"] = brutality
        for name, expr in self.formulas:
            g[name] = expr.fn(g, _EMPTY, _EMPTY)
        self.dirty = False

    def theatre(self, name: str) -> dict[str, Any]:
        for t in self.theatres:
            if t["name"] == name:
                return t
        raise KeyError(name)

    def freeze(self, template: State, **changes: Any) -> State:
        """A new State with this board's values (``template`` gives what a phase never changes)."""
        g = self.g
        parts: dict[str, Any] = {}
        for prefix, attr, cls in PARTS:
            kwargs = {n: g[prefix + n] for n, _, _ in tracks_of(cls)}
            for lp, lattr in LEADERS:
                if lattr == attr:
                    old = getattr(template, attr).leader
                    kwargs["leader"] = Leader(
                        name=old.name, **{n: g[lp + n] for n, _, _ in tracks_of(Leader)}
                    )
            parts[attr] = cls(**kwargs)
        return attrs.evolve(
            template,
            theatres=tuple(Theatre(**{k: t[k] for k in _THEATRE_FIELDS}) for t in self.theatres),
            offshoots=tuple(Offshoot(**{k: o[k] for k in _OFFSHOOT_FIELDS}) for o in self.offshoots),
            decks=tuple(
                DeckPiles(deck=d, draw=tuple(p[0]), discard=tuple(p[1]), aside=tuple(p[2]))
                for d, p in self.piles.items()
            ),
            **parts,
            **changes,
        )
