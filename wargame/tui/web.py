"""The browser's way in to a networked exercise (``wargame serve --web``): a textual-serve web
server, in the game server's own event loop, whose page runs the join client (``command``) in a
process of its own for each browser session. The client asks for the join code first, so one
address serves every seat. It lives with the terminal UI because it serves that UI to a browser
(textual-serve starts the client as a command; nothing here imports Textual itself).

textual-serve's own ``Server.serve()`` runs an event loop of its own and takes the signals; here
its aiohttp application is run on an ``AppRunner`` beside the websockets server instead, so the
two start, and stop (at the end of the game or on Ctrl+C), together.
"""

from __future__ import annotations

import socket
from typing import Any

from aiohttp import web
from textual_serve.server import Server

SHUTDOWN_TIMEOUT = 2.0  # seconds the open browser sessions get to close when the server stops
WILDCARDS = ("", "0.0.0.0", "::")


def local_host(host: str) -> str:
    """The address this machine reaches a server listening on ``host`` at (a wildcard: loopback)."""
    return "127.0.0.1" if host in WILDCARDS else host


class _QuietServer(Server):
    """textual-serve's server without its banner (``wargame serve`` prints the web address itself)."""

    async def on_startup(self, app: web.Application) -> None:
        pass


class WebServer:
    """A textual-serve server running ``command`` for each browser session, on ``host:port``
    (port 0: any free one). ``public_url`` is the address browsers use, if not ``http://host:port``
    (e.g. behind a proxy); with a wildcard host it is by default this machine's name."""

    def __init__(self, command: str, host: str = "127.0.0.1", port: int = 8000, title: str = "wargame",
                 public_url: str | None = None):
        self.command, self.host, self.port, self.title = command, host, port, title
        self.public_url = public_url
        self._runner: web.AppRunner | None = None
        self._served: Any = None

    @property
    def url(self) -> str:
        assert self._served is not None, "the web server is not started"
        return self._served.public_url

    async def start(self) -> None:
        """Listen (OSError if the address is taken or unusable)."""
        served = _QuietServer(self.command, host=self.host, port=self.port, title=self.title)
        runner = web.AppRunner(await served._make_app(), shutdown_timeout=SHUTDOWN_TIMEOUT, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host or None, self.port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        addresses = [a for a in runner.addresses if isinstance(a, tuple)]
        if addresses:
            self.port = addresses[0][1]
        host = socket.gethostname() if self.host in WILDCARDS else self.host
        if ":" in host:  # an IPv6 address
            host = f"[{host}]"
        served.port = self.port
        served.public_url = (self.public_url or f"http://{host}:{self.port}").rstrip("/")
        self._served, self._runner = served, runner

    async def close(self) -> None:
        """Stop listening; the browser sessions' client processes are told to quit."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
