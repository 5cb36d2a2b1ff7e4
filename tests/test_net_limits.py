"""The bounds on what one client may cost the server (wargame/net/limits.py): a connection that
never joins is closed, an address holds a capped number of connections open, and a seat's channel
messages are rate limited and a channel's kept messages capped per turn.

Over real sockets on localhost; the bounds are made small by monkeypatching the module's
constants, the rate limit runs on the server's injected clock, and every wait is for a message
(or a state the server reaches) with a timeout, never for a while.
"""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.netcases import TIMEOUT, joined, message, recv, recv_type, run
from wargame.engine.model import CELLS
from wargame.net import limits
from wargame.net.client import Client, ClientError, JoinRefused
from wargame.net.server import WHITE, ExerciseServer
from wargame.table.session import Session


def _server(rulebook, **options) -> ExerciseServer:
    return ExerciseServer(Session.new(rulebook, "exercise", 5, dict.fromkeys(CELLS, "human")), **options)


async def _closed(ws) -> ConnectionClosed:
    """Read ``ws`` until the server closes it; the close (its code and reason in ``rcvd``)."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), TIMEOUT)
    except ConnectionClosed as e:
        return e


def _watch(server: ExerciseServer) -> asyncio.Event:
    """An event set each time the server counts a connection in or out (its own ``_admit`` and
    ``_release``, wrapped), for :func:`_until` to wait on; call it inside the running loop."""
    changed = asyncio.Event()
    admit, release = server._admit, server._release

    async def admitted(ws) -> bool:
        try:
            return await admit(ws)
        finally:
            changed.set()

    def released(ws) -> None:
        release(ws)
        changed.set()

    server._admit, server._release = admitted, released  # type: ignore[method-assign]
    return changed


async def _until(changed: asyncio.Event, test, what: str) -> None:
    """Wait until ``test()`` holds, woken each time the server's count changes; AssertionError after TIMEOUT."""
    while not test():
        changed.clear()
        if test():
            return
        try:
            await asyncio.wait_for(changed.wait(), TIMEOUT)
        except TimeoutError:
            raise AssertionError(f"never: {what}") from None


def test_a_connection_that_never_joins_is_closed_and_joined_or_waiting_ones_are_not(rulebook, monkeypatch):
    monkeypatch.setattr(limits, "JOIN_TIMEOUT", 0.5)
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            seated, _ = await joined(server.port, server.codes["is"])
            waiting = await connect(f"ws://127.0.0.1:{server.port}")  # the seat is held: it waits for it
            await waiting.send(message("join", code=server.codes["is"]))
            assert (await recv(waiting))["waiting"] is True
            idle = await connect(f"ws://127.0.0.1:{server.port}")
            await idle.send(message("say", channel="is-aq", text="hello"))  # talking is not joining
            assert "join first" in (await recv(idle))["reason"]
            told = await recv(idle)
            assert told["type"] == "error" and told["reason"].startswith("no join within 0.5 seconds")
            closed = await _closed(idle)
            assert closed.rcvd is not None and closed.rcvd.code == limits.CLOSE_NO_JOIN
            assert closed.rcvd.reason == "no join within 0.5 seconds"
            # the bound has passed for the two that gave a right code too: both are still served
            await seated.send(message("say", channel="is-aq", text="still here"))
            assert (await recv_type(seated, "said"))["text"] == "still here"
            await seated.close()  # the seat's connection drops: the waiting one takes the seat
            assert (await recv(waiting))["type"] == "welcome"
            await waiting.close()
        finally:
            await server.close()

    run(main())


def test_an_address_holds_a_capped_number_of_connections_and_a_seat_joins_once_one_closes(rulebook, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CONNECTIONS_PER_ADDRESS", 3)
    server = _server(rulebook)

    async def main() -> None:
        changed = _watch(server)
        await server.start()
        try:
            white, _ = await joined(server.port, server.codes[WHITE])
            idle = [await connect(f"ws://127.0.0.1:{server.port}") for _ in range(2)]
            await _until(changed, lambda: sum(server.open_from.values()) == 3, "three connections open")
            over = await connect(f"ws://127.0.0.1:{server.port}")
            closed = await _closed(over)  # refused at once, whatever it sends
            assert closed.rcvd is not None and closed.rcvd.code == limits.CLOSE_TOO_MANY
            assert closed.rcvd.reason == "too many connections from this address (at most 3 open at once)"
            # `wargame join` takes it for a passing refusal (it tries again), not for a refused code
            client = Client(f"ws://127.0.0.1:{server.port}", server.codes["is"])
            with pytest.raises(ClientError) as refused:
                await client.join()
            assert not isinstance(refused.value, JoinRefused) and "too many connections" in str(refused.value)
            await idle[0].close()
            await _until(changed, lambda: sum(server.open_from.values()) == 2, "the closed connection no longer counted")
            assert (await client.join())["type"] == "welcome" and client.seat == "is"
            await client.stop()
            for ws in (white, *idle):
                await ws.close()
            await _until(changed, lambda: not server.open_from, "every connection closed and no longer counted")
        finally:
            await server.close()

    run(main())


def test_a_seats_messages_are_rate_limited_on_the_servers_clock(rulebook, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SAYS", 3)
    monkeypatch.setattr(limits, "SAY_WINDOW", 60.0)
    now = [1000.0]
    server = _server(rulebook, clock=lambda: now[0])

    async def main() -> None:
        await server.start()
        try:
            seats = {s: (await joined(server.port, server.codes[s]))[0] for s in ("is", "aq")}
            for i in range(3):
                await seats["is"].send(message("say", channel="is-aq", text=f"m{i}"))
                assert (await recv_type(seats["is"], "said"))["text"] == f"m{i}"
                assert (await recv_type(seats["aq"], "said"))["text"] == f"m{i}"
            now[0] += 59
            await seats["is"].send(message("say", channel="is-white", text="one too many"))
            refused = await recv(seats["is"])
            assert refused["type"] == "error"
            assert refused["reason"] == "message refused: too many messages (at most 3 in 60 seconds); try again in 1 seconds"
            await seats["aq"].send(message("say", channel="is-aq", text="another seat's own"))  # the limit is per seat
            for ws in seats.values():
                assert (await recv_type(ws, "said"))["text"] == "another seat's own"
            assert [s.text for s in server.transcript if s.sender == "is"] == ["m0", "m1", "m2"]
            now[0] += 1  # the first message is a minute old: one more may be said
            await seats["is"].send(message("say", channel="is-aq", text="later"))
            assert (await recv_type(seats["is"], "said"))["text"] == "later"
            for ws in seats.values():
                await ws.close()
        finally:
            await server.close()

    run(main())


def test_a_channel_keeps_a_capped_number_of_messages_a_turn(rulebook, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SAID_PER_TURN", 2)
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            cells = {c: (await joined(server.port, server.codes[c]))[0] for c in CELLS}
            await cells["is"].send(message("say", channel="is-aq", text="one"))
            await cells["aq"].send(message("say", channel="aq-is", text="two"))  # both seats' messages count
            for text in ("one", "two"):
                assert (await recv_type(cells["aq"], "said"))["text"] == text
            await cells["aq"].send(message("say", channel="is-aq", text="three"))
            refused = await recv(cells["aq"])
            assert refused == {"v": 1, "type": "error",
                               "reason": "message refused: is-aq has had its 2 messages this turn; it opens again next turn"}
            await cells["aq"].send(message("say", channel="aq-coalition", text="another channel"))  # per channel
            assert (await recv_type(cells["aq"], "said"))["text"] == "another channel"
            for ws in cells.values():  # the turn moves on (no White Cell: no review)
                await ws.send(message("give_orders", orders=[]))
            await recv_type(cells["aq"], "view")
            await cells["aq"].send(message("say", channel="is-aq", text="three"))
            said = await recv_type(cells["aq"], "said")
            assert (said["text"], said["turn"]) == ("three", 2)
            assert [s.text for s in server.transcript if s.channel == "is-aq"] == ["one", "two", "three"]
            for ws in cells.values():
                await ws.close()
        finally:
            await server.close()

    run(main())
