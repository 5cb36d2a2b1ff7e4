"""The White Cell's console in a networked exercise (wargame.tui.white_console), driven with Textual's
Pilot against the real server (wargame.net.server) on an ephemeral localhost port. Every wait is for
a condition (the screen or the server catching up), never for a while."""

from __future__ import annotations

import asyncio
import re

from websockets.asyncio.client import connect

from tests.netcases import message as _message
from tests.netcases import recv_type as _recv_type
from tests.netcases import run as _run
from tests.netscreens import TIMEOUT, on_screen, shown
from tests.netscreens import console_app as _console
from tests.netscreens import exercise as _server
from tests.netscreens import notes as _notes
from tests.netscreens import until as _until
from wargame.engine.board import flat_tracks
from wargame.net.client import Client
from wargame.net.server import WHITE, ExerciseServer

SIZE = (120, 40)


def _text(widget) -> str:
    return shown(widget.content)


async def _cell(server: ExerciseServer, seat: str) -> tuple[Client, asyncio.Task]:
    client = Client(f"ws://127.0.0.1:{server.port}", server.codes[seat])
    await client.join()
    return client, asyncio.create_task(client.run())


async def _stop(*pairs) -> None:
    for client, task in pairs:
        await client.stop()
        await asyncio.wait_for(task, TIMEOUT)


def test_the_white_cells_code_opens_its_console_with_the_whole_board_secrets_included(rulebook):
    from wargame.tui.white_console import WhiteConsoleScreen
    from wargame.tui.widgets.board import CellPanel, TheatreTable

    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            is_seat = await _cell(server, "is")
            is_sees = is_seat[0].view["tracks"]["aq_funds"]
            assert is_sees[0] < is_sees[1]  # to IS, al-Qaeda's funds are a range
            app, white = await _console(server)
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                screen = app.screen
                assert isinstance(screen, WhiteConsoleScreen)
                assert screen.query_one(TheatreTable).row_count == len(server.session.state.theatres)
                aq = _text(screen.query_one("#wc-cell-aq", CellPanel))
                truth = flat_tracks(server.session.state)["aq_funds"]
                assert re.search(r"AQ funds\s+(\S+)", aq).group(1) == str(truth), aq
                assert "est." not in aq
                assert "Offshoots" in _text(screen.query_one("#wc-offshoots"))
                await pilot.press("ctrl+q")
            await _stop(is_seat)
        finally:
            await server.close()

    _run(main())


def test_the_console_shows_who_is_connected_and_whose_orders_are_awaited_as_cells_give_them(rulebook):
    from textual.widgets import DataTable

    server = _server(rulebook)

    async def main() -> None:
        async with on_screen(server, _console, size=SIZE) as (app, white, pilot):
            screen = app.screen
            table = screen.query_one("#wc-seat-table", DataTable)

            def row(seat: str) -> list[str]:
                return [str(c) for c in table.get_row(seat)]

            await _until(pilot, lambda: white.joined == [WHITE] and table.row_count, "the White Cell alone")
            assert row("is")[1] == "no"
            is_seat = await _cell(server, "is")
            await _until(pilot, lambda: row("is")[1] == "yes", "IS shown connected")
            assert row("is")[2] == "awaited" and row("aq")[2] == "awaited"
            assert "awaited from IS, AQ" in _text(screen.query_one("#wc-turn"))

            await is_seat[0].give_orders([])
            await _until(pilot, lambda: row("is")[2] == "given", "IS's orders shown given")
            assert row("aq")[2] == "awaited"
            assert "awaited from AQ" in _text(screen.query_one("#wc-turn"))
            await _stop(is_seat)
            await _until(pilot, lambda: row("is")[1] == "no", "IS shown gone")
            await pilot.press("ctrl+q")

    _run(main())


def test_a_cells_message_shows_in_its_channel_and_the_white_cell_replies_on_its_own(rulebook):
    from textual.widgets import Input, RichLog

    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            is_seat = await _cell(server, "is")
            app, white = await _console(server)
            async with app.run_test(size=SIZE) as pilot:
                screen = app.screen
                log = screen.query_one("#wc-channel-log", RichLog)
                await pilot.press("3")
                assert screen.channel == "is-white"
                await is_seat[0].say("is-white", "may we talk to the governments?")
                await is_seat[0].say("is-aq", "a word in private")
                await _until(pilot, lambda: len(white.said) == 2, "both messages reach the White Cell")
                await _until(pilot, lambda: any("may we talk" in line.text for line in log.lines), "the message shown")
                assert not any("a word in private" in line.text for line in log.lines)  # another channel's

                reply = screen.query_one("#wc-reply", Input)
                reply.focus()
                await pilot.press(*"yes", "enter")
                await _until(pilot, lambda: any(m["from"] == WHITE for m in is_seat[0].said), "the reply reaches IS")
                said = next(m for m in is_seat[0].said if m["from"] == WHITE)
                assert (said["channel"], said["text"]) == ("is-white", "yes")

                # the cells' own channel: shown, but the White Cell does not speak on it
                screen.query_one("#wc-channel-list").focus()
                while screen.channel != "is-aq":
                    await pilot.press("down")
                await _until(pilot, lambda: any("a word in private" in line.text for line in log.lines), "is-aq shown")
                assert reply.disabled
                await pilot.press("ctrl+q")
            await _stop(is_seat)
        finally:
            await server.close()

    _run(main())


def test_pausing_from_the_console_pauses_the_game_and_a_time_limit_counts_down(rulebook):
    from wargame.tui.widgets.countdown import Countdown

    server = _server(rulebook)

    async def main() -> None:
        async with on_screen(server, _console, size=SIZE) as (app, white, pilot):
            screen = app.screen
            clock = screen.query_one("#wc-clock", Countdown)
            await pilot.pause()
            assert "no time limit" in _text(clock)
            await pilot.press("p")
            await _until(pilot, lambda: server.paused, "the server paused")
            await _until(pilot, lambda: "PAUSED" in _text(clock), "the console saying so")
            await pilot.press("p")
            await _until(pilot, lambda: not server.paused, "the server running again")

            await pilot.press("l")
            await pilot.press(*"2.5", "enter")
            await _until(pilot, lambda: server.time_limit == 150, "the server's time limit")
            await _until(pilot, lambda: "Time left 2:30" in _text(clock) or "Time left 2:29" in _text(clock),
                         "the countdown from 2:30")
            await _until(pilot, lambda: "Time left 2:2" in _text(clock), "the countdown a second on")

            # F1: the console's keys, its powers among them; F1 again closes the help
            await pilot.press("f1")
            help_text = app.screen.text()
            assert all(k in help_text for k in ("Revoke code", "Set track", "Channels tab", "Time limit")), help_text
            await pilot.press("f1")
            assert app.screen is screen
            await pilot.press("ctrl+q")

    _run(main())


def test_a_cells_screen_counts_down_the_time_limit_the_white_cell_sets(rulebook):
    from wargame.tui.remote import RemoteApp
    from wargame.tui.widgets.countdown import Countdown

    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            client = Client(f"ws://127.0.0.1:{server.port}", server.codes["is"])
            await client.join()
            app = RemoteApp(client)
            async with app.run_test(size=SIZE) as pilot:
                clock = app.screen.query_one("#remote-clock", Countdown)
                await pilot.pause()
                assert _text(clock).strip() == ""  # no limit: nothing shown
                async with connect(f"ws://127.0.0.1:{server.port}") as white:
                    await white.send(_message("join", code=server.codes[WHITE]))
                    await _recv_type(white, "welcome")
                    await white.send(_message("set_time_limit", seconds=600))
                    await _until(pilot, lambda: "Time left 10:00" in _text(clock) or "Time left 9:59" in _text(clock),
                                 "the cell's countdown")
                    await white.send(_message("pause"))
                    await _until(pilot, lambda: "PAUSED" in _text(clock), "the cell's screen paused")
                await pilot.press("ctrl+q")
        finally:
            await server.close()

    _run(main())


def test_a_revoke_shows_the_new_code_and_a_refusal_is_shown_in_words(rulebook):
    from textual.widgets import DataTable

    from wargame.net.protocol import Revoke
    from wargame.tui.screens.white_console_forms import RevokeForm

    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            old = server.codes["aq"]
            app, white = await _console(server)
            async with app.run_test(size=SIZE) as pilot:
                screen = app.screen
                table = screen.query_one("#wc-seat-table", DataTable)
                await pilot.press("2")
                await _until(pilot, lambda: table.row_count == 5, "the seats")
                table.focus()
                table.move_cursor(row=1)  # al-Qaeda's row
                await pilot.press("r")
                await _until(pilot, lambda: isinstance(app.screen, RevokeForm), "the revoke form")
                await pilot.press("tab", "enter")  # it opens on Cancel: Tab then Enter sends
                await _until(pilot, lambda: server.codes["aq"] != old, "the code revoked")
                new = server.codes["aq"]
                await _until(pilot, lambda: str(table.get_row("aq")[3]) == f"new: {new}", "the new code in the table")
                assert any(new in n for n in _notes(app))
                assert str(table.get_row("is")[3]) == "—"  # shown once, when the server started
                assert str(table.get_row("coalition")[3]) == "none: a bot"
                assert "shown once" in str(screen.query_one("#wc-seats-hint").render())

                # the coalition is a bot's seat: it has no code, and the form does not offer it
                table.move_cursor(row=2)
                await pilot.press("r")
                await _until(pilot, lambda: isinstance(app.screen, RevokeForm), "the revoke form")
                assert app.screen.seats == ["is", "aq", WHITE]
                await pilot.press("escape")

                # a refusal is shown in words
                await white.send(Revoke("coalition"))
                await _until(pilot, lambda: any("no seat 'coalition' with a code" in n for n in _notes(app)),
                             "the server's refusal shown")
                await pilot.press("ctrl+q")
        finally:
            await server.close()

    _run(main())


def test_a_takeover_asked_for_is_shown_and_approved_from_the_console(rulebook):
    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            is_seat = await _cell(server, "is")
            app, white = await _console(server)
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                async with connect(f"ws://127.0.0.1:{server.port}") as second:
                    await second.send(_message("join", code=server.codes["is"]))
                    await _recv_type(second, "error")
                    await _until(pilot, lambda: any("wants the IS seat" in n for n in _notes(app)), "the request shown")
                    await pilot.press("a")
                    await pilot.pause()
                    await pilot.press("enter")
                    assert (await _recv_type(second, "welcome"))["seat"] == "is"
                await pilot.press("ctrl+q")
            await is_seat[0].stop()
            is_seat[1].cancel()
        finally:
            await server.close()

    _run(main())


def test_a_track_set_and_a_card_injected_from_the_console_change_the_served_game(rulebook):
    from textual.widgets import Select

    from wargame.tui.screens.white_console_forms import InjectForm, TrackForm

    server = _server(rulebook)

    async def main() -> None:
        async with on_screen(server, _console, size=SIZE) as (app, white, pilot):
            await pilot.pause()
            await pilot.press("t")
            await _until(pilot, lambda: isinstance(app.screen, TrackForm), "the track form")
            app.screen.query_one("#form-target", Select).value = "is_funds"
            app.screen.query_one("#form-value").focus()
            await pilot.press("3", "enter")  # no justification yet: the form says so, nothing is sent
            await pilot.pause()
            assert isinstance(app.screen, TrackForm) and "Say why" in _text(app.screen.query_one("#form-error"))
            app.screen.query_one("#form-why").focus()
            await pilot.press(*"a donor dried up", "enter")
            await _until(pilot, lambda: flat_tracks(server.session.state)["is_funds"] == 3, "IS funds set")
            await _until(pilot, lambda: "IS funds" in _text(app.screen.query_one("#wc-cell-is"))
                         and re.search(r"IS funds\s+3\b", _text(app.screen.query_one("#wc-cell-is"))), "shown")

            played = len(server.session.game.steps)
            await pilot.press("i")
            await _until(pilot, lambda: isinstance(app.screen, InjectForm), "the inject form")
            app.screen.query_one("#form-note").focus()
            card = str(app.screen.query_one("#form-card", Select).value)
            await pilot.press(*"a test", "enter")
            await _until(pilot, lambda: len(server.session.game.steps) > played, "the card injected")
            injected = server.session.game.commands[-1]
            assert (injected.card, injected.note) == (card, "a test")
            await pilot.press("ctrl+q")

    _run(main())
