"""``wargame serve``: a networked exercise. The server holds the game and prints one join code
per human seat and one for the White Cell (see wargame.net.server and docs/protocol.md)."""

from __future__ import annotations

import argparse
import asyncio
import os
from typing import Any

from wargame.cli import arguments
from wargame.cli.exits import fail
from wargame.engine.rulebook import Rulebook


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    serve = subparsers.add_parser("serve", help="serve an exercise over the network: print the join codes and run")
    serve.add_argument("--scenario", default="exercise", help="scenario id (default: exercise)")
    serve.add_argument("--seats", default="all=human", help="who plays each cell: all=human, or is=bot,coalition=human,... (default all=human)")
    serve.add_argument("--seed", type=arguments.seed, default=None, help="the game's seed (default: a fresh one)")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8765, help="the port (default 8765; 0: any free port)")
    serve.add_argument("--save", type=arguments.file_path, help="autosave the game to this file after every command")
    serve.add_argument("--exercise", default="", help="the exercise's name, kept in the save")
    return serve


def serve_command(rb: Rulebook, args: argparse.Namespace) -> int:
    from wargame.net.server import ExerciseServer
    from wargame.table.session import Session, parse_seats

    if args.scenario not in rb.scenarios:
        return fail(f"no scenario {args.scenario!r} (scenarios: {', '.join(rb.scenarios)})")
    if not 0 <= args.port <= 65535:
        return fail(f"--port {args.port}: a port is 0..65535")
    try:
        seats = parse_seats(args.seats, {})
        seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
        session = Session.new(rb, args.scenario, seed, seats, args.exercise, save=args.save)
    except ValueError as e:
        return fail(str(e))

    async def run() -> None:
        server = ExerciseServer(session, args.host, args.port)
        await server.start()
        print(f"Serving {rb.scenarios[args.scenario].title} on ws://{args.host}:{server.port}"
              + (f", autosaved to {args.save}" if args.save else ""))
        for seat, code in server.codes.items():
            print(f"  {seat:12} {code}")
        print("Give each seat its code, and no one else's. Ctrl+C stops the server (the save keeps the game).", flush=True)
        try:
            await server.finished.wait()
            print("The game is over.")
        finally:
            await server.close()

    try:
        asyncio.run(run())
    finally:
        session.close()
    return 0
