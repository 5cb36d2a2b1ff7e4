"""What the tests of the networked screens share: a real server on an ephemeral localhost port, a
joined client's app, and waiting for the screen to catch up with the server (never for a while)."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from rich.console import Console

from wargame.engine.model import CELLS
from wargame.net.client import Client
from wargame.net.server import WHITE, ExerciseServer
from wargame.table.session import Session

TIMEOUT = 20.0  # seconds a screen may take to show what the server sent


def exercise(rulebook, humans=("is", "aq"), **options) -> ExerciseServer:
    """A server of the exercise scenario (seed 5): ``humans`` human, the other cells bots."""
    seats = {c: ("human" if c in humans else "bot") for c in CELLS}
    return ExerciseServer(Session.new(rulebook, "exercise", 5, seats), **options)


async def until(pilot, test, what: str) -> None:
    """Let the app run until ``test()`` holds (the server's messages arrive between pauses);
    AssertionError naming ``what`` after :data:`TIMEOUT` seconds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + TIMEOUT
    while not test():
        if loop.time() > end:
            raise AssertionError(f"never: {what}")
        await pilot.pause(0.02)


def shown(renderable) -> str:
    """A Rich renderable (a Static's content or render()) as plain text, 200 columns wide."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def notes(app) -> list[str]:
    """The notifications the app shows now."""
    return [n.message for n in app._notifications]


async def console_app(server: ExerciseServer, **options):
    """The White Cell's app, joined: (RemoteApp, its client)."""
    from wargame.tui.remote import RemoteApp

    white = Client(f"ws://127.0.0.1:{server.port}", server.codes[WHITE], **options)
    await white.join()
    return RemoteApp(white), white


async def seat_app(server: ExerciseServer, seat: str = "is", **options):
    """A cell's app, joined as ``seat``: (RemoteApp, its client)."""
    from wargame.tui.remote import RemoteApp

    client = Client(f"ws://127.0.0.1:{server.port}", server.codes[seat], **options)
    await client.join()
    return RemoteApp(client), client


@contextlib.asynccontextmanager
async def on_screen(server: ExerciseServer, join: Callable[..., Awaitable[tuple[Any, Client]]], *args: Any,
                    size: tuple[int, int], **options: Any) -> AsyncIterator[tuple[Any, Client, Any]]:
    """What every test of a networked screen opens with: the server started, an app joined by
    ``join(server, *args, **options)`` (:func:`seat_app`, :func:`console_app`) and running at
    ``size``: (app, its client, the pilot). The server is closed after, whatever happened."""
    await server.start()
    try:
        app, client = await join(server, *args, **options)
        async with app.run_test(size=size) as pilot:
            yield app, client, pilot
    finally:
        await server.close()
