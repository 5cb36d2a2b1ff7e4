"""Channel marks: on the White Cell's console a dot means unread (cleared once the channel is
shown, never for its own messages); on a cell's screen a channel with a bot's seat says nobody reads
it. Driven with Textual's Pilot against the real server on an ephemeral localhost port; every wait
is for a condition, never for a while."""

from __future__ import annotations

from tests.netcases import run as _run
from tests.netscreens import console_app as _console
from tests.netscreens import exercise as _server
from tests.netscreens import on_screen
from tests.netscreens import seat_app as _seat_app
from tests.netscreens import until as _until
from wargame.net.client import Client

SIZE = (120, 40)
SMALL = (80, 24)


def test_the_consoles_dot_marks_unread_channels_and_goes_once_the_channel_is_shown(rulebook):
    from textual.widgets import OptionList

    server = _server(rulebook)

    async def main() -> None:
        async with on_screen(server, _console, size=SIZE) as (app, white, pilot):
            screen = app.screen
            channels = screen.query_one("#wc-channel-list", OptionList)

            def dotted(channel: str) -> bool:
                return "●" in str(channels.get_option(channel).prompt)

            await pilot.pause()
            is_seat = Client(f"ws://127.0.0.1:{server.port}", server.codes["is"])
            await is_seat.join()
            await is_seat.say("is-aq", "a word in private")
            await white.say("aq-white", "from the White Cell")
            await _until(pilot, lambda: len(white.said) == 2, "both said")
            await _until(pilot, lambda: dotted("is-aq"), "is-aq unread")
            assert not dotted("aq-white")  # its own message: read
            await pilot.press("3")  # the Channels tab shows is-white: is-aq stays unread
            await pilot.pause()
            assert screen.channel == "is-white" and dotted("is-aq")
            while screen.channel != "is-aq":
                await pilot.press("down")
            await _until(pilot, lambda: not dotted("is-aq"), "is-aq read once shown")
            assert "unread" in str(channels.border_title) and "unread" in screen.ABOUT
            await is_seat.stop()
            await pilot.press("ctrl+q")

    _run(main())


def test_a_cells_channel_with_a_bots_seat_says_nobody_reads_it(rulebook):
    from textual.widgets import Select

    server = _server(rulebook, humans=("is", "aq"))

    async def main() -> None:
        async with on_screen(server, _seat_app, size=SMALL) as (app, client, pilot):
            to = app.screen.query_one("#remote-to", Select)

            def labels() -> dict[str, str]:
                return {value: str(label) for label, value in app.screen.channel_labels}

            # from the first turn: the welcome names the cells bots play (AQ, not connected, is a person's)
            await _until(pilot, lambda: "nobody reads it" in labels()["is-coalition"], "the bot's channel marked")
            assert labels()["is-aq"] == "IS – AQ"
            assert labels()["is-governments"].endswith("(a bot: nobody reads it)")
            assert labels()["is-aq"] == "IS – AQ" and labels()["is-white"] == "IS – White Cell"
            assert to.value == "is-aq"  # the channel picked kept
            await pilot.press("ctrl+q")

    _run(main())
