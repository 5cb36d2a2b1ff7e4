"""Channels of a networked exercise: each pair of seats may talk privately, every cell with the
White Cell too (docs/protocol.md). A channel is named by its two seats joined by ``-``, in the
order of :data:`CHANNEL_SEATS`; what is said on one is a ``Say`` in the game's record
(wargame.record.messages), sent as :class:`Said`."""

from __future__ import annotations

from typing import Any

from attrs import frozen

from wargame.engine.model import CELLS
from wargame.record.commands import WHITE

CHANNEL_SEATS: tuple[str, ...] = CELLS + (WHITE,)


@frozen
class Said:
    """One channel message, as kept and sent."""

    channel: str
    sender: str
    text: str
    turn: int
    phase: str

    def payload(self) -> dict[str, Any]:
        return {"channel": self.channel, "from": self.sender, "text": self.text, "turn": self.turn, "phase": self.phase}


def channel_name(text: str) -> tuple[str, tuple[str, str]]:
    """The canonical name and the two seats of a channel ``"a-b"``; ValueError if there is none."""
    parts = text.split("-")
    if len(parts) != 2 or parts[0] == parts[1] or not all(p in CHANNEL_SEATS for p in parts):
        raise ValueError(f"no channel {text!r}: a channel is two seats of {', '.join(CHANNEL_SEATS)}, e.g. aq-is or is-white")
    a, b = sorted(parts, key=CHANNEL_SEATS.index)
    return f"{a}-{b}", (a, b)
