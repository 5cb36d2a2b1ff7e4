"""The bots over a batch: each seat's orders for many games at once, as the scalar bots choose them.

A bot's rolls are counter-based and keyed (:func:`wargame.bots.bot.bot_roll`): ``Dice(derive(seed,
"bot"), turn, seat).roll(purpose, scope, index)``, so here a game's bot key
(``game_key(derive(seed, "bot"))``, :func:`bot_keys`) goes through the dice's key chain lane by lane.

- the random bot (:func:`random_orders`): ``wanted = 1 + floor(roll("random.count") * max_orders)``,
  then for ``k`` below it, the ``floor(roll("random.pick", "", k) * len(options))``-th legal
  order after those already picked, stopping when none is left;
- the doctrine bot (:func:`doctrine_orders`): every candidate judged (:mod:`wargame.batch.doctrine`)
  plus its noise ``roll("doctrine.noise", "kind|theatre") * noise``; then, up to ``max_orders``
  times, the best legal order after the repeat and reserve penalties, if above the posture's
  threshold (strictly; the first best in legal order wins a tie), paid from what is left.

Chosen orders are ``(m, max_orders)`` int candidate indices (:class:`~wargame.batch.legality.
Candidates`), ``-1`` for none, in the order chosen.
"""

from __future__ import annotations

import numpy as np

from wargame.batch import dice
from wargame.batch.legality import Candidates, Legality
from wargame.bots.doctrine import POSTURES
from wargame.engine.dice import derive, game_key


def bot_keys(seeds) -> np.ndarray:
    """``(n,)`` uint64: each game's key for its bots' rolls, ``game_key(derive(seed, "bot"))``."""
    return np.array([game_key(derive(int(s), "bot")) for s in seeds], dtype=dice.U64)


def seat_keys(keys: np.ndarray, turns: np.ndarray, seat: str) -> np.ndarray:
    """``(m,)`` uint64: ``Dice(derive(seed, "bot"), turn, seat).key`` for each lane."""
    return dice.phase_keys(keys, turns, seat)


_NO_SCOPE = dice.nm("")


def roll(seat: np.ndarray, purpose: str, scope=_NO_SCOPE, index=0) -> np.ndarray:
    """``bot_roll(seed, turn, seat, purpose, scope, index)`` per lane (``seat``: :func:`seat_keys`;
    ``scope`` a name's uint64, or an array of them that broadcasts)."""
    return dice.rolls(dice.source_keys(seat, purpose), scope, index)


def mixed_postures(keys: np.ndarray, seat: str) -> np.ndarray:
    """``(m,)`` int: the posture ``doctrine:mixed`` plays in ``seat``,
    ``floor(bot_roll(seed, 0, seat, "posture") * 3)`` (0 cautious, 1 standard, 2 aggressive)."""
    u = roll(seat_keys(keys, np.zeros(len(keys), dtype=np.int64), seat), "posture")
    return (u * float(len(POSTURES))).astype(np.int64)


class Pending:
    """A cell's orders chosen so far in ``m`` games: ``chosen`` ``(m, max_orders)`` candidate
    indices (-1 none), ``taken`` ``(m, K)`` bool, ``count`` and ``spent`` ``(m,)``."""

    def __init__(self, m: int, cands: Candidates, max_orders: int):
        self.cands = cands
        self.chosen = np.full((m, max_orders), -1, dtype=np.int64)
        self.taken = np.zeros((m, len(cands)), dtype=bool)
        self.count = np.zeros(m, dtype=np.int64)
        self.spent = np.zeros(m)

    def add(self, lanes: np.ndarray, picks: np.ndarray) -> None:
        """Lane ``lanes[i]`` adds candidate ``picks[i]``."""
        self.chosen[lanes, self.count[lanes]] = picks
        self.taken[lanes, picks] = True
        self.count[lanes] += 1
        self.spent[lanes] += self.cands.costs[picks]


def random_orders(legality: Legality, cell: str, allowed: np.ndarray, budget: np.ndarray, seat: np.ndarray) -> np.ndarray:
    """The random bot's orders for ``cell`` in ``m`` games: ``allowed`` ``(m, K)`` (requirements),
    ``budget`` ``(m,)``, ``seat`` ``(m,)`` bot keys (:func:`seat_keys`). Returns ``(m, max_orders)``."""
    m = len(budget)
    top = legality.max_orders
    pending = Pending(m, legality.cands[cell], top)
    wanted = 1 + (roll(seat, "random.count") * float(top)).astype(np.int64)
    going = np.ones(m, dtype=bool)
    for k in range(top):
        going &= k < wanted
        if not going.any():
            break
        options = legality.legal(allowed, budget, cell, pending.taken, pending.count, pending.spent)
        n_options = options.sum(1)
        going &= n_options > 0  # none left: the bot stops
        lanes = np.flatnonzero(going)
        if not len(lanes):
            break
        u = roll(seat[lanes], "random.pick", _NO_SCOPE, k)
        nth = (u * n_options[lanes].astype(np.float64)).astype(np.int64)
        # the nth legal candidate (in candidate order): the first whose running count passes nth
        picks = np.argmax(np.cumsum(options[lanes], axis=1) > nth[:, None], axis=1)
        pending.add(lanes, picks)
    return pending.chosen


def noise_scopes(cands: Candidates) -> np.ndarray:
    """``(K,)`` uint64: the name ``"kind|theatre"`` each candidate's noise is keyed by."""
    return np.array([dice.nm(f"{o.kind}|{o.theatre or ''}") for o in cands.orders], dtype=dice.U64)


def doctrine_orders(legality: Legality, code, cell: str, allowed: np.ndarray, budget: np.ndarray, seat: np.ndarray,
                    judged: tuple[np.ndarray, np.ndarray], boldness: np.ndarray) -> np.ndarray:
    """The doctrine bot's orders for ``cell`` in ``m`` games, from ``judged`` (``(valid, score)``
    ``(m, K)``, :meth:`~wargame.batch.doctrine.DoctrineCode.judge`) on each lane's picture, its
    posture ``boldness`` ``(m,)``, ``budget`` ``(m,)`` (its own, known exactly) and ``seat`` bot
    keys. Returns ``(m, max_orders)``."""
    cands = legality.cands[cell]
    m = len(budget)
    valid, score = judged
    noise = roll(seat[:, None], "doctrine.noise", noise_scopes(cands)[None, :])
    score = score + noise * code.noise  # the bot's own noise breaks ties and varies play between games
    kind_of = np.unique(np.array(cands.kinds), return_inverse=True)[1].reshape(-1)
    repeats = np.zeros((m, int(kind_of.max(initial=-1)) + 1), dtype=np.int64)
    reserve = code.reserve[cell][boldness] if cell in code.reserve else np.zeros(m)
    threshold = code.threshold[boldness][:, None]
    left = budget.astype(np.float64)
    pending = Pending(m, cands, legality.max_orders)
    going = np.ones(m, dtype=bool)
    lanes_all = np.arange(m)
    for _ in range(legality.max_orders):
        ok = legality.legal(allowed, budget, cell, pending.taken, pending.count, pending.spent) & valid
        ok &= going[:, None]
        rep = repeats[:, kind_of]
        s = np.where(rep > 0, score - code.repeat_penalty * rep, score)
        # a cautious cell keeps money back for what must be paid next turn
        s = np.where(left[:, None] - cands.costs[None, :] < reserve[:, None], s - code.reserve_penalty, s)
        ok &= s > threshold
        going &= ok.any(1)
        if not going.any():
            break
        best = np.argmax(np.where(ok, s, -np.inf), axis=1)  # the first of equal bests, as strict > keeps
        lanes = lanes_all[going]
        picks = best[going]
        pending.add(lanes, picks)
        repeats[lanes, kind_of[picks]] += 1
        left[lanes] -= cands.costs[picks]
    return pending.chosen
