"""Drawing cards in many games at once (``Resolver.draw``), and shuffling every game's decks.

A draw is vectorised by rounds: in each round every game still drawing takes the top card of its
draw pile (reshuffling the discards and set-aside cards first where the pile is empty, at most
once a draw); the games are then grouped by the card they took (a deck has a few dozen cards), and
each group's condition and effects are evaluated as one NumPy context. A game whose card is not
in play sets it aside and goes on to the next round; a game that plays one, or finds none, stops.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from wargame.batch import dice
from wargame.batch.compute import refresh
from wargame.batch.context import Ctx
from wargame.batch.effects import apply

DRAW, DISCARD, ASIDE = range(3)
_CARDS_CAP = 9999.0
RESHUFFLES = dice.Names("reshuffle-{}", 64)


def push(piles: Any, which: int, rows: np.ndarray, cards: np.ndarray) -> None:
    """Append ``cards`` (``(k,)``) to the end of pile ``which`` of games ``rows``."""
    n = piles.lens[which]
    piles.piles[which][rows, n[rows]] = cards
    n[rows] += 1


def reshuffle(runner: Any, deck: int, rows: np.ndarray) -> None:
    """The discards, then the set-aside cards, become the draw pile and are shuffled with the
    dice of the phase, scope ``reshuffle-<k>`` for the k-th reshuffle of this deck this phase."""
    p = runner.boards.decks[deck]
    disc, aside = p.piles[DISCARD][rows], p.piles[ASIDE][rows]
    nd, na = p.lens[DISCARD][rows], p.lens[ASIDE][rows]
    pos = np.arange(disc.shape[1])[None, :]
    from_aside = np.take_along_axis(aside, np.clip(pos - nd[:, None], 0, disc.shape[1] - 1), axis=1)
    pile = np.where(pos < nd[:, None], disc, from_aside)
    count = runner.reshuffles[deck]
    count[rows] += 1
    src = dice.source_keys(runner.keys[rows], p.deck)
    dice.shuffle(pile, nd + na, src, RESHUFFLES[count[rows]])
    p.piles[DRAW][rows] = pile
    p.lens[DRAW][rows] = nd + na
    p.lens[DISCARD][rows] = 0
    p.lens[ASIDE][rows] = 0


def draw(runner: Any, deck: int, rows: np.ndarray) -> None:
    """Each game of ``rows`` draws the next eligible card of ``deck`` and plays it."""
    boards, book = runner.boards, runner.book
    p = boards.decks[deck]
    cards = book.cards[deck]
    active = rows
    reshuffled = np.zeros(boards.n, dtype=bool)
    while len(active):
        empty = p.lens[DRAW][active] == 0
        if empty.any():
            er = active[empty]
            spare = p.lens[DISCARD][er] + p.lens[ASIDE][er]
            stuck = reshuffled[er] | (spare == 0)  # "no card of the deck can be played now"
            go = er[~stuck]
            if len(go):
                reshuffle(runner, deck, go)
                reshuffled[go] = True
            active = np.setdiff1d(active, er[stuck], assume_unique=True)
            if not len(active):
                return
        pile, lens = p.piles[DRAW], p.lens[DRAW]
        top = pile[active, 0]
        # the rest of each pile moves up one: only as far as the longest of these piles reaches
        # (what lies past a pile's length is never read)
        reach = int(lens[active].max())
        if reach > 1:
            pile[active, :reach - 1] = pile[active, 1:reach]
        lens[active] -= 1
        # Games whose card has a condition (in a theatre of the scenario) bring their boards up to
        # date before reading it, as Resolver._holds does: all at once, each game being its own.
        checks = runner.card_checks[deck][top]
        if checks.any():
            refresh(boards, book, active[checks])
        again = []
        for c in np.unique(top):
            code = cards[c]
            cr = active[top == c]
            if code.column == -1:  # its theatre is not in this scenario
                push(p, ASIDE, cr, np.full(len(cr), c))
                again.append(cr)
                continue
            ctx = Ctx(boards, cr, code.column)
            if code.when is not None:
                ok = np.broadcast_to(code.when(ctx) != 0, cr.shape)
                if not ok.all():
                    push(p, ASIDE, cr[~ok], np.full(int((~ok).sum()), c))
                    again.append(cr[~ok])
                    ctx = ctx.sub(ok)
            played = ctx.rows
            if len(played):
                push(p, DISCARD, played, np.full(len(played), c))
                g = boards.G["tally_cards_drawn"]
                g[played] = np.minimum(g[played] + 1, _CARDS_CAP)
                boards.dirty[played] = True  # as Resolver.draw notes it: a formula may read the tally
                runner.drawn[played, code.number] += 1
                in_order = getattr(runner, "in_order", False)
                runner.in_order = False  # a card an order draws: its spawns are the card's
                apply(runner, code.effects, ctx)
                runner.in_order = in_order
        active = np.sort(np.concatenate(again)) if again else active[:0]


def shuffle_new(boards: Any, rulebook: Any, game_keys: np.ndarray) -> None:
    """Every game's decks in their opening order: the rulebook's order shuffled with the dice of
    turn 0, phase ``decks``, source the deck's id (``wargame.engine.turn.new_game``)."""
    n = boards.n
    keys = dice.phase_keys(game_keys, np.zeros(n, dtype=np.int64), "decks")
    for p in boards.decks:
        count = len(p.cards)
        pile = np.tile(np.arange(max(1, count)), (n, 1))
        dice.shuffle(pile, np.full(n, count), dice.source_keys(keys, p.deck), dice.nm(""))
        p.piles[DRAW][:] = pile
        p.lens[DRAW][:] = count
        p.lens[DISCARD][:] = 0
        p.lens[ASIDE][:] = 0
