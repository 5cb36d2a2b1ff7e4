"""What a bot is: a player for any seat that sees only what its cell may see and chooses only legal orders.

The interface is one method, ``choose(view, legal, max_orders) -> Choice``:

- ``view`` is ``view(state, seat)``: what the seat may see, never the State itself;
- ``legal(pending)`` asks the engine which orders may be added to the pending ones; a bot picks
  only from what it returns;
- the :class:`Choice` holds the orders and, for each, a sentence a player understands on why.

A bot has its own keyed rolls, :func:`bot_roll`, derived from (seed, turn, seat, what it decides), so they never move
the game's dice: a game with a bot in a seat replays the same whether the orders came from the
bot or from a save.

The kinds of bot are :class:`~wargame.bots.random_bot.RandomBot` and
:class:`~wargame.bots.doctrine_bot.DoctrineBot`; a seat list names them (:mod:`wargame.bots.seats`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from attrs import frozen

from wargame.engine.dice import Dice, derive
from wargame.engine.model import Order
from wargame.engine.view import View

Legal = Callable[[Sequence[Order]], list[Order]]
"""Asks the engine which orders may be added to the pending ones."""


@frozen
class Choice:
    """A bot's orders for a turn, and a sentence for each on why it chose it (a tuple, or
    :class:`Reasons`: the same sentences, written when first read)."""

    orders: tuple[Order, ...]
    reasons: tuple[str, ...] | Reasons


class Reasons(Sequence[str]):
    """A bot's sentences, written the first time any is read: a study plays many thousand games
    and reads none of them. ``write`` gives one sentence each; they are called once, in order, and
    the result kept. Reads, compares and hashes as the tuple of the sentences."""

    __slots__ = ("_write", "_text")

    def __init__(self, write: Sequence[Callable[[], str]]):
        self._write: Sequence[Callable[[], str]] | None = write
        self._text: tuple[str, ...] = ()

    def text(self) -> tuple[str, ...]:
        """The sentences, written now if they were not already."""
        if self._write is not None:
            self._text, self._write = tuple(w() for w in self._write), None
        return self._text

    def __len__(self) -> int:
        return len(self._text) if self._write is None else len(self._write)

    def __getitem__(self, i):  # type: ignore[override]
        return self.text()[i]

    def __iter__(self) -> Iterator[str]:
        return iter(self.text())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Reasons):
            other = other.text()
        return self.text() == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.text())

    def __repr__(self) -> str:
        return repr(self.text())


class Bot(Protocol):
    name: str

    def choose(self, view: View, legal: Legal, max_orders: int) -> Choice: ...


def bot_roll(seed: int, turn: int, seat: str, purpose: str, scope: str = "", index: int = 0) -> float:
    """A bot's own roll in [0, 1): counter-based and keyed by what it decides, like the game's dice
    (:mod:`wargame.engine.dice`) but from a key derived one-way from the secret for bots, so it
    never moves, nor tells anything about, the game's dice. ``purpose`` names the decision
    (``"random.count"``, ``"random.pick"``, ``"doctrine.noise"``, ``"posture"``), ``scope`` what it
    is about (an order kind and theatre), ``index`` which of several. No roll depends on how many
    came before it, so the batch engine (:mod:`wargame.batch`) rolls the same for a whole batch."""
    return Dice(derive(seed, "bot"), turn, seat).roll(purpose, scope, index)
