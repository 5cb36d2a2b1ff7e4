"""A seat someone already holds: the second connection waits for it, it is not turned away.

A laptop whose lid was closed leaves its old connection open on the server for a while; the same
cell joining again from the woken laptop (or another machine) must not fail and must not flood the
White Cell with requests. The join client waits, the White Cell is told once, and the seat passes
to the waiting connection when the White Cell approves or when the old connection drops.
"""

from __future__ import annotations

import asyncio

from tests.netcases import joined, message, recv, run
from wargame.engine.model import CELLS
from wargame.net.client import Client
from wargame.net.server import WHITE, ExerciseServer
from wargame.table.session import Session


def _server(rulebook) -> ExerciseServer:
    return ExerciseServer(Session.new(rulebook, "exercise", 5, {c: "human" for c in CELLS}))


def _waiting_client(port: int, code: str) -> tuple[Client, asyncio.Event, list[dict]]:
    """A join client, an event set when the server tells it it waits for its seat, and what it heard."""
    told, heard = asyncio.Event(), []

    def listener(m: dict) -> None:
        heard.append(m)
        if m.get("waiting"):
            told.set()
    return Client(f"ws://127.0.0.1:{port}", code, listener=listener), told, heard


async def _told(*events: asyncio.Event) -> None:
    await asyncio.wait_for(asyncio.gather(*(e.wait() for e in events)), 10)


def test_a_second_join_for_a_held_seat_waits_and_takes_the_seat_when_the_old_connection_drops(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            white, _ = await joined(server.port, server.codes[WHITE])
            first, _ = await joined(server.port, server.codes["is"])
            woken, told, heard = _waiting_client(server.port, server.codes["is"])
            joining = asyncio.create_task(woken.join())
            await _told(told)
            assert not joining.done(), "a held seat must not turn the join away"
            assert "already connected" in heard[-1]["why"] and "White Cell may approve" in heard[-1]["why"]
            assert await recv(white) == {"v": 1, "type": "takeover_requested", "seat": "is"}
            await first.close()  # the old laptop's connection finally drops
            welcome = await asyncio.wait_for(joining, 10)
            assert welcome["type"] == "welcome" and woken.seat == "is"
            assert server.connections["is"] is not None and "is" not in server.takeovers
            await woken.stop()
            await white.close()
        finally:
            await server.close()

    run(main())


def test_the_white_cell_is_told_once_while_a_connection_waits(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            white, _ = await joined(server.port, server.codes[WHITE])
            holder, _ = await joined(server.port, server.codes["aq"])
            joins: list[asyncio.Task] = []
            waiting, told = [], []
            for _ in range(3):  # one after another, so that which asked last is known
                client, event, _ = _waiting_client(server.port, server.codes["aq"])
                waiting.append(client)
                told.append(event)
                joins.append(asyncio.create_task(client.join()))
                await _told(event)
            assert await recv(white) == {"v": 1, "type": "takeover_requested", "seat": "aq"}
            await white.send(message("pause"))  # the next thing the White Cell reads is its own pause
            assert (await recv(white))["type"] == "paused"
            # the White Cell approves: the latest connection to ask takes the seat
            await white.send(message("approve_takeover", seat="aq"))
            done, _ = await asyncio.wait(joins, timeout=10, return_when=asyncio.FIRST_COMPLETED)
            assert [joins.index(t) for t in done] == [2]
            assert waiting[2].seat == "aq"
            for c in waiting:
                await c.stop()
            for t in joins:
                t.cancel()
            await asyncio.gather(*joins, return_exceptions=True)
            await holder.close()
            await white.close()
        finally:
            await server.close()

    run(main())
