"""Whole games with bots in every seat, played in lockstep by the batch engine: :func:`play_batch`.

Each turn: the events (``BatchGame.begin_turn``), then every cell's orders chosen for all the
games at once (:mod:`wargame.batch.bots`) on the board as the scalar engine reads it in the orders
phase, then the turn resolved (``BatchGame.resolve_turn``). The same games as
``wargame.bots.play.play`` with ``bots_for`` plays one by one, bit for bit (``tests/test_batch_bots.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from wargame.batch.book import extra
from wargame.batch.bots import bot_keys, doctrine_orders, mixed_postures, random_orders, seat_keys
from wargame.batch.doctrine import DoctrineCode
from wargame.batch.game import BatchGame
from wargame.batch.legality import Legality, orders_board
from wargame.batch.view import Picture, view_keys
from wargame.bots.doctrine import POSTURES, Doctrine
from wargame.bots.play import parse_seats
from wargame.bots.seats import MIXED
from wargame.engine.model import CELLS, Order
from wargame.engine.rulebook import Rulebook

RANDOM = -1  # a seat's code: the random bot; 0, 1, 2: a doctrine bot in that posture


def seat_codes(seats: str | Mapping[str, str] | Sequence[str], n: int, keys: np.ndarray) -> dict[str, np.ndarray]:
    """``{cell: (n,) int}``: who plays each cell in each game, :data:`RANDOM` or a doctrine
    posture's number. ``seats`` is one seat list for every game (``all=doctrine:mixed``, or a
    mapping as :func:`~wargame.bots.play.parse_seats` gives) or one per game; ``keys`` the
    games' :func:`~wargame.batch.bots.bot_keys` (for ``doctrine:mixed``)."""
    if isinstance(seats, (str, Mapping)):
        groups = {0: (seats, np.arange(n))}  # one seat list for every game: read once
    else:
        if len(seats) != n:
            raise ValueError(f"seat lists for {len(seats)} games, and the batch has {n}")
        found: dict[Any, list[int]] = {}
        first: dict[Any, Any] = {}
        for i, s in enumerate(seats):  # the games of each distinct seat list
            key = s if isinstance(s, str) else tuple(sorted(dict(s).items()))
            found.setdefault(key, []).append(i)
            first.setdefault(key, s)
        groups = {k: (first[k], np.array(v, dtype=np.int64)) for k, v in found.items()}
    out = {cell: np.empty(n, dtype=np.int64) for cell in CELLS}
    for seat_list, games in groups.values():
        p = parse_seats(seat_list) if isinstance(seat_list, str) else dict(seat_list)
        for cell in CELLS:
            kind, _, posture = p[cell].partition(":")
            if kind == "random":
                out[cell][games] = RANDOM
            elif posture == MIXED:
                out[cell][games] = mixed_postures(keys[games], cell)
            else:
                out[cell][games] = POSTURES.index(posture or "standard")
    return out


class Players:
    """The bots of every seat of a batch, compiled once: legality, the doctrine, the dice keys."""

    def __init__(self, rulebook: Rulebook, game: BatchGame, seats,
                 doctrines: Mapping[str, Doctrine] | Iterable[tuple[str, Doctrine]] = (),
                 withheld: Iterable[str] = ()):
        """``doctrines`` seats in some cells, in every game, a doctrine bot configured so (its
        posture and knobs), whatever ``seats`` says there (``metrics.play_game``'s ``doctrines``);
        ``withheld`` order kinds are kept out of every bot's legal orders, as
        :class:`wargame.analysis.arms.Withholding` keeps them out of the scalar bots'."""
        self.rulebook = rulebook
        self.game = game
        b = game.boards
        self.legality = extra(game.book, "legality", lambda: Legality(rulebook, game.book, b.theatre_names))
        self.bot_keys = bot_keys(b.seed)
        self.view_keys = view_keys(b.seed)
        self.codes = seat_codes(seats, b.n, self.bot_keys)
        self.doctrines: dict[str, Doctrine] = dict(doctrines.items() if isinstance(doctrines, Mapping) else doctrines)
        for cell, d in self.doctrines.items():
            if cell not in self.codes:
                raise KeyError(f"no cell {cell!r} (cells: {', '.join(CELLS)})")
            self.codes[cell] = np.full(b.n, d.boldness, dtype=np.int64)
        withheld = frozenset(withheld)
        # per cell, ``(K,)`` bool: the candidates no bot may give (None where nothing is withheld)
        self.withheld: dict[str, np.ndarray | None] = {}
        for cell, cands in self.legality.cands.items():
            out = np.array([k in withheld for k in cands.kinds], dtype=bool)
            self.withheld[cell] = out if out.any() else None
        self._doctrine: DoctrineCode | None = None
        self.keep_orders = True  # unset (play_on) where nobody reads the Orders turn() returns
        # with ``count_options`` set, :meth:`choose` keeps in ``options`` each cell's number of
        # distinct kinds of legal order in each game it chose for (``metrics.option_counts``)
        self.count_options = False
        self.options: dict[str, np.ndarray] = {}

    @property
    def doctrine(self) -> DoctrineCode:
        if self._doctrine is None:  # compiled only for a batch with a doctrine bot in it
            self._doctrine = extra(self.game.book, "doctrine", lambda: DoctrineCode(self.rulebook, self.game.book))
        return self._doctrine

    def choose(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The orders of every cell in every game in the orders phase: (those games' rows,
        ``{cell: (m, max_orders)}`` candidate indices, -1 for none)."""
        game, legality = self.game, self.legality
        b = game.boards
        rows = orders_board(game)
        out = {}
        for cell in CELLS:
            m = len(rows)
            chosen = np.full((m, legality.max_orders), -1, dtype=np.int64)
            if not m:
                out[cell] = chosen
                self.options[cell] = np.zeros(0, dtype=np.int64)
                continue
            allowed = legality.allowed(b, rows, cell)
            budget = legality.budget(b, rows, cell)
            if self.count_options:  # the engine's legal orders, withheld or not (``metrics.option_counts``)
                self.options[cell] = self._kinds(allowed, budget, cell)
            withheld = self.withheld.get(cell)
            if withheld is not None:
                allowed = allowed & ~withheld[None, :]
            keys = seat_keys(self.bot_keys[rows], b.turn[rows], cell)
            code = self.codes[cell][rows]
            rnd = code == RANDOM
            if rnd.any():
                chosen[rnd] = random_orders(legality, cell, allowed[rnd], budget[rnd], keys[rnd])
            doc = ~rnd
            if doc.any():
                sub = rows[doc]
                picture = Picture(b, game.book, sub, cell, self.view_keys[sub], self.rulebook.budgets[cell])
                # (a kind none of them may give, or pay for, is not judged: it cannot be given)
                payable = allowed[doc] & (legality.cands[cell].costs[None, :] <= budget[doc][:, None])
                judged = self.doctrine.judge(picture, legality.cands[cell], code[doc], self.doctrines.get(cell), payable)
                chosen[doc] = doctrine_orders(legality, self.doctrine, cell, allowed[doc], budget[doc], keys[doc],
                                              judged, code[doc])
            out[cell] = chosen
        return rows, out

    def _kinds(self, allowed: np.ndarray, budget: np.ndarray, cell: str) -> np.ndarray:
        """``(m,)`` how many distinct kinds of order ``cell`` may give, none pending yet."""
        m = len(budget)
        legal = self.legality.legal(allowed, budget, cell, np.zeros_like(allowed), np.zeros(m, dtype=np.int64),
                                    np.zeros(m))
        kinds = np.zeros(m, dtype=np.int64)
        for _, first, count, _ in self.legality.cands[cell].spans:
            kinds += legal[:, first:first + count].any(1)
        return kinds

    def orders(self, rows: np.ndarray, chosen: dict[str, np.ndarray]) -> list[dict[str, tuple[Order, ...]]]:
        """The chosen orders as ``resolve_turn`` takes them: one mapping of cell to Orders a game."""
        out: list[dict[str, tuple[Order, ...]]] = [{} for _ in range(self.game.n)]
        for cell, picks in chosen.items():
            cands = self.legality.cands[cell].orders
            for r, row in zip(rows.tolist(), picks.tolist()):
                out[r][cell] = tuple(cands[k] for k in row if k >= 0)
        return out

    def turn(self) -> list[dict[str, tuple[Order, ...]]]:
        """One turn of every game not over: events, orders, resolution. Returns the orders given."""
        self.game.begin_turn()
        rows, chosen = self.choose()
        if not self.keep_orders:  # the orders as arrays only: paid and grouped without Order objects
            self.game.resolve_chosen(rows, chosen, self.legality)
            return []
        given = self.orders(rows, chosen)
        self.game.resolve_turn(given)
        return given


def play_on(rulebook: Rulebook, game: BatchGame, seats, turns: int | None = None) -> BatchGame:
    """Play ``game`` on with bots in every seat (see :func:`seat_codes`) to the end of every game
    or for ``turns`` turns."""
    players = Players(rulebook, game, seats)
    players.keep_orders = False
    played = 0
    while not game.over.all() and (turns is None or played < turns):
        players.turn()
        played += 1
    return game


def play_batch(rulebook: Rulebook, scenario: str, seeds: Sequence[int], seats, keep_series: bool = False,
               turns: int | None = None) -> BatchGame:
    """New games of ``scenario``, one per seed, played to the end (or ``turns`` turns) with the
    bots ``seats`` names (``all=random``, ``all=doctrine``, ``is=doctrine:aggressive,...``,
    ``all=doctrine:mixed``; or one seat list per game). Returns the final :class:`BatchGame`."""
    return play_on(rulebook, BatchGame.new(rulebook, scenario, seeds, keep_series), seats, turns)
