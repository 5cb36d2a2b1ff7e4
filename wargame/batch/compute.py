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

A rule or an order that reads only some of what a refresh works out (``RuleCode.reads``) asks for
just that (:func:`refresh` with ``reads``): each *item* (a total, the losses, the offshoots' totals,
a formula) keeps its own lanes that are behind (``_Plan.stale``), and only the items read, and
those they read, are worked out. This gives the scalar engine's values: at every refresh a lane
either changed since (dirty) or not, so whatever it reads then equals the item worked out on the
board as it is; an item left behind is not read before the next refresh that asks for it (a rule
that may draw a card, whose effects may read anything, asks for everything).
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


class _Items:
    """The items of a refresh and what each reads, per batch: ``stale`` ``(items, n)`` bool, the
    lanes where an item was not worked out since the board last changed; ``behind`` ``(n,)`` the
    lanes where some item may be."""

    SUMS = len(T_SUMMED)  # items 0..6: a total of T_SUMMED each; then these, then the formulas
    NAMED = ("core_territory", "provinces", "affiliates", "faithful_reforms", "theatre_count", "lost_territory",
             "offshoot_count")

    def __init__(self, boards: Any, book: Any):
        self.formulas = book.formulas
        f0 = self.SUMS + len(self.NAMED)
        self.item_of: dict[str, int] = {g: k for k, g in enumerate(G_TOTALS[:self.SUMS])}
        self.item_of.update({g: self.SUMS + k for k, g in enumerate(self.NAMED)})
        lost, offshoots = self.item_of["lost_territory"], self.item_of["offshoot_count"]
        self.item_of.update({"lost_here": lost, "gained_here": lost, "offshoot_strength": offshoots,
                             "offshoot_brutality": offshoots, "offshoots_here": offshoots})
        assert set(G_TOTALS) <= set(self.item_of)
        deps: list[frozenset[int]] = [frozenset()] * f0
        for k, (name, fn) in enumerate(book.formulas):
            rec = _Recorder()
            with np.errstate(all="ignore"):
                fn(rec)
            deps.append(frozenset(self.item_of[n] for n in rec.seen if n in self.item_of))
            self.item_of[name] = f0 + k
        self.deps = deps
        self.count = len(deps)
        self.stale = np.ones((self.count, boards.n), dtype=bool)
        self.behind = np.ones(boards.n, dtype=bool)
        self._needs: dict[frozenset[str], np.ndarray] = {}
        g, t = boards.g_index, boards.t_index
        # the row of GG each item writes (the losses and the offshoots write more: below)
        self.g_row = [g[n] for n in (*G_TOTALS[:self.SUMS], *self.NAMED, *(name for name, _ in book.formulas))]
        self.t_terr, self.t_start = t["territory"], t["turn_start_territory"]
        self.t_prov, self.t_aff = t["is_province"], t["aq_affiliate"]
        self.t_core, self.t_faithful, self.t_reform = t["core"], t["faithful"], t["reform"]
        self.t_lost, self.t_gained, self.t_here = t["lost_here"], t["gained_here"], t["offshoots_here"]
        self.g_strength, self.g_brutality = g["offshoot_strength"], g["offshoot_brutality"]

    def needs(self, reads: frozenset[str]) -> np.ndarray:
        """The items ``reads`` asks for and those they read, in working order."""
        found = self._needs.get(reads)
        if found is None:
            out: set[int] = set()
            todo = [self.item_of[n] for n in reads]
            while todo:
                k = todo.pop()
                if k not in out:
                    out.add(k)
                    todo.extend(self.deps[k])
            found = self._needs[reads] = np.array(sorted(out), dtype=np.int64)
        return found


def _plan(boards: Any, book: Any) -> _Plan:
    plan = getattr(boards, "_refresh_plan", None)
    if plan is None or plan[0] is not book:
        plan = (book, _Plan(boards, book))
        plan[1].items = _Items(boards, book)
        boards._refresh_plan = plan
    return plan[1]


def refresh(boards, book, rows: np.ndarray, reads: frozenset[str] | None = None) -> None:
    """Recompute totals and formulas for the games ``rows`` (``(m,)`` int) that are dirty (or
    behind): everything, or only what ``reads`` names (and what that reads)."""
    plan = _plan(boards, book)
    items = plan.items
    if reads is not None:
        _refresh_items(boards, plan, items, rows, items.needs(reads))
        return
    rows = rows[boards.dirty[rows] | items.behind[rows]]
    m = len(rows)
    if not m:
        return
    full = m == boards.n
    if not full and 3 * m >= boards.n and np.count_nonzero(boards.dirty) == np.count_nonzero(boards.dirty[rows]):
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
        items.stale[:] = False
        items.behind[:] = False
    else:
        boards.dirty[rows] = False
        items.stale[:, rows] = False
        items.behind[rows] = False


def _refresh_items(boards: Any, plan: _Plan, items: _Items, rows: np.ndarray, needs: np.ndarray) -> None:
    """:func:`refresh` of the items ``needs`` (in working order) for the games ``rows``."""
    dirty, behind, stale = boards.dirty, items.behind, items.stale
    rows = rows[dirty[rows] | behind[rows]]
    if not len(rows):
        return
    changed = rows[dirty[rows]]
    if len(changed):  # every item of a lane that changed is behind from now on
        stale[:, changed] = True
        behind[changed] = True
        dirty[changed] = False
    lanes = rows[stale[needs][:, rows].any(0)]
    m = len(lanes)
    if not m:
        return
    n = boards.n
    whole = 3 * m >= n  # many games: work on every game's arrays as they lie (see refresh)
    # in place for every game when none is dirty: a lane not behind comes out as it is, and an
    # item behind is read by nobody before a refresh asks for it again
    in_place = whole and not dirty.any()
    sel: Any = slice(None) if whole else lanes
    keep: Any = slice(None) if in_place else lanes if whole else slice(None)
    GG, TT, J = boards.GG, boards.TT, boards.n_theatres

    def put(row: int, v: Any) -> None:
        if in_place:
            GG[row] = v
        elif isinstance(v, np.ndarray):
            GG[row, lanes] = v[keep]
        else:
            GG[row, lanes] = v

    def put_t(row: int, v: np.ndarray) -> None:
        if in_place:
            TT[row] = v
        else:
            TT[row][:, lanes] = v[:, keep]

    def t(row: int) -> np.ndarray:
        return TT[row] if whole else TT[row][:, lanes]

    for k in needs.tolist():
        if k < _Items.SUMS:
            v = t(k).sum(0)
            if k >= 5:
                v /= J  # governance / n: a sum of whole numbers divided once, as the scalar engine does
            put(items.g_row[k], v)
        elif k >= _Items.SUMS + len(_Items.NAMED):  # a formula: what it reads is worked out above it
            _name, fn = items.formulas[k - _Items.SUMS - len(_Items.NAMED)]
            put(items.g_row[k], fn(_Read(GG, boards.g_index, sel)))
        else:
            name = _Items.NAMED[k - _Items.SUMS]
            if name == "core_territory":
                put(items.g_row[k], (t(items.t_terr) * (t(items.t_core) != 0)).sum(0))
            elif name == "provinces":
                put(items.g_row[k], (t(items.t_prov) > 0).sum(0))
            elif name == "affiliates":
                put(items.g_row[k], (t(items.t_aff) > 0).sum(0))
            elif name == "faithful_reforms":
                put(items.g_row[k], ((t(items.t_faithful) == 1) & (t(items.t_reform) >= 5)).sum(0))
            elif name == "theatre_count":
                put(items.g_row[k], float(J))
            elif name == "lost_territory":
                start, terr = t(items.t_start), t(items.t_terr)
                lost = np.maximum(0.0, start - terr)
                put_t(items.t_lost, lost)
                put_t(items.t_gained, np.maximum(0.0, terr - start))
                put(items.g_row[k], lost.sum(0))
            else:  # the offshoots: as refresh works them out
                active = boards.o_active[sel]
                strength = boards.O["strength"][sel] * active
                put(items.g_row[k], active.sum(1))
                put(items.g_strength, strength.sum(1))
                put(items.g_brutality, (boards.O["brutality"][sel] * active).max(1))
                M = n if whole else m
                cell = boards.o_theatre[sel] + (np.arange(M) * J)[:, None]
                here = np.bincount(cell.T.ravel(), weights=strength.T.ravel(), minlength=M * J).reshape(M, J).T
                put_t(items.t_here, here)
    if in_place:
        stale[needs] = False
    else:
        stale[needs[:, None], lanes] = False


class _Read:
    """``g(name)``: a global of the lanes being worked out (every game's, or gathered), as it
    stands in ``GG`` (an item a formula reads is worked out before it)."""

    __slots__ = ("GG", "index", "sel")

    def __init__(self, GG: np.ndarray, index: dict[str, int], sel: Any):
        self.GG, self.index, self.sel = GG, index, sel

    def g(self, name: str) -> Any:
        return self.GG[self.index[name], self.sel]
