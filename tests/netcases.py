"""What the networked exercise's tests share: talking to a real server over a real socket.

Each helper awaits a message with a timeout rather than sleeping: a test waits for what the server
says, never for a while.
"""

from __future__ import annotations

import asyncio
import json

from websockets.asyncio.client import connect

TIMEOUT = 10.0  # seconds to wait for one message before the test fails


def message(kind: str, **fields) -> str:
    """A client message of the protocol (docs/protocol.md), version 1."""
    return json.dumps({"v": 1, "type": kind, **fields})


async def recv_any(ws) -> dict:
    """The next message, whatever it is (``joined`` too)."""
    return json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))


async def recv(ws) -> dict:
    """The next message, skipping ``joined`` (who is connected: tests/test_net_joined.py)."""
    while True:
        m = await recv_any(ws)
        if m.get("type") != "joined":
            return m


async def recv_type(ws, kind: str) -> dict:
    """The next message of ``kind``, skipping the others."""
    while True:
        m = await recv(ws)
        if m["type"] == kind:
            return m


async def joined(port: int, code: str, scheme: str = "ws", **options):
    """A connection that has joined with ``code``, read up to its first ``awaiting``; and its welcome."""
    ws = await connect(f"{scheme}://127.0.0.1:{port}", **options)
    await ws.send(message("join", code=code))
    welcome = await recv(ws)
    assert welcome["type"] == "welcome", welcome
    await recv_type(ws, "awaiting")
    return ws, welcome


def run(coro):
    """Run a test's coroutine, failing it after a minute rather than hanging."""
    return asyncio.run(asyncio.wait_for(coro, 60))
