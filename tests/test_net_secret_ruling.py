"""A secret White Cell ruling over the wire: the seats it is not told to are sent nothing at all.

Not a record and not a fresh view either: a view that changes with no record beside it tells a
cell that a secret ruling was made, and roughly what it moved. Who is told is the fog's rule
(:func:`wargame.record.fog.told`); the White Cell always is. To show that a seat was sent nothing,
the White Cell then pauses the game: every connection is sent ``paused``, after anything the
ruling sent it (one connection's messages arrive in order), so that is the next message a seat
that was not told reads.

A secret override takes the same path (``WhiteCellPowers._ruling``); in this scenario every
chanced result's override changes every seat's picture, so the fog tells it to everyone and there
is no seat to leave out.
"""

from __future__ import annotations

import json

from tests.netcases import joined, message, recv, recv_type, run
from wargame.engine.model import CELLS
from wargame.net.protocol import record_payload, view_payload
from wargame.net.server import WHITE, ExerciseServer
from wargame.record import fog
from wargame.table.session import Session

SECRET_CARD = "ld-baghdadi-rumoured-dead"  # changes only the Islamic State's inner tracks


def _server(rulebook) -> ExerciseServer:
    return ExerciseServer(Session.new(rulebook, "exercise", 5, dict.fromkeys(CELLS, "human")))


async def _seats(server: ExerciseServer) -> dict:
    return {s: (await joined(server.port, server.codes[s], max_queue=None))[0] for s in server.codes}


async def _told_only_as_the_fog_says(server: ExerciseServer, seats: dict, ruling: str, **fields) -> frozenset[str]:
    """Send ``ruling``, then a pause: each seat told of it is sent its records and view as now,
    the others nothing before the pause. The seats told (the White Cell aside)."""
    game = server.session.game
    step = len(game.steps)
    await seats[WHITE].send(message(ruling, secret=True, **fields))
    await seats[WHITE].send(message("pause"))
    first = await recv(seats[WHITE])  # the White Cell is always told: once it is, the ruling is in the log
    assert first["type"] == "results" and len(game.steps) == step + 1, first
    told = fog.told(game, step)
    for seat, ws in seats.items():
        if seat == WHITE or seat in told:
            results = first if seat == WHITE else await recv(ws)
            assert results["type"] == "results", (seat, results)
            assert results["records"] == [json.loads(json.dumps(record_payload(r))) for r in fog.step_records(game, step, seat)]
            view = await recv(ws)
            assert view == json.loads(json.dumps({"v": 1, "type": "view", **server._view_message(seat)}))
            await recv_type(ws, "paused")
        else:
            assert await recv(ws) == {"v": 1, "type": "paused", "paused": True}, seat
    await seats[WHITE].send(message("resume"))
    for ws in seats.values():
        await recv_type(ws, "paused")
    return told & set(CELLS)


def test_a_secret_track_set_reaches_the_owner_and_the_white_cell_and_no_one_else(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            seats = await _seats(server)
            before = server.session.view("coalition").tracks["is_funds"]
            told = await _told_only_as_the_fog_says(server, seats, "set_track", target="is_funds", value=3,
                                                    justification="a donor dried up")
            assert told == {"is"}
            # what the coalition sees of it changed; it is shown when the game moves on, not before
            after = server.session.view("coalition").tracks["is_funds"]
            assert after != before
            for cell in CELLS:
                await seats[cell].send(message("give_orders", orders=[]))
            view = (await recv_type(seats["coalition"], "view"))["view"]
            assert view == json.loads(json.dumps(view_payload(server.session.view("coalition"))))
            for ws in seats.values():
                await ws.close()
        finally:
            await server.close()

    run(main())


def test_a_secret_inject_reaches_only_the_cell_whose_tracks_it_changed(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            seats = await _seats(server)
            told = await _told_only_as_the_fog_says(server, seats, "inject", card=SECRET_CARD, note="a rumour")
            assert told == {"is"}
            for ws in seats.values():
                await ws.close()
        finally:
            await server.close()

    run(main())
