"""The random bot: the ``random`` kind (and what ``bot`` means in a seat list)."""

from __future__ import annotations

import math

from wargame.bots.bot import Choice, Legal, bot_roll
from wargame.engine.model import Order
from wargame.engine.view import View


class RandomBot:
    """Gives one to ``max_orders`` orders, each drawn evenly from the legal ones."""

    name = "random"

    def __init__(self, seed: int = 0):
        self.seed = seed

    def choose(self, view: View, legal: Legal, max_orders: int) -> Choice:
        # Keyed rolls, not a generator's stream: the batch engine rolls the same for a whole batch.
        wanted = 1 + math.floor(bot_roll(self.seed, view.turn, view.seat, "random.count") * max_orders)
        orders: list[Order] = []
        for k in range(wanted):
            options = legal(orders)
            if not options:
                break
            orders.append(options[math.floor(bot_roll(self.seed, view.turn, view.seat, "random.pick", "", k) * len(options))])
        reasons = tuple(f"{o}: picked at random from the legal orders" for o in orders)
        return Choice(tuple(orders), reasons)
