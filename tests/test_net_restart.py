"""Clients ride through a server restart: four bot-driven cell clients and a White Cell client
(wargame.net.client, which joins again by itself) play a game; the server is closed mid-orders,
some orders given, and a new one started from the save on the same port (with what the last one
kept beside it: wargame.net.settings). The clients come back on their own, the orders given before
the stop are kept (not given again), and the game ends as the same game played without a stop.
Every wait is for a message or an event, never for a while."""

from __future__ import annotations

import asyncio
import random

from tests.netcases import TIMEOUT, run
from wargame.engine.model import CELLS, digest
from wargame.net.client import Client, OrderEntry
from wargame.net.protocol import NextTurn, SetTimeLimit
from wargame.net.server import WHITE, ExerciseServer
from wargame.net.settings import read_settings, settings_path
from wargame.record.commands import GiveOrders as GiveOrdersCommand
from wargame.record.load import load
from wargame.table.session import Session

HUMANS = dict.fromkeys(CELLS, "human")
SEATS = CELLS + (WHITE,)


def _choose(seat: str, turn: int, menu: list[dict]) -> list[OrderEntry]:
    """A bot-driven cell's orders: a function of its seat, the turn and its menu only, so that two
    games from one seed are given the same orders whatever the timing."""
    rng = random.Random(f"{seat}:{turn}")
    return [OrderEntry(o["kind"], o["theatre"]) for o in rng.sample(menu, min(rng.choice((0, 1, 1)), len(menu)))]


async def _cell(client: Client, seat: str, held: asyncio.Event, hold_turn: int | None) -> None:
    """Give the seat's orders once a turn, from what the client was told; at ``hold_turn`` only
    once ``held`` is set. Ends when the game is over."""
    given: set[int] = set()
    while True:
        await client.messages.get()
        v = client.view
        if v is None:
            continue
        if v["phase"] == "over":
            return
        turn = v["turn"]
        if v["phase"] == "orders" and seat in client.awaiting and turn not in given and client.connected.is_set():
            if turn == hold_turn and not held.is_set():
                continue
            given.add(turn)
            await client.give_orders(_choose(seat, turn, client.orders))


async def _until(client: Client, test) -> None:
    """Read the client's messages until ``test(turn, message)`` holds, ``turn`` being that of the
    last view read (the client's own :attr:`Client.view` may be ahead of its queue)."""
    turn = None
    while True:
        m = await asyncio.wait_for(client.messages.get(), TIMEOUT)
        if m["type"] in ("welcome", "view"):
            turn = m["view"]["turn"]
        if test(turn, m):
            return


def _play(rulebook, save, restart_turn: int | None) -> tuple[ExerciseServer, dict]:
    """A whole game of four bot-driven cell clients and a White Cell client (which sets a time
    limit first); with ``restart_turn``, the server is closed in that turn's orders phase once the
    Islamic State and al-Qaeda have given their orders (the other two hold theirs), and a new server
    is started from the save on the same port. The last server, and what the clients saw."""
    seen: dict = {"reconnects": {}}

    async def main() -> ExerciseServer:
        server = ExerciseServer(Session.new(rulebook, "exercise", 11, HUMANS, save=save))
        await server.start()
        url, codes = f"ws://127.0.0.1:{server.port}", dict(server.codes)
        held = asyncio.Event()
        starts: list[asyncio.Task] = []

        def review(m: dict) -> None:  # the White Cell starts each next turn once the last one's results are in
            if m.get("type") == "review":
                starts.append(asyncio.get_running_loop().create_task(white.send(NextTurn())))

        white = Client(url, codes[WHITE], listener=review)
        await white.join()
        tasks = [asyncio.create_task(white.run())]
        await white.send(SetTimeLimit(3600))
        await _until(white, lambda turn, m: m["type"] == "deadline")
        clients = {seat: Client(url, codes[seat]) for seat in CELLS}
        try:
            for client in clients.values():
                await client.join()
                tasks.append(asyncio.create_task(client.run()))
            cells = [asyncio.create_task(_cell(c, seat, held, restart_turn if seat in ("coalition", "governments") else None))
                     for seat, c in clients.items()]
            if restart_turn is not None:
                # the White Cell is told who still owes orders: then two have given theirs, two not
                await _until(white, lambda turn, m: m["type"] == "awaiting" and turn == restart_turn
                             and m["cells"] == ["coalition", "governments"])
                assert sorted(server.session.game.pending) == ["aq", "is"]
                port = server.port
                await server.close()
                server.session.close()
                _doc, game, check = load(save, rulebook)
                assert check.verified and sorted(game.pending) == ["aq", "is"]  # the orders given are in the save
                server = ExerciseServer(Session(game.rulebook, game, save=save), port=port)
                kept = read_settings(settings_path(save), game.header.game, SEATS)
                assert kept is not None
                server.restore(kept)
                held.set()
                await server.start()
                assert server.time_limit == 3600 and server.deadline is not None
                assert 3000 < server.deadline - server.clock() <= 3600  # this phase's clock, going on
            else:
                held.set()
            await asyncio.wait_for(asyncio.gather(*cells), 45)
            await asyncio.wait_for(server.finished.wait(), TIMEOUT)
            await server.close()
            await asyncio.wait_for(asyncio.gather(*tasks), TIMEOUT)  # each client's run ends with the game
            seen["reconnects"] = {seat: c.reconnects for seat, c in {**clients, WHITE: white}.items()}
            seen["views"] = {seat: c.view for seat, c in {**clients, WHITE: white}.items()}
        finally:
            for c in (*clients.values(), white):
                await c.stop()
            await server.close()
            server.session.close()
        return server

    return run(main()), seen


def test_clients_ride_through_a_server_restart_and_the_game_ends_as_an_uninterrupted_one(rulebook, tmp_path):
    restarted, seen = _play(rulebook, tmp_path / "restarted.json", restart_turn=2)
    assert all(n == 1 for n in seen["reconnects"].values()), seen["reconnects"]  # each joined again by itself
    straight, seen_straight = _play(rulebook, tmp_path / "straight.json", restart_turn=None)
    assert all(n == 0 for n in seen_straight["reconnects"].values())
    a, b = restarted.session.game, straight.session.game
    assert a.state.over and b.state.over
    assert digest(a.state) == digest(b.state) and a.digests == b.digests  # the same game, turn by turn

    def orders(game) -> dict:
        given: dict = {}
        for st in game.steps:
            c = st.command
            if isinstance(c, GiveOrdersCommand):
                assert (c.turn, c.cell) not in given, "given twice: the orders kept were given again"
                given[(c.turn, c.cell)] = c
        return {k: tuple(v.orders) for k, v in given.items()}

    assert orders(a) == orders(b)
    assert seen["views"] == seen_straight["views"]  # and each seat was shown the same end
