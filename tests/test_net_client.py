"""The networked exercise's client (wargame.net.client), its terminal UI (wargame.tui.remote) and
``wargame join``, against the real server (wargame.net.server) on an ephemeral localhost port."""

from __future__ import annotations

import asyncio

import pytest

from wargame.engine.model import CELLS
from wargame.net.client import Client, ClientError, JoinRefused, OrderEntry, address_url
from wargame.net.server import ExerciseServer
from wargame.table.session import Session

TIMEOUT = 20.0


def _run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def _server(rulebook, humans=CELLS, seed=5) -> ExerciseServer:
    seats = {c: ("human" if c in humans else "bot") for c in CELLS}
    return ExerciseServer(Session.new(rulebook, "exercise", seed, seats))


async def _until(client: Client, test, what: str = "a message") -> dict:
    """Read the client's messages until one passes ``test``."""
    async def read():
        while True:
            m = await client.messages.get()
            if test(m):
                return m
    try:
        return await asyncio.wait_for(read(), TIMEOUT)
    except TimeoutError:
        raise AssertionError(f"no {what}") from None


def test_a_client_joins_gives_orders_and_rejoins_with_its_orders_in_progress_kept(rulebook):
    server = _server(rulebook, humans=("is", "aq"))

    async def main() -> None:
        await server.start()
        try:
            url = f"ws://127.0.0.1:{server.port}"
            is_client = Client(url, server.codes["is"])
            welcome = await is_client.join()
            assert welcome["seat"] == "is" and is_client.view["turn"] == 1 and is_client.orders
            task = asyncio.create_task(is_client.run())
            await _until(is_client, lambda m: m["type"] == "awaiting")
            assert set(is_client.awaiting) == {"is", "aq"}

            # orders in progress, then the connection drops: the client joins again by itself
            first = is_client.orders[0]
            is_client.draft.append(OrderEntry(first["kind"], first["theatre"]))
            await server.connections["is"].close()
            await _until(is_client, lambda m: m["type"] == "connection" and not m["up"], "drop")
            await _until(is_client, lambda m: m["type"] == "welcome", "welcome again")
            await _until(is_client, lambda m: m["type"] == "awaiting")  # the end of the join's messages
            assert is_client.reconnects == 1 and is_client.seat == "is"
            assert is_client.draft == [OrderEntry(first["kind"], first["theatre"])]  # kept
            assert "is" in server.connections

            await is_client.give_orders()
            m = await _until(is_client, lambda m: m["type"] in ("awaiting", "error"))
            assert m == {"v": 1, "type": "awaiting", "cells": ["aq"]}, m

            # the other seat gives its orders: the turn is resolved, both are sent the results
            aq = Client(url, server.codes["aq"])
            await aq.join()
            aq_task = asyncio.create_task(aq.run())
            await aq.give_orders([])
            results = await _until(is_client, lambda m: m["type"] == "results")
            assert results["records"] and all("text" in r for r in results["records"])
            view = await _until(is_client, lambda m: m["type"] == "view")
            assert view["view"]["turn"] == 2 and is_client.draft == []  # a new turn: a new draft

            # the channel: said to both seats (and kept for a rejoin)
            await aq.say("is-aq", "shall we talk?")
            said = await _until(is_client, lambda m: m["type"] == "said")
            assert (said["channel"], said["from"], said["text"]) == ("is-aq", "aq", "shall we talk?")
            for c, t in ((is_client, task), (aq, aq_task)):
                await c.stop()
                await asyncio.wait_for(t, TIMEOUT)
        finally:
            await server.close()

    _run(main())


def test_a_wrong_code_and_an_unreachable_address_are_one_sentence_each(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            with pytest.raises(JoinRefused, match="wrong code"):
                await Client(f"ws://127.0.0.1:{server.port}", "guess").join()
        finally:
            await server.close()
        with pytest.raises(ClientError, match="cannot reach"):
            await Client(f"ws://127.0.0.1:{server.port}", "guess").join()

    _run(main())
    assert address_url("localhost:8765") == "ws://localhost:8765"
    for bad in ("localhost", ":80", "host:port", "host:70000"):
        with pytest.raises(ValueError):
            address_url(bad)


def test_the_seats_terminal_shows_its_board_and_gives_orders_and_the_turn_resolves(rulebook):
    from textual.widgets import OptionList, RichLog, Static

    from wargame.tui.remote import RemoteApp, RemoteScreen
    from wargame.tui.widgets.board import TheatreTable

    server = _server(rulebook, humans=("is", "aq"))

    async def main() -> None:
        await server.start()
        try:
            url = f"ws://127.0.0.1:{server.port}"
            client = Client(url, server.codes["is"])
            await client.join()
            app = RemoteApp(client)
            async with app.run_test(size=(160, 50)) as pilot:
                await pilot.pause()
                screen = app.screen
                assert isinstance(screen, RemoteScreen)
                assert screen.query_one("#remote-theatres", TheatreTable).row_count == len(client.view["theatres"])
                status = str(screen.query_one("#remote-status", Static).render())
                assert "Turn 1/" in status and "awaiting you, AQ" in status

                # pick the first legal order, give it (confirmed): the server has it
                orders = screen.query_one("#remote-orders", OptionList)
                assert orders.option_count == len(client.orders) > 0
                orders.focus()
                await pilot.press("enter")
                assert len(client.draft) == 1
                await pilot.press("g")
                await pilot.pause()
                await pilot.press("g")  # the confirmation opens on Keep choosing: g again gives
                for _ in range(200):
                    await pilot.pause(0.01)
                    if "is" in server.session.game.pending:
                        break
                assert [o.kind for o in server.session.game.pending["is"]] == [client.draft[0].kind]

                # the other seat (a test client) gives its orders: the turn resolves on screen
                aq = Client(url, server.codes["aq"])
                await aq.join()
                aq_task = asyncio.create_task(aq.run())
                await aq.give_orders([])
                for _ in range(500):
                    await pilot.pause(0.01)
                    if client.view["turn"] == 2 and client.results:
                        break
                assert client.view["turn"] == 2
                assert "turn 2" in screen.title
                results = screen.query_one("#remote-results", RichLog)
                assert len(results.lines) >= 1

                # a channel message, sent from the pane, reaches the other seat
                screen.query_one("#remote-say").focus()
                await pilot.press(*"hello", "enter")
                said = await asyncio.wait_for(aq.messages.get(), TIMEOUT)
                while said["type"] != "said":
                    said = await asyncio.wait_for(aq.messages.get(), TIMEOUT)
                assert said["from"] == "is" and said["text"] == "hello"
                await pilot.press("ctrl+q")
            await aq.stop()
            await asyncio.wait_for(aq_task, TIMEOUT)
        finally:
            await server.close()

    _run(main())


def test_join_with_a_wrong_code_or_a_bad_address_exits_2_with_one_line(rulebook, capsys):
    import threading

    from wargame.cli.main import main as cli

    server = _server(rulebook)
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(TIMEOUT)
    try:
        for argv in (["join", f"127.0.0.1:{server.port}", "--code", "guess"],
                     ["join", "nowhere", "--code", "guess"]):
            assert cli(argv) == 2
            err = capsys.readouterr().err
            assert err.count("\n") == 1 and err.startswith("wargame: ") and "Traceback" not in err, err
    finally:
        asyncio.run_coroutine_threadsafe(server.close(), loop).result(TIMEOUT)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(TIMEOUT)
    port = server.port  # closed now: nothing answers there
    assert cli(["join", f"127.0.0.1:{port}", "--code", "guess"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot reach" in err, err


def test_each_order_on_the_seats_screen_shows_its_odds_as_the_server_gives_them(rulebook):
    from textual.widgets import OptionList

    from wargame.tui.remote import RemoteApp

    server = _server(rulebook, humans=("is",))

    async def main() -> None:
        await server.start()
        try:
            client = Client(f"ws://127.0.0.1:{server.port}", server.codes["is"])
            await client.join()
            app = RemoteApp(client)
            async with app.run_test(size=(160, 50)) as pilot:
                await pilot.pause()
                orders = app.screen.query_one("#remote-orders", OptionList)
                shown = [str(orders.get_option_at_index(i).prompt) for i in range(orders.option_count)]
                odds = [o.get("odds") for o in client.orders]
                assert any(odds) and None in odds  # some orders roll dice, some do not
                for line, o in zip(shown, client.orders, strict=True):
                    if o["odds"]:
                        assert f"odds {o['odds']}" in line, line
                    else:
                        assert "odds" not in line, line
                await pilot.press("ctrl+q")
        finally:
            await server.close()

    _run(main())
