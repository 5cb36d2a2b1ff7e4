"""Effects applied to the lanes of a context: tracks, offshoots formed and taken in, draws.

The scalar engine's ``Resolver.apply``, lane by lane: each effect in turn (a later one reads what
an earlier one wrote), a track's new value ``floor(x + 0.5)`` kept within its bounds, the board
marked dirty where a value changed; an offshoot formed with ``offshoot-N`` for N the tally of
offshoots formed (the weakest, first in list order, folding if twelve are in play; the other ids
an opening board may hold have negative codes, never equal to an N); one taken in counted. A
draw is handed to the runner (:mod:`wargame.batch.decks`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from wargame.batch.book import EffectCode
from wargame.batch.context import Ctx
from wargame.engine.board import GLOBAL_TRACKS, MAX_OFFSHOOTS

_FORMED_CAP = float(GLOBAL_TRACKS["tally_offshoots_formed"][1])
_ABSORBED_CAP = 999.0  # as Resolver._remove_offshoot caps it


def _track(e: EffectCode, ctx: Ctx, happened: np.ndarray | None) -> None:
    old = ctx.read(e.where, e.target)
    v = e.fns[0](ctx)
    new = v if e.op == "=" else old + v if e.op == "+=" else old - v
    new = np.floor(new + 0.5)
    new = np.where(new < e.lo, e.lo, np.where(new > e.hi, e.hi, new))
    if happened is not None:  # side by side: only the columns where the rule fired change
        new = np.where(happened, new, old)  # (broadcast to old's shape by where itself)
    elif np.shape(new) != old.shape:  # a value the same for every lane: one per lane
        new = np.broadcast_to(new, old.shape)
    changed = new != old
    if changed.ndim == 2:
        changed = changed.any(1)
    if changed.any():
        ctx.write(e.where, e.target, new)
        ctx.b.dirty[ctx.rows[changed]] = True


def apply(runner: Any, effects: Sequence[EffectCode], ctx: Ctx, happened: np.ndarray | None = None) -> None:
    """Apply ``effects`` to every lane of ``ctx`` (narrow), or where ``happened`` holds (a wide
    context, ``(m, cols)``; then every effect is a track of the column's own)."""
    if not len(ctx.rows):
        return
    for e in effects:
        if e.kind == "track":
            _track(e, ctx, happened)
        elif e.kind == "spawn":
            formed = spawn(ctx, e)
            counts = getattr(runner, "formed", None)
            if counts is not None and not getattr(runner, "in_order", False):
                counts[formed, e.arg] += 1  # what the record's changes show: a rule's or a card's
        elif e.kind == "absorb":
            slot = ctx.slot
            live = ctx.b.o_active[ctx.rows, slot]
            remove(ctx.b, ctx.rows[live], slot[live], absorbed=True)
        else:
            runner.draw(e.arg, ctx.rows)


def remove(boards: Any, rows: np.ndarray, slots: np.ndarray, absorbed: bool) -> None:
    """Take offshoots out of play (``rows``/``slots`` ``(k,)``, each one in play)."""
    if not len(rows):
        return
    boards.o_active[rows, slots] = False
    boards.dirty[rows] = True
    if absorbed:
        g = boards.G["tally_offshoots_absorbed"]
        g[rows] = np.minimum(g[rows] + 1, _ABSORBED_CAP)


def spawn(ctx: Ctx, e: EffectCode) -> np.ndarray:
    """``spawn_offshoot(origin, strength, brutality)`` in the context's theatre, lane by lane.
    Returns the games where an offshoot formed."""
    b = ctx.b
    strength = np.maximum(0.0, np.minimum(10.0, np.floor(np.broadcast_to(e.fns[0](ctx), ctx.rows.shape) + 0.5)))
    brutality = np.maximum(0.0, np.minimum(10.0, np.floor(np.broadcast_to(e.fns[1](ctx), ctx.rows.shape) + 0.5)))
    keep = strength != 0
    if not keep.any():
        return ctx.rows[:0]
    sub = ctx.sub(keep)
    rows = sub.rows
    strength, brutality = strength[keep], brutality[keep]
    full = b.o_active[rows].sum(1) >= MAX_OFFSHOOTS
    if full.any():  # the weakest folds: least strength, the first in list order among equals
        fr = rows[full]
        score = np.where(b.o_active[fr], b.O["strength"][fr] * 1e12 + b.o_seq[fr], np.inf)
        remove(b, fr, np.argmin(score, axis=1), absorbed=False)
    g = b.G["tally_offshoots_formed"]
    formed = g[rows] + 1
    g[rows] = np.minimum(formed, _FORMED_CAP)
    ids = formed.astype(np.int64)
    for _ in range(MAX_OFFSHOOTS + 1):  # past the tally's cap an id may be taken: the next free one
        taken = (b.o_active[rows] & (b.o_id[rows] == ids[:, None])).any(1)
        if not taken.any():
            break
        ids[taken] += 1
    free = ~b.o_active[rows]
    lanes = np.arange(len(rows))
    if isinstance(sub.slot, np.ndarray):
        free[lanes, sub.slot] = False  # never the slot of the offshoot this rule runs for
    slot = np.argmax(free, axis=1)
    b.O["strength"][rows, slot] = strength
    b.O["brutality"][rows, slot] = brutality
    b.O["origin"][rows, slot] = e.arg
    b.o_theatre[rows, slot] = sub.tj
    b.o_id[rows, slot] = ids
    b.o_seq[rows, slot] = b.next_seq[rows]
    b.next_seq[rows] += 1
    b.o_active[rows, slot] = True
    b.dirty[rows] = True
    return rows
