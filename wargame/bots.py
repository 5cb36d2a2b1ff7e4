"""Bots: players for any seat. They see only what their cell may see and choose only legal orders.

A bot has its own generator, derived from (seed, turn, seat), so it never moves the game's dice:
a game with a bot in a seat replays the same whether the orders came from the bot or from a
save.
"""

from __future__ import annotations

import hashlib
from random import Random
from typing import Callable, Protocol, Sequence

from attrs import frozen

from wargame.model import Order
from wargame.view import View

Legal = Callable[[Sequence[Order]], list[Order]]
"""Asks the engine which orders may be added to the pending ones."""


@frozen
class Choice:
    """A bot's orders for a turn, and a sentence for each on why it chose it."""

    orders: tuple[Order, ...]
    reasons: tuple[str, ...]


class Bot(Protocol):
    name: str

    def choose(self, view: View, legal: Legal, max_orders: int) -> Choice: ...


def bot_dice(seed: int, turn: int, seat: str, salt: str = "bot") -> Random:
    digest = hashlib.blake2b(f"{salt}:{seed}:{turn}:{seat}".encode(), digest_size=8).digest()
    return Random(int.from_bytes(digest, "big"))


class RandomBot:
    """Gives one to ``max_orders`` orders, each drawn evenly from the legal ones."""

    name = "random"

    def __init__(self, seed: int = 0):
        self.seed = seed

    def choose(self, view: View, legal: Legal, max_orders: int) -> Choice:
        rng = bot_dice(self.seed ^ view.seed, view.turn, view.seat)
        wanted = rng.randint(1, max_orders)
        orders: list[Order] = []
        for _ in range(wanted):
            options = legal(orders)
            if not options:
                break
            orders.append(options[rng.randrange(len(options))])
        reasons = tuple(f"{o}: picked at random from the legal orders" for o in orders)
        return Choice(tuple(orders), reasons)


BOTS: dict[str, Callable[[int], Bot]] = {"random": RandomBot}
