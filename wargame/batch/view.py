"""What each seat sees, over a batch: :func:`wargame.engine.view.view`'s estimate ranges and the
doctrine bots' :class:`wargame.bots.picture.Picture` built on them, as arrays.

A range's placement is the view's own keyed dice, ``Dice(derive(seed, "view"), turn, seat)
.roll(track)``: a game's view key (``game_key(derive(seed, "view"))``, worked out once per game)
goes through the same key chain as the game's dice (:mod:`wargame.batch.dice`), lane by lane.
A :class:`Picture` holds the seat's board: every global track at the middle of its range (0
where the seat cannot see it), the public totals of the true board, and the rulebook's formulas
worked out again on that; the theatres and offshoots are public, so they are the board's own.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from wargame.batch import dice
from wargame.batch.context import ALL, Ctx
from wargame.engine.board import COMPUTED, GLOBAL_TRACKS, OWNER, PARTIES_ONLY
from wargame.engine.dice import derive, game_key

_OUTSIDERS_BLIND = ("is", "aq", "white")  # who sees secret talks and the relation's clock


def view_keys(seeds) -> np.ndarray:
    """``(n,)`` uint64: each game's key for the view's dice, ``game_key(derive(seed, "view"))``."""
    return np.array([game_key(derive(int(s), "view")) for s in seeds], dtype=dice.U64)


def _width(seat: str, owner: str) -> int:
    """The fixed width of the range ``seat`` sees of ``owner``'s track (the coalition's follows
    its intelligence: :func:`estimates`). As ``wargame.engine.view._width``; a test holds them equal."""
    if seat == "governments":
        return 3
    if {seat, owner} == {"is", "aq"}:
        return 2
    return 4 if seat == "public" else 3


def plan(seat: str) -> tuple[tuple[str, str | None, int, int, int], ...]:
    """What ``seat`` sees of each global track: (name, owner seen as a range or None where it is
    seen exactly, fixed width or -1 where it follows the coalition's intelligence, bounds). A
    track it may not see at all (the relation's clock, for an outsider) is left out."""
    out = []
    for n, (lo, hi) in GLOBAL_TRACKS.items():
        owner = OWNER.get(n)
        if n in PARTIES_ONLY and seat not in _OUTSIDERS_BLIND:
            continue
        if seat == "white" or owner is None or owner == seat:
            out.append((n, None, 0, lo, hi))
        else:
            out.append((n, owner, -1 if seat == "coalition" else min(_width(seat, owner), hi - lo), lo, hi))
    return tuple(out)


@functools.cache
def _block_plan(seat: str) -> tuple:
    """:func:`plan` as arrays over its ranged tracks: names, their dice names, widths, bounds."""
    ranged = [(n, w, lo, hi) for n, owner, w, lo, hi in plan(seat) if owner is not None]
    exact = tuple(n for n, owner, _, _, _ in plan(seat) if owner is None)
    names = tuple(n for n, _, _, _ in ranged)
    col = lambda i: np.array([r[i] for r in ranged], dtype=np.int64)[:, None]  # noqa: E731
    keys = np.array([dice.nm(n) for n in names], dtype=dice.U64)[:, None]
    return exact, names, keys, col(1), col(2), col(3)


def _globals(boards, names: tuple[str, ...], rows: np.ndarray) -> np.ndarray:
    """``(k, m)``: the global ``names`` of games ``rows`` (sorted, distinct), read in one block
    from the boards' stacked globals (``Boards.GG``) where they have them."""
    index = getattr(boards, "g_index", None)
    if index is None:
        return np.stack([boards.G[n][rows] for n in names])
    at = np.array([index[n] for n in names], dtype=np.int64)
    return boards.GG[at] if len(rows) == boards.n else boards.GG[at[:, None], rows[None, :]]


def estimates(boards, rows: np.ndarray, seat: str, keys: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{track: (lo, hi)}``, each ``(m,)`` int64: the ranges ``seat`` sees in games ``rows``
    (``keys``: their :func:`view_keys`), exactly as ``view(state, seat).tracks``. Every ranged
    track is worked out at once, a row per track (the same steps, element by element)."""
    G = boards.G
    key = dice.phase_keys(keys, boards.turn[rows], seat)
    exact, names, name_keys, width, lo_bound, hi_bound = _block_plan(seat)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if exact:
        values = _globals(boards, exact, rows).astype(np.int64)
        for n, value in zip(exact, values):
            out[n] = (value, value)
    if names:
        value = _globals(boards, names, rows).astype(np.int64)  # (k, m)
        intel = G["coalition_intel"][rows].astype(np.int64)
        w = np.where(width >= 0, width, np.minimum(np.maximum(0, 4 - intel // 3)[None, :], hi_bound - lo_bound))
        roll = dice.rolls(dice.mix(key[None, :] ^ name_keys), dice.nm(""))  # source_keys, a row per track
        step = w + 1
        offset = (roll * step).astype(np.int64)  # int() of a non-negative float: floor
        lo = (value - offset) // step * step + offset
        lo = np.maximum(lo_bound, np.minimum(lo, hi_bound - w))  # shifted back inside, keeping its width
        exact_w = w <= 0
        lo = np.where(exact_w, value, lo)
        hi = np.where(exact_w, value, lo + w)
        for i, n in enumerate(names):
            out[n] = (lo[i], hi[i])
    if seat not in _OUTSIDERS_BLIND:
        # secret talks look, from outside, like whatever came before them
        secret = (G["relation_stage"][rows] == 1) & (G["relation_known"][rows] == 0)
        if secret.any():
            public = np.where(G["tally_second_splits"][rows] != 0, 4, 0)
            for n, shown in (("relation_stage", public), ("relation_autonomy", 0), ("relation_offered", 0)):
                v = np.where(secret, shown, out[n][0])
                out[n] = (v, v.copy())
    return out


class _Seen:
    """The board a seat pictures, shaped as :class:`~wargame.batch.state.Boards` for a
    :class:`~wargame.batch.context.Ctx`: ``m`` lanes, global names ``G`` ``(m,)``, the public
    theatres ``T`` ``(m, J)`` and offshoots ``O`` ``(m, S)`` of the true boards."""

    def __init__(self, boards, rows: np.ndarray, G: dict[str, np.ndarray]):
        self.n = len(rows)
        self.n_theatres = boards.n_theatres
        self.G = G
        if len(rows) == boards.n:  # every game (rows sorted, distinct): read the boards' own arrays
            self.T, self.O = boards.T, boards.O
        else:
            self.T = {k: v[rows] for k, v in boards.T.items()}
            self.O = {k: v[rows] for k, v in boards.O.items()}


class Picture:
    """Each of games ``rows``'s board as ``seat`` sees it (``wargame.bots.picture.Picture``):
    ``g`` global names ``(m,)`` float64, ``budget`` ``(m,)`` the cell's own budget, and
    :meth:`chance` of an order kind. The games' boards must be up to date
    (:func:`wargame.batch.legality.orders_board`)."""

    def __init__(self, boards, book, rows: np.ndarray, seat: str, keys: np.ndarray, budget_track: str | None):
        m = len(rows)
        seen = estimates(boards, rows, seat, keys)
        G: dict[str, np.ndarray] = {}
        for n in GLOBAL_TRACKS:  # the middle of each range; 0 for what the seat cannot see
            lo_hi = seen.get(n)
            G[n] = (lo_hi[0] + lo_hi[1]) / 2 if lo_hi is not None else np.zeros(m)
        computed = tuple(COMPUTED)  # turn, year and the totals over the theatres and offshoots: public
        G.update(zip(computed, _globals(boards, computed, rows)))
        params = getattr(boards, "params", ())  # the parameters each game plays with its own value of
        if params:
            G.update(zip(params, _globals(boards, params, rows)))
        self.board = _Seen(boards, rows, G)
        self.lanes = np.arange(m)
        ctx = Ctx(self.board, self.lanes)
        for n, fn in book.formulas:  # in order: a formula may read one above it
            G[n] = np.broadcast_to(np.asarray(fn(ctx), dtype=np.float64), (m,)).copy()
        self.g = G
        self.book = book
        self.budget = seen[budget_track][0].astype(np.float64) if budget_track else np.zeros(m)
        self.wide = Ctx(self.board, self.lanes, ALL, wide=True)
        self.narrow = ctx

    def chance(self, kind: str, theatre: bool) -> Any:
        """The chance the public rules give an order of ``kind`` on this picture: ``(m, J)`` over
        the theatres for a theatre kind (``theatre``), else ``(m,)``; 1.0 for a kind with none."""
        fn = self.book.orders[kind].chance
        if fn is None:
            return 1.0
        return fn(self.wide if theatre else self.narrow)
