"""The server of a networked exercise: the only copy of the game, and each seat's window on it.

An :class:`ExerciseServer` holds a table :class:`~wargame.table.session.Session` (the game, its
log and its autosave: the table's logic, not a second copy of the rules of play) and serves it
over websockets (docs/protocol.md). Each human cell and the White Cell has a random join code
(:func:`secrets.token_urlsafe`, 128 bits); a wrong code closes the connection and counts against
its address (a few per minute, then every join from there is refused for a while). One
connection per seat. Every message is validated: a cell gives only its own, legal orders, in
the orders phase; bots' seats are played by the server. When every cell has given its orders the
turn is resolved (and autosaved by the session), the next turn's events are run, and each
connection is sent only what its seat may see: its view (:func:`wargame.engine.view.view`, never
the state) and the records as :func:`wargame.record.fog.step_records` renders them for the seat.

The White Cell (its connection only; any other seat's request is refused with a reason) pauses
and resumes the game (while paused, orders are refused), sets a time limit per orders phase
(every connection is told the deadline; when it passes, each cell that has not given its orders
is played by its bot and the turn resolves), ends one cell's orders phase now, revokes a seat's
code (the old code is refused from then on, the seat's connection closed; the new code goes to
the White Cell), approves a second connection's takeover of a seat, and injects cards, sets
tracks and overrides results through the game's own commands (each seat told of it is sent the
records as the fog lets it see them; a seat not told of a secret one is sent nothing for it).

What only the server knows (the pause, the time limit and the phase's clock, waiting takeovers,
the codes' digests: a join is checked against the digest) is kept beside the save whenever it
changes and restored by :meth:`restore` (:mod:`wargame.net.settings`): a restart loses nothing.

Channels: each pair of cells, and each cell with the White Cell (``"aq-is"``, ``"coalition-white"``:
the two seats in the order of :data:`CHANNEL_SEATS`); every message is kept with its turn and
phase, and reaches the two seats of its channel and the White Cell.

Limits (:mod:`wargame.net.limits`): a connection that gives no right code in time is closed, an
address holds a bounded number of connections open, and a seat's messages are rate limited and a
channel's kept messages capped per turn.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
import ssl
import time
from collections import Counter, deque
from collections.abc import Callable, Collection
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from wargame.bots.bot import Bot
from wargame.engine.model import CELLS, Order
from wargame.net.channels import CHANNEL_SEATS, WHITE, ChannelTalk, Said, channel_name  # noqa: F401 (the screens import channel_name from here)
from wargame.net.extras import charts_message
from wargame.net.limits import ConnectionLimits, RateLimit, address_of
from wargame.net.protocol import (
    MAX_MESSAGE,
    MIN_TIME_LIMIT,
    WHITE_MESSAGES,
    GiveOrders,
    Join,
    ProtocolError,
    Say,
    decode,
    record_payload,
    server_message,
    view_payload,
)
from wargame.net.settings import code_digest, settings_path
from wargame.net.white import CODE_BYTES, WhiteCellPowers, power_name
from wargame.record import fog
from wargame.record.commands import CommandError
from wargame.record.messages import messages
from wargame.record.plots import every_chart
from wargame.table.session import Session

MAX_FAILURES = 5  # wrong codes from one address within FAILURE_WINDOW seconds; then refused until it passes
FAILURE_WINDOW = 60.0
FRAME_LIMIT = 4 * MAX_MESSAGE  # the websocket layer closes (1009) on a larger frame; up to it, an error reply


class ExerciseServer(WhiteCellPowers, ConnectionLimits, ChannelTalk):
    """One exercise served over websockets. Use :meth:`start` (then :attr:`port`), :meth:`close`."""

    def __init__(self, session: Session, host: str = "127.0.0.1", port: int = 0,
                 clock: Callable[[], float] = time.monotonic, ssl_context: ssl.SSLContext | None = None,
                 wall: Callable[[], float] = time.time, min_time_limit: float = MIN_TIME_LIMIT):
        self.session = session
        self.review: int | None = None  # the turn just resolved, while the White Cell reviews it (docs/protocol.md)
        self.min_time_limit = min_time_limit  # seconds: the shortest time limit the White Cell may set
        self.host, self.port = host, port
        self.clock = clock
        self.wall = wall  # seconds since the epoch: a running clock's end, as kept beside the save
        self.ssl_context = ssl_context
        self.paused = False
        self.time_limit: float | None = None  # seconds per orders phase
        self.deadline: float | None = None  # on self.clock, for the orders phase under way
        self._left: float | None = None  # the time left when the game was paused
        self._deadline_turn: int | None = None
        self._timer: asyncio.TimerHandle | None = None
        self.takeovers: dict[str, ServerConnection] = {}  # seat -> a connection waiting for the White Cell's approval
        self._stand_ins: dict[str, Bot] = {}
        self._tasks: set[asyncio.Task] = set()
        self.seats: tuple[str, ...] = tuple(c for c in CELLS if session.is_human(c)) + (WHITE,)  # the seats with a code
        self.codes: dict[str, str] = {seat: secrets.token_urlsafe(CODE_BYTES) for seat in self.seats}  # seat -> code
        # What a join is checked against: the digest of each seat's code. After a restart that kept
        # the codes (:meth:`restore`), only the digests are known, and :attr:`codes` holds the codes
        # issued since (none until the White Cell revokes one).
        self.digests: dict[str, str] = {seat: code_digest(code) for seat, code in self.codes.items()}
        self.contested: set[str] = set()  # cells whose takeover was waiting when the server stopped
        self.settings_file = settings_path(session.save) if session.save is not None else None
        self.settings_problem: str | None = None  # why the settings could not be written, if they could not
        self._settings_known = None
        self._closing = False
        self.connections: dict[str, ServerConnection] = {}
        self.failures: dict[str, deque[float]] = {}
        self.open_from: Counter[str] = Counter()  # address -> connections open from it (wargame.net.limits)
        self._unjoined: dict[ServerConnection, asyncio.TimerHandle] = {}  # connections yet to give a right code
        self._says = RateLimit()  # channel messages per seat, on self.clock
        self.finished = asyncio.Event()
        self._server: Server | None = None

    # running

    async def start(self) -> None:
        self._advance()
        if self.deadline is not None:  # restored: the phase's clock goes on
            self._arm_timer()
        else:
            self._start_clock()
        self._persist()
        self._server = await serve(self._handle, self.host, self.port, max_size=FRAME_LIMIT, ssl=self.ssl_context)
        self.port = next(iter(self._server.sockets)).getsockname()[1]
        if self.session.state.over:
            self.finished.set()

    @property
    def transcript(self) -> list[Said]:
        """Every channel message said in the game, from its record (they survive a restart)."""
        return [Said(m.channel, m.sender, m.text, m.turn, m.phase) for m in messages(self.session.game, WHITE)]

    async def close(self) -> None:
        if not self._closing and self._server is not None:
            self._persist(stopping=True)  # the clock stands still while the server is down
            self._closing = True  # the connections' ends that follow change nothing kept
        self._cancel_timer()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def serve_until_over(self) -> None:
        await self.start()
        try:
            await self.finished.wait()
            await asyncio.sleep(0)  # let the last sends go out
        finally:
            await self.close()

    # the game

    def _advance(self) -> None:
        """Move the game on as far as it goes without a person: run the events, give the bots'
        orders, and resolve the turn once every cell has given its orders."""
        s = self.session
        while not s.state.over:
            if s.state.phase == "events":
                if self.review is not None:  # the White Cell reviews the turn just resolved: it starts the next
                    return
                s.run_events()
            elif s.state.phase == "orders":
                for cell in CELLS:
                    if not s.is_human(cell) and cell not in s.game.pending:
                        choice = s.bot_choice(cell)
                        s.submit(cell, choice.orders, choice.reasons)
                if any(c not in s.game.pending for c in CELLS):
                    return
                s.resolve()
                if WHITE in self.connections and not s.state.over:
                    # as at the table, the turn's results wait for the White Cell before the next
                    # turn's events: the one moment a result can still be overridden
                    self.review = s.state.turn - 1
                    self._persist()  # a server stopped now holds the review again when it continues
            else:
                return

    def awaiting(self) -> list[str]:
        s = self.session
        return [c for c in CELLS if c not in s.game.pending] if s.state.phase == "orders" else []

    def _view_message(self, seat: str) -> dict[str, Any]:
        s = self.session
        out: dict[str, Any] = {"view": view_payload(s.view(seat))}
        if seat in CELLS and s.state.phase == "orders":
            # the odds as the table shows them to the seat: from its view only (null: no dice)
            out["orders"] = [{"kind": o.kind, "theatre": o.theatre, "cost": s.cost(o),
                              "odds": None if s.rulebook.order_kinds[o.kind].chance is None else str(s.odds(seat, o))}
                             for o in s.legal(seat)]
            out["given"] = [{"kind": o.kind, "theatre": o.theatre} for o in s.game.pending.get(seat, ())]
        return out

    def _records(self, seat: str, start: int, end: int) -> list[dict[str, Any]]:
        game = self.session.game
        kept = game.in_force()
        return [record_payload(r) for i in range(start, end) if kept[i] for r in fog.step_records(game, i, seat)]

    def _turn_start(self) -> int:
        """The first step of the turn under way (its events)."""
        steps = self.session.game.steps
        turn = self.session.state.turn
        i = len(steps)
        while i > 0 and steps[i - 1].command.turn == turn:
            i -= 1
        return i

    # connections

    async def _send(self, ws: ServerConnection, text: str) -> None:
        try:
            await ws.send(text)
        except ConnectionClosed:
            pass

    async def _error(self, ws: ServerConnection, reason: str) -> None:
        await self._send(ws, server_message("error", reason=reason))

    async def _handle(self, ws: ServerConnection) -> None:
        if not await self._admit(ws):
            return
        try:
            async for raw in ws:
                try:
                    message = decode(raw)
                except ProtocolError as e:
                    await self._error(ws, str(e))
                    continue
                seat = self._seat_of(ws)
                if isinstance(message, Join):
                    if seat is not None:
                        await self._error(ws, f"already joined as {seat}")
                        continue
                    await self._join(ws, message)
                    if ws.state.name != "OPEN":
                        return
                elif seat is None:
                    await self._error(ws, "join first: send your seat's code")
                elif isinstance(message, GiveOrders):
                    await self._give_orders(ws, seat, message)
                elif isinstance(message, Say):
                    await self._say(ws, seat, message)
                elif isinstance(message, WHITE_MESSAGES):
                    if seat != WHITE:
                        await self._error(ws, f"only the White Cell may {power_name(message)}, and this is the {seat} seat")
                    else:
                        await self._white(ws, message)
        except ConnectionClosed:
            pass
        finally:
            self._release(ws)
            dropped = [seat for seat, conn in self.connections.items() if conn is ws]
            for seat in dropped:
                del self.connections[seat]
            for seat, conn in list(self.takeovers.items()):
                if conn is ws:
                    del self.takeovers[seat]
                    self._persist()
                    await self._withdrawn(seat)
            if dropped:
                await self._announce_joined()
                await self._seat_waiting(dropped)
                if WHITE in dropped and self.review is not None and not self._closing:
                    await self._next_turn()  # nobody reviews now: the cells must not wait for a White Cell that left

    def _seat_of(self, ws: ServerConnection) -> str | None:
        return next((seat for seat, conn in self.connections.items() if conn is ws), None)

    async def _join(self, ws: ServerConnection, message: Join) -> str | None:
        address = address_of(ws)
        now = self.clock()
        recent = self.failures.setdefault(address, deque())
        while recent and now - recent[0] > FAILURE_WINDOW:
            recent.popleft()
        if len(recent) >= MAX_FAILURES:
            wait = max(1, round(FAILURE_WINDOW - (now - recent[0])))
            await self._error(ws, f"too many wrong codes from this address: try again in {wait} seconds")
            await ws.close(1008, "too many wrong codes")
            return None
        given = code_digest(message.code)
        seat = next((s for s, digest in self.digests.items() if hmac.compare_digest(digest, given)), None)
        if seat is None:
            recent.append(now)
            await self._error(ws, "wrong code")
            await ws.close(1008, "wrong code")
            return None
        self._joined_in_time(ws)  # a right code: seated, or waiting for its seat, for as long as that takes
        if seat in self.connections or seat in self.contested:
            return await self._wait_for_seat(ws, seat)
        await self._seat(ws, seat)
        return seat

    async def _seat(self, ws: ServerConnection, seat: str) -> None:
        """Give ``ws`` the seat, and send it the game as the seat may see it."""
        self.connections[seat] = ws
        coded = {"coded": [x for x in CHANNEL_SEATS if x in self.digests]} if seat == WHITE else {}
        bots = [c for c in CELLS if not self.session.is_human(c)]  # public, as the seats are at the table
        await self._send(ws, server_message("welcome", seat=seat, **self._view_message(seat), **coded, bots=bots))
        s = self.session
        records = self._records(seat, self._turn_start(), len(s.game.steps))
        if records:
            await self._send(ws, server_message("results", records=records))
        await self._send(ws, charts_message(s, seat))  # the charts it may see, with the turn so far
        for m in messages(self.session.game, seat):  # a seat that joins again reads its channels' history
            await self._send(ws, server_message("said", **Said(m.channel, m.sender, m.text, m.turn, m.phase).payload()))
        if self.paused:
            await self._send(ws, server_message("paused", paused=True))
        if self.time_limit is not None:
            await self._send(ws, self._deadline_message())
        if self.review is not None:
            await self._send(ws, server_message("review", turn=self.review))
        if seat == WHITE:  # the takeovers waiting for its approval
            for other in self.takeovers:
                if other != WHITE:
                    await self._send(ws, server_message("takeover_requested", seat=other))
        await self._send(ws, server_message("awaiting", cells=self.awaiting()))
        await self._announce_joined()  # to every connection, this one too (its last post-welcome message)

    def joined(self) -> list[str]:
        """The seats connected now, in the order of :data:`CHANNEL_SEATS`."""
        return [seat for seat in CHANNEL_SEATS if seat in self.connections]

    async def _announce_joined(self) -> None:
        await self._to_all(server_message("joined", seats=self.joined()))

    async def _to_all(self, text: str) -> None:
        for conn in list(self.connections.values()):
            await self._send(conn, text)

    async def _give_orders(self, ws: ServerConnection, seat: str, message: GiveOrders) -> None:
        s = self.session
        if seat not in CELLS:
            return await self._error(ws, "the White Cell gives no orders")
        if s.state.phase != "orders":
            return await self._error(ws, f"orders are given in the orders phase, and the game is {s.state.phase}")
        if self.paused:
            return await self._error(ws, "paused: the White Cell has paused the game; orders are taken when it resumes")
        orders = []
        for entry in message.orders:
            kind = s.rulebook.order_kinds.get(entry.kind)
            if kind is None:
                return await self._error(ws, f"no order {entry.kind!r}")
            if kind.cell != seat:
                return await self._error(ws, f"{entry.kind} is an order of {kind.cell}, not of {seat}")
            orders.append(Order(seat, entry.kind, entry.theatre))
        start, turn = len(s.game.steps), s.state.turn
        try:
            s.submit(seat, orders)
            self._advance()
        except (CommandError, ValueError, KeyError) as e:
            return await self._error(ws, f"orders refused: {e}")
        if s.state.turn == turn and s.state.phase == "orders":  # taken, the turn waiting on others
            await self._send(ws, server_message("given", orders=[{"kind": o.kind, "theatre": o.theatre} for o in orders]))
        await self._broadcast(start)

    async def _broadcast(self, start: int, always: bool = False, only: Collection[str] | None = None) -> None:
        """Tell every connection what changed from step ``start`` on, as its seat may see it
        (``only``: only the connections of those seats; the others are sent nothing)."""
        s = self.session
        end = len(s.game.steps)
        awaiting = server_message("awaiting", cells=self.awaiting())
        resolved = always or any(st.records for st in s.game.steps[start:end])
        deadline = None
        if self._start_clock():
            deadline = self._deadline_message()
            self._persist()
        every = every_chart(s.rulebook, s.game) if resolved else None  # once, each seat then keeps its own
        for seat, ws in list(self.connections.items()):
            if deadline is not None:
                await self._send(ws, deadline)
            if only is not None and seat not in only:
                continue
            if resolved:
                await self._send(ws, server_message("results", records=self._records(seat, start, end)))
                await self._send(ws, server_message("view", **self._view_message(seat)))
                await self._send(ws, charts_message(s, seat, every))
            await self._send(ws, awaiting)
            if self.review is not None:
                await self._send(ws, server_message("review", turn=self.review))
        if s.state.over:
            self._cancel_timer()
            self.finished.set()
