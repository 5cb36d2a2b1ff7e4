"""The ``joined`` message over real sockets on localhost: who is connected, sent to every
connection when a seat joins or drops, and once to a connection right after its welcome."""

from __future__ import annotations

import asyncio

from websockets.asyncio.client import connect

from tests.netcases import TIMEOUT, message, recv_any, run
from wargame.engine.model import CELLS
from wargame.net.client import Client
from wargame.net.server import WHITE, ExerciseServer
from wargame.table.session import Session


def _server(rulebook) -> ExerciseServer:
    return ExerciseServer(Session.new(rulebook, "exercise", 5, dict.fromkeys(CELLS, "human")))


async def _next_joined(ws) -> list[str]:
    while True:
        m = await recv_any(ws)
        if m["type"] == "joined":
            return m["seats"]


async def _join(port: int, code: str):
    """A connection that has joined, read up to and with its own ``joined``; and the message types
    it read, in order."""
    ws = await connect(f"ws://127.0.0.1:{port}")
    await ws.send(message("join", code=code))
    kinds = []
    while not kinds or kinds[-1] != "joined":
        kinds.append((await recv_any(ws))["type"])
    return ws, kinds


def test_a_join_and_a_drop_are_announced_to_every_connection(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            first, kinds = await _join(server.port, server.codes["is"])
            assert kinds[0] == "welcome" and kinds[-2:] == ["awaiting", "joined"]  # after the post-welcome messages
            assert kinds.count("joined") == 1
            white, _ = await _join(server.port, server.codes[WHITE])
            assert await _next_joined(first) == ["is", WHITE]
            second, _ = await _join(server.port, server.codes["aq"])
            assert await _next_joined(first) == ["is", "aq", WHITE]
            assert await _next_joined(white) == ["is", "aq", WHITE]
            await second.close()
            assert await _next_joined(first) == ["is", WHITE]
            assert await _next_joined(white) == ["is", WHITE]
            await first.close()
            assert await _next_joined(white) == [WHITE]
            await white.close()
        finally:
            await server.close()

    run(main())


def test_a_revoked_seat_is_announced_as_gone(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            white, _ = await _join(server.port, server.codes[WHITE])
            cell, _ = await _join(server.port, server.codes["coalition"])
            assert await _next_joined(white) == ["coalition", WHITE]
            await white.send(message("revoke", seat="coalition"))
            assert await _next_joined(white) == [WHITE]
            await white.close()
            await cell.close()
        finally:
            await server.close()

    run(main())


def test_the_client_keeps_the_connected_seats(rulebook):
    server = _server(rulebook)

    async def until(client: Client, seats: list[str]) -> None:
        while client.joined != seats:
            await asyncio.wait_for(client.messages.get(), TIMEOUT)

    async def main() -> None:
        await server.start()
        url = f"ws://127.0.0.1:{server.port}"
        is_, aq = Client(url, server.codes["is"]), Client(url, server.codes["aq"])
        try:
            await is_.join()
            task = asyncio.create_task(is_.run())
            await until(is_, ["is"])
            await aq.join()
            await until(is_, ["is", "aq"])
            await aq.stop()
            await until(is_, ["is"])
            await is_.stop()
            await asyncio.wait_for(task, TIMEOUT)
        finally:
            await server.close()

    run(main())
