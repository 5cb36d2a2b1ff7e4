"""Many games measured at once: the batch engine (:mod:`wargame.batch`) plays them in lockstep and
each turn of each game is summed up for its :class:`~wargame.analysis.metrics.GameMeter`.

:func:`play_games_batch` gives the same :class:`~wargame.analysis.metrics.GameResult` as
:func:`wargame.analysis.arms.play_game` game by game (``tests/test_batch_studies.py``): the batch
plays the scalar engine's games bit for bit, with the same bots, and what the meter reads of a
turn's records (the rules fired, the cards played, ``c7.aq-welcomes-defectors`` in Iraq, the
offshoots formed by origin) the batch counts as it goes (:class:`TurnSummary`). It plays the arms
:func:`batch_plays` accepts: every arm of :mod:`wargame.analysis.arms` (a forced opening board,
doctrines with knobs in some cells, order kinds withheld from every bot).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
from attrs import frozen

from wargame.analysis.arms import BASELINE, SETUPS, Arm
from wargame.analysis.metrics import GameMeter, GameResult
from wargame.batch.compile import ORIGINS
from wargame.batch.game import BatchGame
from wargame.batch.parameters import columns
from wargame.batch.play import Players
from wargame.batch.rebuild import FLAT_NAMES, Rebuilder
from wargame.batch.state import G_TOTALS
from wargame.engine.board import CONSTANTS
from wargame.engine.model import Order, State
from wargame.engine.rulebook import Rulebook
from wargame.engine.turn import new_game

ABSORB = "c7.aq-welcomes-defectors"
"""The rule whose firings in Iraq the meter counts (``absorbed_iraq``)."""
ENGINES = ("batch", "scalar")
"""What plays many games: the batch engine (where it can, :func:`batch_plays`) or the scalar one."""
BATCH_MIN = 16
"""Fewer games than this are played by the scalar engine even when the batch is asked for: a
batch turn has a fixed cost (~50 ms) that a few games do not repay. The same results either way."""


@frozen
class TurnSummary:
    """One turn of one game as :meth:`GameMeter.add_summary` reads it: the ids of the rules that
    fired and of the cards played, the times :data:`ABSORB` fired in Iraq, the offshoots rules
    and cards formed by origin, each cell's orders and its count of distinct legal kinds of order,
    and the state after the turn; and, read off the batch's arrays, that state's global tracks
    (``flat_tracks(state)``) and formulas (``formula_values(rulebook, state)``), the same values of
    the same types in the same order (None: the meter works them out from the state)."""

    turn: int
    fired: tuple[str, ...]
    drawn: tuple[str, ...]
    absorbed_iraq: int
    formed: Mapping[str, int]
    orders: Mapping[str, tuple[Order, ...]]
    options: Mapping[str, int]
    state: State
    flat: Mapping[str, int] | None = None
    formulas: Mapping[str, float] | None = None


def batch_plays(arm: Arm) -> bool:
    """Whether the batch engine can play ``arm``: an arm of :mod:`wargame.analysis.arms` (its
    setup applied to the opening boards, whatever their offshoots' ids, its doctrines seated, its
    withheld orders kept from every bot: ``tests/test_batch_studies.py``) whose setup, if any, is
    one of :data:`SETUPS`."""
    return arm.setup is None or arm.setup in SETUPS


def _ids(delta: np.ndarray, names: Sequence[str]) -> list[tuple[str, ...]]:
    """Per row of ``delta`` (``(m, k)`` counts), the names of the columns that rose."""
    out: list[list[str]] = [[] for _ in range(len(delta))]
    for r, c in zip(*np.nonzero(delta)):
        out[r].append(names[c])
    return [tuple(x) for x in out]


class TurnValues:
    """What the meters read of the games' states after a turn besides the States: their global
    tracks and formulas, read off the batch's arrays for many games at once. The formulas are
    worked out as :func:`~wargame.engine.position.formula_values` works them out on the State (a
    board of the state's tracks, turn, turns left, year and totals; each formula in order, on
    Python numbers, so the same values of the same types), the totals taken from the batch, which
    worked them out at the end of the turn (``BatchGame._tally``; nothing moves after it)."""

    def __init__(self, rulebook: Rulebook, game: BatchGame, rulebooks: Sequence[Rulebook] | None = None):
        b = game.boards
        self.boards = b
        # each game's parameters and formulas: its own rulebook's (``rulebooks``, one a game), or
        # ``rulebook``'s for every game
        books = [rulebook] * b.n if rulebooks is None else list(rulebooks)
        made: dict[int, tuple[dict[str, Any], tuple]] = {}
        for book in books:
            if id(book) not in made:
                made[id(book)] = ({**book.parameters, **CONSTANTS}, tuple(book.formulas))
        self.per_game = [made[id(book)] for book in books]
        self.year = rulebook.scenarios[b.scenario].year
        self.flat_idx = [b.g_index[k] for k in FLAT_NAMES]
        self.total_idx = [b.g_index[k] for k in G_TOTALS]
        # each total as the scalar board types it: a whole number, or an average (a float)
        self.whole = [not k.startswith("avg_") for k in G_TOTALS]

    def read(self, rows: np.ndarray) -> tuple[list[dict[str, int]], list[dict[str, Any]]]:
        """Per game of ``rows`` (``(m,)`` int): its global tracks by name, and its formulas."""
        b = self.boards
        GG = b.GG
        flats = [dict(zip(FLAT_NAMES, v)) for v in GG[self.flat_idx][:, rows].astype(np.int64).T.tolist()]
        totals = GG[self.total_idx][:, rows].T.tolist()
        turns, lasts = b.turn[rows].tolist(), b.last_turn[rows].tolist()
        whole, year, per_game = self.whole, self.year, self.per_game
        out = []
        for i, flat, tot, turn, last in zip(rows.tolist(), flats, totals, turns, lasts):
            base, formulas = per_game[i]
            g = dict(base)
            g.update(flat)
            g["turn"] = turn
            g["turns_left"] = last - turn
            g["year"] = year(turn)
            g.update(zip(G_TOTALS, [int(v) if w else v for v, w in zip(tot, whole)]))
            for name, expr in formulas:
                g[name] = expr.fn(g, _EMPTY, _EMPTY)
            out.append({name: g[name] for name, _ in formulas})
        return flats, out


_EMPTY: Mapping[str, Any] = MappingProxyType({})  # no theatre, no offshoot: a formula reads only globals


def play_games_batch(rulebook: Rulebook, scenario: str, seeds: Sequence[int], seats: Mapping[str, str],
                     arm: Arm = BASELINE, indices: Sequence[int] | None = None,
                     keep_tracks: bool = False, rulebooks: Sequence[Rulebook] | None = None) -> list[GameResult]:
    """Play a game per seed as one batch and measure each: the results
    :func:`wargame.analysis.arms.play_game` gives for ``(seed, index)``, in the seeds' order
    (``indices`` default ``0..``). With ``rulebooks`` (one a game: ``rulebook`` but for some
    parameters' values, as :func:`wargame.analysis.sensitivity.with_parameters` makes them), each
    game is played and measured as the scalar engine plays it on its own rulebook, the parameters
    that differ read per game (:mod:`wargame.batch.parameters`). Raises ValueError for an arm the
    batch cannot play, or rulebooks that differ otherwise (:func:`wargame.batch.parameters.columns`)."""
    if not batch_plays(arm):
        raise ValueError(f"the batch engine cannot play this arm ({arm.describe()}): use the scalar engine")
    indices = list(range(len(seeds))) if indices is None else list(indices)
    if not seeds:
        return []
    if rulebooks is not None and len(rulebooks) != len(seeds):
        raise ValueError(f"{len(rulebooks)} rulebooks for {len(seeds)} games")
    params = None if rulebooks is None else columns(rulebook, rulebooks)
    if arm.setup is None:
        game = BatchGame.new(rulebook, scenario, list(seeds), keep_series=False, parameters=params)
    else:  # the scalar path's opening boards: ``setup(new_game(...))``, game by game
        setup = SETUPS[arm.setup][1]
        books = [rulebook] * len(seeds) if rulebooks is None else rulebooks
        game = BatchGame.from_states(rulebook, [setup(new_game(book, scenario, s), book) for s, book in zip(seeds, books)],
                                     keep_series=False, parameters=params)
    n = game.n
    rule_ids = [r.id for r in rulebook.rules]
    iraq = game.boards.theatre_names.index("iraq") if "iraq" in game.boards.theatre_names else None
    absorbed = game.watch(ABSORB) if ABSORB in rule_ids and iraq is not None else None
    players = Players(rulebook, game, seats, doctrines=arm.doctrines, withheld=arm.without)
    players.count_options = True
    rebuild = Rebuilder(game.boards)  # each game's State after each turn, for its meter
    books = [rulebook] * n if rulebooks is None else rulebooks
    meters = [GameMeter(book, s, keep_tracks) for book, s in zip(books, rebuild.states(np.arange(n)))]
    values = TurnValues(rulebook, game, rulebooks)
    fired, drawn, formed = game.fired.copy(), game.drawn.copy(), game.formed.copy()
    taken = np.zeros(n, dtype=np.int64)
    while not game.over.all():
        game.begin_turn()
        rows, chosen = players.choose()
        turns = game.boards.turn[rows].tolist()
        options = {cell: v.tolist() for cell, v in players.options.items()}
        given = players.orders(rows, chosen)  # the meters read Orders; the batch pays and groups the arrays
        game.resolve_chosen(rows, chosen, players.legality)
        new_fired = _ids(game.fired[rows] - fired[rows], rule_ids)
        new_drawn = _ids(game.drawn[rows] - drawn[rows], game.card_ids)
        grown = (game.formed[rows] - formed[rows]).tolist()
        if absorbed is not None:
            now = absorbed[rows, iraq]
            iraq_turn = (now - taken[rows]).tolist()
            taken[rows] = now
        else:
            iraq_turn = [0] * len(rows)
        fired[rows], drawn[rows], formed[rows] = game.fired[rows], game.drawn[rows], game.formed[rows]
        states = rebuild.states(rows)
        flats, formulas = values.read(rows)
        for k, i in enumerate(rows.tolist()):
            meters[i].add_summary(TurnSummary(
                turns[k], new_fired[k], new_drawn[k], iraq_turn[k],
                {ORIGINS[o]: c for o, c in enumerate(grown[k]) if c}, given[i],
                {cell: options[cell][k] for cell in options}, states[k], flats[k], formulas[k]))
    return [meter.result(index, seed) for meter, index, seed in zip(meters, indices, seeds)]
