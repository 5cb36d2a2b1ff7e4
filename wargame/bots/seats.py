"""Bots: players for any seat. They see only what their cell may see and choose only legal orders.

The interface is one method, ``choose(view, legal, max_orders) -> Choice``:

- ``view`` is ``view(state, seat)``: what the seat may see, never the State itself;
- ``legal(pending)`` asks the engine which orders may be added to the pending ones; a bot picks
  only from what it returns;
- the :class:`Choice` holds the orders and, for each, a sentence a player understands on why.

A bot has its own generator, :func:`bot_dice`, derived from (seed, turn, seat), so it never moves
the game's dice: a game with a bot in a seat replays the same whether the orders came from the
bot or from a save.

Kinds of bot (see :data:`BOTS`): ``random`` picks evenly among the legal orders; ``doctrine``
plays the strategy the article describes for the cell it sits in (:mod:`wargame.bots.doctrine`), in a
posture a facilitator picks: ``cautious``, ``standard`` or ``aggressive``, or ``mixed``: a posture
drawn for each game and each seat from the game's seed (:func:`mixed_posture`), so a table of
mixed postures is the same table whenever the same seed is played.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from random import Random
from typing import Any, Protocol

from attrs import frozen

from wargame.engine.dice import derive
from wargame.engine.model import CELLS, Order
from wargame.engine.view import View

Legal = Callable[[Sequence[Order]], list[Order]]
"""Asks the engine which orders may be added to the pending ones."""

POSTURES = ("cautious", "standard", "aggressive")
"""How hard a doctrine bot plays its cell's strategy; a facilitator picks one per seat."""

MIXED = "mixed"
"""In a seat list, ``doctrine:mixed``: a posture drawn per game and per seat (:func:`mixed_posture`)."""


@frozen
class Choice:
    """A bot's orders for a turn, and a sentence for each on why it chose it."""

    orders: tuple[Order, ...]
    reasons: tuple[str, ...]


class Bot(Protocol):
    name: str

    def choose(self, view: View, legal: Legal, max_orders: int) -> Choice: ...


def bot_dice(seed: int, turn: int, seat: str, salt: str = "bot") -> Random:
    """A bot's own generator for one turn of the game whose secret is ``seed``: keyed one-way
    from the secret (:func:`wargame.engine.dice.derive`), so it never moves, nor tells anything about,
    the game's dice (see :mod:`wargame.engine.dice`). A bot never reads the secret from its view: it is
    given it when it is seated, as the engine's own helper."""
    digest = hashlib.blake2b(f"{salt}:{derive(seed, 'bot')}:{turn}:{seat}".encode(), digest_size=8).digest()
    return Random(int.from_bytes(digest, "big"))


def mixed_posture(seed: int, seat: str) -> str:
    """The posture ``doctrine:mixed`` plays in ``seat`` of the game with ``seed``: drawn from a
    generator of its own keyed by (seed, seat), never the game's dice nor ``random``'s."""
    return bot_dice(seed, 0, seat, salt="posture").choice(POSTURES)


class RandomBot:
    """Gives one to ``max_orders`` orders, each drawn evenly from the legal ones."""

    name = "random"

    def __init__(self, seed: int = 0):
        self.seed = seed

    def choose(self, view: View, legal: Legal, max_orders: int) -> Choice:
        rng = bot_dice(self.seed, view.turn, view.seat, salt="random")
        wanted = rng.randint(1, max_orders)
        orders: list[Order] = []
        for _ in range(wanted):
            options = legal(orders)
            if not options:
                break
            orders.append(options[rng.randrange(len(options))])
        reasons = tuple(f"{o}: picked at random from the legal orders" for o in orders)
        return Choice(tuple(orders), reasons)


def _doctrine_bot(seed: int = 0, posture: str = "standard", **options: Any) -> Bot:
    from wargame.bots.doctrine import DoctrineBot  # the doctrines build on this module

    return DoctrineBot(seed, posture, **options)


BOTS: dict[str, Callable[..., Bot]] = {"random": RandomBot, "doctrine": _doctrine_bot}
"""Each kind of bot by name: ``BOTS[kind](seed)`` makes one (``doctrine`` also takes a posture)."""

DEFAULT_KIND = "random"
"""What ``bot`` means in a seat list (``all=bot``): the random bot, so that games, benchmarks
and tests that were played with ``all=bot`` before the doctrine bots existed still mean the same
thing. Ask for ``doctrine`` (or ``doctrine:cautious``...) to get a bot that plays its cell."""


def parse_bot(spec: str) -> tuple[str, str | None]:
    """``random``, ``bot``, ``doctrine`` or ``doctrine:POSTURE`` -> (kind, posture or None); the
    posture may be ``mixed`` (drawn per game and seat). Raises ValueError with the reason."""
    kind, sep, posture = spec.strip().partition(":")
    kind = DEFAULT_KIND if kind == "bot" else kind
    if kind not in BOTS:
        raise ValueError(f"no bot {kind!r} (bots: bot, {', '.join(BOTS)})")
    if not sep:
        return kind, None
    if kind != "doctrine":
        raise ValueError(f"the {kind} bot has no posture (only doctrine bots do: {', '.join(POSTURES)})")
    if posture not in POSTURES and posture != MIXED:
        raise ValueError(f"no posture {posture!r} (postures: {', '.join(POSTURES)}, or {MIXED})")
    return kind, posture


HUMAN = "human"
"""A seat played by people at the terminal."""


def parse_seat_list(text: str, default: Mapping[str, str] | None = None, humans: bool = True) -> dict[str, str]:
    """Who plays each seat: ``all=bot``, ``is=doctrine:cautious,coalition=human``, ...

    A seat is ``cell=kind`` or ``cell=doctrine:POSTURE``; ``all`` names every cell, later entries
    win, seats not named keep ``default``. ``bot`` means the random bot (``DEFAULT_KIND``);
    ``human`` is allowed unless ``humans`` is False. Raises ValueError with the reason."""
    seats = dict(default or {})
    for part in filter(None, (p.strip() for p in text.split(","))):
        cell, sep, spec = part.partition("=")
        if not sep:
            raise ValueError(f"seat {part!r} should look like is=bot or is=doctrine:cautious")
        if spec == HUMAN and humans:
            value = HUMAN
        else:
            kind, posture = parse_bot(spec)
            value = f"{kind}:{posture}" if posture else kind
        for c in CELLS if cell == "all" else (cell,):
            if c not in CELLS:
                raise ValueError(f"no cell {c!r} (cells: {', '.join(CELLS)}, or all)")
            seats[c] = value
    return seats


def make_bot(spec: str, seed: int, seat: str | None = None, **options: Any) -> Bot:
    """The bot a seat list names, e.g. ``doctrine:cautious``, seeded with ``seed``, for ``seat``
    (which ``doctrine:mixed`` needs: its posture is drawn per game and per seat)."""
    kind, posture = parse_bot(spec)
    if kind == "doctrine":
        if posture == MIXED:
            if seat is None:
                raise ValueError("doctrine:mixed draws a posture per seat: make_bot needs the seat")
            posture = mixed_posture(seed, seat)
        return BOTS[kind](seed, posture or "standard", **options)
    return BOTS[kind](seed)
