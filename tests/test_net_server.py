"""The networked exercise's server, over real sockets on localhost (an ephemeral port): a whole
game played by four bot-driven clients, the join codes, the refusals, and the fog: what each
connection is sent is what its seat may see, checked against the record's fog for that seat."""

from __future__ import annotations

import asyncio
import json
import random

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.netcases import TIMEOUT
from tests.netcases import joined as _joined
from tests.netcases import message as _message
from tests.netcases import recv as _recv
from tests.netcases import recv_type as _recv_type
from tests.netcases import run as _run
from wargame.engine.model import CELLS, Order
from wargame.engine.position import order_chance
from wargame.engine.shown import order_odds
from wargame.engine.view import view
from wargame.net.protocol import MAX_MESSAGE, record_payload, view_payload
from wargame.net.server import FAILURE_WINDOW, MAX_FAILURES, WHITE, ExerciseServer
from wargame.record import fog
from wargame.table.session import Session


def _server(rulebook, tmp_path=None, seats=None, clock=None, seed=5) -> ExerciseServer:
    save = tmp_path / "net.json" if tmp_path is not None else None
    session = Session.new(rulebook, "exercise", seed, seats or dict.fromkeys(CELLS, "human"), save=save)
    return ExerciseServer(session, clock=clock) if clock else ExerciseServer(session)


def test_four_bot_driven_clients_play_a_whole_game_and_each_is_sent_only_what_its_seat_may_see(rulebook, tmp_path):
    server = _server(rulebook, tmp_path)
    received: dict[str, list[dict]] = {}

    async def cell_client(seat: str) -> None:
        rng = random.Random(seat)
        ws, welcome = await _joined(server.port, server.codes[seat])
        got = received[seat] = [welcome]
        menu, given_turn, turn = welcome["orders"], 0, welcome["view"]["turn"]
        await ws.send(_message("give_orders", orders=[{"kind": o["kind"], "theatre": o["theatre"]}
                                                      for o in rng.sample(menu, min(1, len(menu)))]))
        given_turn = turn
        async with ws:
            while True:
                m = await _recv(ws)
                got.append(m)
                if m["type"] == "view":
                    if m["view"]["phase"] == "over":
                        return
                    menu, turn = m.get("orders", []), m["view"]["turn"]  # no orders while the turn is reviewed
                if m["type"] == "awaiting" and seat in m["cells"] and given_turn != turn:
                    pick = rng.sample(menu, min(rng.choice((0, 1, 1)), len(menu)))
                    await ws.send(_message("give_orders", orders=[{"kind": o["kind"], "theatre": o["theatre"]} for o in pick]))
                    given_turn = turn

    white_in = asyncio.Event()

    async def white_client() -> None:
        ws, welcome = await _joined(server.port, server.codes[WHITE])
        white_in.set()
        got = received[WHITE] = [welcome]
        async with ws:
            while not (got[-1]["type"] == "view" and got[-1]["view"]["phase"] == "over"):
                got.append(await _recv(ws))
                if got[-1]["type"] == "review":  # the turn's results held for the White Cell: it starts the next
                    await ws.send(_message("next_turn"))

    async def main() -> None:
        await server.start()
        try:
            white = asyncio.create_task(white_client())
            await asyncio.wait_for(white_in.wait(), TIMEOUT)  # the White Cell sits before the cells play
            await asyncio.gather(white, *(cell_client(c) for c in CELLS))
            assert server.finished.is_set()
        finally:
            await server.close()

    _run(main())
    game = server.session.game
    assert game.state.over and (tmp_path / "net.json").exists()  # autosaved by the session
    # every turn but the last was held for the White Cell's review, once, before the next began
    reviews = [m["turn"] for m in received[WHITE] if m["type"] == "review"]
    assert reviews == list(range(1, game.state.turn if game.state.phase != "over" else game.state.last_turn))
    states = {(st.state.turn, st.state.phase): st.state for st in game.steps}
    sent_odds: list[str | None] = []
    for seat, messages in received.items():
        text = json.dumps(messages)
        assert '"seed"' not in text
        allowed = {json.dumps(record_payload(r), sort_keys=True) for i in range(len(game.steps))
                   for r in fog.step_records(game, i, seat)}
        views = [m["view"] for m in messages if "view" in m]
        assert views and views[-1]["phase"] == "over"
        for v in views:
            assert v == json.loads(json.dumps(view_payload(view(states[(v["turn"], v["phase"])], seat))))
        for m in messages:  # each order's odds: the table's for this seat, from its view of that board
            if "orders" in m and m["type"] != "given":
                seat_view = view(states[(m["view"]["turn"], m["view"]["phase"])], seat)
                assert [o["odds"] for o in m["orders"]] == [_table_odds(rulebook, seat_view, o) for o in m["orders"]]
                sent_odds.extend(o["odds"] for o in m["orders"])
        records = [r for m in messages if m["type"] == "results" for r in m["records"]]
        assert records
        for r in records:
            assert json.dumps(r, sort_keys=True) in allowed
    # not vacuous: orders with no dice (null), exact odds, and a band where a seat cannot know them
    assert None in sent_odds and any("–" in o for o in sent_odds if o) and any(o and "–" not in o for o in sent_odds)
    # not vacuous: the cells see others' secret tracks as ranges, the White Cell exactly
    ranged = [n for n, (lo, hi) in received["is"][0]["view"]["tracks"].items() if lo != hi]
    assert ranged and all(lo == hi for lo, hi in received[WHITE][0]["view"]["tracks"].values())
    def records(seat):
        return [r for m in received[seat] if m["type"] == "results" for r in m["records"]]

    assert records(WHITE) != records("is")  # e.g. another cell's budget: the White Cell sees what it cost


def _table_odds(rulebook, seat_view, entry: dict) -> str | None:
    """The odds of a ``welcome``/``view`` order entry as the table shows them to the seat of ``seat_view``."""
    order = Order(seat_view.seat, entry["kind"], entry["theatre"])
    return None if rulebook.order_kinds[order.kind].chance is None else str(order_odds(rulebook, seat_view, order))


def test_the_odds_a_cell_is_sent_never_differ_by_what_it_may_not_see(rulebook):
    """Two boards that differ only in what the seat may not see (tests/test_fog.py's twin): the
    seat is sent the same view and the same orders with the same odds, while the true chances differ."""
    from tests.test_fog import twin

    server = _server(rulebook, seed=8)
    server.session.run_events()
    base = server.session.game.state
    differed: set[str] = set()

    async def sent(seat: str, white) -> dict:
        """What the seat is sent on joining, once it has left again (as the White Cell is told)."""
        ws, welcome = await _joined(server.port, server.codes[seat])
        await ws.close()
        while True:
            m = json.loads(await asyncio.wait_for(white.recv(), TIMEOUT))
            if m["type"] == "joined" and seat not in m["seats"]:
                return {"view": welcome["view"], "orders": welcome["orders"]}

    async def main() -> None:
        await server.start()
        try:
            white, _ = await _joined(server.port, server.codes[WHITE])
            for seat in CELLS:
                rng = random.Random(seat)
                for _ in range(4):
                    server.session.game.state = base
                    first = await sent(seat, white)
                    other = twin(base, seat, rng)
                    server.session.game.state = other
                    second = await sent(seat, white)
                    assert first == second, seat
                    if any(order_chance(rulebook, base, o) != order_chance(rulebook, other, o) for o in server.session.legal(seat)):
                        differed.add(seat)
            await white.close()
        finally:
            server.session.game.state = base
            await server.close()

    _run(main())
    assert differed, differed  # not vacuous: the secrets moved the true chances of orders that were sent


def test_a_wrong_code_is_refused_and_rate_limited(rulebook):
    now = [0.0]
    server = _server(rulebook, clock=lambda: now[0])

    async def attempt(code: str) -> dict:
        async with connect(f"ws://127.0.0.1:{server.port}") as ws:
            await ws.send(_message("join", code=code))
            reply = await _recv(ws)
            if reply["type"] == "error":
                with pytest.raises(ConnectionClosed):
                    await asyncio.wait_for(ws.recv(), TIMEOUT)
            return reply

    async def main() -> None:
        await server.start()
        try:
            assert len(server.codes) == 5 and all(len(c) >= 16 for c in server.codes.values())
            for _ in range(MAX_FAILURES):
                assert (await attempt("guess"))["reason"] == "wrong code"
            refused = await attempt(server.codes["is"])  # even the right code, for a while
            assert refused["type"] == "error" and "too many" in refused["reason"]
            now[0] += FAILURE_WINDOW + 1
            assert (await attempt(server.codes["is"]))["type"] == "welcome"
        finally:
            await server.close()

    _run(main())


def test_bad_messages_get_an_error_and_the_server_goes_on(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            async with connect(f"ws://127.0.0.1:{server.port}") as stranger:
                await stranger.send(_message("give_orders", orders=[]))
                assert "join first" in (await _recv(stranger))["reason"]
            ws, welcome = await _joined(server.port, server.codes["is"])
            white, _ = await _joined(server.port, server.codes[WHITE])
            second = await connect(f"ws://127.0.0.1:{server.port}")
            await second.send(_message("join", code=server.codes["is"]))
            assert "already connected" in (await _recv(second))["reason"]
            await second.close()
            bad = ["not json", "[1, 2]", json.dumps({"v": 2, "type": "say"}), _message("dance"),
                   _message("join", code=7), _message("say", channel="aq-is"), _message("say", channel="aq-is", text="x", extra=1),
                   _message("give_orders", orders={"kind": "x"}), _message("give_orders", orders=[{"kind": 3}]),
                   _message("say", channel="aq-is", text="x" * MAX_MESSAGE), b"\x00binary",
                   _message("join", code=server.codes["is"]),
                   _message("give_orders", orders=[{"kind": "no.such.order"}]),
                   _message("say", channel="aq-coalition", text="not mine"), _message("say", channel="is-is", text="me")]
            for text in bad:
                await ws.send(text)
                reply = await _recv(ws)
                assert reply["type"] == "error" and reply["reason"], (text, reply)
            # orders for another seat: refused, and the seat still owes its orders
            theirs = next(k for k, o in rulebook.order_kinds.items() if o.cell == "coalition")
            await ws.send(_message("give_orders", orders=[{"kind": theirs, "theatre": None}]))
            assert "not of is" in (await _recv(ws))["reason"]
            # the White Cell gives no orders
            await white.send(_message("give_orders", orders=[]))
            assert (await _recv(white)) == {"v": 1, "type": "takeover_requested", "seat": "is"}  # the second join above
            assert (await _recv(white)) == {"v": 1, "type": "takeover_withdrawn", "seat": "is"}  # and it left
            assert "White Cell" in (await _recv(white))["reason"]
            assert "is" not in server.session.game.pending
            # and the server goes on: a legal order is taken
            order = welcome["orders"][0]
            await ws.send(_message("give_orders", orders=[{"kind": order["kind"], "theatre": order["theatre"]}]))
            given = {"kind": order["kind"], "theatre": order["theatre"]}
            assert await _recv(ws) == {"v": 1, "type": "given", "orders": [given]}  # the seat is told they are taken
            awaiting = await _recv(ws)
            assert awaiting == {"v": 1, "type": "awaiting", "cells": ["aq", "coalition", "governments"]}
            await ws.close()
            await white.close()
        finally:
            await server.close()

    _run(main())


def test_orders_out_of_the_orders_phase_are_refused(rulebook):
    """Once the game is over (a game of bots, and one human seat left for the test's client), orders get an error."""
    server = _server(rulebook, seats={**dict.fromkeys(CELLS, "bot"), "is": "human"}, seed=2)

    async def main() -> None:
        await server.start()
        try:
            ws, _ = await _joined(server.port, server.codes["is"])
            while not server.session.state.over:
                await ws.send(_message("give_orders", orders=[]))
                await _recv_type(ws, "awaiting")
            assert server.finished.is_set()
            await ws.send(_message("give_orders", orders=[]))
            assert "orders phase" in (await _recv(ws))["reason"]
            await ws.close()
        finally:
            await server.close()

    _run(main())


def test_a_channel_message_reaches_only_its_two_cells_and_the_white_cell(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            seats = {s: (await _joined(server.port, server.codes[s]))[0] for s in CELLS + (WHITE,)}
            await seats["is"].send(_message("say", channel="is-aq", text="shall we talk?"))
            for s in ("is", "aq", WHITE):
                m = await _recv(seats[s])
                assert m == {"v": 1, "type": "said", "channel": "is-aq", "from": "is", "text": "shall we talk?",
                             "turn": 1, "phase": "orders"}
            await seats["coalition"].send(_message("say", channel="governments-coalition", text="allies"))
            for s in ("coalition", "governments", WHITE):  # the first message they get: not the talks
                assert (await _recv(seats[s]))["text"] == "allies"
            await seats[WHITE].send(_message("say", channel="aq-white", text="a word"))
            assert (await _recv(seats["aq"]))["from"] == WHITE
            assert (await _recv(seats[WHITE]))["channel"] == "aq-white"
            await seats["is"].send(_message("say", channel="is-governments", text="probe"))
            assert (await _recv(seats["is"]))["text"] == "probe"  # is got no aq-white message first
            assert [(s.channel, s.turn, s.phase) for s in server.transcript] == [
                ("is-aq", 1, "orders"), ("coalition-governments", 1, "orders"), ("aq-white", 1, "orders"),
                ("is-governments", 1, "orders")]
            for ws in seats.values():
                await ws.close()
        finally:
            await server.close()

    _run(main())


def test_wargame_serve_prints_the_codes_and_runs(tmp_path):
    """A game of bots is over as soon as it is served: the command prints the White Cell's code and ends."""
    import subprocess
    import sys

    save = tmp_path / "served.json"
    done = subprocess.run([sys.executable, "-m", "wargame", "serve", "--port", "0", "--seats", "all=bot", "--seed", "3",
                           "--save", str(save)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "ws://127.0.0.1:" in done.stdout and "white" in done.stdout and "The game is over." in done.stdout
    assert save.exists()
