"""The computed names and the formulas, brought up to date for some games (``Board.refresh``).

The scalar engine refreshes lazily: at the start of a rule that reads a computed name, before a
card's condition and before each order, and each time only if its board changed since (its
``dirty`` flag). ``Boards.dirty`` follows that flag lane by lane (set by the same changes), and
:func:`refresh` is called at the same points for the dirty lanes only: between two refreshes a
lane keeps the values it had, as the scalar board does (a rule sweeping the theatres reads the
totals as they stood when it began).

The work is done on blocks (``Boards.GG``/``TT``/``OO`` stack every name of a kind): the theatre
tracks the totals read are gathered in one operation, summed over the theatres in one, the
formulas read only the globals they need (gathered once) and every result is scattered back in
one operation. Sums of whole numbers are exact in any order, so the values are the same.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from wargame.batch.state import G_TOTALS, T_ORDER, T_SUMMED

_K = len(T_SUMMED)  # G_TOTALS begins with their totals, the last two of them averages
_CORE, _START, _FAITHFUL, _REFORM = (T_ORDER.index(k) for k in ("core", "turn_start_territory", "faithful", "reform"))


class _Lanes:
    """The globals the formulas read, for the lanes being refreshed: ``g(name)`` as a Ctx's."""

    __slots__ = ("vals",)

    def __init__(self, vals: dict[str, Any]):
        self.vals = vals

    def g(self, name: str) -> Any:
        return self.vals[name]


class _Recorder:
    """Runs a formula once on zeros to learn which globals it reads."""

    __slots__ = ("seen",)

    def __init__(self):
        self.seen: list[str] = []

    def g(self, name: str) -> np.ndarray:
        self.seen.append(name)
        return np.zeros(1)


class _Plan:
    """What a refresh of a batch reads and writes, worked out once per batch."""

    def __init__(self, boards: Any, book: Any):
        rec = _Recorder()
        made = set(G_TOTALS)
        with np.errstate(all="ignore"):
            for name, fn in book.formulas:
                fn(rec)
                made.add(name)
        self.reads = tuple(n for n in dict.fromkeys(rec.seen) if n not in made)
        self.read_idx = np.array([boards.g_index[n] for n in self.reads], dtype=np.int64)
        self.out = (*G_TOTALS, *(n for n, _ in book.formulas))
        self.out_idx = np.array([boards.g_index[n] for n in self.out], dtype=np.int64)
        first = int(self.out_idx[0])
        # the outputs are one block of GG (Boards orders them so): written in place for every game
        self.block = slice(first, first + len(self.out)) if (self.out_idx == np.arange(first, first + len(self.out))).all() else None
        self.flat_out = (self.out_idx * boards.n)[:, None]
        self.formulas = book.formulas
        ti = boards.t_index
        self.lost, self.gained, self.here = ti["lost_here"], ti["gained_here"], ti["offshoots_here"]
        assert tuple(boards.t_names[:len(T_ORDER)]) == T_ORDER


def _plan(boards: Any, book: Any) -> _Plan:
    plan = getattr(boards, "_refresh_plan", None)
    if plan is None or plan[0] is not book:
        plan = (book, _Plan(boards, book))
        boards._refresh_plan = plan
    return plan[1]


def refresh(boards, book, rows: np.ndarray) -> None:
    """Recompute totals and formulas for the games ``rows`` (``(m,)`` int) that are dirty."""
    rows = rows[boards.dirty[rows]]
    m = len(rows)
    if not m:
        return
    plan = _plan(boards, book)
    full = m == boards.n
    if not full and 3 * m >= boards.n and np.count_nonzero(boards.dirty) == m:
        # Every dirty game is among these: work out every game, in place (no gathers, no
        # scatters). A clean game's board has not changed since its last refresh, so its values
        # come out as they are.
        full, rows, m = True, np.arange(boards.n), boards.n
    TT, GG = boards.TT, boards.GG
    J = TT.shape[1]
    # Many games (a third or more): work on every game's arrays as they lie, and keep only
    # these games' results. A gather of that many games touches nearly every cache line of the
    # arrays anyway (a track's games lie side by side), so streaming through all is cheaper.
    whole = full or 3 * m >= boards.n
    M = boards.n if whole else m
    pick = (lambda a: a) if whole else (lambda a: a[rows])  # noqa: E731
    sub = TT[:len(T_ORDER)] if whole else np.take(TT[:len(T_ORDER)], rows, axis=2)  # (k, J, M)
    out = GG[plan.block] if full and plan.block is not None else np.empty((len(plan.out), M))
    sums = out[:_K]
    np.sum(sub[:_K], axis=1, out=sums)
    sums[5:7] /= J  # governance / n: a sum of whole numbers divided once, as the scalar engine does
    terr, prov, aff, start = sub[0], sub[2], sub[3], sub[_START]
    o = _K
    out[o] = (terr * (sub[_CORE] != 0)).sum(0)
    out[o + 1] = (prov > 0).sum(0)
    out[o + 2] = (aff > 0).sum(0)
    out[o + 3] = ((sub[_FAITHFUL] == 1) & (sub[_REFORM] >= 5)).sum(0)
    out[o + 4] = J
    if full:  # written in place: T's lost_here and gained_here
        lost, gained = TT[plan.lost], TT[plan.gained]
        np.maximum(0.0, np.subtract(start, terr, out=lost), out=lost)
        np.maximum(0.0, np.subtract(terr, start, out=gained), out=gained)
    else:
        lost = np.maximum(0.0, start - terr)
        gained = np.maximum(0.0, terr - start)
    out[o + 5] = lost.sum(0)
    active = pick(boards.o_active)  # (M, S)
    # strength and brutality are never negative: times the mask, a slot out of play counts 0
    strength = pick(boards.O["strength"]) * active
    out[o + 6] = active.sum(1)
    out[o + 7] = strength.sum(1)
    out[o + 8] = (pick(boards.O["brutality"]) * active).max(1)
    # each slot's strength added to its home theatre: exact, the strengths being whole numbers
    cell = pick(boards.o_theatre) + (np.arange(M) * J)[:, None]
    # (flattened slot by slot: the arrays are column-major, so neither is copied to flatten it)
    here = np.bincount(cell.T.ravel(), weights=strength.T.ravel(), minlength=M * J).reshape(M, J).T
    if full:
        TT[plan.here] = here
    else:
        keep = rows if whole else slice(None)
        TT[plan.lost][:, rows] = lost[:, keep]
        TT[plan.gained][:, rows] = gained[:, keep]
        TT[plan.here][:, rows] = here[:, keep]
    # the globals the formulas read: views of every game's, or gathered once for these games
    read = [GG[i] for i in plan.read_idx.tolist()] if whole else GG[plan.read_idx[:, None], rows]
    vals = dict(zip(plan.reads, read))
    vals.update(zip(plan.out, out))
    lanes = _Lanes(vals)
    f0 = len(G_TOTALS)
    for k, (_name, fn) in enumerate(plan.formulas):
        out[f0 + k] = fn(lanes)  # in order: a formula may read one above it (a view of this row)
    if out.base is not GG:
        if full:
            GG[plan.out_idx] = out
        else:
            GG.reshape(-1)[plan.flat_out + rows] = out[:, rows] if whole else out
    if full:
        boards.dirty[:] = False
    else:
        boards.dirty[rows] = False
