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

import numpy as np
from attrs import frozen

from wargame.analysis.arms import BASELINE, SETUPS, Arm
from wargame.analysis.metrics import GameMeter, GameResult
from wargame.batch.compile import ORIGINS
from wargame.batch.game import BatchGame
from wargame.batch.play import Players
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
    and the state after the turn."""

    turn: int
    fired: tuple[str, ...]
    drawn: tuple[str, ...]
    absorbed_iraq: int
    formed: Mapping[str, int]
    orders: Mapping[str, tuple[Order, ...]]
    options: Mapping[str, int]
    state: State


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


def play_games_batch(rulebook: Rulebook, scenario: str, seeds: Sequence[int], seats: Mapping[str, str],
                     arm: Arm = BASELINE, indices: Sequence[int] | None = None,
                     keep_tracks: bool = False) -> list[GameResult]:
    """Play a game per seed as one batch and measure each: the results
    :func:`wargame.analysis.arms.play_game` gives for ``(seed, index)``, in the seeds' order
    (``indices`` default ``0..``). Raises ValueError for an arm the batch cannot play."""
    if not batch_plays(arm):
        raise ValueError(f"the batch engine cannot play this arm ({arm.describe()}): use the scalar engine")
    indices = list(range(len(seeds))) if indices is None else list(indices)
    if not seeds:
        return []
    if arm.setup is None:
        game = BatchGame.new(rulebook, scenario, list(seeds), keep_series=False)
    else:  # the scalar path's opening boards: ``setup(new_game(...))``, game by game
        setup = SETUPS[arm.setup][1]
        game = BatchGame.from_states(rulebook, [setup(new_game(rulebook, scenario, s), rulebook) for s in seeds],
                                     keep_series=False)
    n = game.n
    rule_ids = [r.id for r in rulebook.rules]
    iraq = game.boards.theatre_names.index("iraq") if "iraq" in game.boards.theatre_names else None
    absorbed = game.watch(ABSORB) if ABSORB in rule_ids and iraq is not None else None
    players = Players(rulebook, game, seats, doctrines=arm.doctrines, withheld=arm.without)
    players.count_options = True
    meters = [GameMeter(rulebook, game.state(i), keep_tracks) for i in range(n)]
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
        for k, i in enumerate(rows.tolist()):
            meters[i].add_summary(TurnSummary(
                turns[k], new_fired[k], new_drawn[k], iraq_turn[k],
                {ORIGINS[o]: c for o, c in enumerate(grown[k]) if c}, given[i],
                {cell: options[cell][k] for cell in options}, game.state(i)))
    return [meter.result(index, seed) for meter, index, seed in zip(meters, indices, seeds)]
