"""Legal orders over a batch: :func:`wargame.engine.legality.legal_orders` as masks over arrays.

Each cell's *candidates* are every order it could give on a board of the scenario, in the order
:func:`~wargame.engine.legality.legal_orders` lists them (the rulebook's kinds in order, a
theatre kind once per theatre in scenario order; ``wargame.engine.position``). A candidate is
legal for a game when its requirements hold on the board (:meth:`Legality.allowed`, one mask a
turn), it is not already among the cell's pending orders, the cell has orders left and the budget
covers it (:meth:`Legality.legal`, per pending set). Pending orders are a ``taken`` mask over the
candidates, with their count and their cost.

The board must be as the scalar engine reads it in the orders phase: :func:`orders_board` sets
the calendar and brings totals and formulas up to date for those games.
"""

from __future__ import annotations

import numpy as np

from wargame.batch.compute import refresh
from wargame.batch.context import ALL, Ctx
from wargame.engine.model import CELLS, Order
from wargame.engine.resolver import RESOLUTION_ORDER
from wargame.engine.rulebook import Rulebook

ORDERS = 1  # BatchGame's phase code for the orders phase


class Candidates:
    """One cell's candidate orders (``K`` of them): ``kinds`` (K,) ids, ``columns`` (K,) int
    theatre columns (-1: no theatre), ``costs`` (K,) float, ``orders`` the K Orders and, per kind
    in order, ``spans``: (kind, first candidate, count, is a theatre kind)."""

    def __init__(self, rulebook: Rulebook, cell: str, theatre_names: tuple[str, ...]):
        kinds, columns, costs, orders, spans = [], [], [], [], []
        for kind in rulebook.orders:
            if kind.cell != cell:
                continue
            wide = kind.target == "theatre"
            where = list(enumerate(theatre_names)) if wide else [(-1, None)]
            spans.append((kind.id, len(kinds), len(where), wide))
            for j, t in where:
                kinds.append(kind.id)
                columns.append(j)
                costs.append(float(kind.cost))
                orders.append(Order(cell, kind.id, t))
        self.cell = cell
        self.kinds = tuple(kinds)
        self.columns = np.array(columns, dtype=np.int64)
        self.costs = np.array(costs, dtype=np.float64)
        self.orders = tuple(orders)
        self.spans = tuple(spans)
        self.index = {(o.kind, o.theatre): k for k, o in enumerate(orders)}

    def __len__(self) -> int:
        return len(self.orders)


class Legality:
    """The rulebook's order kinds compiled for a batch: ``cands[cell]`` (:class:`Candidates`) and
    each kind's requirements as compiled closures (:mod:`wargame.batch.compile`)."""

    def __init__(self, rulebook: Rulebook, book, theatre_names: tuple[str, ...]):
        self.rulebook = rulebook
        self.max_orders = rulebook.max_orders
        self.budgets = rulebook.budgets
        self.cands = {c: Candidates(rulebook, c, theatre_names) for c in CELLS}
        self.requires = {}
        for kind in rulebook.orders:
            scope = rulebook.scope("theatre" if kind.target == "theatre" else "global")
            self.requires[kind.id] = tuple(book.compiler.expression(r.when.source, scope) for r in kind.requires)

    def allowed(self, boards, rows: np.ndarray, cell: str) -> np.ndarray:
        """``(m, K)`` bool: which candidates of ``cell`` their requirements allow in games ``rows``
        (their board brought up to date: :func:`orders_board`). A theatre kind is judged in every
        theatre at once (the requirement reads one theatre's names and the board's)."""
        cands = self.cands[cell]
        m = len(rows)
        out = np.ones((m, len(cands)), dtype=bool)
        wide = Ctx(boards, rows, ALL, wide=True)
        narrow = Ctx(boards, rows)
        for kind, first, count, is_wide in cands.spans:
            block = out[:, first:first + count]
            for fn in self.requires[kind]:
                if is_wide:
                    block &= fn(wide) != 0  # (m, count), (m, 1) or one for all: broadcast
                else:
                    ok = np.asarray(fn(narrow) != 0)
                    block &= ok[:, None] if ok.ndim else ok
        return out

    def legal(self, allowed: np.ndarray, budget: np.ndarray, cell: str, taken: np.ndarray, count: np.ndarray,
              spent: np.ndarray) -> np.ndarray:
        """``(m, K)`` bool: what ``legal_orders`` returns after the cell's pending orders, given
        ``allowed`` (:meth:`allowed`), the cell's budget ``(m,)`` on the board, the pending
        candidates ``taken`` ``(m, K)`` bool, their number ``count`` ``(m,)`` and cost ``spent``
        ``(m,)``."""
        left = (budget - spent)[:, None]
        ok = allowed & (self.cands[cell].costs[None, :] <= left) & ~taken
        ok &= (count < self.max_orders)[:, None]
        return ok

    def budget(self, boards, rows: np.ndarray, cell: str) -> np.ndarray:
        """``(m,)`` the cell's budget track on the board."""
        return boards.G[self.budgets[cell]][rows]


def orders_board(game, rows: np.ndarray | None = None) -> np.ndarray:
    """Bring the boards of the games in the orders phase (or ``rows`` of them) to what the scalar
    engine reads there (``Position``): turn, turns left and year set, totals and formulas worked
    out. Returns the rows (sorted). A game loaded in the orders phase has no calendar yet (the
    batch sets it when a phase begins), so it is set here too."""
    b = game.boards
    if rows is None:
        rows = np.flatnonzero(b.phase == ORDERS)
    if not len(rows):
        return rows
    turn = b.turn[rows].astype(np.float64)
    year, quarter = game._calendar
    values = {"turn": turn, "turns_left": (b.last_turn[rows] - b.turn[rows]).astype(np.float64),
              "year": (year + (quarter - 1 + b.turn[rows] - 1) // 4).astype(np.float64)}
    for name, v in values.items():
        changed = b.G[name][rows] != v
        if changed.any():  # a formula may read the calendar: work it out again there
            b.dirty[rows[changed]] = True
            b.G[name][rows] = v
    refresh(b, game.book, rows)
    return rows


def pay_chosen(boards, book, legality: Legality, rows: np.ndarray,
               chosen: dict[str, np.ndarray]) -> list[tuple[tuple[str, int | None], np.ndarray]]:
    """``BatchGame._sorted_orders`` for orders given as candidate indices (``Players.choose``:
    ``{cell: (m, max_orders)}``, -1 for none, for the games ``rows``), without building an Order
    per game: every cell's orders paid (its budget less their cost, the board marked dirty where a
    cell gave any), then each (kind, theatre column) given, in ``order_key`` order, with the games
    (sorted) that gave it. The costs are whole numbers, so their sum is the same in any order."""
    groups: dict[tuple[str, int | None], np.ndarray] = {}
    for cell in RESOLUTION_ORDER:
        picks = chosen.get(cell)
        if picks is None or not len(rows):
            continue
        given = picks >= 0
        some = given.any(1)
        if not some.any():
            continue
        cands = legality.cands[cell]
        safe = np.where(given, picks, 0)
        cost = np.where(given, cands.costs[safe], 0.0).sum(1)
        paid = rows[some]
        budget = boards.G[legality.budgets[cell]]
        budget[paid] -= cost[some]
        boards.dirty[paid] = True
        # every (game, candidate) given, grouped by candidate with the games in order (a game
        # gives a candidate once at most): one sort rather than a pass over the picks per candidate
        lane, _ = np.nonzero(given)
        pick = picks[given]
        order = np.lexsort((lane, pick))
        pick, games = pick[order], rows[lane[order]]
        ks, starts = np.unique(pick, return_index=True)
        for k, a, b in zip(ks.tolist(), starts.tolist(), [*starts[1:].tolist(), len(pick)]):
            column = int(cands.columns[k])
            groups[(cands.kinds[k], None if column < 0 else column)] = games[a:b]
    keys = sorted(groups, key=lambda k: book.order_key(*k))
    return [(k, groups[k]) for k in keys]
