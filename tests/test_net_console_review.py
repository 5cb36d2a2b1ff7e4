"""The White Cell's console between turns and over its seats (wargame.tui.white_console): the review
the server holds after each turn's resolution (n starts the next turn; an override only then), a
cell's screen saying it waits for it, a takeover given up leaving the console, and the revoke form
opening on the seat picked in the Seats tab. Driven with Textual's Pilot against the real server on
an ephemeral localhost port; every wait is for a condition, never for a while."""

from __future__ import annotations

import asyncio

from websockets.asyncio.client import connect

from tests.netcases import message as _message
from tests.netcases import recv_type as _recv_type
from tests.netcases import run as _run
from tests.netscreens import TIMEOUT, on_screen, shown
from tests.netscreens import console_app as _console
from tests.netscreens import exercise as _server
from tests.netscreens import notes as _notes
from tests.netscreens import until as _until
from wargame.net.client import Client
from wargame.net.server import WHITE

SIZE = (120, 40)
SMALL = (80, 24)


def _text(widget) -> str:
    return shown(widget.render())


async def _give_none(server, *seats: str) -> None:
    for seat in seats:
        cell = Client(f"ws://127.0.0.1:{server.port}", server.codes[seat])
        await cell.join()
        await cell.give_orders([])
        await cell.stop()


def test_after_a_turn_the_console_holds_a_review_n_starts_the_next_and_overrides_only_then(rulebook):
    from wargame.tui.screens.white_console_forms import OverrideForm

    server = _server(rulebook)

    async def main() -> None:
        async with on_screen(server, _console, size=SIZE) as (app, white, pilot):
            screen = app.screen
            line = screen.query_one("#wc-review")
            await pilot.pause()
            assert not line.display
            await pilot.press("o")  # no review: nothing to override, and it says when one can be
            await _until(pilot, lambda: any("overridden between turns, while the cells wait for n" in n
                                            for n in _notes(app)), "when an override is possible, said")
            assert app.screen is screen
            await _give_none(server, "is", "aq")
            await _until(pilot, lambda: line.display and "Turn 1 resolved" in _text(line), "the review line")
            assert "n starts turn 2 (the cells wait)" in _text(line) and server.review == 1
            await pilot.press("o")
            await _until(pilot, lambda: isinstance(app.screen, OverrideForm), "the override form")
            assert app.focused.id == "cancel"
            await pilot.press("escape")
            await pilot.press("n")
            await _until(pilot, lambda: server.review is None and server.session.state.phase == "orders",
                         "the next turn started")
            await _until(pilot, lambda: not line.display, "the review line gone")
            await pilot.press("ctrl+q")

    _run(main())


def test_a_cells_screen_says_it_waits_for_the_white_cell_to_start_the_next_turn(rulebook):
    from wargame.tui.remote import RemoteApp

    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            async with connect(f"ws://127.0.0.1:{server.port}") as ws:
                await ws.send(_message("join", code=server.codes[WHITE]))
                await _recv_type(ws, "welcome")
                client = Client(f"ws://127.0.0.1:{server.port}", server.codes["is"])
                await client.join()
                app = RemoteApp(client)
                async with app.run_test(size=SMALL) as pilot:
                    status = app.screen.query_one("#remote-status")
                    await pilot.press("g", "g")
                    await _give_none(server, "aq")
                    await _until(pilot, lambda: "waiting for the White Cell to start turn 2" in _text(status),
                                 "the wait said")
                    await ws.send(_message("next_turn"))
                    await _until(pilot, lambda: "awaiting you, AQ" in _text(status), "turn 2's orders awaited")
                    assert "waiting for the White Cell" not in _text(status)
                    await pilot.press("ctrl+q")
        finally:
            await server.close()

    _run(main())


def test_a_takeover_given_up_leaves_the_console(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            holder = Client(f"ws://127.0.0.1:{server.port}", server.codes["is"])
            await holder.join()
            task = asyncio.create_task(holder.run())
            app, white = await _console(server)
            async with app.run_test(size=SIZE) as pilot:
                status = app.screen.query_one("#wc-status")
                async with connect(f"ws://127.0.0.1:{server.port}") as second:
                    await second.send(_message("join", code=server.codes["is"]))
                    await _recv_type(second, "error")
                    await _until(pilot, lambda: "Takeover asked for: IS (a)" in _text(status), "the takeover shown")
                await _until(pilot, lambda: "Takeover asked for" not in _text(status), "the takeover gone")
                assert app.takeovers == [] and "is" in white.joined  # the seat's holder stayed
                await pilot.press("ctrl+q")
            await holder.stop()
            await asyncio.wait_for(task, TIMEOUT)
        finally:
            await server.close()

    _run(main())


def test_the_revoke_form_opens_on_the_seat_picked_in_a_sorted_seats_table(rulebook):
    from textual.widgets import DataTable

    from wargame.tui.screens.white_console_forms import RevokeForm

    server = _server(rulebook)

    async def main() -> None:
        async with on_screen(server, _console, size=SIZE) as (app, white, pilot):
            table = app.screen.query_one("#wc-seat-table", DataTable)
            await pilot.press("2")
            await _until(pilot, lambda: table.row_count == 5 and white.joined == [WHITE], "the seats")
            table.sort("Seat")  # AQ first: not the seats' order (IS first)
            table.move_cursor(row=0)
            await pilot.press("r")
            await _until(pilot, lambda: isinstance(app.screen, RevokeForm), "the revoke form")
            form = app.screen
            picked = form.query_one("#form-seat")
            assert form.seats[picked.highlighted] == "aq"
            await pilot.press("escape")
            await pilot.press("ctrl+q")

    _run(main())
