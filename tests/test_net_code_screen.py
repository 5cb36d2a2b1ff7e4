"""The code screen (wargame.tui.screens.remote_code: ``wargame join ADDRESS`` without ``--code``)
when the code's seat is held by another connection: it says it waits for the seat, and quitting
gives up the wait (the app ends, the server sees the waiting connection gone). Driven with
Textual's Pilot against the real server on an ephemeral localhost port; every wait is for a
condition, never for a while."""

from __future__ import annotations

import asyncio

import pytest

from tests.netcases import joined, recv_type
from tests.netcases import run as _run
from tests.netscreens import TIMEOUT, shown
from tests.netscreens import exercise as _server
from tests.netscreens import until as _until
from wargame.net.client import Client
from wargame.net.server import WHITE

SMALL = (80, 24)


async def _held(server) -> tuple[Client, asyncio.Task]:
    """IS's seat, held by a connection of its own."""
    holder = Client(f"ws://127.0.0.1:{server.port}", server.codes["is"])
    await holder.join()
    return holder, asyncio.create_task(holder.run())


async def _gone(white) -> None:
    """The White Cell is told the join waiting for IS's seat has gone: the server forgot it."""
    assert (await recv_type(white, "takeover_withdrawn"))["seat"] == "is"


def _waiting_app(server, key: str):
    from wargame.tui.remote import CodeScreen, RemoteApp

    app = RemoteApp(url=f"ws://127.0.0.1:{server.port}")

    async def drive() -> None:
        async with app.run_test(size=SMALL) as pilot:
            await _until(pilot, lambda: isinstance(app.screen, CodeScreen), "the code screen")
            await pilot.press(*server.codes["is"], "enter")
            why = app.screen.query_one("#code-why")
            await _until(pilot, lambda: "waiting for the seat" in shown(why.render()), "the wait shown")
            assert "is" in server.takeovers and app.screen.joining is not None
            await pilot.press(key)  # gives up: run_test returns once the app has ended
    return app, drive


@pytest.mark.parametrize("key", ["ctrl+q", "escape"])
def test_a_join_for_a_held_seat_shows_it_waits_and_quitting_ends_the_app(rulebook, key):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            holder = await _held(server)
            app, drive = _waiting_app(server, key)
            await asyncio.wait_for(drive(), TIMEOUT)  # returns: the app ended, not held by the join
            assert app.return_code == 0 and not app.goodbye
            assert holder[0].ws is not None and "is" in server.connections  # the seat's holder untouched
            await holder[0].stop()
            await asyncio.wait_for(holder[1], TIMEOUT)
        finally:
            await server.close()

    _run(main())


# The join under way is cancelled with its worker, and Client.join closes its websocket when
# cancelled: the server sees the waiting connection go before the process exits.
def test_quitting_a_join_waiting_for_its_seat_closes_its_connection(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            white, _ = await joined(server.port, server.codes[WHITE])  # told when the waiting join goes
            holder = await _held(server)
            app, drive = _waiting_app(server, "ctrl+q")
            await asyncio.wait_for(drive(), TIMEOUT)
            await _gone(white)
            assert "is" not in server.takeovers
            await white.close()
            await holder[0].stop()
            await asyncio.wait_for(holder[1], TIMEOUT)
        finally:
            await server.close()

    _run(main())
