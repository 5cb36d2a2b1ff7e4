"""``wargame join HOST:PORT --code CODE``: a cell (or the White Cell) joins a networked exercise
from its own terminal (see wargame.net.client and docs/protocol.md). Without ``--code`` the screen
asks for the code first: that is how ``wargame serve --web`` runs it for each browser session."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import Any

from wargame.cli import terminal
from wargame.cli.exits import fail


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    join = subparsers.add_parser("join", help="join a networked exercise (wargame serve) with your seat's code")
    join.add_argument("address", metavar="HOST:PORT", help="the server's address, e.g. 127.0.0.1:8765")
    join.add_argument("--code", help="your seat's join code, as the facilitator gave it (default: the screen asks for it)")
    return join


def join_command(args: argparse.Namespace) -> int:
    from wargame.net.client import Client, ClientError, address_url

    try:
        url = address_url(args.address)
    except ValueError as e:
        return fail(str(e))

    if args.code is None:
        if not (terminal.at_terminal() or in_browser()):
            return fail("without --code the screen asks for the code, and it needs a terminal: give --code CODE")
        from wargame.tui.remote import RemoteApp

        async def ask() -> int:
            app = RemoteApp(url=url)
            await app.run_async()
            if app.client is not None:
                await app.client.stop()
            return fail(app.goodbye.removeprefix("wargame: ")) if app.goodbye else 0

        return asyncio.run(ask())

    def waiting(message: dict[str, Any]) -> None:  # the seat is held: say why the join takes a while
        if message.get("waiting"):
            print(f"wargame join: {message['why']} (ctrl+c to give up)", file=sys.stderr, flush=True)

    async def run() -> int:
        client = Client(url, args.code, listener=waiting)
        try:
            await client.join()
        except ClientError as e:
            return fail(str(e))
        if not (terminal.at_terminal() or in_browser()):
            await client.stop()
            return fail(f"joined as {client.seat}, but the seat's screen needs a terminal")
        from wargame.tui.remote import RemoteApp

        app = RemoteApp(client)
        await app.run_async()
        await client.stop()
        if app.goodbye:
            return fail(app.goodbye.removeprefix("wargame: "))
        return 0

    return asyncio.run(run())


def in_browser() -> bool:
    """Is this the client of a browser session (``wargame serve --web``: textual-serve runs it with
    Textual's web driver, through pipes rather than a terminal)?"""
    return "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")
