"""A joined seat's charts, objectives and walkthrough (the ``charts`` message, wargame.net.extras,
wargame.tui.screens.remote_more), against a real server on an ephemeral localhost port: each seat is
sent exactly the charts the table works out for it (never a series that reads another cell's secret
track), and the table's screens show it what the table would show that seat. Every wait is for a
condition, never for a while."""

from __future__ import annotations

from websockets.asyncio.client import connect

from tests.netcases import message, recv, recv_type, run
from tests.netscreens import exercise, shown, until
from tests.netscreens import seat_app as _seat_app
from wargame.engine.board import GLOBAL_TRACKS, OWNER
from wargame.engine.model import CELLS
from wargame.net.extras import charts_from_payload, record_from_payload
from wargame.net.protocol import chart_payload, record_payload
from wargame.net.server import WHITE
from wargame.record import fog
from wargame.record.plots import SERIES
from wargame.tui.screens.charts import seat_charts

SIZE = (120, 40)


def table_charts(server, seat: str) -> list[dict]:
    """The charts the table's ChartsScreen draws for ``seat``, as the wire carries them."""
    return [chart_payload(c) for c in seat_charts(server.session, seat)]


def secrets_of_others(rulebook, cell: str) -> frozenset[str]:
    """The global tracks another cell owns (its inner, secret tracks)."""
    return frozenset(n for n, owner in OWNER.items() if owner not in (None, cell))


async def _join(port: int, code: str):
    """A raw connection joined with ``code``, and the messages up to its first ``awaiting``."""
    ws = await connect(f"ws://127.0.0.1:{port}")
    await ws.send(message("join", code=code))
    got = [await recv(ws)]
    while got[-1]["type"] != "awaiting":
        got.append(await recv(ws))
    return ws, got


async def _turn_charts(ws, turn: int) -> dict:
    """The charts that come after the view of ``turn`` (or of the game's end)."""
    while True:
        m = await recv(ws)
        if m["type"] == "view" and (m["view"]["turn"] == turn or m["view"]["phase"] == "over"):
            return await recv_type(ws, "charts")


def test_each_seat_is_sent_the_charts_the_table_works_out_for_it_and_no_other_cells_secret(rulebook):
    server = exercise(rulebook, humans=CELLS)

    async def main() -> None:
        await server.start()
        try:
            seats = {}
            for seat in (*CELLS, WHITE):
                ws, got = await _join(server.port, server.codes[seat])
                seats[seat] = ws
                kinds = [m["type"] for m in got]
                assert kinds[0] == "welcome" and "charts" in kinds  # the charts after the welcome
                sent = next(m for m in got if m["type"] == "charts")
                assert sent["charts"] == table_charts(server, seat)
                assert [len(c["values"]) for c in sent["charts"]] == [1] * len(sent["charts"])  # the opening board
            async def play(turn: int) -> dict[str, list[dict]]:
                """Every cell gives no orders; each seat's charts of the turn resolved; then the next turn."""
                for cell in CELLS:
                    await seats[cell].send(message("give_orders", orders=[]))
                sent = {seat: (await _turn_charts(ws, turn))["charts"] for seat, ws in seats.items()}
                if not server.session.state.over:  # the White Cell's review (checked below), then the next turn
                    sent_now = {seat: table_charts(server, seat) for seat in seats}
                    await seats[WHITE].send(message("next_turn"))
                    assert sent == sent_now
                return sent

            for turn in (2, 3):
                sent = await play(turn)
                white = {c["title"]: c for c in sent[WHITE]}
                assert len(white) == len(SERIES)  # the White Cell: every track
                for seat in CELLS:
                    assert sent[seat] == table_charts(server, seat)
                    assert all(len(c["values"]) == turn for c in sent[seat])  # the start and each turn resolved
                    titles = {c["title"] for c in sent[seat]}
                    assert titles < set(white)  # never more than the White Cell's, and some kept from the cell
                    for c in sent[seat]:
                        assert c == white[c["title"]]  # the same numbers as the White Cell's
                    secret = secrets_of_others(rulebook, seat)
                    for series in SERIES:
                        reads = rulebook.reads([r for r in series.reads if r in rulebook.formula_reads or r in GLOBAL_TRACKS])
                        if reads & secret:
                            assert series.title not in titles, (seat, series.title, reads & secret)
            # to the end: once the game is over every seat may see every chart
            turn = 3
            while not server.session.state.over:
                turn += 1
                sent = await play(turn)
            assert server.session.state.over
            for seat in CELLS:
                assert sent[seat] == sent[WHITE] == table_charts(server, WHITE)
            for ws in seats.values():
                await ws.close()
        finally:
            await server.close()

    run(main())


async def _play_a_turn(pilot, server, client) -> None:
    """The seat gives no orders; the bots play; the next turn begins and the client has heard it all."""
    turn = server.session.state.turn
    await client.give_orders([])
    await until(pilot, lambda: client.view is not None and client.view["turn"] == turn + 1
                and client.charts and len(client.charts[0]["values"]) == turn + 1, f"turn {turn + 1} on the client")


def test_the_objectives_screen_shows_a_cell_the_rows_the_table_shows_that_seat(rulebook):
    from textual.widgets import Static

    from wargame.tui.screens.end import objectives_rows, objectives_table
    from wargame.tui.screens.remote_more import RemoteObjectivesScreen

    server = exercise(rulebook, humans=("coalition",))

    async def main() -> None:
        await server.start()
        try:
            app, client = await _seat_app(server, "coalition")
            async with app.run_test(size=SIZE) as pilot:
                await until(pilot, lambda: client.charts, "the charts after the welcome")
                await _play_a_turn(pilot, server, client)
                screen = RemoteObjectivesScreen(client, app.rulebook)
                app.push_screen(screen)
                await until(pilot, lambda: app.screen is screen and screen.is_mounted, "the objectives screen")
                assert objectives_rows(screen.session, "coalition") == objectives_rows(server.session, "coalition")
                table = screen.query_one("#objectives", Static)
                assert shown(table.content) == shown(objectives_table(server.session, "coalition"))
                before = shown(table.content)

                def table_for(seat: str) -> str:
                    return shown(objectives_table(server.session, seat))

                white = await connect(f"ws://127.0.0.1:{server.port}")
                await white.send(message("join", code=server.codes[WHITE]))
                await recv_type(white, "awaiting")
                # the White Cell sets the coalition's will, openly: the seat's view changes, the screen follows
                await white.send(message("set_track", target="coalition_will", value=2, justification="a bad week", secret=False))
                await until(pilot, lambda: shown(table.content) == table_for("coalition") != before, "the open ruling's points")
                assert objectives_rows(screen.session, "coalition") == objectives_rows(server.session, "coalition")
                # then, secretly, that AQ and IS have begun talks: the coalition cannot know, and is not shown it
                seen = client.view
                await white.send(message("set_track", target="relation_stage", value=1, justification="talks", secret=True))
                # it is not told of the ruling, so it is sent nothing for it; the White Cell's next word shows that
                await white.send(message("say", channel="coalition-white", text="carry on"))
                await until(pilot, lambda: any(m["text"] == "carry on" for m in client.said), "the White Cell's word after the ruling")
                await pilot.pause()
                assert client.view is seen and screen._view is client.view
                assert objectives_rows(server.session, "coalition") != objectives_rows(server.session, WHITE)
                assert shown(table.content) == table_for("coalition") != table_for(WHITE)
                assert objectives_rows(screen.session, "coalition") == objectives_rows(server.session, "coalition")
                await white.close()
                await pilot.press("escape")
                await until(pilot, lambda: app.screen is not screen, "the screen closed")
            await client.stop()
        finally:
            await server.close()

    run(main())


def test_the_walkthrough_opens_on_the_last_results_and_steps_through_them(rulebook):
    from textual.widgets import Label, Static

    from wargame.tui.screens.modals import WalkthroughScreen
    from wargame.tui.screens.remote_more import RemoteWalkthroughScreen
    from wargame.tui.screens.why import WhyScreen

    server = exercise(rulebook, humans=("aq",))

    async def main() -> None:
        await server.start()
        try:
            app, client = await _seat_app(server, "aq")
            async with app.run_test(size=SIZE) as pilot:
                await _play_a_turn(pilot, server, client)
                game = server.session.game
                kept = game.in_force()
                table = [r for i in range(len(game.steps)) if kept[i] for r in fog.step_records(game, i, "aq")]
                table = table[len(table) - len(client.results):]  # the last results: the tail of the game's
                assert len(client.results) >= 2
                assert [record_payload(r) for r in table] == client.results
                assert [record_payload(record_from_payload(p)) for p in client.results] == client.results
                under = app.screen
                screen = RemoteWalkthroughScreen(client, app.rulebook)
                app.push_screen(screen)
                await until(pilot, lambda: app.screen is screen and screen.is_mounted, "the walkthrough")
                assert screen.seat == "aq" and screen.index == 0
                count, body = screen.query_one("#walk-count", Label), screen.query_one("#walk-record", Static)
                n = len(table)
                for k in range(n):  # one result at a time, as the table would show the seat each
                    assert f"Result {k + 1} of {n}" in str(count.content)
                    assert screen.markup(screen.records[k]) == WalkthroughScreen.markup(screen, table[k])
                    assert body.content == screen.markup(table[k])
                    if k < n - 1:
                        await pilot.press("right")
                        await until(pilot, lambda k=k: screen.index == k + 1, f"result {k + 2}")
                await pilot.press("left")
                await until(pilot, lambda: screen.index == n - 2, "back one")
                await pilot.press("y")  # why? the rule written out, for the seat, as at the table
                await until(pilot, lambda: isinstance(app.screen, WhyScreen), "why?")
                why = app.screen
                assert why.seat == "aq" and why.record == screen.records[n - 2]
                assert why.explanation() == WhyScreen(rulebook, table[n - 2], "aq").explanation()
                await pilot.press("escape")
                await until(pilot, lambda: app.screen is screen, "back to the walkthrough")
                await pilot.press("right", "right")  # past the last: closed
                await until(pilot, lambda: app.screen is under, "the walkthrough closed")
            await client.stop()
        finally:
            await server.close()

    run(main())


def test_the_charts_screen_draws_the_seats_charts_and_follows_the_game(rulebook):
    from textual.widgets import OptionList

    from wargame.tui.screens.remote_more import RemoteChartsScreen
    from wargame.tui.widgets.plots import ChartPlot

    server = exercise(rulebook, humans=("aq",))

    async def main() -> None:
        await server.start()
        try:
            app, client = await _seat_app(server, "aq")
            async with app.run_test(size=SIZE) as pilot:
                await _play_a_turn(pilot, server, client)
                screen = RemoteChartsScreen(client, app.rulebook)
                app.push_screen(screen)
                await until(pilot, lambda: app.screen is screen and screen.is_mounted, "the charts screen")
                table = seat_charts(server.session, "aq")
                options = screen.query_one("#charts-list", OptionList)
                assert [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)] == \
                    [c.series.title for c in table]
                plot = screen.query_one("#chart", ChartPlot)
                for k in (0, 1):
                    chart = plot.chart
                    assert chart is not None and chart.series.title == table[k].series.title
                    assert (chart.quarters, chart.values) == (table[k].quarters, table[k].values)
                    assert (chart.series.lo, chart.series.hi) == (table[k].series.lo, table[k].series.hi)
                    await pilot.press("down")
                assert options.highlighted == 2
                await _play_a_turn(pilot, server, client)  # a new charts message: drawn, the cursor kept
                await until(pilot, lambda: plot.chart is not None and len(plot.chart.values) == 3, "the new turn drawn")
                assert options.highlighted == 2
                assert plot.chart.values == seat_charts(server.session, "aq")[2].values
                assert charts_from_payload(client.charts)[2].values == plot.chart.values
            await client.stop()
        finally:
            await server.close()

    run(main())


def test_a_cell_opens_its_objectives_charts_and_results_one_by_one_with_o_c_and_r(rulebook):
    server = exercise(rulebook)

    async def main() -> None:
        await server.start()
        try:
            app, client = await _seat_app(server, "aq")
            async with app.run_test(size=(120, 40)) as pilot:
                await until(pilot, lambda: type(app.screen).__name__ == "RemoteScreen", "the seat's screen")
                for key, screen in (("o", "RemoteObjectivesScreen"), ("c", "RemoteChartsScreen"),
                                    ("r", "RemoteWalkthroughScreen")):
                    await pilot.press(key)
                    await until(pilot, lambda screen=screen: type(app.screen).__name__ == screen, screen)
                    await pilot.press("escape")
                    await until(pilot, lambda: type(app.screen).__name__ == "RemoteScreen", "back on the seat")
                app.screen.query_one("#remote-say").focus()
                await pilot.press("o")  # while a message is written, o is a letter of it
                assert type(app.screen).__name__ == "RemoteScreen"
            await client.stop()
        finally:
            await server.close()

    run(main())
