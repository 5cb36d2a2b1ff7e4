"""``wargame serve``: a networked exercise. The server holds the game and prints one join code
per human seat and one for the White Cell (see wargame.net.server and docs/protocol.md).

With ``--load SAVE`` a saved exercise (the server's own autosave, or any save) is continued where
it stopped; the game is autosaved after every command, and the server's own settings (the pause,
the time limit and the phase's clock, waiting takeovers, the join codes' digests) are kept beside
it in ``STEM.exercise.json`` (wargame.net.settings) and restored: the codes of the last run still
work, unless ``--new-codes``. With ``--cert`` and
``--key`` the server speaks TLS (``wss://``); ``--host`` listens beyond this machine. With ``--web``
a web server beside it (textual-serve, wargame.tui.web) runs the join client in a browser for cells
without a terminal: it asks for the join code first, and the web address is printed with the codes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import ssl
import sys
from typing import Any

from wargame.cli import arguments
from wargame.cli.exits import EXIT_BAD_DATA, fail
from wargame.engine.dice import fresh_seed
from wargame.engine.model import CELLS
from wargame.engine.rulebook import Rulebook


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    serve = subparsers.add_parser("serve", help="serve an exercise over the network: print the join codes and run")
    serve.add_argument("--scenario", type=arguments.given, default=None, help="scenario id (default: exercise)")
    serve.add_argument("--seats", type=arguments.given, default="all=human",
                       help="who plays each cell: all=human, or is=bot,coalition=human,... (default all=human)")
    serve.add_argument("--seed", type=arguments.seed, default=None, help="the game's seed (default: a fresh one)")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0: all)")
    serve.add_argument("--port", type=int, default=8765, help="the port (default 8765; 0: any free port)")
    serve.add_argument("--save", type=arguments.file_path,
                       help="autosave the game to this file after every command (with --load: by default the save loaded)")
    serve.add_argument("--load", type=arguments.file_path, metavar="SAVE",
                       help="continue a saved exercise where it stopped (paused or not, its time limit, its join codes)")
    serve.add_argument("--new-codes", action="store_true",
                       help="with --load: new join codes for every seat (the last run's stop working)")
    serve.add_argument("--exercise", type=arguments.title, default="", help="the exercise's name, kept in the save")
    serve.add_argument("--cert", type=arguments.file_path, metavar="FILE", help="TLS certificate (PEM): serve wss:// (with --key)")
    serve.add_argument("--key", type=arguments.file_path, metavar="FILE", help="the certificate's private key (PEM)")
    serve.add_argument("--web", action="store_true",
                       help="also serve the join client in a browser (textual-serve), for cells without a terminal")
    serve.add_argument("--web-port", type=int, default=8000, help="the web server's port, with --web (default 8000; 0: any free port)")
    serve.add_argument("--web-url", metavar="URL",
                       help="the address browsers use for the web server, if not http://HOST:WEB_PORT (e.g. behind a proxy)")
    return serve


def web_command(scheme: str, host: str, port: int, cert: Any = None) -> str:
    """The command textual-serve runs (in a shell) for each browser session: the join client, with
    no code (it asks for one), joining the game server from this machine. With TLS (``cert``: the
    server's certificate) the client trusts that certificate exactly: it reaches the server at a
    local address the certificate need not name, and a self-signed one works too."""
    from wargame.net.client import SERVER_CERT_ENV
    from wargame.tui.web import local_host

    host = local_host(host)
    if ":" in host:
        host = f"[{host}]"
    command = shlex.join([sys.executable, "-m", "wargame", "join", f"{scheme}://{host}:{port}"])
    if cert is not None:
        command = f"{SERVER_CERT_ENV}={shlex.quote(os.path.abspath(cert))} {command}"
    return command


PEM_MOST = 1024 * 1024
"""The largest certificate or key file read (bytes): a PEM chain is a few kilobytes."""


def tls_context(cert: Any, key: Any) -> ssl.SSLContext:
    """A server's TLS context from a PEM certificate and key. Raises FileProblem (one line) for
    what is not a regular file of at most :data:`PEM_MOST` bytes (a named pipe would block the
    reader for ever, /dev/zero never ends), OSError or ssl.SSLError if the files are unusable."""
    from wargame.files import read_capped

    for path, what in ((cert, "certificate"), (key, "private key")):
        read_capped(path, PEM_MOST, what)  # (checked first: OpenSSL reads whatever it is given)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


def serve_command(rb: Rulebook, args: argparse.Namespace) -> int:
    from wargame.files import FileProblem, refusal
    from wargame.net.server import ExerciseServer
    from wargame.net.settings import KIND, SettingsError, read_settings, settings_path
    from wargame.record.document import SaveError
    from wargame.table.session import Session, parse_seats

    if not 0 <= args.port <= 65535:
        return fail(f"--port {args.port}: a port is 0..65535")
    if not 0 <= args.web_port <= 65535:
        return fail(f"--web-port {args.web_port}: a port is 0..65535")
    if args.load is not None and arguments.kept_by_the_save(args):
        return fail(arguments.kept_by_the_save(args))  # type: ignore[arg-type]
    args.scenario = args.scenario or "exercise"
    if args.new_codes and args.load is None:
        return fail("--new-codes goes with --load: a new exercise's codes are new anyway")
    if (args.cert is None) != (args.key is None):
        return fail("--cert and --key go together: the certificate and its private key")
    context = None
    if args.cert is not None:
        try:
            context = tls_context(args.cert, args.key)
        except FileProblem as e:
            return fail(str(e))
        except (OSError, ssl.SSLError) as e:
            return fail(f"--cert {args.cert} --key {args.key}: {e}")
    save = args.save
    kept = None
    try:
        if args.load is not None:
            session, save = _loaded(rb, args)
            try:
                kept = read_settings(settings_path(args.load), session.game.header.game,
                                     tuple(c for c in CELLS if session.is_human(c)) + ("white",))
            except SettingsError:
                session.close()
                raise
        else:
            if args.scenario not in rb.scenarios:
                return fail(f"no scenario {args.scenario!r} (scenarios: {', '.join(rb.scenarios)})")
            seats = parse_seats(args.seats, {})
            seed = args.seed if args.seed is not None else fresh_seed()
            session = Session.new(rb, args.scenario, seed, seats, args.exercise, save=save)
    except (SaveError, SettingsError) as e:
        return fail(str(e), EXIT_BAD_DATA)
    except ValueError as e:
        return fail(str(e))
    if save is not None:
        why = refusal(settings_path(save), KIND)
        if why:
            session.close()
            return fail(f"the exercise's settings go beside the save: {why}", EXIT_BAD_DATA)
    scheme = "wss" if context is not None else "ws"

    async def run() -> int:
        server = ExerciseServer(session, args.host, args.port, ssl_context=context)
        if kept is not None:
            server.restore(kept, codes=not args.new_codes)
        await server.start()
        title = session.scenario.title
        web = None
        if args.web:
            from wargame.tui.web import WebServer

            web = WebServer(web_command(scheme, args.host, server.port, args.cert), args.host, args.web_port,
                            title=f"wargame: {title}", public_url=args.web_url)
            try:
                await web.start()
            except OSError as e:
                await server.close()
                return fail(f"--web-port {args.web_port}: {e}")
        print(f"Serving {title} on {scheme}://{args.host}:{server.port}"
              + (f", continued from {args.load}" if args.load else "")
              + (f", autosaved to {save}" if save else ""))
        address = f"{args.host if args.host not in ('0.0.0.0', '::') else 'THIS-MACHINE'}:{server.port}"
        address = f"wss://{address}" if scheme == "wss" else address  # HOST:PORT alone is ws://
        for seat in server.digests:
            code = server.codes.get(seat)
            print(f"  {seat:12} {code}    wargame join {address} --code {code}" if code
                  else f"  {seat:12} (the code of the last run: it still works)")
        if not server.codes:
            print("The codes are kept from the last run (only their digests are stored, so they cannot be shown "
                  "again): the seats rejoin by themselves. Lost a code? Stop and start again with --new-codes.")
        elif args.host in ("0.0.0.0", "::"):
            print("THIS-MACHINE: this machine's address on the room's network (e.g. from `hostname -I`).")
        if server.paused:
            print("The game is paused, as it was when the server stopped: the White Cell resumes it.")
        if server.time_limit is not None:
            print(f"Time limit: {server.time_limit:g} seconds per orders phase, this phase's clock going on from where it was.")
        if web is not None:
            print(f"In a browser: {web.url} (it asks for the seat's code)")
        kept_where = (f"{save} keeps the game" if save is not None
                      else "nothing is saved: the game ends with the server; give --save FILE to keep it")
        print(f"Give each seat its code, and no one else's. Ctrl+C stops the server ({kept_where}).", flush=True)
        try:
            await server.finished.wait()
            print("The game is over.")
        finally:
            if web is not None:
                await web.close()
            await server.close()
        return 0

    try:
        return asyncio.run(run())
    except KeyboardInterrupt:
        if save is not None and not session.state.over:  # the facilitator stopped it: say how it goes on
            print(f"\nStopped. The game is saved; continue it with: wargame serve --load {save}", flush=True)
        raise
    finally:
        session.close()


def _loaded(rb: Rulebook, args: argparse.Namespace):
    """The session of a saved exercise, checked as ``wargame play --load`` checks it."""
    from wargame.record.document import SaveError
    from wargame.record.load import load
    from wargame.record.save import lock_save, save_refusal
    from wargame.table.session import Session

    held = lock_save(args.load)  # before reading it: no other process continues it meanwhile
    try:
        doc, game, check = load(args.load, rb)
        if not check.verified:
            raise SaveError(f"{args.load}: {check.message}; see: wargame replay {args.load} --verify")
        save = args.save or args.load
        why = save_refusal(save, doc.game)
        if why:
            raise SaveError(why)
        return Session(game.rulebook, game, save=save, created=doc.created), save
    finally:
        held.release()
