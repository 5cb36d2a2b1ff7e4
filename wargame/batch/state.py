"""A batch of boards as arrays, and the way to and from the scalar engine's :class:`State`.

One lane per game. Shapes (``n`` games, ``J`` theatres of the scenario, ``S`` offshoot slots,
``C`` cards of a deck):

- ``G[name]``: ``(n,)`` float64 for every global track, computed total, formula, ``turn``,
  ``turns_left`` and ``year``, and each parameter whose value differs between the games
  (``params``, :mod:`wargame.batch.parameters`); the other parameters and the stage constants
  are compiled in as constants;
- ``T[name]``: ``(n, J)`` float64 for every theatre track, ``turn_start_territory`` and the
  per-theatre computed values;
- ``O[name]``: ``(n, S)`` float64 for ``strength``, ``brutality`` and ``origin`` (a code of
  :data:`~wargame.batch.compile.ORIGINS`); beside them ``o_theatre`` (home column), ``o_id``
  (the id's code: the N of ``offshoot-N``, or a negative code for any other id of an opening
  board, :data:`wargame.batch.dice.OFFSHOOT_NAMES`), ``o_seq`` (when it joined the list: list
  order is ``o_seq`` order, since the engine only appends and removes) and ``o_active``, all
  ``(n, S)``;
- ``decks``: per deck, piles as ``(n, C)`` int card indices and their lengths ``(n,)``;
- ``phase`` (0 events, 1 orders, 2 over), ``turn``, ``last_turn``, ``dirty``: ``(n,)``.

Tracks are whole numbers stored as float64 (exactly: all lie far below 2**53). There are
``S = MAX_OFFSHOOTS + 1`` slots so that an offshoot formed while a rule runs for another one
never takes that one's slot (see :mod:`wargame.batch.effects`).
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence

import attrs
import numpy as np

from wargame.batch.compile import ORIGINS
from wargame.batch.dice import OFFSHOOT_NAMES
from wargame.engine.board import (
    COMPUTED,
    GLOBAL_TRACKS,
    LEADERS,
    MAX_OFFSHOOTS,
    PARTS,
    THEATRE_COMPUTED,
    THEATRE_TRACKS,
    flat_tracks,
)
from wargame.engine.model import PHASES, DeckPiles, Leader, Offshoot, State, Theatre, tracks_of
from wargame.engine.rulebook import Rulebook

SLOTS = MAX_OFFSHOOTS + 1
# the theatre tracks a refresh reads, in the order compute.py takes them: the summed ones first
T_SUMMED = ("territory", "oil", "is_province", "aq_affiliate", "pressure", "governance", "grievance")
T_ORDER = (*T_SUMMED, "core", "turn_start_territory", "faithful", "reform")
# what a refresh works out, in the order it does (the totals of T_SUMMED first): one block of GG,
# followed by the formulas, so that a refresh of every game writes them in place
G_TOTALS = ("total_territory", "total_oil", "total_provinces", "total_affiliates", "total_pressure", "avg_governance",
            "avg_grievance", "core_territory", "provinces", "affiliates", "faithful_reforms", "theatre_count",
            "lost_territory", "offshoot_count", "offshoot_strength", "offshoot_brutality")
_STATE_PARTS = operator.attrgetter(*(f.name for f in attrs.fields(State) if f.name != "seed"))


def _same_parts(s: State, first: State) -> bool:
    """Whether ``s`` shares every part of ``first`` but the seed (as ``attrs.evolve(first, seed=...)``)."""
    return all(map(operator.is_, _STATE_PARTS(s), _STATE_PARTS(first)))
THEATRE_STORED = (*THEATRE_TRACKS, "turn_start_territory")
_LEADERS = {attr: prefix for prefix, attr in LEADERS}
_LEADER_TRACKS = tuple(n for n, _, _ in tracks_of(Leader))


class Piles:
    """One deck's piles in every game: ``draw``, ``discard``, ``aside`` ``(n, C)`` int64 card
    indices (of the rulebook's deck), each with its length ``(n,)``; a pile is its first cells."""

    def __init__(self, deck_id: str, cards: Sequence[str], n: int, held: int = 0):
        self.deck = deck_id
        self.cards = tuple(cards)
        self.index = {c: i for i, c in enumerate(self.cards)}
        c = max(1, len(self.cards), held)  # held: the most cards a game's piles hold together
        self.piles = [np.zeros((n, c), dtype=np.int64) for _ in range(3)]
        self.lens = [np.zeros(n, dtype=np.int64) for _ in range(3)]

    def set(self, i: int, which: int, ids: Sequence[str]) -> None:
        self.piles[which][i, :len(ids)] = [self.index[c] for c in ids]
        self.lens[which][i] = len(ids)

    def get(self, i: int, which: int) -> tuple[str, ...]:
        return tuple(self.cards[k] for k in self.piles[which][i, :self.lens[which][i]])


class Boards:
    """The arrays of a batch of games of one scenario (see the module's docstring)."""

    def __init__(self, rulebook: Rulebook, states: Sequence[State], parameters: Mapping[str, np.ndarray] | None = None):
        """``parameters``: per-game values (``(n,)`` float64) of the parameters that vary
        between the games, each kept as a global name that nothing writes."""
        if not states:
            raise ValueError("a batch needs at least one game")
        first = states[0]
        self.scenario = first.scenario
        self.theatre_names = tuple(t.name for t in first.theatres)
        for s in states:
            if s.scenario != self.scenario or tuple(t.name for t in s.theatres) != self.theatre_names:
                raise ValueError("every game of a batch plays the same scenario, with the same theatres")
        n = self.n = len(states)
        self.n_theatres = J = len(self.theatre_names)
        self.templates = list(states)
        formulas = [name for name, _ in rulebook.formulas]
        # Every name of a kind lives in one stacked array, and G[name], T[name], O[name] are views
        # of it: a refresh gathers and scatters many names in one operation (compute.py).
        assert set(G_TOTALS) <= set(COMPUTED)
        self.params = tuple(parameters or ())
        leading = [k for k in (*GLOBAL_TRACKS, *COMPUTED, *self.params) if k not in G_TOTALS and k not in formulas]
        self.g_names = tuple(dict.fromkeys((*leading, *G_TOTALS, *formulas)))
        self.g_index = {k: i for i, k in enumerate(self.g_names)}
        self.GG = np.zeros((len(self.g_names), n))
        self.G = {k: self.GG[i] for i, k in enumerate(self.g_names)}
        # column-major: a theatre's (a slot's) column is contiguous, and sums over the theatres
        # (totals) add whole columns rather than walking short rows. The tracks the totals read
        # come first (T_ORDER), so that a refresh gathers one leading block.
        self.t_names = tuple(dict.fromkeys((*T_ORDER, *THEATRE_STORED, *THEATRE_COMPUTED)))
        self.t_index = {k: i for i, k in enumerate(self.t_names)}
        self.TT = np.zeros((len(self.t_names), J, n))
        self.T = {k: self.TT[i].T for i, k in enumerate(self.t_names)}
        self.OO = np.zeros((3, SLOTS, n))
        self.O = {k: self.OO[i].T for i, k in enumerate(("strength", "brutality", "origin"))}
        self.o_theatre = np.zeros((n, SLOTS), dtype=np.int64, order="F")
        self.o_id = np.zeros((n, SLOTS), dtype=np.int64, order="F")
        self.o_seq = np.zeros((n, SLOTS), dtype=np.int64, order="F")
        self.o_active = np.zeros((n, SLOTS), dtype=bool, order="F")
        self.next_seq = np.zeros(n, dtype=np.int64)
        self.phase = np.zeros(n, dtype=np.int64)
        self.turn = np.zeros(n, dtype=np.int64)
        self.last_turn = np.zeros(n, dtype=np.int64)
        self.seed = [s.seed for s in states]
        self.dirty = np.ones(n, dtype=bool)
        deck_order = tuple(p.deck for p in first.decks)
        # a pile holds at most all the deck's cards, or more on a board that holds a card twice
        # (the scalar engine plays such a board as it is): every game's piles fit
        held = {d: max(len(pl.draw) + len(pl.discard) + len(pl.aside) for s in states for pl in s.decks if pl.deck == d)
                for d in deck_order}
        self.decks = [Piles(d, [c.id for c in rulebook.decks[d].cards], n, held[d]) for d in deck_order]
        self.deck_of = {p.deck: k for k, p in enumerate(self.decks)}
        same = []  # games made from the first one's parts (only the seed differs): copied in bulk
        for i, s in enumerate(states):
            if i and _same_parts(s, first):
                same.append(i)
            else:
                self._load(i, s, deck_order)
        if same:
            self._copy(0, np.array(same, dtype=np.int64))
        for k in self.params:  # (after the copies, which copy every global row)
            self.G[k][:] = parameters[k]  # type: ignore[index]

    def _copy(self, src: int, dst: np.ndarray) -> None:
        """Games ``dst`` become copies of game ``src`` (all but the seed)."""
        self.GG[:, dst] = self.GG[:, src, None]
        self.TT[:, :, dst] = self.TT[:, :, src, None]
        self.OO[:, :, dst] = self.OO[:, :, src, None]
        for a in (self.o_theatre, self.o_id, self.o_seq, self.o_active, self.next_seq, self.phase, self.turn,
                  self.last_turn):
            a[dst] = a[src]
        for p in self.decks:
            for w in range(3):
                p.piles[w][dst] = p.piles[w][src]
                p.lens[w][dst] = p.lens[w][src]

    def _load(self, i: int, s: State, deck_order: tuple[str, ...]) -> None:
        for k, v in flat_tracks(s).items():
            self.G[k][i] = v
        for j, t in enumerate(s.theatres):
            for k in THEATRE_STORED:
                self.T[k][i, j] = getattr(t, k)
        if len(s.offshoots) > MAX_OFFSHOOTS:
            raise ValueError(f"game {i} has {len(s.offshoots)} offshoots, more than {MAX_OFFSHOOTS}")
        if len({o.id for o in s.offshoots}) < len(s.offshoots):
            raise ValueError(f"game {i} has two offshoots of one id: the batch engine tells them apart by id")
        for k, o in enumerate(s.offshoots):
            self.O["strength"][i, k] = o.strength
            self.O["brutality"][i, k] = o.brutality
            self.O["origin"][i, k] = ORIGINS.index(o.origin)
            self.o_theatre[i, k] = self.theatre_names.index(o.theatre)
            self.o_id[i, k] = OFFSHOOT_NAMES.code(o.id, o.theatre)
            self.o_seq[i, k] = k
            self.o_active[i, k] = True
        self.next_seq[i] = len(s.offshoots)
        self.phase[i] = PHASES.index(s.phase)
        self.turn[i] = s.turn
        self.last_turn[i] = s.last_turn
        if tuple(p.deck for p in s.decks) != deck_order:
            raise ValueError("every game of a batch lists the same decks in the same order")
        for p, piles in zip(self.decks, s.decks):
            for w, ids in enumerate((piles.draw, piles.discard, piles.aside)):
                p.set(i, w, ids)

    def offshoot_order(self, i: int) -> list[int]:
        """Game ``i``'s active slots in list order."""
        slots = np.flatnonzero(self.o_active[i])
        return [int(k) for k in slots[np.argsort(self.o_seq[i, slots], kind="stable")]]

    def state(self, i: int) -> State:
        """Game ``i`` as the scalar engine's :class:`State` (equal to it, field by field)."""
        tpl = self.templates[i]
        G = self.G
        parts = {}
        for prefix, attr, cls in PARTS:
            kw = {n: int(G[prefix + n][i]) for n, _, _ in tracks_of(cls)}
            if attr in _LEADERS:
                lp = _LEADERS[attr]
                kw["leader"] = Leader(name=getattr(tpl, attr).leader.name, **{n: int(G[lp + n][i]) for n in _LEADER_TRACKS})
            parts[attr] = cls(**kw)
        theatres = tuple(
            Theatre(name=t.name, title=t.title, **{k: int(self.T[k][i, j]) for k in THEATRE_STORED})
            for j, t in enumerate(tpl.theatres)
        )
        offshoots = tuple(
            Offshoot(id=OFFSHOOT_NAMES.text(int(self.o_id[i, k])), theatre=self.theatre_names[int(self.o_theatre[i, k])],
                     origin=ORIGINS[int(self.O["origin"][i, k])], strength=int(self.O["strength"][i, k]),
                     brutality=int(self.O["brutality"][i, k]))
            for k in self.offshoot_order(i)
        )
        decks = tuple(DeckPiles(deck=p.deck, draw=p.get(i, 0), discard=p.get(i, 1), aside=p.get(i, 2)) for p in self.decks)
        return attrs.evolve(tpl, turn=int(self.turn[i]), phase=PHASES[int(self.phase[i])], theatres=theatres,
                            offshoots=offshoots, decks=decks, **parts)


def tune_allocator(top: int = 1 << 30) -> bool:
    """Ask glibc's malloc to keep freed memory for reuse (arrays up to ``top`` bytes come from
    the heap, which is not trimmed back below ``top``), so that a batch's large temporaries do
    not each map fresh pages and fault them in: about a tenth faster at 10,000 games. Process-
    wide and opt-in (a caller that plays big batches calls it once); returns whether it applied."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        m_trim, m_mmap = -1, -3  # M_TRIM_THRESHOLD, M_MMAP_THRESHOLD (malloc.h)
        return bool(libc.mallopt(m_mmap, min(top, 1 << 29)) and libc.mallopt(m_trim, top))
    except (OSError, AttributeError):
        return False
