"""The computed names and the formulas, brought up to date for some games (``Board.refresh``).

The scalar engine refreshes lazily: at the start of a rule that reads a computed name, before a
card's condition and before each order, and each time only if its board changed since (its
``dirty`` flag). ``Boards.dirty`` follows that flag lane by lane (set by the same changes), and
:func:`refresh` is called at the same points for the dirty lanes only: between two refreshes a
lane keeps the values it had, as the scalar board does (a rule sweeping the theatres reads the
totals as they stood when it began).
"""

from __future__ import annotations

import numpy as np

from wargame.batch.context import Ctx


def refresh(boards, book, rows: np.ndarray) -> None:
    """Recompute totals and formulas for the games ``rows`` (``(m,)`` int) that are dirty."""
    rows = rows[boards.dirty[rows]]
    if not len(rows):
        return
    full = len(rows) == boards.n
    r = slice(None) if full else rows  # every game: views, not gathered copies
    G, T = boards.G, boards.T
    terr = T["territory"][r]
    prov = T["is_province"][r]
    aff = T["aq_affiliate"][r]
    start = T["turn_start_territory"][r]
    J = terr.shape[1]
    G["total_territory"][r] = terr.sum(1)
    G["core_territory"][r] = (terr * (T["core"][r] != 0)).sum(1)
    G["total_oil"][r] = T["oil"][r].sum(1)
    G["total_provinces"][r] = prov.sum(1)
    G["total_affiliates"][r] = aff.sum(1)
    G["provinces"][r] = (prov > 0).sum(1)
    G["affiliates"][r] = (aff > 0).sum(1)
    G["faithful_reforms"][r] = ((T["faithful"][r] == 1) & (T["reform"][r] >= 5)).sum(1)
    G["theatre_count"][r] = J
    G["total_pressure"][r] = T["pressure"][r].sum(1)
    # governance / n: a sum of whole numbers divided once, as the scalar engine does
    G["avg_governance"][r] = T["governance"][r].sum(1) / J
    G["avg_grievance"][r] = T["grievance"][r].sum(1) / J
    lost = np.maximum(0.0, start - terr)
    T["lost_here"][r] = lost
    T["gained_here"][r] = np.maximum(0.0, terr - start)
    G["lost_territory"][r] = lost.sum(1)
    active = boards.o_active[r]
    # strength and brutality are never negative: times the mask, a slot out of play counts 0
    strength = boards.O["strength"][r] * active
    G["offshoot_count"][r] = active.sum(1)
    G["offshoot_strength"][r] = strength.sum(1)
    G["offshoot_brutality"][r] = (boards.O["brutality"][r] * active).max(1)
    home = boards.o_theatre[r]
    here = np.zeros((len(rows), J), order="F")
    lanes = np.arange(len(rows))
    for k in np.flatnonzero(active.any(0)):  # one slot at a time: each lane adds to one theatre
        here[lanes, home[:, k]] += strength[:, k]
    T["offshoots_here"][r] = here
    ctx = Ctx(boards, rows)
    for name, fn in book.formulas:
        v = fn(ctx)
        G[name][r] = v
    boards.dirty[r] = False
