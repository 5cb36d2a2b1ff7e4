"""A cell's own screen in a networked exercise (wargame.tui.screens.remote_seat) at a newcomer's
terminal, 80x24, driven with Textual's Pilot against the real server on an ephemeral localhost
port: where the keys go, the status line always in sight, orders shown given, a stand-in's orders
told in words, a revoked code asked for again. Every wait is for a condition, never for a while."""

from __future__ import annotations

from websockets.asyncio.client import connect

from tests.netcases import message as _message
from tests.netcases import recv_type as _recv_type
from tests.netcases import run as _run
from tests.netscreens import exercise as _server
from tests.netscreens import notes as _notes
from tests.netscreens import on_screen, shown
from tests.netscreens import seat_app as _seat_app
from tests.netscreens import until as _until
from wargame.net.client import Client
from wargame.net.server import WHITE, ExerciseServer

SMALL = (80, 24)


def _text(widget) -> str:
    return shown(widget.render())


def _log_text(log) -> str:
    """What a RichLog shows, its wrapped lines joined again."""
    return " ".join(" ".join(line.text for line in log.lines).split())


async def _white(server: ExerciseServer):
    ws = await connect(f"ws://127.0.0.1:{server.port}")
    await ws.send(_message("join", code=server.codes[WHITE]))
    await _recv_type(ws, "welcome")
    return ws


def _in_sight(screen, widget) -> bool:
    """On the screen's first lines, shown: not pushed off a small terminal."""
    return widget.display and widget.region.height >= 1 and widget.region.y <= 2 and widget.region.right <= screen.size.width


def test_a_cell_opens_on_its_orders_and_tab_moves_between_the_panes_the_focused_one_lit(rulebook):
    from textual.widgets import Label

    server = _server(rulebook)

    async def main() -> None:
        async with on_screen(server, _seat_app, size=SMALL) as (app, client, pilot):
            screen = app.screen
            await _until(pilot, lambda: app.focused is not None, "a focus")
            assert app.focused.id == "remote-orders"
            pane = screen.query_one("#remote-orders-pane")
            assert pane.has_pseudo_class("focus-within")
            title = pane.query_one(Label)
            lit = title.styles.background
            await pilot.press("enter")  # Enter adds the highlighted order at once
            assert len(client.draft) == 1

            seen = [app.focused.id]
            for _ in range(6):
                await pilot.press("tab")
                seen.append(app.focused.id)
            assert {"remote-results", "remote-channel", "remote-say"} <= set(seen), seen
            assert not pane.has_pseudo_class("focus-within")
            await _until(pilot, lambda: title.styles.background != lit, "the title no longer lit")
            while app.focused.id != "remote-orders":
                await pilot.press("shift+tab")
            await _until(pilot, lambda: title.styles.background == lit, "the title lit again")
            await pilot.press("ctrl+q")

    _run(main())


def test_while_a_message_is_typed_no_letter_is_a_command_and_escape_leaves_the_box(rulebook):
    from textual.widgets import Input, Label

    from wargame.tui.remote import ConfirmGiveScreen, RemoteScreen

    server = _server(rulebook)

    async def main() -> None:
        async with on_screen(server, _seat_app, size=SMALL) as (app, client, pilot):
            screen = app.screen
            await pilot.pause()
            await pilot.press("m")  # Message: to the box
            box = screen.query_one("#remote-say", Input)
            assert app.focused is box
            await _until(pilot, lambda: "Typing here" in _text(screen.query_one("#remote-channel-title", Label)),
                         "the pane saying keys are text now")
            await pilot.press("g", "question_mark", "x", "m")
            assert box.value == "g?xm" and app.screen is screen and isinstance(app.screen, RemoteScreen)
            assert not client.draft
            await pilot.press("escape")
            assert app.focused.id == "remote-orders" and box.value == "g?xm"
            await pilot.press("g")  # out of the box, g gives again
            await _until(pilot, lambda: isinstance(app.screen, ConfirmGiveScreen), "the confirmation")
            await pilot.press("escape")
            await pilot.press("ctrl+q")

    _run(main())


def test_at_80x24_the_top_line_shows_the_turn_the_time_left_the_pause_and_whose_orders_are_awaited(rulebook):
    from wargame.tui.widgets.countdown import Countdown

    server = _server(rulebook)

    async def main() -> None:
        async with on_screen(server, _seat_app, size=SMALL) as (app, client, pilot):
            screen = app.screen
            status, clock = screen.query_one("#remote-status"), screen.query_one("#remote-clock", Countdown)
            await _until(pilot, lambda: "awaiting you, AQ" in _text(status), "whose orders are awaited")
            assert "Turn 1/" in _text(status) and _in_sight(screen, status)
            white = await _white(server)
            await white.send(_message("set_time_limit", seconds=600))
            await _until(pilot, lambda: "Time left" in _text(clock), "the time left")
            await _until(pilot, lambda: _in_sight(screen, clock), "the clock in sight")
            await white.send(_message("pause"))  # seen without trying to give orders
            await _until(pilot, lambda: "PAUSED" in _text(clock), "the pause")
            await _until(pilot, lambda: _in_sight(screen, clock), "the clock in sight")
            await white.close()
            await pilot.press("ctrl+q")

    _run(main())


def test_a_lost_connection_shows_on_the_top_line_and_orders_given_meanwhile_are_said_to_wait(rulebook):
    from wargame.tui.widgets.countdown import Countdown

    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            # the client waits long before joining again: the screen is seen while the connection is down
            app, client = await _seat_app(server, backoff=(60.0,))
            async with app.run_test(size=SMALL) as pilot:
                screen = app.screen
                white = await _white(server)
                await white.send(_message("set_time_limit", seconds=600))
                clock = screen.query_one("#remote-clock", Countdown)
                await _until(pilot, lambda: "Time left" in _text(clock), "the time left")
                await white.close()
                await server.connections["is"].close()
                status = screen.query_one("#remote-status")
                await _until(pilot, lambda: "connection lost: joining again" in _text(status), "the drop shown")
                assert _in_sight(screen, status) and "online" not in _text(status)
                await _until(pilot, lambda: "(server unreachable)" in _text(clock), "the countdown marked")
                await pilot.press("g", "g")
                await _until(pilot, lambda: any("Not connected: your orders will be sent when the connection is back"
                                                in n for n in _notes(app)), "the orders said to wait")
                await pilot.press("ctrl+q")
        finally:
            await server.close()

    _run(main())


def test_a_cells_orders_show_given_as_soon_as_the_server_takes_them(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        async with on_screen(server, _seat_app, size=SMALL) as (app, client, pilot):
            draft = app.screen.query_one("#remote-draft")
            await pilot.pause()
            assert "not given yet" in _text(draft)
            await pilot.press("enter", "g", "g")  # an order, given (confirmed); AQ's are still awaited
            await _until(pilot, lambda: "is" in server.session.game.pending, "the server has them")
            await _until(pilot, lambda: "given" in _text(draft) and "not given" not in _text(draft), "shown given")
            await pilot.press("x")  # changed after giving: says so
            await _until(pilot, lambda: "changed since given" in _text(draft), "shown changed")
            await pilot.press("ctrl+q")

    _run(main())


def test_the_last_cell_to_give_its_orders_is_not_told_a_stand_in_gave_them(rulebook):
    server = _server(rulebook, humans=("is",))

    async def main() -> None:
        async with on_screen(server, _seat_app, size=SMALL) as (app, client, pilot):
            await pilot.pause()
            await pilot.press("g", "g")  # no orders; the bots' are in: the turn resolves at once
            await _until(pilot, lambda: (client.view or {}).get("turn") == 2 and client.results, "the turn resolved")
            await pilot.pause()
            assert not any("stand-in" in n for n in _notes(app)), _notes(app)
            await pilot.press("ctrl+q")

    _run(main())


def test_when_time_is_up_a_cell_is_told_in_words_which_orders_a_stand_in_bot_gave(rulebook):
    from textual.widgets import RichLog

    server = _server(rulebook, humans=("is",), min_time_limit=0.5)

    async def main() -> None:
        async with on_screen(server, _seat_app, size=SMALL) as (app, client, pilot):
            white = await _white(server)
            await white.send(_message("set_time_limit", seconds=1))
            await _until(pilot, lambda: (client.view or {}).get("turn") == 2, "the turn played by the stand-in")
            await white.send(_message("set_time_limit", seconds=0))  # the next turn waits for the cell
            await _until(pilot, lambda: any(n.startswith("Time was up: your orders were given by a stand-in bot")
                                            for n in _notes(app)), "the cell told")
            told = next(n for n in _notes(app) if n.startswith("Time was up"))
            given = [r for r in client.results if r.get("kind") == "order" and r.get("cell") == "is"]
            assert all(r["title"] in told for r in given) and (given or "no orders" in told), told
            log = app.screen.query_one("#remote-results", RichLog)
            await _until(pilot, lambda: "your orders were given by a stand-in bot" in _log_text(log), "in the results")
            await pilot.pause()
            assert log.max_scroll_y > 0 and log.scroll_y == 0  # read from the top: the stand-in's orders first
            await white.close()
            await pilot.press("ctrl+q")

    _run(main())


def test_a_cell_whose_code_is_revoked_is_asked_for_the_new_one_and_joins_with_it(rulebook):
    from wargame.tui.remote import CodeScreen, RemoteScreen

    server = _server(rulebook)

    async def main() -> None:
        async with on_screen(server, _seat_app, "aq", size=SMALL) as (app, client, pilot):
            await pilot.press("g", "g")  # no orders this turn, given before the revoke
            await _until(pilot, lambda: "aq" in server.session.game.pending, "AQ's orders taken")
            white = await _white(server)
            await white.send(_message("revoke", seat="aq"))
            new = (await _recv_type(white, "code"))["code"]
            await _until(pilot, lambda: isinstance(app.screen, CodeScreen), "the code screen")
            assert "revoked this seat's code" in _text(app.screen.query_one("#code-why"))
            await pilot.press(*new, "enter")
            await _until(pilot, lambda: isinstance(app.screen, RemoteScreen), "the seat's screen again")
            assert app.client.seat == "aq" and not app.goodbye
            draft = app.screen.query_one("#remote-draft")
            await _until(pilot, lambda: "given" in _text(draft) and "not given" not in _text(draft),
                         "the orders given before shown given")
            await white.close()
            await pilot.press("ctrl+q")

    _run(main())


def test_channels_and_results_are_named_in_words_and_track_names_are_not_cut_at_80_columns(rulebook):
    from textual.widgets import RichLog, Select

    server = _server(rulebook)

    async def main() -> None:
        async with on_screen(server, _seat_app, size=SMALL) as (app, client, pilot):
            screen = app.screen
            await pilot.pause()
            to = screen.query_one("#remote-to", Select)
            assert [str(label) for label, _ in to._options][:2] == ["IS – AQ", "IS – Coalition (a bot: nobody reads it)"]
            aq = Client(f"ws://127.0.0.1:{server.port}", server.codes["aq"])
            await aq.join()
            await aq.say("is-aq", "shall we talk?")
            log = screen.query_one("#remote-channel", RichLog)
            await _until(pilot, lambda: "[IS – AQ] AQ: shall we talk?" in _log_text(log), "said")
            assert log.can_focus and log.size.height >= 5  # room to read, and focusable to scroll back
            panel = screen.query_one("#remote-cell-is")
            shown = "\n".join(strip.text for strip in panel.render_lines(panel.region.reset_offset))
            assert "…" not in shown and "IS fighters" in " ".join(shown.split()), shown
            await aq.stop()
            await pilot.press("ctrl+q")

    _run(main())
