"""What the networked exercise tells the people at it, in words they can act on.

A facilitator starting a server, a cell whose code was revoked, a trainee mistyping a code or a
port: each is told what happened and what to do, not a socket error.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys

import pytest
from websockets.asyncio.client import connect

from tests.netcases import joined, message, recv, recv_type, run
from wargame.engine.model import CELLS
from wargame.net.client import Client, ClientError, Revoked
from wargame.net.server import WHITE, ExerciseServer
from wargame.table.session import Session


def _server(rulebook, seats=None) -> ExerciseServer:
    return ExerciseServer(Session.new(rulebook, "exercise", 5, seats or {c: "human" for c in CELLS}))


def test_the_white_cell_is_told_which_seats_have_a_code_and_every_seat_which_are_bots(rulebook):
    server = _server(rulebook, {"is": "human", "aq": "human", "coalition": "doctrine", "governments": "random"})

    async def main() -> None:
        await server.start()
        try:
            white, welcome = await joined(server.port, server.codes[WHITE])
            assert welcome["coded"] == ["is", "aq", "white"]  # a bot's seat has none to revoke
            assert welcome["bots"] == ["coalition", "governments"]  # every seat is told which cells bots play
            cell, welcome = await joined(server.port, server.codes["is"])
            assert "coded" not in welcome and welcome["bots"] == ["coalition", "governments"]  # codes: the White Cell's
            await cell.close()
            await white.close()
        finally:
            await server.close()

    run(main())


def test_a_cell_whose_code_is_revoked_is_told_so_and_does_not_retry_the_old_code(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            white, _ = await joined(server.port, server.codes[WHITE])
            client = Client(f"ws://127.0.0.1:{server.port}", server.codes["aq"])
            await client.join()
            reading = asyncio.create_task(client.run())
            await white.send(message("revoke", seat="aq"))
            assert (await recv_type(white, "code"))["seat"] == "aq"
            with pytest.raises(Revoked, match="revoked this seat's code: ask it for the new one"):
                await asyncio.wait_for(reading, 10)
            await white.close()
        finally:
            await server.close()

    run(main())


def test_too_many_wrong_codes_say_how_long_to_wait(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            for _ in range(5):
                ws, _ = await _refused(server.port, "not-a-code")
            ws, reply = await _refused(server.port, server.codes["is"])  # even the right one, for a while
            assert reply.startswith("too many wrong codes from this address: try again in ")
            assert reply.endswith(" seconds") and 1 <= int(reply.split()[-2]) <= 60
        finally:
            await server.close()

    run(main())


async def _refused(port: int, code: str):
    ws = await connect(f"ws://127.0.0.1:{port}")
    await ws.send(message("join", code=code))
    reply = (await recv(ws))["reason"]
    await ws.close()
    return ws, reply


def test_a_port_where_nothing_listens_is_said_in_words():
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    async def main() -> None:
        with pytest.raises(ClientError) as refused:
            await Client(f"ws://127.0.0.1:{port}", "any").join()
        assert str(refused.value) == (f"cannot reach ws://127.0.0.1:{port}: nothing answers there "
                                      "(is wargame serve running, and on that port?)")

    run(main())


def test_serve_prints_each_seat_the_command_that_joins_it_and_on_ctrl_c_how_to_continue(tmp_path):
    command = [sys.executable, "-m", "wargame", "serve", "--port", "0", "--save", str(tmp_path / "ex.json"),
               "--seats", "is=human,aq=doctrine,coalition=doctrine,governments=doctrine"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as server:
        try:
            lines = []
            assert server.stdout is not None
            for line in server.stdout:  # the banner ends with the line about Ctrl+C
                lines.append(line)
                if "Ctrl+C" in line:
                    break
            server.send_signal(signal.SIGINT)  # the facilitator's Ctrl+C
            rest, _ = server.communicate(timeout=30)
        finally:
            if server.poll() is None:
                server.kill()
    assert f"Stopped. The game is saved; continue it with: wargame serve --load {tmp_path / 'ex.json'}" in rest
    port = lines[0].split("127.0.0.1:")[1].split(",")[0].split()[0]
    seats = {line.split()[0]: line.split() for line in lines[1:] if line.startswith("  ")}
    assert set(seats) == {"is", "white"}
    for words in seats.values():
        assert words[2:6] == ["wargame", "join", f"127.0.0.1:{port}", "--code"] and words[6] == words[1]
