"""Channels of a networked exercise: each pair of seats may talk privately, every cell with the
White Cell too (docs/protocol.md). A channel is named by its two seats joined by ``-``, in the
order of :data:`CHANNEL_SEATS`; what is said on one is a ``Say`` in the game's record
(wargame.record.messages), sent as :class:`Said` by the server's :class:`ChannelTalk`, within the
bounds of :mod:`wargame.net.limits`."""

from __future__ import annotations

from typing import Any

from attrs import frozen
from websockets.asyncio.server import ServerConnection

from wargame.engine.model import CELLS
from wargame.net.protocol import Say, server_message
from wargame.record.commands import WHITE, CommandError

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


class ChannelTalk:
    """A seat's ``say`` (mixed into :class:`~wargame.net.server.ExerciseServer`, whose session,
    connections and limits it uses): kept in the game's record, sent to the channel's two seats
    and the White Cell."""

    async def _say(self, ws: ServerConnection, seat: str, message: Say) -> None:
        try:
            channel, members = channel_name(message.channel)
        except ValueError as e:
            return await self._error(ws, str(e))
        if seat not in members:
            return await self._error(ws, f"{seat} may not speak on {channel}")
        too_much = self._too_much_said(seat, channel)
        if too_much:
            return await self._error(ws, f"message refused: {too_much}")
        game = self.session.game
        try:  # into the game's record, with its turn and phase, and so into the autosave
            game.say(channel, seat, message.text)
        except CommandError as e:
            return await self._error(ws, f"message refused: {e}")
        self._said(seat)
        c = game.steps[-1].command  # the Say just recorded
        text = server_message("said", **Said(c.channel, c.sender, c.text, c.turn, c.phase).payload())
        for other, conn in list(self.connections.items()):
            if other in members or other == WHITE:
                await self._send(conn, text)

