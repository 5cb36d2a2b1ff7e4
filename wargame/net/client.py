"""The client of a networked exercise: one seat's connection to ``wargame serve`` (docs/protocol.md).

A :class:`Client` joins with its seat's code (:meth:`Client.join`), then :meth:`Client.run` reads
the server's messages, keeps what the seat has been told (its latest view and legal orders, whose
orders are awaited, which seats are connected, the last results and charts, the channel messages) and hands each message on (its
``listener``, and the :attr:`Client.messages` queue). When the connection drops it joins again by
itself with the same code, after a bounded backoff (at most :data:`BACKOFF`'s last, 3 seconds,
between attempts), for as long as it takes (a server restarted from its save keeps the codes:
docs/protocol.md), and the seat's orders in progress (:attr:`Client.draft`) are kept across it;
orders it gave while the connection was down are sent on rejoining. A refused code is not
retried: :class:`JoinRefused`.
No Textual here: the terminal UI (wargame.tui.remote) drives it.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import ssl
from collections.abc import Callable
from typing import Any

import attrs
import cattrs
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from wargame.engine.view import Estimate, View
from wargame.files import FileProblem, read_capped
from wargame.net.protocol import CLOSE_REVOKED, VERSION, ClientMessage, GiveOrders, Join, OrderEntry, Say, encode_client

BACKOFF = (0.05, 0.25, 0.5, 1.0, 2.0, 3.0)  # seconds before each new attempt to join again (the last repeats)
OPEN_TIMEOUT = 5.0
# A certificate file (PEM) whose first certificate a wss:// server must present, whatever name it
# was issued for: set by ``wargame serve --web --cert`` for the browser sessions' clients, which
# reach their own server on this machine (127.0.0.1, a name no certificate need carry).
SERVER_CERT_ENV = "WARGAME_SERVER_CERT"
_PEM = re.compile(r"-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----")


class ClientError(Exception):
    """The seat cannot join: an address that does not answer, or a code the server refuses. One sentence."""


class JoinRefused(ClientError):
    """The server refused the join (a wrong code, too many wrong codes): not retried."""


class Revoked(JoinRefused):
    """The White Cell revoked the seat's code (the server closed the connection with 4001): the
    seat joins again only with the new code the White Cell gives."""

    def __init__(self) -> None:
        super().__init__("the White Cell revoked this seat's code: ask it for the new one")




def address_url(address: str) -> str:
    """``HOST:PORT`` (or a ``ws://`` URL) as a websocket URL; ValueError with the reason otherwise."""
    if address.startswith(("ws://", "wss://")):
        return address
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{address!r} is not HOST:PORT (e.g. 127.0.0.1:8765)")
    return f"ws://{host}:{int(port)}"


def pinned_context(cert: str) -> ssl.SSLContext:
    """A TLS client context that trusts exactly the first certificate of the PEM file ``cert``
    (pinned: no other certificate, not even one of its issuer's, is trusted; its names are not
    checked). ValueError (one sentence) if the file holds no usable certificate."""
    try:
        text = read_capped(cert, 1024 * 1024, "certificate").decode("ascii", "replace")
    except FileProblem as e:
        raise ValueError(str(e)) from None
    first = _PEM.search(text)
    if first is None:
        raise ValueError(f"{cert}: no PEM certificate in it")
    try:
        context = ssl.create_default_context(cadata=first.group(0))
    except ssl.SSLError as e:
        raise ValueError(f"{cert}: not a usable certificate: {e}") from None
    context.check_hostname = False
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN  # the certificate itself is the trust anchor
    return context


_views = cattrs.Converter()


def view_from_payload(payload: dict[str, Any]) -> View:
    """A ``view`` message's view as the engine's :class:`View` (what the board's widgets draw)."""
    data = {k: v for k, v in payload.items() if k != "tracks"}
    tracks = {name: Estimate(int(lo), int(hi)) for name, (lo, hi) in payload["tracks"].items()}
    return attrs.evolve(_views.structure({**data, "tracks": {}}, View), tracks=tracks)


class Client:
    """One seat's connection. ``listener(message)`` is called with every server message (a dict),
    and with ``{"type": "connection", "up": bool}`` when the connection drops or is made again; while
    it is down, after each attempt to join again that failed, with ``{"type": "connection", "up":
    False, "attempt": n, "retry_in": seconds, "why": one sentence}``; while the server keeps a join
    waiting for a seat another connection holds, with ``{"type": "connection", "up": False,
    "waiting": True, "why": one sentence}`` (the join goes on waiting: see docs/protocol.md)."""

    def __init__(self, url: str, code: str, listener: Callable[[dict[str, Any]], None] | None = None,
                 backoff: tuple[float, ...] = BACKOFF):
        self.url, self.code = url, code
        self.listener = listener
        self.backoff = backoff
        self.messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.ws: ClientConnection | None = None
        self.seat: str | None = None
        self.view: dict[str, Any] | None = None  # the latest view payload
        self.orders: list[dict[str, Any]] = []  # the seat's legal orders now: kind, theatre, cost
        self.given: list[dict[str, Any]] = []  # the orders the server has from the seat this turn
        self.awaiting: list[str] = []
        self.joined: list[str] = []  # the seats connected now (White Cell included), as the server last said
        self.coded: list[str] | None = None  # to the White Cell: the seats with a join code (its welcome's)
        self.bots: list[str] = []  # the cells a bot plays (its welcome's)
        self.results: list[dict[str, Any]] = []  # the records of the last results message
        # the charts of the last charts message: {"title", "lo", "hi", "quarters", "values"} each (only those the seat may see)
        self.charts: list[dict[str, Any]] = []
        self.said: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self.draft: list[OrderEntry] = []  # the orders being chosen: kept across a reconnect
        self.draft_turn: int | None = None
        self.reconnects = 0
        self.connected = asyncio.Event()
        self._stopped = False
        self._unsent: list[str] = []  # messages given while the connection was down

    # joining

    async def join(self) -> dict[str, Any]:
        """Connect and join; the ``welcome``. Raises :class:`ClientError` (one sentence) if the
        address does not answer or the code is refused."""
        options: dict[str, Any] = {}
        pinned = os.environ.get(SERVER_CERT_ENV)
        if pinned and self.url.startswith("wss://"):
            try:
                options["ssl"] = pinned_context(pinned)
            except ValueError as e:
                raise ClientError(f"{SERVER_CERT_ENV}: {e}") from None
        try:
            ws = await connect(self.url, open_timeout=OPEN_TIMEOUT, max_size=None, **options)
        except InvalidURI:
            raise ClientError(f"{self.url} is not a websocket address") from None
        except (OSError, InvalidHandshake, TimeoutError) as e:
            if isinstance(e, ConnectionRefusedError) or "Connect call failed" in str(e):  # one address or several
                raise ClientError(f"cannot reach {self.url}: nothing answers there (is wargame serve running, "
                                  "and on that port?)") from None
            raise ClientError(f"cannot reach {self.url}: {_why(e)}") from None
        try:
            await ws.send(encode_client(Join(self.code)))
            waiting = False
            while True:
                # once the server keeps this connection waiting for its seat, the wait has no end
                # but the White Cell's approval or the holder's connection dropping
                raw = await (ws.recv() if waiting else asyncio.wait_for(ws.recv(), OPEN_TIMEOUT))
                message = json.loads(raw)
                if message.get("type") == "welcome":
                    break
                if message.get("type") == "error" and message.get("waiting") is True:
                    waiting = True
                    self._emit({"type": "connection", "up": False, "waiting": True,
                                "why": f"waiting for the seat: {message.get('reason')}"})
                    continue
                if message.get("type") == "error":
                    if ws.close_code is not None or "code" in message.get("reason", ""):
                        raise JoinRefused(f"the server refused the code: {message.get('reason')}")
                    raise ClientError(f"the server refused the join: {message.get('reason')}")
        except (ConnectionClosed, TimeoutError, OSError, ValueError) as e:
            await ws.close()
            if isinstance(e, ConnectionClosed) and e.rcvd is not None and e.rcvd.code == 1008:
                raise JoinRefused(f"the server refused the code: {e.rcvd.reason}") from None
            raise ClientError(f"{self.url} did not let the seat join: {_why(e)}") from None
        except (ClientError, asyncio.CancelledError):  # refused, or given up (a join waiting for its seat)
            await asyncio.shield(ws.close())  # the server forgets the waiting connection at once
            raise
        self.ws = ws
        self._take(message)
        self.connected.set()
        for text in self._unsent:
            await ws.send(text)
        self._unsent.clear()
        return message

    async def run(self) -> None:
        """Read the server's messages until :meth:`stop` or the game is over; join again when the
        connection drops. Raises :class:`JoinRefused` if a rejoin is refused for its code."""
        attempt = 0
        while not self._stopped:
            if self.ws is None:
                await asyncio.sleep(self.backoff[min(attempt, len(self.backoff) - 1)])
                attempt += 1
                try:
                    await self.join()
                except JoinRefused:
                    raise
                except ClientError as e:
                    wait = self.backoff[min(attempt, len(self.backoff) - 1)]
                    self._emit({"type": "connection", "up": False, "attempt": attempt, "retry_in": wait,
                                "why": f"{e}; trying again in {wait:g} seconds"})
                    continue
                self.reconnects += 1
                self._emit({"type": "connection", "up": True})
                attempt = 0
            ws = self.ws
            assert ws is not None
            try:
                async for raw in ws:
                    if isinstance(raw, str):
                        self._take(json.loads(raw))
            except ConnectionClosed:
                pass
            self.ws = None
            if ws.close_code == CLOSE_REVOKED:  # joining again with the old code would only be refused
                self.connected.clear()
                raise Revoked()
            self.connected.clear()
            if self._stopped or (self.view is not None and self.view.get("phase") == "over"):
                return
            self._emit({"type": "connection", "up": False})

    async def stop(self) -> None:
        self._stopped = True
        if self.ws is not None:
            await self.ws.close()

    # what the seat does

    async def give_orders(self, orders: list[OrderEntry] | None = None) -> None:
        """Give the seat's orders (by default the draft). Given again before the turn is resolved,
        they replace the earlier ones. While the connection is down, they are sent on rejoining."""
        await self._send(encode_client(GiveOrders(list(self.draft if orders is None else orders))))

    async def say(self, channel: str, text: str) -> None:
        await self._send(encode_client(Say(channel, text)))

    async def send(self, message: ClientMessage) -> None:
        """Send any client message (the White Cell's requests: :class:`~wargame.net.protocol.Pause`,
        ...); while the connection is down, it is sent on rejoining."""
        await self._send(encode_client(message))

    async def _send(self, text: str) -> None:
        if self.ws is None:
            self._unsent.append(text)
            return
        try:
            await self.ws.send(text)
        except ConnectionClosed:
            self._unsent.append(text)

    # what the seat is told

    def _take(self, message: dict[str, Any]) -> None:
        if message.get("v") != VERSION:
            return
        kind = message.get("type")
        if kind in ("welcome", "view"):
            if kind == "welcome":
                self.seat = message["seat"]
                self.coded = message.get("coded")
                self.bots = list(message.get("bots", []))
                self.said = []  # the server sends the channels again after a welcome
            self.view = message["view"]
            self.orders = message.get("orders", [])
            self.given = message.get("given", [])
            turn = self.view["turn"]
            if self.draft_turn != turn or self.view["phase"] != "orders":
                # a new turn: the draft starts from what the server has (nothing, or given before)
                self.draft = [OrderEntry(o["kind"], o.get("theatre")) for o in self.given]
                self.draft_turn = turn
        elif kind == "given":  # the server took the seat's orders; the turn waits on others
            self.given = list(message["orders"])
        elif kind == "awaiting":
            self.awaiting = list(message["cells"])
        elif kind == "joined":
            self.joined = list(message["seats"])
        elif kind == "results":
            self.results = list(message["records"])
        elif kind == "charts":
            self.charts = list(message["charts"])
        elif kind == "said":
            self.said.append(message)
        elif kind == "error":
            self.errors.append(message.get("reason", ""))
        self._emit(message)

    def _emit(self, message: dict[str, Any]) -> None:
        self.messages.put_nowait(message)
        if self.listener is not None:
            self.listener(message)


def _why(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text[:200]
