"""The doctrine bot's shortcuts choose what the plain rule chooses (issue 13).

:meth:`~wargame.bots.doctrine_bot.DoctrineBot.choose` judges each order once a turn, rolls its
noise only for an order that could still win with the most noise it could draw, and writes a
sentence only for an order it gives. Here the plain rule, written out as the doctrine describes it
(every legal order judged and rolled for with :func:`~wargame.bots.bot.bot_roll`, the penalties
taken off, the best above the threshold given, first in the engine's order on a tie), is held to
the bot on the positions of real games, in every posture and with the experiments' knobs.
"""

from __future__ import annotations

import pytest

from wargame.bots.bot import Choice, bot_roll
from wargame.bots.doctrine import POSTURES, Doctrine
from wargame.bots.doctrine_bot import DoctrineBot, judge
from wargame.bots.doctrine_data import doctrine_book
from wargame.bots.picture import Picture
from wargame.bots.play import bots_for, parse_seats, play
from wargame.engine.legality import legal_orders
from wargame.engine.model import CELLS
from wargame.engine.rulebook import load_rulebook
from wargame.engine.turn import new_game
from wargame.engine.view import view

RULEBOOK = load_rulebook()
DOCTRINES = [Doctrine(posture=p) for p in POSTURES] + [
    Doctrine(autonomy=3, reform="crackdown", press_is=False, hunt=False, press_reform=False, welcome=False)]


def plain_choice(bot: DoctrineBot, v, legal, max_orders: int) -> Choice:
    """The doctrine's choice with no shortcut."""
    d, rulebook = bot.doctrine, bot.rulebook
    book = doctrine_book(rulebook)
    picture = Picture(v, rulebook)
    cell = book.cells.get(v.seat)
    reserve = cell.reserve[d.boldness] if cell is not None else 0
    threshold = book.threshold[d.boldness]
    kinds = rulebook.order_kinds
    orders: list = []
    reasons: list[str] = []
    left = picture.budget
    while len(orders) < max_orders:
        best = None
        for order in legal(orders):
            found = judge(rulebook, picture, order, d)
            if found is None:
                continue
            score = found.score + bot_roll(bot.seed, v.turn, v.seat, "doctrine.noise",
                                           f"{order.kind}|{order.theatre or ''}") * book.noise
            repeats = sum(o.kind == order.kind for o in orders)
            if repeats:
                score -= book.repeat_penalty * repeats
            if left - kinds[order.kind].cost < reserve:
                score -= book.reserve_penalty
            if score > threshold and (best is None or score > best[0]):
                best = (score, order, found)
        if best is None:
            break
        orders.append(best[1])
        reasons.append(best[2].reason())
        left -= kinds[best[1].kind].cost
    return Choice(tuple(orders), tuple(reasons))


def positions(seed: int):
    """The states orders were given in, in a doctrine game and a random one."""
    for seats in ("all=doctrine:mixed", "all=random"):
        for t in play(RULEBOOK, new_game(RULEBOOK, "spring-2016", seed), bots_for(parse_seats(seats), seed, RULEBOOK)):
            yield t.orders_state


@pytest.mark.parametrize("seed", range(3))
def test_the_bot_chooses_as_the_plain_rule(seed: int) -> None:
    compared = 0
    for state in positions(seed):
        for cell in CELLS:
            v = view(state, cell)

            def legal(pending, s=state, c=cell):
                return legal_orders(RULEBOOK, s, c, pending)

            for d in DOCTRINES:
                bot = DoctrineBot(seed=seed + 7, rulebook=RULEBOOK, doctrine=d)
                assert bot.choose(v, legal, RULEBOOK.max_orders) == plain_choice(bot, v, legal, RULEBOOK.max_orders)
                compared += 1
    assert compared > 100
