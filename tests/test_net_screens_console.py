"""The White Cell's console (wargame.tui.white_console) as a newcomer meets it at 120x40, driven
with Textual's Pilot against the real server on an ephemeral localhost port: the message box
reached and left by keys, Tab in the forms, the time limit's least value, results named by their
titles, an outage shown as such. Every wait is for a condition, never for a while."""

from __future__ import annotations

import re

from tests.netcases import run as _run
from tests.netscreens import console_app as _console
from tests.netscreens import exercise as _server
from tests.netscreens import on_screen, shown
from tests.netscreens import until as _until
from wargame.net.client import Client
from wargame.net.server import WHITE

SIZE = (120, 40)


def _text(widget) -> str:
    return shown(widget.render())


def test_m_reaches_the_white_cells_message_box_letters_typed_there_are_text_and_escape_leaves_it(rulebook):
    from textual.widgets import Input

    from wargame.tui.screens.white_console_forms import TimeLimitForm

    server = _server(rulebook)

    async def main() -> None:
        async with on_screen(server, _console, size=SIZE) as (app, white, pilot):
            screen = app.screen
            await pilot.pause()
            await pilot.press("m")
            reply = screen.query_one("#wc-reply", Input)
            assert app.focused is reply and screen.query_one("#wc-tabs").active == "wc-channels"
            await pilot.press(*"lip", "2")
            assert reply.value == "lip2" and app.screen is screen and not server.paused
            await pilot.press("escape")
            assert app.focused.id == "wc-channel-list"
            await pilot.press("l")  # out of the box, l is the time limit again
            await _until(pilot, lambda: isinstance(app.screen, TimeLimitForm), "the time limit form")
            await pilot.press("escape")
            await pilot.press("ctrl+q")

    _run(main())


def test_tab_moves_between_a_forms_fields_and_a_limit_under_half_a_minute_is_refused_by_the_form(rulebook):
    from wargame.tui.screens.white_console_forms import TimeLimitForm, TrackForm

    server = _server(rulebook)

    async def main() -> None:
        async with on_screen(server, _console, size=SIZE) as (app, white, pilot):
            await pilot.pause()
            await pilot.press("t")
            await _until(pilot, lambda: isinstance(app.screen, TrackForm), "the track form")
            seen = [app.focused.id]
            for _ in range(3):
                await pilot.press("tab")
                seen.append(app.focused.id)
            assert seen == ["form-target", "form-value", "form-why", "form-secret"], seen
            await pilot.press("shift+tab")
            assert app.focused.id == "form-why"
            await pilot.press("escape")

            await pilot.press("l")
            await _until(pilot, lambda: isinstance(app.screen, TimeLimitForm), "the time limit form")
            assert "at least half a minute (0 for no limit)" in _text(app.screen.query_one(".white-hint"))
            await pilot.press(*"0.2", "enter")
            await pilot.pause()
            assert isinstance(app.screen, TimeLimitForm) and server.time_limit is None
            assert "at least half a minute" in _text(app.screen.query_one("#form-error"))
            await pilot.press("backspace", "backspace", "backspace", *"0.5", "enter")
            await _until(pilot, lambda: server.time_limit == 30, "half a minute taken")
            await pilot.press("ctrl+q")

    _run(main())


def test_the_results_tab_names_orders_rules_and_theatres_by_their_titles_never_their_ids(rulebook):
    from textual.widgets import RichLog

    server = _server(rulebook)

    async def main() -> None:
        async with on_screen(server, _console, size=SIZE) as (app, white, pilot):
            for seat in ("is", "aq"):
                cell = Client(f"ws://127.0.0.1:{server.port}", server.codes[seat])
                await cell.join()
                await cell.give_orders([])
                await cell.stop()
            await _until(pilot, lambda: (white.view or {}).get("turn") == 2 and white.results, "the turn resolved")
            await pilot.press("4")
            log = app.screen.query_one("#wc-result-log", RichLog)
            await _until(pilot, lambda: len(log.lines) > 3, "the results shown")
            await pilot.pause()
            shown = " ".join(" ".join(line.text for line in log.lines).split())
            ids = {str(r["ref"]) for r in white.results} | {str(r["theatre"]) for r in white.results if r["theatre"]}
            leaked = [i for i in ids if re.search(rf"(?<![\w.-]){re.escape(i)}(?![\w.-])", shown)]
            assert not leaked, leaked
            assert "(odds " in shown and any(f" in {t['title']}" in shown for t in white.view["theatres"])
            await pilot.press("ctrl+q")

    _run(main())


def test_while_the_server_is_unreachable_the_console_says_so_instead_of_who_was_connected(rulebook):
    from wargame.tui.widgets.countdown import Countdown

    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            app, white = await _console(server, backoff=(60.0,))  # not back before the screen is seen
            async with app.run_test(size=SIZE) as pilot:
                screen = app.screen
                status = screen.query_one("#wc-status")
                await _until(pilot, lambda: "Connected: White Cell" in _text(status), "connected")
                await server.connections[WHITE].close()
                await _until(pilot, lambda: "connection lost" in _text(status), "the outage shown")
                assert "Connected" not in _text(status)
                clock = screen.query_one("#wc-clock", Countdown)
                await _until(pilot, lambda: "(server unreachable)" in _text(clock), "the countdown marked")
                await pilot.press("ctrl+q")
        finally:
            await server.close()

    _run(main())


def test_the_white_cell_revoking_its_own_code_stays_on_its_console_with_the_new_one(rulebook):
    from textual.widgets import DataTable

    from wargame.tui.white_console import WhiteConsoleScreen

    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            old = server.codes[WHITE]
            app, white = await _console(server)
            async with app.run_test(size=SIZE) as pilot:
                screen = app.screen
                table = screen.query_one("#wc-seat-table", DataTable)
                await pilot.press("2")
                await _until(pilot, lambda: table.row_count == 5, "the seats")
                table.move_cursor(row=4)  # the White Cell's own row, last
                await pilot.press("r", "tab", "enter")
                await _until(pilot, lambda: server.codes[WHITE] != old, "the code revoked")
                await _until(pilot, lambda: white.code == server.codes[WHITE], "the console keeping the new code")
                await server.connections[WHITE].close()  # a drop: it joins again, with the new code
                await _until(pilot, lambda: white.reconnects == 1 and white.ws is not None, "joined again")
                assert white.code == server.codes[WHITE] and app.screen is screen
                assert isinstance(screen, WhiteConsoleScreen) and not app.goodbye
                await pilot.press("ctrl+q")
        finally:
            await server.close()

    _run(main())
