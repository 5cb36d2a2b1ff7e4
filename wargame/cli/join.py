"""``wargame join HOST:PORT --code CODE``: a cell (or the White Cell) joins a networked exercise
from its own terminal (see wargame.net.client and docs/protocol.md)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from wargame.cli import terminal
from wargame.cli.exits import fail


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    join = subparsers.add_parser("join", help="join a networked exercise (wargame serve) with your seat's code")
    join.add_argument("address", metavar="HOST:PORT", help="the server's address, e.g. 127.0.0.1:8765")
    join.add_argument("--code", required=True, help="your seat's join code, as the facilitator gave it")
    return join


def join_command(args: argparse.Namespace) -> int:
    from wargame.net.client import Client, ClientError, address_url

    try:
        url = address_url(args.address)
    except ValueError as e:
        return fail(str(e))

    async def run() -> int:
        client = Client(url, args.code)
        try:
            await client.join()
        except ClientError as e:
            return fail(str(e))
        if not terminal.at_terminal():
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
