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
        n_options = np.count_nonzero(options, axis=1)
        going &= n_options > 0  # none left: the bot stops
        lanes = np.flatnonzero(going)
        if not len(lanes):
            break
        u = roll(seat[lanes], "random.pick", _NO_SCOPE, k)
        nth = (u * n_options[lanes].astype(np.float64)).astype(np.int64)
        # the nth legal candidate (in candidate order): the first whose running count passes nth
        # (counted in the narrowest integer that holds every count: nth < its lane's count <= K)
        small = np.int8 if options.shape[1] < 128 else np.int64
        picks = np.argmax(np.cumsum(options[lanes], axis=1, dtype=small) > nth.astype(small)[:, None], axis=1)
        pending.add(lanes, picks)
    return pending.chosen


def noise_scopes(cands: Candidates) -> np.ndarray:
    """``(K,)`` uint64: the name ``"kind|theatre"`` each candidate's noise is keyed by."""
    scopes = getattr(cands, "_noise_scopes", None)
    if scopes is None:  # worked out once per cell's candidates
        scopes = np.array([dice.nm(f"{o.kind}|{o.theatre or ''}") for o in cands.orders], dtype=dice.U64)
        cands._noise_scopes = scopes
    return scopes


_BLOCK = 1 << 16  # rolls worked out this many at a time: each step's arrays stay in the cache


def _rolls_blocked(src: np.ndarray, scopes: np.ndarray) -> np.ndarray:
    """``dice.rolls(src[:, None], scopes[None, :])`` ``(m, K)``, worked out a block of rows at a
    time (the same rolls: each is its own lane's and candidate's)."""
    m, k = len(src), len(scopes)
    step = max(1, _BLOCK // max(1, k))
    if m <= step:
        return dice.rolls(src[:, None], scopes[None, :])
    out = np.empty((m, k))
    for a in range(0, m, step):
        out[a:a + step] = dice.rolls(src[a:a + step, None], scopes[None, :])
    return out


LANES = 2048  # the doctrine bot's picks are worked out this many games at a time (see doctrine_orders)


def doctrine_orders(legality: Legality, code, cell: str, allowed: np.ndarray, budget: np.ndarray, seat: np.ndarray,
                    judged: tuple[np.ndarray, np.ndarray], boldness: np.ndarray) -> np.ndarray:
    """The doctrine bot's orders for ``cell`` in ``m`` games (see :func:`_doctrine_orders`),
    :data:`LANES` games at a time: each game's picks are its own, and the arrays of a block stay in
    the processor's cache through the passes over them."""
    m = len(budget)
    if m <= LANES:
        return _doctrine_orders(legality, code, cell, allowed, budget, seat, judged, boldness)
    valid, score = judged
    return np.concatenate([
        _doctrine_orders(legality, code, cell, allowed[a:a + LANES], budget[a:a + LANES], seat[a:a + LANES],
                         (valid[a:a + LANES], score[a:a + LANES]), boldness[a:a + LANES])
        for a in range(0, m, LANES)])


def _doctrine_orders(legality: Legality, code, cell: str, allowed: np.ndarray, budget: np.ndarray, seat: np.ndarray,
                     judged: tuple[np.ndarray, np.ndarray], boldness: np.ndarray) -> np.ndarray:
    """The doctrine bot's orders for ``cell`` in ``m`` games, from ``judged`` (``(valid, score)``
    ``(m, K)``, :meth:`~wargame.batch.doctrine.DoctrineCode.judge`) on each lane's picture, its
    posture ``boldness`` ``(m,)``, ``budget`` ``(m,)`` (its own, known exactly) and ``seat`` bot
    keys. Returns ``(m, max_orders)``.

    Worked as one array ``open`` ``(m, K)``: each candidate's score, noise and repeat penalty
    added as the bot adds them, and -inf where it may not be given (not allowed, not valid, taken,
    too dear for what is left), so that each pick is one argmax. The first of equal bests wins, as
    the bot's strict ``>`` keeps it; a best above the threshold is above every -inf, so the argmax
    over the open candidates is the argmax over those above the threshold."""
    cands = legality.cands[cell]
    m = len(budget)
    valid, score = judged
    costs = cands.costs
    # what may be given at all: its requirements hold, the doctrine gives it, the budget covers it
    # (a lane's budget only shrinks: what it cannot pay now it never can)
    noise = _rolls_blocked(dice.source_keys(seat, "doctrine.noise"), noise_scopes(cands))
    s = score + noise * code.noise  # the bot's own noise breaks ties and varies play between games
    given = allowed & valid & (costs[None, :] <= budget[:, None]) & (s == s)  # a NaN is never above the threshold
    base = np.where(given, s, -np.inf)
    opened = base.copy()  # ``base`` less the repeat penalties; -inf where no longer open
    reserve = code.reserve[cell][boldness] if cell in code.reserve else np.zeros(m)
    # a cautious cell keeps money back for what must be paid next turn: only a lane with a reserve
    # above 0 is ever penalised (an open candidate leaves ``left - cost >= 0``)
    kept = np.flatnonzero(reserve > 0)
    every = len(kept) == m
    threshold = code.threshold[boldness]
    left = budget.astype(np.float64)
    pending = Pending(m, cands, legality.max_orders)
    repeats = np.zeros((m, len(cands.spans)), dtype=np.int64)
    span_of = np.repeat(np.arange(len(cands.spans)), [count for _, _, count, _ in cands.spans])
    lanes_all = np.arange(m)
    if not len(cands):
        return pending.chosen
    for turn in range(legality.max_orders):
        s = opened
        if len(kept):
            if every:
                s = np.where(left[:, None] - costs[None, :] < reserve[:, None], opened - code.reserve_penalty, opened)
            else:
                sub = opened[kept]
                s = opened.copy()
                s[kept] = np.where(left[kept, None] - costs[None, :] < reserve[kept, None],
                                   sub - code.reserve_penalty, sub)
        best = np.argmax(s, axis=1)
        going = s[lanes_all, best] > threshold
        lanes = lanes_all[going]
        if not len(lanes):
            break
        picks = best[going]
        pending.add(lanes, picks)
        if turn + 1 == legality.max_orders:
            break
        left[lanes] -= costs[picks]
        # what the picks close: themselves, and whatever the money left no longer covers
        opened[lanes, picks] = -np.inf
        # (over every lane: one that picked nothing has closed what its money does not cover already)
        np.putmask(opened, costs[None, :] > (budget - pending.spent)[:, None], -np.inf)
        # another order of a kind already given scores less: its other theatres (a kind of no
        # theatre has one candidate, now taken)
        spans = span_of[picks]
        repeats[lanes, spans] += 1
        for k in np.unique(spans).tolist():
            _, first, count, _ = cands.spans[k]
            if count == 1:
                continue
            ln = lanes[spans == k]
            cols = slice(first, first + count)
            was = opened[ln, cols]
            penalised = base[ln, cols] - code.repeat_penalty * repeats[ln, k][:, None]
            opened[ln, cols] = np.where(was == -np.inf, was, penalised)
    return pending.chosen
