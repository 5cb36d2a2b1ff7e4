# Over 400 lines, kept whole: the one place that maps the model to the rulebook's names and back (read, worked out, frozen).
"""The board as the rulebook names it, and a mutable working copy for one phase.

Expressions in the rulebook speak of flat names: ``is_funds``, ``aq_leader_hardline``,
``relation_stage``, and, for a rule applied to a theatre, that theatre's ``territory``,
``grievance`` and so on. This module is the one place that maps those names to the model, and
the :class:`Board` is the working copy the engine changes while it resolves a phase; it is frozen
back into a :class:`~wargame.engine.model.State` at the end of the phase.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from wargame.engine.builders import builder
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
    """Every global track of a state under its rulebook name, e.g. ``is_funds`` (a dict of the caller's own)."""
    return dict(_flat(state))


# A State never changes, so what is read off one can be kept for it: a turn reads the same state
# for four views, the legality of every order and its adjudication, and each of those used to
# read every track off the model again. Keyed by id() with the state itself kept beside it (so
# the id cannot be reused while the entry lives); cleared, not evicted one by one, when full, so
# that a reader in another thread (the TUI's bots) never meets a half-changed cache.
_FLAT: dict[int, tuple[State, dict[str, int]]] = {}
_THEATRE_DICTS: dict[int, tuple[Theatre, dict[str, Any] | None, tuple]] = {}
_CACHED_STATES = 16
_CACHED_THEATRES = 1024


def _flat(state: State) -> dict[str, int]:
    """:func:`flat_tracks`, shared: the caller must not change it."""
    hit = _FLAT.get(id(state))
    if hit is not None and hit[0] is state:
        return hit[1]
    out: dict[str, int] = {}
    for prefix, path, names in _READERS:
        part: Any = state
        for attr in path:
            part = getattr(part, attr)
        for n in names:
            out[prefix + n] = getattr(part, n)
    _keep_flat(state, out)
    return out


def _keep_flat(state: State, flat: dict[str, int]) -> None:
    if len(_FLAT) >= _CACHED_STATES:
        _FLAT.clear()
    _FLAT[id(state)] = (state, flat)


def _theatre(t: Theatre) -> tuple[dict[str, Any], tuple]:
    """A theatre as the board names it (a dict no one may change: copy it) and its fields'
    values in order, worked out once per Theatre (the model reuses an unchanged one, see
    :meth:`Board.freeze`)."""
    hit = _THEATRE_DICTS.get(id(t))
    if hit is not None and hit[0] is t:
        d = hit[1]
        if d is None:  # kept by Board.freeze with its values only
            d = dict(zip(_THEATRE_FIELDS, hit[2]))
            d["theatre"] = d["name"]  # the text name rules compare: theatre == "iraq"
            _THEATRE_DICTS[id(t)] = (t, d, hit[2])
        return d, hit[2]
    values = tuple([getattr(t, n) for n in _THEATRE_FIELDS])
    d = dict(zip(_THEATRE_FIELDS, values))
    d["theatre"] = d["name"]
    _keep_theatre(t, d, values)
    return d, values


def _keep_theatre(t: Theatre, d: dict[str, Any] | None, values: tuple) -> None:
    """Keep :func:`_theatre` of ``t``: its dict (None: worked out when first asked for) and its fields' values in order."""
    if len(_THEATRE_DICTS) >= _CACHED_THEATRES:
        _THEATRE_DICTS.clear()
    _THEATRE_DICTS[id(t)] = (t, d, values)


class Board:
    """A mutable copy of the board for one phase.

    ``g`` maps every global name (tracks, computed totals, parameters, formulas, constants) to
    its value; ``theatres`` is one such dict a theatre; ``offshoots`` one a group.

    ``dirty``: something changed since the totals and formulas were last worked out (whoever
    changes the board sets it). The resolver, which makes every change of a phase, also says
    what changed, so that :meth:`update` works out again only what follows from it: ``moved``,
    a theatre or an offshoot may have changed (their totals follow), and ``changed``, the global
    names that did (None: not known, so all of them); each formula is worked out again only if
    a name it reads changed. Anyone else changing the board calls :meth:`refresh`, which works
    everything out again.
    """

    __slots__ = ("g", "theatres", "offshoots", "piles", "formulas", "dirty", "moved", "changed")

    def __init__(self, state: State, parameters: dict[str, float], formulas: Iterable[tuple[str, Any]]):
        self._fill(_flat(state), state.theatres, state.offshoots, state.turn, state.last_turn,
                   parameters, formulas)
        self.piles = {p.deck: [list(p.draw), list(p.discard), list(p.aside)] for p in state.decks}

    @classmethod
    def seen(cls, tracks: Mapping[str, float], theatres: Iterable[Theatre], offshoots: Iterable[Offshoot],
             turn: int, last_turn: int, parameters: dict[str, float],
             formulas: Iterable[tuple[str, Any]], read_only: bool = False) -> Board:
        """A board built from what a seat sees (its estimates of the tracks), not from a State:
        for a bot to work out the public formulas on its own picture. It has no decks.

        Its totals over the theatres and offshoots are worked out already (:attr:`moved` is
        False: :meth:`update` adds the formulas): they are public, the same for every seat, so
        the seats' boards of one state share the working out. ``read_only``: no one changes its
        theatres (only :meth:`update` is called, which writes the global names), so they may be
        the very dicts the other seats' boards of the state read."""
        board = cls.__new__(cls)
        seen_theatres, seen_offshoots, dicts, totals = _seen_totals  # one read: another thread may write it
        known = type(theatres) is tuple and type(offshoots) is tuple
        if known and seen_theatres is theatres and seen_offshoots is offshoots:
            board._fill(tracks, (), offshoots, turn, last_turn, parameters, formulas)
            board.theatres = list(dicts) if read_only else [dict(t) for t in dicts]
            board.g.update(totals)
            board.moved = False
        else:
            board._fill(tracks, theatres, offshoots, turn, last_turn, parameters, formulas)
            board._totals()
            if known:
                _seen_totals[:] = [theatres, offshoots, [dict(t) for t in board.theatres],
                                   {n: board.g[n] for n in _TOTALS}]
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
        self.theatres = [dict(_theatre(t)[0]) for t in theatres]
        self.offshoots = [{n: getattr(o, n) for n in _OFFSHOOT_FIELDS} for o in offshoots]
        self.formulas = tuple(formulas)
        self.dirty = True
        self.moved = True
        self.changed: set[str] | None = None

    def copy(self) -> Board:
        """A working copy of this board, its worked-out values and its piles too, to change freely."""
        board = Board.__new__(Board)
        board.g = dict(self.g)
        board.theatres = [dict(t) for t in self.theatres]
        board.offshoots = [dict(o) for o in self.offshoots]
        board.piles = {d: [list(draw), list(discard), list(aside)] for d, (draw, discard, aside) in self.piles.items()}
        board.formulas = self.formulas
        board.dirty, board.moved = self.dirty, self.moved
        board.changed = None if self.changed is None else set(self.changed)
        return board

    def refresh(self) -> None:
        """Recompute the totals and the rulebook's formulas after the board changed."""
        self._totals()
        g = self.g
        for name, expr in self.formulas:
            g[name] = expr.fn(g, _EMPTY, _EMPTY)
        self.dirty = False
        self.changed = set()

    def note(self, name: str) -> None:
        """A global name's value was changed (by the resolver's hand): see :meth:`update`."""
        self.dirty = True
        if self.changed is not None:
            self.changed.add(name)

    def update(self) -> None:
        """:meth:`refresh`, worked out only as far as :attr:`moved` and :attr:`changed` say the
        board changed since: the same values, as a formula gives the same value on the same
        names (the resolver's way: it keeps both)."""
        g = self.g
        changed = self.changed
        if self.moved:
            if changed is None:
                self._totals()
            else:
                before = _TOTAL_VALUES(g)
                self._totals()
                after = _TOTAL_VALUES(g)
                if after != before:  # (each total is always of one type: a whole number, or an average)
                    changed.update(n for n, now, was in zip(_TOTALS, after, before, strict=True) if now != was)
        if changed is None:
            for name, expr in self.formulas:
                g[name] = expr.fn(g, _EMPTY, _EMPTY)
        elif changed and not _formulas_read(self.formulas).isdisjoint(changed):  # (most changes: a track no formula reads)
            for name, expr in self.formulas:
                if not expr.names.isdisjoint(changed):
                    value = expr.fn(g, _EMPTY, _EMPTY)
                    was = g.get(name, _UNSET)
                    # 3 and 3.0 differ too (a record shows them apart): the formulas below that read it follow
                    if value != was or type(value) is not type(was):
                        changed.add(name)
                    g[name] = value
        self.dirty = False
        self.changed = set()

    def _totals(self) -> None:
        """The totals over the theatres and offshoots, and each theatre's own."""
        g = self.g
        territory = core = oil = provinces = affiliates = lost = pressure = governance = grievance = 0
        n_prov = n_aff = faithful = 0
        for t in self.theatres:
            held = t["territory"]
            start = t["turn_start_territory"]
            province = t["is_province"]
            affiliate = t["aq_affiliate"]
            territory += held
            if t["core"]:
                core += held
            oil += t["oil"]
            provinces += province
            affiliates += affiliate
            if province > 0:
                n_prov += 1
            if affiliate > 0:
                n_aff += 1
            if t["faithful"] == 1 and t["reform"] >= 5:
                faithful += 1
            pressure += t["pressure"]
            governance += t["governance"]
            grievance += t["grievance"]
            lost_here = start - held if start > held else 0
            t["lost_here"] = lost_here
            t["gained_here"] = held - start if held > start else 0
            lost += lost_here
            t["offshoots_here"] = 0
        strength = brutality = 0
        if self.offshoots:
            by_name = {t["name"]: t for t in self.theatres}
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
        self.moved = False

    def theatre(self, name: str) -> dict[str, Any]:
        for t in self.theatres:
            if t["name"] == name:
                return t
        raise KeyError(name)

    def freeze(self, template: State, **changes: Any) -> State:
        """A new State with this board's values (``template`` gives what a phase never changes).

        A part of the board that came out as it went in (most of them, in most phases) is
        ``template``'s own object again rather than a copy of it: equal either way, and the
        frozen model need not check the bounds of what it checked already."""
        g = self.g
        tracks = _TRACK_VALUES(g)
        old = _TRACK_VALUES(_flat(template))
        # Whole numbers all, as the model holds them? If not, every part is built anew, and
        # checked, as it always was.
        whole = set(map(type, tracks)) <= _INT
        parts: dict[str, Any] = {}
        for attr, build, (a, b), leader in _FREEZE_PLAN:
            part = getattr(template, attr)
            same = whole and tracks[a:b] == old[a:b]
            if leader is not None:
                la, lb = leader
                head = part.leader
                if not (whole and tracks[la:lb] == old[la:lb]):
                    head = _BUILD_LEADER(head.name, *tracks[la:lb])
                if not same or head is not part.leader:
                    part = build(head, *tracks[a:b])
            elif not same:
                part = build(*tracks[a:b])
            parts[attr] = part
        before = template.theatres
        theatres = []
        n = len(before)
        for i, t in enumerate(self.theatres):
            values = _THEATRE_VALUES(t)
            if i < n:
                was = before[i]
                hit = _THEATRE_DICTS.get(id(was))  # (_theatre's own look-up, written out: nine a freeze)
                # the same values as the Theatre it came from: that Theatre (3.0 is not 3: whole numbers
                # only, as the model takes them; name and title are text)
                if (values == (hit[2] if hit is not None and hit[0] is was else _theatre(was)[1])
                        and set(map(type, values[2:])) <= _INT):
                    theatres.append(was)
                    continue
            built = _BUILD_THEATRE(*values)
            theatres.append(built)
            _keep_theatre(built, None, values)  # its values are at hand: the next freeze compares them
        groups = {o.id: o for o in template.offshoots}
        offshoots = []
        for o in self.offshoots:
            values = tuple([o[k] for k in _OFFSHOOT_FIELDS])
            was = groups.get(o["id"])
            if was is not None and _same_offshoot(values, was):
                offshoots.append(was)
            else:
                offshoots.append(_BUILD_OFFSHOOT(*values))
        piles = {p.deck: p for p in template.decks}
        decks = []
        for d, (draw, discard, aside) in self.piles.items():
            was = piles.get(d)
            if was is not None and was.draw == tuple(draw) and was.discard == tuple(discard) and was.aside == tuple(aside):
                decks.append(was)
            else:
                decks.append(DeckPiles(deck=d, draw=tuple(draw), discard=tuple(discard), aside=tuple(aside)))
        # (attrs.evolve, its fields named here: a State's one check is its phase)
        kept = {n: getattr(template, n) for n in _STATE_REST}
        kept.update(changes)
        # (a name State has not, or one freeze gives itself: State's own constructor says so)
        build = _BUILD_STATE if changes.keys() <= _STATE_REST_NAMES else State
        new = build(theatres=tuple(theatres), offshoots=tuple(offshoots), decks=tuple(decks), **parts, **kept)
        _keep_flat(new, dict(zip(_TRACK_NAMES, tracks)))  # (_TRACK_VALUES gives one value a name)
        return new


# [theatres, offshoots, their dicts and the totals over them]: the last worked out by Board.seen
_seen_totals: list[Any] = [None, None, [], {}]
_TOTALS = ("total_territory", "core_territory", "total_oil", "total_provinces", "total_affiliates", "provinces",
           "affiliates", "theatre_count", "total_pressure", "avg_governance", "avg_grievance", "faithful_reforms",
           "lost_territory", "offshoot_count", "offshoot_strength", "offshoot_brutality")
_TOTAL_VALUES = operator.itemgetter(*_TOTALS)


_UNSET = object()
_INT = {int}
_READ_BY: list[Any] = [None, frozenset()]  # [formulas, every name they read]: the rulebook's, the same each board


def _formulas_read(formulas: tuple) -> frozenset[str]:
    """Every name one of ``formulas`` (pairs of name and expression) reads."""
    kept, names = _READ_BY  # one read: another thread may write it
    if kept is not formulas:
        names = frozenset().union(*(expr.names for _, expr in formulas))
        _READ_BY[:] = [formulas, names]
    return names


def _same_offshoot(values: tuple, was: Offshoot) -> bool:
    return (values == (was.id, was.theatre, was.origin, was.strength, was.brutality)
            and type(values[3]) is int and type(values[4]) is int)


# (attribute of State, class, field names, where its tracks lie in GLOBAL_TRACKS, (the leader's
# field names, where they lie) or None): how :meth:`Board.freeze` reads each part of the model.
_ORDER = {name: i for i, name in enumerate(GLOBAL_TRACKS)}


def _span(prefix: str, cls: type) -> tuple[int, int]:
    """Where the tracks of ``cls`` named with ``prefix`` lie in GLOBAL_TRACKS: side by side."""
    keys = [_ORDER[prefix + n] for n, _, _ in tracks_of(cls)]
    if keys != list(range(keys[0], keys[0] + len(keys))):
        raise RuntimeError(f"the tracks {prefix}* do not lie side by side in GLOBAL_TRACKS")
    return keys[0], keys[0] + len(keys)


_PLAN: tuple[tuple[str, type, tuple[str, ...], tuple[int, int], tuple[tuple[str, ...], tuple[int, int]] | None], ...] = tuple(
    (attr, cls, tuple(n for n, _, _ in tracks_of(cls)), _span(prefix, cls),
     next(((tuple(n for n, _, _ in tracks_of(Leader)), _span(lp, Leader)) for lp, lattr in LEADERS if lattr == attr), None))
    for prefix, attr, cls in PARTS
)
# a State's fields other than its theatres, offshoots, decks and the parts in _PLAN, which
# Board.freeze takes from its template (or from its ``changes``)
_STATE_REST = tuple(a.name for a in attrs.fields(State)
                    if a.name not in {"theatres", "offshoots", "decks"} | {attr for attr, *_ in _PLAN})
# _PLAN as Board.freeze reads it: (attribute, the part's builder taking the leader, if any, then
# its tracks in order, where they lie, where the leader's lie or None)
_FREEZE_PLAN = tuple((attr, builder(cls), span, None if leader is None else leader[1]) for attr, cls, _, span, leader in _PLAN)
for _attr, _cls, _names, _, _leader in _PLAN:  # the builders take the fields in the order freeze gives them
    if tuple(a.name for a in attrs.fields(_cls)) != ("leader",) * (_leader is not None) + _names:
        raise RuntimeError(f"{_cls.__name__}: the leader, then its tracks, are its fields in order")
if tuple(a.name for a in attrs.fields(Leader)) != ("name",) + tuple(n for n, _, _ in tracks_of(Leader)):
    raise RuntimeError("Leader: its name, then its tracks, are its fields in order")
_BUILD_THEATRE = builder(Theatre)  # from the values of _THEATRE_FIELDS in order
_BUILD_LEADER = builder(Leader)
_BUILD_OFFSHOOT = builder(Offshoot)  # from the values of _OFFSHOOT_FIELDS in order
_BUILD_STATE = builder(State)  # called with the fields by name, as State is
_STATE_REST_NAMES = frozenset(_STATE_REST)
_TRACK_NAMES = tuple(GLOBAL_TRACKS)
_TRACK_VALUES = operator.itemgetter(*GLOBAL_TRACKS)  # every global track's value off a board or a flat dict, in order
_THEATRE_VALUES = operator.itemgetter(*_THEATRE_FIELDS)
