"""The scalar engine's States of many games of a batch at once, turn after turn: what a study's
meters read of every game after every turn (:mod:`wargame.analysis.batched`).

:meth:`Rebuilder.states` gives for each game what :meth:`~wargame.batch.state.Boards.state` gives
(equal, field by field: ``tests/test_batch_rebuild.py``), for less: the arrays are read for all
the games at once, and a part of a game's board (a cell's tracks with its leader, a theatre, the
offshoots, a deck's piles) whose values are those it had when last built is the object built then.
A part that changed is looked up by its values among the parts built before (one game's
theatre often comes out as another's did), and only new values run its constructor, which checks
every track's bounds as before. Sharing frozen parts between States changes nothing a reader sees.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np

from wargame.batch.compile import ORIGINS
from wargame.batch.dice import OFFSHOOT_NAMES
from wargame.batch.state import SLOTS, THEATRE_STORED, Boards
from wargame.engine.board import LEADERS, PARTS
from wargame.engine.model import PHASES, DeckPiles, Leader, Offshoot, State, Theatre, tracks_of

_LEADER_TRACKS = tuple(n for n, _, _ in tracks_of(Leader))
FLAT_NAMES: tuple[str, ...] = (
    tuple(prefix + n for prefix, _, cls in PARTS for n, _, _ in tracks_of(cls))
    + tuple(prefix + n for prefix, _ in LEADERS for n in _LEADER_TRACKS))
"""Every global track, in the order of ``wargame.engine.board.flat_tracks`` (each part's tracks,
then each leader's)."""
_LEADER_OF = {attr: prefix for prefix, attr in LEADERS}
# per part of the State: its attribute, class, track names, their rows in FLAT_NAMES, and its
# leader's rows (empty for a part without a leader)
_PARTS = tuple(
    (attr, cls, names, [FLAT_NAMES.index(prefix + n) for n in names],
     [FLAT_NAMES.index(_LEADER_OF[attr] + n) for n in _LEADER_TRACKS] if attr in _LEADER_OF else [])
    for prefix, attr, cls in PARTS for names in [tuple(n for n, _, _ in tracks_of(cls))])


class _Built:
    """Parts built before, by their values (a key of the part's kind and values): cleared, not
    evicted one by one, when full."""

    LIMIT = 1 << 16

    def __init__(self):
        self.parts: dict[tuple, Any] = {}

    def get(self, key: tuple, make: Callable[[], Any]) -> Any:
        found = self.parts.get(key)
        if found is None:
            if len(self.parts) >= self.LIMIT:
                self.parts.clear()
            found = self.parts[key] = make()
        return found


class Rebuilder:
    """Builds the States of a batch's games (``boards``), keeping per game the parts it built
    last and the values it built them from (NaN, or -1 for a pile's length: none yet)."""

    def __init__(self, boards: Boards):
        b = self.boards = boards
        n, J = b.n, b.n_theatres
        self.built = _Built()
        self.g_idx = np.array([b.g_index[k] for k in FLAT_NAMES], dtype=np.int64)
        self.t_idx = np.array([b.t_index[k] for k in THEATRE_STORED], dtype=np.int64)
        self.g_seen = np.full((len(FLAT_NAMES), n), np.nan)
        self.t_seen = np.full((len(THEATRE_STORED), J, n), np.nan)
        self.o_seen = np.full((7, n, SLOTS), np.nan)
        self.d_seen = [(np.full_like(np.stack(p.piles), -1), np.full((3, n), -1, dtype=np.int64)) for p in b.decks]
        self.parts: list[list[Any]] = [[None] * n for _ in _PARTS]
        self.theatres: list[list[Any]] = [[None] * J for _ in range(n)]
        self.theatre_tuple: list[tuple[Theatre, ...]] = [()] * n
        self.offshoots: list[tuple[Offshoot, ...]] = [()] * n
        self.decks: list[list[Any]] = [[None] * n for _ in b.decks]

    def states(self, rows: Sequence[int] | np.ndarray) -> list[State]:
        """The State of each game of ``rows`` (``(m,)`` int), as ``Boards.state`` gives it."""
        rows = np.asarray(rows, dtype=np.int64)
        at = rows.tolist()
        self._parts(rows, at)
        self._theatres(rows, at)
        self._offshoots(rows, at)
        self._decks(rows, at)
        b = self.boards
        turns, phases = b.turn[rows].tolist(), b.phase[rows].tolist()
        parts, decks = self.parts, self.decks
        names = [attr for attr, *_ in _PARTS]
        return [attrs.evolve(b.templates[i], turn=turn, phase=PHASES[phase], theatres=self.theatre_tuple[i],
                             offshoots=self.offshoots[i], decks=tuple(d[i] for d in decks),
                             **{name: part[i] for name, part in zip(names, parts)})
                for i, turn, phase in zip(at, turns, phases)]

    def _parts(self, rows: np.ndarray, at: list[int]) -> None:
        g = self.boards.GG[self.g_idx][:, rows]  # (tracks, m)
        changed = g != self.g_seen[:, rows]
        self.g_seen[:, rows] = g
        get = self.built.get
        templates = self.boards.templates
        for (attr, cls, names, cols, lead), kept in zip(_PARTS, self.parts):
            ks = np.flatnonzero(changed[cols + lead].any(0))
            if not len(ks):
                continue
            values = g[cols + lead][:, ks].astype(np.int64).T.tolist()
            for k, v in zip(ks.tolist(), values):
                i = at[k]
                if lead:
                    leader = getattr(templates[i], attr).leader.name
                    kept[i] = get((attr, leader, *v), lambda c=cls, f=names, v=v, nm=leader: c(
                        leader=Leader(name=nm, **dict(zip(_LEADER_TRACKS, v[len(f):]))), **dict(zip(f, v))))
                else:
                    kept[i] = get((attr, *v), lambda c=cls, f=names, v=v: c(**dict(zip(f, v))))

    def _theatres(self, rows: np.ndarray, at: list[int]) -> None:
        t = self.boards.TT[self.t_idx][:, :, rows]  # (tracks, J, m)
        jj, kk = np.nonzero((t != self.t_seen[:, :, rows]).any(0))
        self.t_seen[:, :, rows] = t
        if not len(jj):
            return
        built = self.built
        found = built.parts.get  # (the lookup of _Built.get, written out: the loop runs per theatre changed)
        templates, kept = self.boards.templates, self.theatres
        values = t[:, jj, kk].astype(np.int64).T.tolist()
        games = set()
        for j, k, v in zip(jj.tolist(), kk.tolist(), values):
            i = at[k]
            games.add(i)
            th = templates[i].theatres[j]
            key = (th.name, th.title, *v)
            part = found(key)
            if part is None:
                part = built.get(key, lambda th=th, v=v: Theatre(
                    name=th.name, title=th.title, **dict(zip(THEATRE_STORED, v))))
            kept[i][j] = part
        for i in games:
            self.theatre_tuple[i] = tuple(kept[i])

    def _offshoots(self, rows: np.ndarray, at: list[int]) -> None:
        b = self.boards
        o = np.stack([b.o_active[rows], b.o_seq[rows], b.o_id[rows], b.o_theatre[rows], b.O["origin"][rows],
                      b.O["strength"][rows], b.O["brutality"][rows]]).astype(np.float64)  # (7, m, S)
        ks = np.flatnonzero((o != self.o_seen[:, rows]).any((0, 2)))
        self.o_seen[:, rows] = o
        if not len(ks):
            return
        get = self.built.get
        names = b.theatre_names
        for k, (act, seq, oid, oth, ori, st, br) in zip(ks.tolist(), o[:, ks].astype(np.int64).transpose(1, 0, 2).tolist()):
            order = sorted((seq[s], s) for s in range(SLOTS) if act[s])  # list order (Boards.offshoot_order)
            self.offshoots[at[k]] = tuple(
                get(("offshoot", oid[s], oth[s], ori[s], st[s], br[s]), lambda s=s, oid=oid, oth=oth, ori=ori, st=st, br=br:
                    Offshoot(id=OFFSHOOT_NAMES.text(oid[s]), theatre=names[oth[s]], origin=ORIGINS[ori[s]],
                             strength=st[s], brutality=br[s]))
                for _, s in order)

    def _decks(self, rows: np.ndarray, at: list[int]) -> None:
        for p, (piles_seen, lens_seen), kept in zip(self.boards.decks, self.d_seen, self.decks):
            piles = np.stack([x[rows] for x in p.piles])  # (3, m, C)
            lens = np.stack([x[rows] for x in p.lens])  # (3, m)
            ks = np.flatnonzero((piles != piles_seen[:, rows]).any((0, 2)) | (lens != lens_seen[:, rows]).any(0))
            piles_seen[:, rows] = piles
            lens_seen[:, rows] = lens
            if not len(ks):
                continue
            cards = p.cards
            for k, ps, ls in zip(ks.tolist(), piles[:, ks].transpose(1, 0, 2).tolist(), lens[:, ks].T.tolist()):
                draw, discard, aside = (tuple([cards[c] for c in pile[:n]]) for pile, n in zip(ps, ls))
                kept[at[k]] = DeckPiles(deck=p.deck, draw=draw, discard=discard, aside=aside)
