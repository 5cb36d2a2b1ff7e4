"""Who sits in each seat of a game: the table of seats as the log keeps it, checked and said in words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from wargame.bots.seats import HUMAN, parse_bot
from wargame.engine.model import CELLS
from wargame.record.commands import Command, SetSeats


def initial_seats(header: Any, commands: Sequence[Command]) -> dict[str, str]:
    """The seats a game began with: its header names those in force after its last command."""
    first = next((c for c in commands if isinstance(c, SetSeats)), None)
    return dict(first.was) if first is not None else dict(header.seats)


def seats_in_full(seats: Mapping[str, str]) -> dict[str, str]:
    """Every cell's seat (a cell not named is played by people), in the order of the cells."""
    return {c: seats.get(c, HUMAN) for c in CELLS} | {c: k for c, k in seats.items() if c not in CELLS}


def seat_words(seats: Mapping[str, str]) -> str:
    return ",".join(f"{c}={k}" for c, k in seats_in_full(seats).items())


def seats_problem(seats: Mapping[str, object]) -> str | None:
    """What is wrong with a table of seats (one line), or None: each a cell, each ``human`` or a
    bot this program has."""
    for cell, kind in seats.items():
        if cell not in CELLS:
            return f"seat {str(cell)[:40]!r}: there is no such cell (cells: {', '.join(CELLS)})"
        if not isinstance(kind, str):
            return f"seat {cell}: {str(kind)[:40]!r} is not a kind of player"
        if kind != HUMAN:
            try:
                parse_bot(kind)
            except ValueError as e:
                return f"seat {cell}: {e}"
    return None
