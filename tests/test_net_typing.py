"""Typing outside the message box (wargame.tui.screens.remote_parts): a newcomer who starts a
sentence anywhere on a cell's screen or the White Cell's console writes it in the message box, not
a command a letter at a time; and the requests that cannot be undone open on their Back/Cancel
button, so a stray Enter does nothing. Driven with Textual's Pilot against the real server on an
ephemeral localhost port; every wait is for a condition, never for a while."""

from __future__ import annotations

from tests.netcases import run as _run
from tests.netscreens import console_app as _console
from tests.netscreens import exercise as _server
from tests.netscreens import notes as _notes
from tests.netscreens import on_screen
from tests.netscreens import until as _until
from wargame.net.client import Client

SMALL = (80, 24)
SIZE = (120, 40)


def test_a_sentence_typed_outside_the_box_on_a_cells_screen_is_sent_as_a_message_not_orders(rulebook):
    from textual.widgets import Input

    from wargame.tui.remote import ConfirmGiveScreen, RemoteApp, RemoteScreen

    server = _server(rulebook)

    async def main() -> None:
        await server.start()
        try:
            client = Client(f"ws://127.0.0.1:{server.port}", server.codes["aq"])
            await client.join()
            app = RemoteApp(client)
            async with app.run_test(size=SMALL) as pilot:
                screen = app.screen
                await _until(pilot, lambda: app.focused is not None and app.focused.id == "remote-orders", "the orders")
                await pilot.press(*"sounds good")  # s is no command: the box from the first letter on
                box = screen.query_one("#remote-say", Input)
                assert app.focused is box and box.value == "sounds good"
                assert isinstance(app.screen, RemoteScreen) and not client.draft
                await pilot.press("enter")
                await _until(pilot, lambda: any(m["text"] == "sounds good" for m in client.said), "the message said")
                assert "aq" not in server.session.game.pending  # no orders given

                # g is a command outside the box: its dialog opens on Keep choosing, so Enter gives nothing
                await pilot.press("escape", "g")
                await _until(pilot, lambda: isinstance(app.screen, ConfirmGiveScreen), "the confirmation")
                assert app.focused.id == "cancel"
                await pilot.press("enter")
                await _until(pilot, lambda: app.screen is screen, "back to choosing")
                await pilot.press("g")
                await _until(pilot, lambda: isinstance(app.screen, ConfirmGiveScreen), "the confirmation again")
                await pilot.press("tab", "enter")  # Tab to Give, then Enter: given
                await _until(pilot, lambda: "aq" in server.session.game.pending, "AQ's orders given")
                await pilot.press("ctrl+q")
        finally:
            await server.close()

    _run(main())


def test_hello_typed_on_the_console_is_a_reply_and_the_irreversible_forms_open_on_cancel(rulebook):
    from textual.widgets import Button, Input

    from wargame.tui.screens.white_console_forms import EndOrdersForm, OverrideForm, RevokeForm

    server = _server(rulebook)

    async def main() -> None:
        async with on_screen(server, _console, size=SIZE) as (app, white, pilot):
            screen = app.screen
            await pilot.pause()
            await pilot.press(*"hello")  # h is no power: e, l and o are typed too
            reply = screen.query_one("#wc-reply", Input)
            assert app.focused is reply and reply.value == "hello" and app.screen is screen
            assert screen.query_one("#wc-tabs").active == "wc-channels" and screen.channel == "is-white"
            await pilot.press("enter")
            await _until(pilot, lambda: any(m["text"] == "hello" for m in white.said), "the reply said")

            await pilot.press("escape", "e")  # out of the box, e ends a cell's orders: but not on Enter
            await _until(pilot, lambda: isinstance(app.screen, EndOrdersForm), "the end-orders form")
            assert isinstance(app.focused, Button) and app.focused.id == "cancel"
            await pilot.press("enter")
            await _until(pilot, lambda: app.screen is screen, "the form closed")
            await pilot.press("r")
            await _until(pilot, lambda: isinstance(app.screen, RevokeForm), "the revoke form")
            assert app.focused.id == "cancel"
            await pilot.press("enter")
            await _until(pilot, lambda: app.screen is screen, "the form closed")
            assert OverrideForm.CAREFUL
            # the server has had nothing from either form: a pause sent now is the next thing it takes
            await pilot.press("p")
            await _until(pilot, lambda: server.paused, "the pause")
            await _until(pilot, lambda: any("p again resumes" in n for n in _notes(app)), "how to resume, said")
            assert set(white.awaiting) == {"is", "aq"} and not white.errors
            assert all(v.state.name == "OPEN" for v in server.connections.values())
            await pilot.press("ctrl+q")

    _run(main())
