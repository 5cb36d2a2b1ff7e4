"""Who plays each seat: seat lists (``all=bot``, ``is=doctrine:cautious,coalition=human``) and the bots they name.

Kinds of bot (see :data:`BOTS`): ``random`` picks evenly among the legal orders
(:mod:`wargame.bots.random_bot`); ``doctrine`` plays the strategy the article describes for the
cell it sits in (:mod:`wargame.bots.doctrine`), in a posture a facilitator picks: ``cautious``,
``standard`` or ``aggressive``, or ``mixed``: a posture drawn for each game and each seat from the
game's seed (:func:`~wargame.bots.doctrine.mixed_posture`), so a table of mixed postures is the
same table whenever the same seed is played.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from wargame.bots.bot import Bot
from wargame.bots.doctrine import POSTURES, mixed_posture
from wargame.bots.doctrine_bot import DoctrineBot
from wargame.bots.random_bot import RandomBot
from wargame.engine.model import CELLS

MIXED = "mixed"
"""In a seat list, ``doctrine:mixed``: a posture drawn per game and per seat (:func:`~wargame.bots.doctrine.mixed_posture`)."""


BOTS: dict[str, Callable[..., Bot]] = {"random": RandomBot, "doctrine": DoctrineBot}
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
