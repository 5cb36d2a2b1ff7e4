"""The White Cell's powers over the wire, a served exercise continued from its save, and TLS:
over real sockets on localhost (an ephemeral port). Timers run on an injected clock (the test
moves it on and calls the server's tick) or a very short limit whose expiry the test awaits as a
message: no fixed sleeps."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import sys

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.netcases import joined as _joined
from tests.netcases import message as _message
from tests.netcases import recv as _recv
from tests.netcases import recv_type as _recv_type
from tests.netcases import run as _run
from wargame.cli.serve import tls_context
from wargame.engine.model import CELLS
from wargame.net.protocol import record_payload
from wargame.net.server import WHITE, ExerciseServer
from wargame.net.settings import read_settings, settings_path
from wargame.net.white import CLOSE_REVOKED, CLOSE_TAKEN_OVER
from wargame.record import fog
from wargame.record.load import load
from wargame.table.session import Session

HUMANS = dict.fromkeys(CELLS, "human")


def _server(rulebook, save=None, seats=None, clock=None, seed=5, **options) -> ExerciseServer:
    session = Session.new(rulebook, "exercise", seed, seats or HUMANS, save=save)
    return ExerciseServer(session, clock=clock, **options) if clock else ExerciseServer(session, **options)


async def _seats(server: ExerciseServer) -> dict:
    # no bound on a connection's queue of unread messages: a test reads only what it checks, and a
    # full queue would hold back the closing handshake for its whole timeout
    return {s: (await _joined(server.port, server.codes[s], max_queue=None))[0] for s in server.codes}


async def _close_all(conns) -> None:
    for ws in conns:
        await ws.close()


def test_pause_refuses_orders_and_resume_takes_them(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            seats = await _seats(server)
            await seats[WHITE].send(_message("pause"))
            for ws in seats.values():
                assert await _recv(ws) == {"v": 1, "type": "paused", "paused": True}
            await seats["is"].send(_message("give_orders", orders=[]))
            assert (await _recv(seats["is"]))["reason"].startswith("paused")
            assert "is" not in server.session.game.pending
            await seats[WHITE].send(_message("pause"))
            assert "already paused" in (await _recv(seats[WHITE]))["reason"]
            await seats[WHITE].send(_message("resume"))
            for ws in seats.values():
                assert await _recv(ws) == {"v": 1, "type": "paused", "paused": False}
            await seats["is"].send(_message("give_orders", orders=[]))
            assert await _recv(seats["is"]) == {"v": 1, "type": "given", "orders": []}
            assert (await _recv(seats["is"]))["cells"] == ["aq", "coalition", "governments"]
            await _close_all(seats.values())
        finally:
            await server.close()

    _run(main())


def test_a_time_limit_that_passes_has_the_bots_play_and_the_turn_resolve(rulebook):
    now = [100.0]
    server = _server(rulebook, clock=lambda: now[0])

    async def main() -> None:
        await server.start()
        try:
            seats = await _seats(server)
            await seats["is"].send(_message("give_orders", orders=[]))  # is gives its own; the others run out of time
            for ws in seats.values():
                await _recv_type(ws, "awaiting")
            await seats[WHITE].send(_message("set_time_limit", seconds=30))
            for ws in seats.values():  # every connection is told the deadline
                assert await _recv(ws) == {"v": 1, "type": "deadline", "limit": 30.0, "seconds_left": 30.0, "turn": 1,
                                           "paused": False}
            now[0] += 29
            await server.tick()
            assert server.session.state.turn == 1
            now[0] += 2
            await server.tick()
            for ws in seats.values():  # what the turn did; then the White Cell reviews it, the clock stopped
                assert (await _recv(ws))["type"] == "results"
                assert (await _recv(ws))["view"]["phase"] == "events"
                assert (await _recv(ws))["type"] == "charts"  # the charts the seat may see, the turn in them
                assert (await _recv(ws))["cells"] == []
                assert await _recv(ws) == {"v": 1, "type": "review", "turn": 1}
            now[0] += 1000  # a long review costs the next turn nothing: its clock starts when it begins
            await seats[WHITE].send(_message("next_turn"))
            for ws in seats.values():
                m = await _recv(ws)  # the next turn's clock, then its events
                assert m["type"] == "deadline" and m["turn"] == 2 and m["seconds_left"] == 30.0
                assert (await _recv(ws))["type"] == "results"
                assert (await _recv(ws))["view"]["turn"] == 2
                assert (await _recv(ws))["type"] == "charts"
                assert (await _recv(ws))["cells"] == list(CELLS)
            first = [st.command for st in server.session.game.steps if st.command.turn == 1]
            given = [c.cell for c in first if type(c).__name__ == "GiveOrders"]
            assert sorted(given) == sorted(CELLS) and given[0] == "is"
            # the White Cell ends one cell's orders now: its bot plays
            await seats[WHITE].send(_message("end_orders", cell="aq"))
            assert (await _recv_type(seats["aq"], "awaiting"))["cells"] == ["is", "coalition", "governments"]
            await seats[WHITE].send(_message("end_orders", cell="aq"))
            assert "owes no orders" in (await _recv_type(seats[WHITE], "error"))["reason"]
            await _close_all(seats.values())
        finally:
            await server.close()

    _run(main())


def test_a_time_limit_too_short_to_read_the_board_is_refused(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            ws, _ = await _joined(server.port, server.codes[WHITE])
            await ws.send(_message("set_time_limit", seconds=0.06))  # 0.001 minutes, typed by mistake
            reply = await _recv(ws)
            assert reply["type"] == "error" and "at least 30 seconds" in reply["reason"]
            assert server.time_limit is None and server.session.state.turn == 1
            await ws.send(_message("set_time_limit", seconds=30))
            assert (await _recv(ws))["type"] == "deadline" and server.time_limit == 30
            await ws.close()
        finally:
            await server.close()

    _run(main())


def test_a_short_real_time_limit_expires_on_its_own(rulebook):
    # a server whose shortest limit is lowered, so that a real clock runs out within the test
    server = _server(rulebook, seats={**HUMANS, "aq": "doctrine"}, min_time_limit=0.01)

    async def main() -> None:
        await server.start()
        try:
            ws, _ = await _joined(server.port, server.codes[WHITE])
            await ws.send(_message("set_time_limit", seconds=0.05))
            assert (await _recv(ws))["type"] == "deadline"
            assert (await _recv_type(ws, "view"))["view"]["turn"] == 2  # awaited, not slept for
            await ws.send(_message("set_time_limit", seconds=None))
            while (m := await _recv(ws))["type"] != "deadline" or m["limit"] is not None:
                pass
            assert server.deadline is None
            await ws.close()
        finally:
            await server.close()

    _run(main())


def test_a_revoked_code_is_refused_and_the_new_one_works(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            old = server.codes["is"]
            white, _ = await _joined(server.port, server.codes[WHITE])
            cell, _ = await _joined(server.port, old)
            await white.send(_message("revoke", seat="is"))
            issued = await _recv(white)
            assert issued["type"] == "code" and issued["seat"] == "is" and issued["code"] != old
            assert (await _recv(cell))["type"] == "closed"
            with pytest.raises(ConnectionClosed) as closed:
                await _recv(cell)
            assert closed.value.rcvd.code == CLOSE_REVOKED
            async with connect(f"ws://127.0.0.1:{server.port}") as stale:
                await stale.send(_message("join", code=old))
                assert (await _recv(stale))["reason"] == "wrong code"
            again, welcome = await _joined(server.port, issued["code"])
            assert welcome["seat"] == "is"
            await white.send(_message("revoke", seat="nobody"))
            assert "no seat" in (await _recv(white))["reason"]
            await _close_all((again, white))
        finally:
            await server.close()

    _run(main())


def test_a_takeover_needs_the_white_cells_approval(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            white, _ = await _joined(server.port, server.codes[WHITE])
            first, _ = await _joined(server.port, server.codes["is"])
            await white.send(_message("approve_takeover", seat="is"))
            assert "no connection is waiting" in (await _recv(white))["reason"]
            second = await connect(f"ws://127.0.0.1:{server.port}")
            await second.send(_message("join", code=server.codes["is"]))
            assert "already connected" in (await _recv(second))["reason"]
            await second.send(_message("give_orders", orders=[]))  # not seated: refused
            assert "join first" in (await _recv(second))["reason"]
            assert await _recv(white) == {"v": 1, "type": "takeover_requested", "seat": "is"}
            assert server.connections["is"] is not None and "is" in server.takeovers
            await white.send(_message("approve_takeover", seat="is"))
            welcome = await _recv(second)
            assert welcome["type"] == "welcome" and welcome["seat"] == "is"
            assert (await _recv(first))["type"] == "closed"
            with pytest.raises(ConnectionClosed) as closed:
                await _recv(first)
            assert closed.value.rcvd.code == CLOSE_TAKEN_OVER
            await _recv_type(second, "awaiting")
            await second.send(_message("give_orders", orders=[]))
            assert (await _recv_type(second, "awaiting"))["cells"] == ["aq", "coalition", "governments"]
            await _close_all((second, white))
        finally:
            await server.close()

    _run(main())


WHITE_POWERS = [
    _message("pause"), _message("resume"), _message("set_time_limit", seconds=5), _message("end_orders", cell="aq"),
    _message("revoke", seat="aq"), _message("approve_takeover", seat="aq"), _message("inject", card="x"),
    _message("set_track", target="is_funds", value=1, justification="why"),
    _message("override", ref="x", happened=True, justification="why"),
]


def test_no_other_seat_can_use_a_white_cell_power(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            seats = await _seats(server)
            codes = dict(server.codes)
            steps = len(server.session.game.steps)
            for cell in CELLS:
                for text in WHITE_POWERS:
                    await seats[cell].send(text)
                    reply = await _recv(seats[cell])
                    assert reply["type"] == "error" and "only the White Cell" in reply["reason"], (cell, text, reply)
            assert not server.paused and server.time_limit is None and server.codes == codes
            assert len(server.session.game.steps) == steps and not server.session.game.pending
            await _close_all(seats.values())
        finally:
            await server.close()

    _run(main())


def test_a_white_cell_ruling_reaches_each_seat_as_the_fog_allows(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            seats = await _seats(server)
            await seats[WHITE].send(_message("set_track", target="is_funds", value=4, justification=""))
            assert "justification" in (await _recv(seats[WHITE]))["reason"]
            await seats[WHITE].send(_message("set_track", target="no_such", value=4, justification="x"))
            assert "refused" in (await _recv(seats[WHITE]))["reason"]
            game = server.session.game
            start = len(game.steps)
            await seats[WHITE].send(_message("set_track", target="is_funds", value=4, justification="a donor dried up",
                                             secret=True))
            got = {}
            for seat in ("is", WHITE):  # a secret ruling: the others are sent nothing (tests/test_net_secret_ruling.py)
                got[seat] = (await _recv_type(seats[seat], "results"))["records"]
                view = (await _recv_type(seats[seat], "view"))["view"]
                assert view["tracks"]["is_funds"] == [4, 4]
            for seat, records in got.items():
                assert records == [json.loads(json.dumps(record_payload(r))) for i in range(start, len(game.steps))
                                   for r in fog.step_records(game, i, seat)]
            assert got[WHITE] and got["is"]
            await seats[WHITE].send(_message("pause"))  # the next message the others read: not the ruling
            assert [await _recv(seats[s]) for s in ("aq", "coalition", "governments")] == [{"v": 1, "type": "paused", "paused": True}] * 3
            await _close_all(seats.values())
        finally:
            await server.close()

    _run(main())


def test_a_server_restarted_from_its_save_continues_the_same_game(rulebook, tmp_path):
    save = tmp_path / "served.json"
    server = _server(rulebook, save=save)

    async def play_a_turn(server) -> dict:
        seats = await _seats(server)
        if server.review is not None:  # the White Cell starts the turn it was reviewing when the server stopped
            await seats[WHITE].send(_message("next_turn"))
            await _recv_type(seats[WHITE], "view")
        for cell in CELLS:
            await seats[cell].send(_message("give_orders", orders=[]))
        view = (await _recv_type(seats[WHITE], "view"))["view"]
        await _close_all(seats.values())
        return view

    async def first() -> dict:
        await server.start()
        try:
            return await play_a_turn(server)
        finally:
            await server.close()

    before = _run(first())
    server.session.close()
    commands = [st.command for st in server.session.game.steps]
    _doc, game, check = load(save, rulebook)
    assert check.verified and [st.command for st in game.steps] == commands
    again = ExerciseServer(Session(game.rulebook, game, save=save))
    # what the server kept beside the save: the White Cell was reviewing turn 1 when it stopped
    again.restore(read_settings(settings_path(save), game.header.game, tuple(again.digests)), codes=False)
    assert again.review == 1

    async def second() -> None:
        await again.start()
        try:
            assert again.codes[WHITE] != server.codes[WHITE]
            white, welcome = await _joined(again.port, again.codes[WHITE])
            assert welcome["view"] == before
            await white.close()
            after = await play_a_turn(again)
            assert after["turn"] == before["turn"] + 1
        finally:
            await again.close()

    _run(second())
    again.session.close()
    _doc, game, _ = load(save, rulebook)
    assert [st.command for st in game.steps][:len(commands)] == commands and game.state.turn == before["turn"] + 1


def test_wargame_serve_load_continues_a_saved_exercise(rulebook, tmp_path):
    save = tmp_path / "bots.json"
    session = Session.new(rulebook, "exercise", 3, dict.fromkeys(CELLS, "random"), save=save)
    session.run_events()
    for cell in CELLS:
        session.submit(cell, session.bot_choice(cell).orders)
    session.resolve()
    commands = [st.command for st in session.game.steps]
    session.close()
    done = subprocess.run([sys.executable, "-m", "wargame", "serve", "--port", "0", "--load", str(save)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"continued from {save}" in done.stdout and "white" in done.stdout and "The game is over." in done.stdout
    _doc, game, check = load(save, rulebook)
    assert check.verified and game.state.over and [st.command for st in game.steps][:len(commands)] == commands


def _self_signed(tmp_path):
    """A certificate and key for 127.0.0.1 made here: with the cryptography package if installed, else openssl."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    try:
        import cryptography  # noqa: F401
    except ImportError:
        if shutil.which("openssl") is None:
            pytest.skip("neither the cryptography package nor the openssl command is here to make a test certificate")
        done = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                               "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                               "-keyout", str(key), "-out", str(cert)], capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            pytest.skip(f"openssl could not make a test certificate: {done.stderr.strip()[:200]}")
        return cert, key
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(private.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                               x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
                   .sign(private, hashes.SHA256()))
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return cert, key


def test_the_server_speaks_tls_with_a_certificate(rulebook, tmp_path):
    cert, key = _self_signed(tmp_path)
    session = Session.new(rulebook, "exercise", 5, HUMANS)
    server = ExerciseServer(session, ssl_context=tls_context(cert, key))
    trusting = ssl.create_default_context(cafile=str(cert))

    async def main() -> None:
        await server.start()
        try:
            ws, welcome = await _joined(server.port, server.codes["is"], "wss", ssl=trusting)
            assert welcome["seat"] == "is"
            await ws.close()
            with pytest.raises(ssl.SSLError):  # a client that does not trust the certificate
                await connect(f"wss://127.0.0.1:{server.port}", ssl=ssl.create_default_context())
        finally:
            await server.close()

    _run(main())


def test_wargame_serve_with_a_certificate_serves_wss(tmp_path):
    cert, key = _self_signed(tmp_path)
    done = subprocess.run([sys.executable, "-m", "wargame", "serve", "--port", "0", "--seats", "all=bot",
                           "--cert", str(cert), "--key", str(key)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "wss://127.0.0.1:" in done.stdout
    only_one = subprocess.run([sys.executable, "-m", "wargame", "serve", "--port", "0", "--cert", str(cert)],
                              capture_output=True, text=True, timeout=60)
    assert only_one.returncode != 0 and "--key" in only_one.stderr


def test_a_result_is_overridden_while_the_white_cell_reviews_the_turn_and_the_next_turn_waits_for_it(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            seats = await _seats(server)
            for cell in CELLS:
                await seats[cell].send(_message("give_orders", orders=[]))
            results = await _recv_type(seats[WHITE], "results")
            assert await _recv_type(seats[WHITE], "review") == {"v": 1, "type": "review", "turn": 1}
            assert server.session.state.phase == "events"  # the next turn's events wait for the White Cell
            chanced = next(r for r in results["records"] if r["chance"] is not None)
            await seats[WHITE].send(_message("override", ref=chanced["ref"], where=chanced["theatre"],
                                             happened=not chanced["happened"], justification="the room agreed"))
            overridden = await _recv_type(seats[WHITE], "results")
            assert any(r["ref"] == chanced["ref"] and r["happened"] is (not chanced["happened"]) and r["justification"]
                       for r in overridden["records"])
            await seats[WHITE].send(_message("next_turn"))
            assert (await _recv_type(seats[WHITE], "view"))["view"]["turn"] == 2
            assert server.session.state.phase == "orders" and server.review is None
            await seats[WHITE].send(_message("next_turn"))  # no turn waits now
            assert "no turn waits" in (await _recv_type(seats[WHITE], "error"))["reason"]
            await _close_all(seats.values())
        finally:
            await server.close()

    _run(main())
