"""Bounds on what one client may cost the server (docs/protocol.md: "Connection", "Channels").

A connection that has not given a right code within :data:`JOIN_TIMEOUT` seconds is closed, and
one address holds at most :data:`MAX_CONNECTIONS_PER_ADDRESS` connections open at once: without
them, connections opened and never joined would pile up for as long as the server runs. A seat
says at most :data:`MAX_SAYS` channel messages in :data:`SAY_WINDOW` seconds, and a channel keeps
at most :data:`MAX_SAID_PER_TURN` messages a turn: every message is a command of the game's log,
and each one rewrites the whole autosave, so unbounded chat would slow every seat's game.

The constants are read when they are used, so that a test may make them small (monkeypatching
this module's names).
"""

from __future__ import annotations

import asyncio
from collections import deque

from websockets.asyncio.server import ServerConnection

from wargame.net.channels import WHITE
from wargame.record.messages import messages

JOIN_TIMEOUT = 30.0  # seconds a connection may stay open before it gives a right code (a client sends its code at once)
MAX_CONNECTIONS_PER_ADDRESS = 32  # open at once: five seats, their rejoins and takeovers, with room to spare
MAX_SAYS = 30  # channel messages one seat may say within SAY_WINDOW seconds
SAY_WINDOW = 60.0  # seconds
MAX_SAID_PER_TURN = 100  # messages one channel keeps per turn; more wait for the next turn

# Websocket close codes (RFC 6455): a connection that never joined breaks the protocol's rule
# that the code comes first (1008, policy violation); one over the cap may try again later (1013),
# which is not 1008, so that `wargame join` retries it rather than taking it for a refused code.
CLOSE_NO_JOIN = 1008
CLOSE_TOO_MANY = 1013


class RateLimit:
    """At most ``most`` events per key within a sliding window of ``window`` seconds, on the
    caller's clock (seconds)."""

    def __init__(self) -> None:
        self._times: dict[str, deque[float]] = {}

    def wait(self, key: str, now: float, most: int, window: float) -> float:
        """Seconds until ``key`` may have one more event (0: now). Counts nothing: see :meth:`take`."""
        times = self._times.get(key)
        if times is None:
            return 0.0
        while times and now - times[0] >= window:
            times.popleft()
        if len(times) < most:
            return 0.0
        return max(0.0, window - (now - times[-most]))

    def take(self, key: str, now: float) -> None:
        """Count one event of ``key`` at ``now``."""
        self._times.setdefault(key, deque()).append(now)


def address_of(ws: ServerConnection) -> str:
    """The remote address a connection comes from (its host, without the port)."""
    return str(ws.remote_address[0]) if ws.remote_address else "?"


class ConnectionLimits:
    """The server's side of these bounds (mixed into :class:`~wargame.net.server.ExerciseServer`,
    whose ``open_from``, ``_unjoined``, ``_says``, ``_tasks``, ``clock`` and ``session`` it uses)."""

    async def _admit(self, ws: ServerConnection) -> bool:
        """Count a new connection, and start its time to join; False (it is closed) if its address
        has :data:`MAX_CONNECTIONS_PER_ADDRESS` open already."""
        address = address_of(ws)
        if self.open_from[address] >= MAX_CONNECTIONS_PER_ADDRESS:
            # no error message: a client that reads an error after its join takes it for a refused
            # code and gives up, and this one may try again once another closes
            await ws.close(CLOSE_TOO_MANY, f"too many connections from this address (at most {MAX_CONNECTIONS_PER_ADDRESS} open at once)")
            return False
        self.open_from[address] += 1
        self._unjoined[ws] = asyncio.get_running_loop().call_later(JOIN_TIMEOUT, self._spawn_no_join, ws)
        return True

    def _release(self, ws: ServerConnection) -> None:
        """``ws`` (admitted) has closed: it no longer counts."""
        address = address_of(ws)
        self.open_from[address] -= 1
        if self.open_from[address] <= 0:
            del self.open_from[address]
        self._joined_in_time(ws)

    def _joined_in_time(self, ws: ServerConnection) -> None:
        """``ws`` gave a right code (or closed): its time to join no longer runs."""
        timer = self._unjoined.pop(ws, None)
        if timer is not None:
            timer.cancel()

    def _spawn_no_join(self, ws: ServerConnection) -> None:
        task = asyncio.get_running_loop().create_task(self._no_join(ws))
        self._tasks.add(task)  # kept until done: the loop holds only a weak reference
        task.add_done_callback(self._tasks.discard)

    async def _no_join(self, ws: ServerConnection) -> None:
        """``ws`` gave no right code within :data:`JOIN_TIMEOUT` seconds: told so, and closed."""
        if self._unjoined.pop(ws, None) is None:
            return
        bound = f"{JOIN_TIMEOUT:g} seconds"
        await self._error(ws, f"no join within {bound}: a connection sends its seat's code first")
        await ws.close(CLOSE_NO_JOIN, f"no join within {bound}")

    def _too_much_said(self, seat: str, channel: str) -> str | None:
        """Why ``seat`` may not say one more message on ``channel`` now (None: it may)."""
        wait = self._says.wait(seat, self.clock(), MAX_SAYS, SAY_WINDOW)
        if wait > 0:
            return f"too many messages (at most {MAX_SAYS} in {SAY_WINDOW:g} seconds); try again in {max(1, round(wait))} seconds"
        game = self.session.game
        turn = game.state.turn
        kept = sum(1 for m in messages(game, WHITE, self._turn_start()) if m.channel == channel and m.turn == turn)
        if kept >= MAX_SAID_PER_TURN:
            return f"{channel} has had its {MAX_SAID_PER_TURN} messages this turn; it opens again next turn"
        return None

    def _said(self, seat: str) -> None:
        """``seat`` said a message now: it counts against its rate."""
        self._says.take(seat, self.clock())
