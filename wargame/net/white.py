"""The White Cell's powers over the wire, and the time limit of an orders phase.

:class:`WhiteCellPowers` is the part of :class:`~wargame.net.server.ExerciseServer` that only the
White Cell's connection may use (pause and resume, a time limit per orders phase, ending a cell's
orders, revoking a code, approving a takeover, injecting a card, setting a track, overriding a
result: docs/protocol.md), kept apart so that the server's own file stays about its connections.
It works on the server's state (``session``, ``connections``, ``codes``, ``paused``, the clock);
every ruling goes through the game's own commands, so it is autosaved and shown to each seat as
the fog allows. What the game's save does not hold (the pause, the limit and the phase's clock,
waiting takeovers, the codes' digests) is written beside it whenever it changes (:meth:`settings`,
:mod:`wargame.net.settings`) and taken back by :meth:`WhiteCellPowers.restore` after a restart.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
from typing import Any

from websockets.asyncio.server import ServerConnection

from wargame.bots.seats import make_bot
from wargame.engine.legality import legal_orders
from wargame.engine.model import CELLS
from wargame.engine.view import view
from wargame.files import FileProblem
from wargame.net.protocol import (
    CLOSE_REVOKED,
    CLOSE_TAKEN_OVER,
    ApproveTakeover,
    EndOrders,
    Inject,
    NextTurn,
    Override,
    Pause,
    Resume,
    Revoke,
    SetTimeLimit,
    SetTrack,
    server_message,
)
from wargame.net.settings import Clock, Settings, code_digest, write_settings
from wargame.record import fog
from wargame.record.commands import WHITE, CommandError

CODE_BYTES = 16  # 128 bits per join code
STAND_IN = "doctrine"  # the bot that plays a human cell's orders when its time runs out or the White Cell ends them


class WhiteCellPowers:
    """The White Cell's requests and the orders phase's clock (mixed into the server)."""

    # the White Cell's powers

    async def _white(self, ws: ServerConnection, message: Any) -> None:
        s = self.session
        if isinstance(message, Pause | Resume):
            if self.paused == isinstance(message, Pause):
                return await self._error(ws, "the game is already " + ("paused" if self.paused else "running"))
            self.paused = isinstance(message, Pause)
            now = self.clock()
            if self.paused and self.deadline is not None:
                self._left, self.deadline = max(0.0, self.deadline - now), None
                self._cancel_timer()
            elif not self.paused and self._left is not None:
                self.deadline, self._left = now + self._left, None
                self._arm_timer()
            self._persist()
            await self._to_all(server_message("paused", paused=self.paused))
            if self.time_limit is not None:
                await self._to_all(self._deadline_message())
        elif isinstance(message, NextTurn):
            if self.review is None:
                return await self._error(ws, "no turn waits to start: the White Cell starts one after the last "
                                             "turn's results, when the server holds for its review")
            await self._next_turn()
        elif isinstance(message, SetTimeLimit):
            if message.seconds and message.seconds < self.min_time_limit:
                return await self._error(ws, f"a time limit is at least {self.min_time_limit:g} seconds (0 or "
                                             "null: none): a shorter one has the bots play before anyone can read")
            self.time_limit = message.seconds or None
            self._deadline_turn = None
            self._cancel_timer()
            self.deadline = self._left = None
            self._start_clock()
            self._persist()
            await self._to_all(self._deadline_message())
        elif isinstance(message, EndOrders):
            if message.cell not in CELLS:
                return await self._error(ws, f"no cell {message.cell!r} (cells: {', '.join(CELLS)})")
            if s.state.phase != "orders" or message.cell in s.game.pending:
                return await self._error(ws, f"{message.cell} owes no orders now")
            await self._stand_in([message.cell])
        elif isinstance(message, Revoke):
            if message.seat not in self.digests:
                return await self._error(ws, f"no seat {message.seat!r} with a code (seats: {', '.join(self.digests)})")
            self.codes[message.seat] = secrets.token_urlsafe(CODE_BYTES)
            self.digests[message.seat] = code_digest(self.codes[message.seat])
            self.contested.discard(message.seat)  # only the new code's holder may take it now
            waiting = self.takeovers.pop(message.seat, None)
            self._persist()
            await self._send(ws, server_message("code", seat=message.seat, code=self.codes[message.seat]))
            if waiting is not None:
                await waiting.close(CLOSE_REVOKED, "code revoked")
            conn = self.connections.get(message.seat)
            if conn is not None and conn is not ws:
                del self.connections[message.seat]
                await self._send(conn, server_message("closed", reason="your seat's code was revoked"))
                await conn.close(CLOSE_REVOKED, "code revoked")
                await self._announce_joined()
        elif isinstance(message, ApproveTakeover):
            waiting = self.takeovers.pop(message.seat, None)
            if waiting is None or waiting.state.name != "OPEN":
                return await self._error(ws, f"no connection is waiting to take the {message.seat} seat over")
            self.contested.discard(message.seat)
            self._persist()
            old = self.connections.pop(message.seat, None)
            if old is not None:
                await self._send(old, server_message("closed", reason="another connection took this seat over"))
                await old.close(CLOSE_TAKEN_OVER, "taken over")
            await self._seat(waiting, message.seat)
        else:
            await self._ruling(ws, message)

    async def _wait_for_seat(self, ws: ServerConnection, seat: str) -> None:
        """A join for a seat another connection holds (or held when the server stopped): ``ws``
        waits, open, for the White Cell's approval, or for the holder's connection to drop (a
        laptop whose lid was closed: see :meth:`_seat_waiting`). The latest connection to ask is the
        one that waits. The White Cell is told once per wait, not at every client that asks again
        while one waits."""
        earlier = self.takeovers.get(seat)
        self.takeovers[seat] = ws
        self._persist()
        why = "is already connected" if seat in self.connections else "had a takeover waiting when the server stopped"
        await self._send(ws, server_message(
            "error", waiting=True, reason=f"the {seat} seat {why}: the White Cell may approve a takeover "
                                          "(this connection then takes the seat)"))
        white = self.connections.get(WHITE)
        if white is not None and seat != WHITE and (earlier is None or earlier.state.name != "OPEN"):
            await self._send(white, server_message("takeover_requested", seat=seat))

    async def _seat_waiting(self, seats: list[str]) -> None:
        """The connections of ``seats`` dropped: a connection waiting for one of them takes it
        without the White Cell's approval (the seat is free: nobody is taken over)."""
        if self._closing:  # the server is stopping: what is kept stays as it was (a waiting takeover too)
            return
        for seat in seats:
            waiting = self.takeovers.get(seat)
            if waiting is None or seat in self.contested or seat in self.connections:
                continue
            del self.takeovers[seat]
            self._persist()
            if waiting.state.name == "OPEN":
                await self._seat(waiting, seat)

    async def _next_turn(self) -> None:
        """End the White Cell's review: the next turn's events run and its orders phase begins."""
        self.review = None
        self._persist()
        start = len(self.session.game.steps)
        self._advance()
        await self._broadcast(start, always=True)

    async def _withdrawn(self, seat: str) -> None:
        """The connection waiting for ``seat`` left: the White Cell no longer has a takeover to approve."""
        white = self.connections.get(WHITE)
        if white is not None and seat != WHITE and not self._closing:
            await self._send(white, server_message("takeover_withdrawn", seat=seat))

    async def _ruling(self, ws: ServerConnection, message: Inject | SetTrack | Override) -> None:
        """An inject, a track set or a result overridden: a command of the game (autosaved), and
        each seat told of it (:func:`wargame.record.fog.told`; the White Cell always) is sent its
        records as the fog lets it see them, its view and charts. A seat not told of a secret ruling
        is sent nothing now: a fresh view, even without a record, would tell it that a ruling was
        made and roughly what it changed. Its view catches up when the game moves on."""
        game = self.session.game
        start = len(game.steps)
        try:
            if isinstance(message, Inject):
                game.inject(message.card, message.note, message.secret)
            elif isinstance(message, SetTrack):
                if not message.justification.strip():
                    return await self._error(ws, "a track is set with a justification")
                game.set_track(message.target, message.value, message.justification, message.secret)
            else:
                if not message.justification.strip():
                    return await self._error(ws, "a result is overridden with a justification")
                game.override(message.ref, message.where, message.happened, message.justification, message.secret)
        except (CommandError, ValueError, KeyError) as e:
            return await self._error(ws, f"refused: {e}")
        who = fog.told(game, start)
        await self._broadcast(start, always=True, only={seat for seat in self.connections if seat == WHITE or seat in who})

    # what is kept beside the save (wargame.net.settings)

    def settings(self, stopping: bool = False) -> Settings:
        """The server's settings as they stand (``stopping``: the clock stops with the server)."""
        s = self.session
        clock = None
        if self.time_limit is not None and s.state.phase == "orders" and self._deadline_turn == s.state.turn:
            if self.deadline is not None and not stopping:
                clock = Clock(s.state.turn, ends_at=self.wall() + max(0.0, self.deadline - self.clock()))
            elif self.deadline is not None:
                clock = Clock(s.state.turn, seconds_left=max(0.0, self.deadline - self.clock()))
            elif self._left is not None:
                clock = Clock(s.state.turn, seconds_left=self._left)
        contested = sorted(self.contested | {seat for seat in self.takeovers if seat in CELLS}, key=CELLS.index)
        return Settings(s.game.header.game, self.paused, self.time_limit, clock, dict(self.digests), tuple(contested),
                        self.review)

    def _persist(self, stopping: bool = False) -> None:
        """Write the settings beside the save (if there is one), atomically. A failure does not stop
        the game (the save holds the game itself): it is said on stderr once and kept in
        :attr:`settings_problem`."""
        if self.settings_file is None or self._closing:
            return
        try:
            self._settings_known = write_settings(self.settings_file, self.settings(stopping), self._settings_known)
        except FileProblem as e:
            if self.settings_problem is None:
                print(f"wargame: the exercise's settings are not kept: {e}", file=sys.stderr)
            self.settings_problem = str(e)
            return
        self.settings_problem = None

    def restore(self, kept: Settings, codes: bool = True) -> None:
        """Take back what a server of this game kept (before :meth:`start`): the pause, the White
        Cell's review of the turn just resolved, the time limit and the phase's clock (if it is still this phase's), the seats whose takeover was
        waiting, and (``codes``) the join codes' digests: the codes of the last run still work and
        :attr:`codes` is left empty, as only the digests were kept. Without ``codes``, the fresh
        codes made for this run stand. ValueError if the settings are another game's."""
        s = self.session
        if kept.game != s.game.header.game:
            raise ValueError(f"the settings are of game {kept.game!r}, not of {s.game.header.game!r}")
        self.paused, self.time_limit = kept.paused, kept.time_limit
        if kept.review is not None and s.state.phase == "events" and s.state.turn == kept.review + 1:
            self.review = kept.review  # stopped while the White Cell reviewed that turn: it still does
        self.contested = {seat for seat in kept.contested if seat in CELLS and seat in self.digests}
        if codes:
            if set(kept.codes) != set(self.digests):
                raise ValueError(f"the settings' codes are not one per seat of this game ({', '.join(self.digests)})")
            self.digests, self.codes = dict(kept.codes), {}
        c = kept.clock
        if self.time_limit is not None and c is not None and s.state.phase == "orders" and c.turn == s.state.turn:
            left = c.seconds_left if c.ends_at is None else max(0.0, c.ends_at - self.wall())
            self._deadline_turn = c.turn
            if self.paused:
                self.deadline, self._left = None, left
            else:
                self.deadline, self._left = self.clock() + left, None

    # the time limit

    def _deadline_message(self) -> str:
        left = None
        if self.deadline is not None:
            left = max(0.0, self.deadline - self.clock())
        elif self._left is not None:
            left = self._left
        return server_message("deadline", limit=self.time_limit, seconds_left=left, turn=self.session.state.turn,
                              paused=self.paused)

    def _start_clock(self) -> bool:
        """Start the orders phase's clock, if there is a limit and it has not started for this turn."""
        s = self.session
        if self.time_limit is None or s.state.phase != "orders" or self._deadline_turn == s.state.turn:
            return False
        self._deadline_turn = s.state.turn
        self._cancel_timer()
        if self.paused:
            self.deadline, self._left = None, self.time_limit
        else:
            self.deadline, self._left = self.clock() + self.time_limit, None
            self._arm_timer()
        return True

    def _arm_timer(self) -> None:
        self._cancel_timer()
        if self.deadline is None:
            return
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(max(0.0, self.deadline - self.clock()), self._spawn_tick)

    def _spawn_tick(self) -> None:
        task = asyncio.get_running_loop().create_task(self.tick())
        self._tasks.add(task)  # kept until done: the loop holds only a weak reference
        task.add_done_callback(self._tasks.discard)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    async def tick(self) -> None:
        """Check the deadline (on :attr:`clock`): once it has passed, the bots play the cells that
        have not given their orders. Called by the server's timer; a test with a clock of its own
        calls it after moving the clock on."""
        if self.deadline is None or self.paused:
            return
        if self.clock() < self.deadline:
            self._arm_timer()
            return
        self.deadline = None
        self._cancel_timer()
        s = self.session
        if s.state.phase == "orders" and self._deadline_turn == s.state.turn:
            await self._stand_in([c for c in CELLS if c not in s.game.pending])

    async def _stand_in(self, cells: list[str]) -> None:
        """Each of ``cells`` is played by its bot (the table's, or a doctrine bot for a human's seat)."""
        s = self.session
        start = len(s.game.steps)
        for cell in cells:
            bot = s.bots.get(cell) or self._stand_ins.setdefault(cell, make_bot(STAND_IN, s.game.header.seed, cell))
            state = s.state
            choice = bot.choose(view(state, cell), lambda p, state=state, cell=cell: legal_orders(s.rulebook, state, cell, p),
                                s.rulebook.max_orders)
            s.submit(cell, choice.orders, choice.reasons)
        self._advance()
        await self._broadcast(start)


def power_name(message: Any) -> str:
    """What a White Cell request does, in words, for a refusal: "pause the game"."""
    return {Pause: "pause the game", Resume: "resume the game", NextTurn: "start the next turn", SetTimeLimit: "set a time limit",
            EndOrders: "end a cell's orders", Revoke: "revoke a code", ApproveTakeover: "approve a takeover",
            Inject: "inject a card", SetTrack: "set a track", Override: "override a result"}[type(message)]
